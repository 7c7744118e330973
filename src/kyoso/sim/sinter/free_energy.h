// The local free energy of the Wang (2006) sintering model and its derivatives, the variable
// Cahn-Hilliard mobility, and the mapping from physical interface energies (Biswas et al. 2018).
// Every kernel (finite-difference, spectral) and observable evaluates the model through these
// functions or their inlined copies, so this file is the single statement of the model; the
// equations and references are in docs/methods/sinter.md, section "Model".
#pragma once

#include <span>

namespace kyoso::sim::sinter {

// Coefficients of the free-energy functional
//   F = ∫ f(ρ,η) + (κ_ρ/2)|∇ρ|² + Σ_i (κ_η/2)|∇η_i|² dV,
//   f = A ρ²(1−ρ)² + B [ρ² + 6(1−ρ) Σ η_i² − 4(2−ρ) Σ η_i³ + 3 (Σ η_i²)²]   (Wang 2006, Eq. 1).
// Units: A, B energy per volume; κ_ρ, κ_η energy per length (J/m in SI).
struct Coefficients {
  double a = 16.0;
  double b = 1.0;
  double kappa_rho = 1.0;
  double kappa_eta = 0.5;
};

// Coefficients from surface energy γ_s, grain-boundary energy γ_gb (J/m²) and interface width δ
// (m): κ_ρ = ¾(2γ_s − γ_gb)δ, κ_η = ¾γ_gb δ, A = (12γ_s − 7γ_gb)/δ, B = γ_gb/δ
// (Biswas, Schwen, Wang, Tomar 2018, Eqs. 8-11).
Coefficients FromInterfaceEnergies(double gamma_s, double gamma_gb, double delta);

// f(ρ, η) at one point; `eta` holds the order parameters of that point.
double FreeEnergyDensity(const Coefficients& c, double rho, std::span<const double> eta);
// ∂f/∂ρ.
double DfDrho(const Coefficients& c, double rho, std::span<const double> eta);
// ∂²f/∂ρ² = A(2 − 12ρ + 12ρ²) + 2B.
double D2fDrho2(const Coefficients& c, double rho);
// ∂f/∂η_i for every i, written to `out` (same length as `eta`).
void DfDeta(const Coefficients& c, double rho, std::span<const double> eta, std::span<double> out);

// The inlined forms used by the kernels, written with the sums s2 = Σ η_i², s3 = Σ η_i³.
inline double DfDrhoSums(double a, double b, double rho, double s2, double s3) {
  return 2.0 * a * rho * (1.0 - rho) * (1.0 - 2.0 * rho) + b * (2.0 * rho - 6.0 * s2 + 4.0 * s3);
}
inline double DfDetaSums(double b, double rho, double eta, double s2) {
  return 12.0 * b * eta * ((1.0 - rho) - (2.0 - rho) * eta + s2);
}

// Cahn-Hilliard mobility M = M_vol φ + M_vap (1−φ) + M_surf 4ρ²(1−ρ)² + M_gb Σ_{i≠j} η_i η_j,
// φ = ρ³(10 − 15ρ + 6ρ²) (Wang 2006, Eq. 6, with the smooth interpolation of hpsint/MOOSE).
// Units: m⁵/(J s) in SI (flux of volume fraction per chemical-potential gradient).
struct Mobility {
  double volume = 0.0;
  double vapor = 0.0;
  double surface = 0.0;
  double grain_boundary = 0.0;
};

// M at one point, from ρ and the sums s1 = Σ η_i, s2 = Σ η_i² (Σ_{i≠j} η_i η_j = s1² − s2).
inline double MobilityAt(const Mobility& m, double rho, double s1, double s2) {
  const double phi = rho * rho * rho * (10.0 - 15.0 * rho + 6.0 * rho * rho);
  const double surf = 4.0 * rho * rho * (1.0 - rho) * (1.0 - rho);
  return m.volume * phi + m.vapor * (1.0 - phi) + m.surface * surf +
         m.grain_boundary * (s1 * s1 - s2);
}

// An a-priori upper bound of M over the physically reachable states (0 ≤ ρ, η ≤ 1, two-grain
// boundaries): 1.1 (max(M_vol, M_vap) + M_surf/4 + 0.6 M_gb).
double MobilityBound(const Mobility& m);

// Upper bounds of |∂²f/∂ρ²| and |∂²f/∂η_i²| over −0.05 ≤ ρ, η ≤ 1.05 (used by the stability
// limits).
double CurvatureBoundRho(const Coefficients& c);
double CurvatureBoundEta(const Coefficients& c);

// Arrhenius law D0 exp(−Q/(R T)); Q in J/mol, T in K.
double Arrhenius(double d0, double activation_energy, double temperature_k);

}  // namespace kyoso::sim::sinter
