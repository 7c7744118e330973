// The Wang (2006) free energy and mobility; see free_energy.h and docs/methods/sinter.md.
#include "kyoso/sim/sinter/free_energy.h"

#include <algorithm>
#include <cmath>

namespace kyoso::sim::sinter {

Coefficients FromInterfaceEnergies(double gamma_s, double gamma_gb, double delta) {
  return {.a = (12.0 * gamma_s - 7.0 * gamma_gb) / delta,
          .b = gamma_gb / delta,
          .kappa_rho = 0.75 * (2.0 * gamma_s - gamma_gb) * delta,
          .kappa_eta = 0.75 * gamma_gb * delta};
}

namespace {
void Sums(std::span<const double> eta, double& s2, double& s3) {
  s2 = 0.0;
  s3 = 0.0;
  for (double e : eta) {
    s2 += e * e;
    s3 += e * e * e;
  }
}
}  // namespace

double FreeEnergyDensity(const Coefficients& c, double rho, std::span<const double> eta) {
  double s2 = 0.0;
  double s3 = 0.0;
  Sums(eta, s2, s3);
  return c.a * rho * rho * (1.0 - rho) * (1.0 - rho) +
         c.b * (rho * rho + 6.0 * (1.0 - rho) * s2 - 4.0 * (2.0 - rho) * s3 + 3.0 * s2 * s2);
}

double DfDrho(const Coefficients& c, double rho, std::span<const double> eta) {
  double s2 = 0.0;
  double s3 = 0.0;
  Sums(eta, s2, s3);
  return DfDrhoSums(c.a, c.b, rho, s2, s3);
}

double D2fDrho2(const Coefficients& c, double rho) {
  return c.a * (2.0 - 12.0 * rho + 12.0 * rho * rho) + 2.0 * c.b;
}

void DfDeta(const Coefficients& c, double rho, std::span<const double> eta, std::span<double> out) {
  double s2 = 0.0;
  double s3 = 0.0;
  Sums(eta, s2, s3);
  for (std::size_t i = 0; i < eta.size(); ++i) out[i] = DfDetaSums(c.b, rho, eta[i], s2);
}

double MobilityBound(const Mobility& m) {
  // φ ∈ [0,1], 4ρ²(1−ρ)² ≤ 1/4 on [0,1]; Σ_{i≠j} η_i η_j = ½ at a two-grain boundary
  // (η = (½, ½)) and stays below 0.6 with the usual overshoot of the profiles.
  return 1.1 * (std::max(m.volume, m.vapor) + 0.25 * m.surface + 0.6 * m.grain_boundary);
}

double CurvatureBoundRho(const Coefficients& c) {
  // A(2 − 12ρ + 12ρ²) is largest in magnitude at the ends of [−0.05, 1.05]: 2 + 0.6 + 0.03.
  return 2.63 * std::fabs(c.a) + 2.0 * std::fabs(c.b);
}

double CurvatureBoundEta(const Coefficients& c) {
  // ∂²f/∂η_i² = 12B[(1−ρ) − 2(2−ρ)η_i + s2 + 2η_i²]: 12B at (ρ,η) = (0,0) and at a grain
  // boundary (ρ = 1, another η = 1), 0 inside a grain; 2.5 leaves room for overshoot.
  return 12.0 * 2.5 * std::fabs(c.b);
}

double Arrhenius(double d0, double activation_energy, double temperature_k) {
  constexpr double kGasConstant = 8.314462618;  // J/(mol K), CODATA 2018
  return d0 * std::exp(-activation_energy / (kGasConstant * temperature_k));
}

}  // namespace kyoso::sim::sinter
