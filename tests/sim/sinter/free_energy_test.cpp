// Oracle tests of the Wang free energy and the Biswas mapping (free_energy.h).
#include "kyoso/sim/sinter/free_energy.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

// Issue 6 oracle at A = 2, B = 3, ρ = 0.95, η = (0.3, 0.15, 0.47, 0), given to 5-6 significant
// digits; tolerance 5e-6 relative (half a unit in the last given digit).
TEST(FreeEnergy, MatchesIssueOracleValues) {
  const Coefficients c{.a = 2.0, .b = 3.0, .kappa_rho = 1.0, .kappa_eta = 1.0};
  const std::array<double, 4> eta{0.3, 0.15, 0.47, 0.0};
  ExpectClose(FreeEnergyDensity(c, 0.95, eta), 2.32158, 5e-6);
  ExpectClose(DfDrho(c, 0.95, eta), 1.13818, 5e-6);
  std::array<double, 4> d{};
  DfDeta(c, 0.95, eta, d);
  ExpectClose(d[0], 0.73872, 5e-6);
  ExpectClose(d[1], 1.21986, 5e-6);
  ExpectClose(d[2], -1.86289, 5e-6);
  ExpectClose(d[3], 0.0, 0.0, 1e-15);
  ExpectClose(D2fDrho2(c, 0.95), 8.86, 5e-6);
}

// Every analytic derivative against central differences (h = 1e-6, tolerance 1e-7 relative).
TEST(FreeEnergy, DerivativesMatchCentralDifferences) {
  const Coefficients c{.a = 16.0, .b = 1.0, .kappa_rho = 1.0, .kappa_eta = 1.0};
  const double h = 1e-6;
  for (double rho : {0.05, 0.4, 0.8, 1.02}) {
    std::vector<double> eta{0.7, 0.2, 0.05};
    std::vector<double> up = eta;
    const double fd_rho =
        (FreeEnergyDensity(c, rho + h, eta) - FreeEnergyDensity(c, rho - h, eta)) / (2 * h);
    ExpectClose(DfDrho(c, rho, eta), fd_rho, 1e-7, 1e-8);
    const double fd_rho2 = (DfDrho(c, rho + h, eta) - DfDrho(c, rho - h, eta)) / (2 * h);
    ExpectClose(D2fDrho2(c, rho), fd_rho2, 1e-7, 1e-8);
    std::vector<double> d(eta.size());
    DfDeta(c, rho, eta, d);
    for (std::size_t i = 0; i < eta.size(); ++i) {
      std::vector<double> p = eta;
      std::vector<double> m = eta;
      p[i] += h;
      m[i] -= h;
      ExpectClose(d[i], (FreeEnergyDensity(c, rho, p) - FreeEnergyDensity(c, rho, m)) / (2 * h),
                  1e-7, 1e-8);
    }
  }
}

// Minima: the pore (ρ = 0, η = 0) and a grain (ρ = 1, one η = 1) have zero slope; f(grain) = 0
// because B(1 − 4 + 3) = 0 and A·0 = 0.
TEST(FreeEnergy, PoreAndGrainAreStationary) {
  const Coefficients c{.a = 16.0, .b = 1.0, .kappa_rho = 1.0, .kappa_eta = 1.0};
  const std::vector<double> pore{0.0, 0.0};
  const std::vector<double> grain{1.0, 0.0};
  std::vector<double> d(2);
  ExpectClose(DfDrho(c, 0.0, pore), 0.0, 0.0, 1e-15);
  ExpectClose(DfDrho(c, 1.0, grain), 0.0, 0.0, 1e-15);
  ExpectClose(FreeEnergyDensity(c, 1.0, grain), 0.0, 0.0, 1e-15);
  DfDeta(c, 1.0, grain, d);
  ExpectClose(d[0], 0.0, 0.0, 1e-15);
  ExpectClose(d[1], 0.0, 0.0, 1e-15);
}

// Biswas et al. 2018, Eqs. 8-11 with γ_s = 1, γ_gb = 0.5 J/m², δ = 2 m (exact arithmetic).
TEST(FreeEnergy, BiswasMappingFromInterfaceEnergies) {
  const Coefficients c = FromInterfaceEnergies(1.0, 0.5, 2.0);
  ExpectClose(c.kappa_rho, 0.75 * 1.5 * 2.0, 1e-15);
  ExpectClose(c.kappa_eta, 0.75 * 0.5 * 2.0, 1e-15);
  ExpectClose(c.a, (12.0 - 3.5) / 2.0, 1e-15);
  ExpectClose(c.b, 0.25, 1e-15);
}

// M = M_vol φ + M_vap(1−φ) + M_surf 4ρ²(1−ρ)² + M_gb Σ_{i≠j}η_iη_j at hand-computed points.
TEST(Mobility, InterpolatesBetweenPathsAsDefined) {
  const Mobility m{.volume = 1.0, .vapor = 0.1, .surface = 8.0, .grain_boundary = 2.0};
  ExpectClose(MobilityAt(m, 1.0, 1.0, 1.0), 1.0, 1e-15);  // bulk grain: φ = 1
  ExpectClose(MobilityAt(m, 0.0, 0.0, 0.0), 0.1, 1e-15);  // pore
  // ρ = ½: φ = ½, surface term 8·4·(1/16) = 2; η = (½, ½): Σ_{i≠j} = 2·¼ = ½ → 1.
  ExpectClose(MobilityAt(m, 0.5, 1.0, 0.5), 0.5 + 0.05 + 2.0 + 1.0, 1e-14);
}

TEST(Arrhenius, FollowsExponentialLaw) {
  // D0 exp(−Q/RT) with Q = R·T gives D0/e.
  ExpectClose(Arrhenius(2.0, 8.314462618 * 1000.0, 1000.0), 2.0 / std::exp(1.0), 1e-14);
}

}  // namespace
}  // namespace kyoso::sim::sinter
