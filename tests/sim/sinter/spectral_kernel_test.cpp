// The semi-implicit spectral kernel (spectral_kernel.h): invariants and agreement with the
// explicit kernel.
#include "kyoso/sim/sinter/spectral_kernel.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kyoso/sim/sinter/observables.h"
#include "kyoso/sim/sinter/structures.h"
#include "sim/sinter/test_model.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

StepModel Model() { return testing::TestModel(); }

State TwoParticles() {
  Grid g{.dims = 2, .n = {48, 32, 1}, .dx = 1.0};
  const std::vector<Particle> p =
      MakeParticles({.kind = StructureKind::kTwoParticles, .radius = 8.0}, g, "/structure");
  State state = MakeState(g, 2);
  FillState(p, {0, 1}, 2.0, false, state);
  return state;
}

// Invariant: the k = 0 mode is never touched, so ∫ρ is conserved to round-off (1e-13).
// The step is 10× the explicit limit (the point of the implicit treatment) and F still falls.
TEST(SpectralKernel, ConservesMassAndDecreasesEnergyAtTenTimesExplicitStep) {
  State state = TwoParticles();
  const StepModel model = Model();
  const double dt = 10.0 * FdStableStep(state.grid, model);
  SpectralKernel kernel(state.grid, 2, 1);
  const double m0 = Mass(state);
  double f_prev = FreeEnergy(state, model.coefficients);
  for (int step = 0; step < 100; ++step) {
    kernel.Step(state, model, dt, nullptr);
    if (step % 10 == 9) {
      const double f = FreeEnergy(state, model.coefficients);
      EXPECT_LE(f, f_prev * (1.0 + 1e-9)) << "step " << step;
      f_prev = f;
    }
  }
  ExpectClose(Mass(state), m0, 1e-13);
}

// Cross-check against the explicit kernel: after t = 10 from the same two-particle state the
// fields agree to within 0.1 in max norm (the difference is the O(dx²) FD error on an interface a
// few cells wide plus the O(dt) splitting error; tolerance 2× above the observed value).
TEST(SpectralKernel, AgreesWithFiniteDifferencesOnSmallGrid) {
  State a = TwoParticles();
  State b = a;
  const StepModel model = Model();
  const double dt = 0.8 * FdStableStep(a.grid, model);
  const int steps = static_cast<int>(10.0 / dt);
  FdKernel fd(a.grid, 2, 1);
  SpectralKernel sp(b.grid, 2, 1);
  for (int step = 0; step < steps; ++step) {
    fd.Step(a, model, dt, nullptr);
    sp.Step(b, model, dt, nullptr);
  }
  double diff = 0.0;
  for (std::size_t c = 0; c < a.rho.size(); ++c)
    diff = std::max(diff, std::fabs(a.rho[c] - b.rho[c]));
  EXPECT_LT(diff, 0.1);  // observed 0.051
}

}  // namespace
}  // namespace kyoso::sim::sinter
