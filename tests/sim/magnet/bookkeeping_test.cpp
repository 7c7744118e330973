// Energy and flux bookkeeping of a solved state (sim/magnet): fields at probes and the inductance
// matrix come from different kernels and code paths, so these identities tie them together.
#include <gtest/gtest.h>

#include <cmath>

#include "kyoso/sim/magnet/detail/model.h"
#include "kyoso/sim/magnet/magnet.h"
#include "sim/magnet/test_specs.h"
#include "support/expect_close.h"

namespace kyoso::sim::magnet {
namespace {

using kyoso::testing::ExpectClose;

TEST(Bookkeeping, FluxThroughALoopEqualsTheIntegralOfTheFieldProfile) {
  // Stokes: 2 pi R A_phi(R, z) = int_0^R Bz(r, z) 2 pi r dr for the trapped state, with the
  // left side from the cell fluxes of the solved J map and the right side from a 401-point line
  // probe (Simpson). Tolerance 1e-5 (Simpson on the 0.5 mm-above-surface profile).
  Spec spec = testing::StackedPair(8, 3, 50, 0);
  const double z = 0.0065, radius = 0.02;
  spec.probes.push_back({"profile", ProbeKind::kLine, 0, z, 0, radius, 401});
  const Result result = magnet::Run(spec, Options{});
  const Snapshot& s = result.final_state;
  double flux_cells = 0;
  for (std::size_t c = 0; c < result.cells.size(); ++c) {
    flux_cells += s.j_a_per_m2[c] * detail::CellFlux(detail::ToRect(result.cells[c]), radius, z,
                                                     detail::Quadrature{});
  }
  flux_cells += detail::kPi * radius * radius * s.applied_field_t;
  const Snapshot::Profile& profile = s.profiles[0];
  const std::size_t num = profile.r_m.size();
  const double h = radius / (num - 1);
  double flux_profile = 0;
  for (std::size_t k = 0; k < num; ++k) {
    const double weight = (k == 0 || k + 1 == num) ? 1 : (k % 2 == 1 ? 4 : 2);
    flux_profile += weight * 2 * detail::kPi * profile.r_m[k] * profile.bz_t[k];
  }
  flux_profile *= h / 3;
  ExpectClose(flux_cells, flux_profile, 1e-5);
}

TEST(Bookkeeping, MagneticEnergyDecaysDuringTheHold) {
  // During a hold (dBa/dt = 0) the only power is dissipation J E >= 0, so the magnetic energy
  // J^T L J / 2 of the currents (full, unreduced L) decreases monotonically: end of ramp > final,
  // and both are positive.
  const Spec spec = testing::StackedPair(6, 2, 30, 300);
  const Result result = magnet::Run(spec, Options{});
  const detail::System system =
      detail::Assemble(detail::BuildMesh(spec, false), false, detail::Quadrature{});
  auto energy = [&](const Snapshot& s) {
    const Eigen::Map<const Eigen::VectorXd> j(s.j_a_per_m2.data(),
                                              static_cast<Eigen::Index>(s.j_a_per_m2.size()));
    return 0.5 * j.dot(system.l * j);
  };
  const double e_ramp = energy(*result.end_of_ramp), e_final = energy(result.final_state);
  EXPECT_GT(e_final, 0);
  EXPECT_LT(e_final, e_ramp);
}

}  // namespace
}  // namespace kyoso::sim::magnet
