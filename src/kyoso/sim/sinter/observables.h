// Scalar observables of a sintering state: mass, discrete free energy, surface and grain-boundary
// area (coarea formula: ∫|∇ρ| counts each free surface once, Σ_i ∫|∇η_i| counts each grain
// boundary twice and each free surface once), relative density in a control volume, neck radius
// and shrinkage from tracked grain centroids. Definitions: docs/methods/sinter.md, "Observables".
#pragma once

#include <array>
#include <vector>

#include "kyoso/sim/sinter/free_energy.h"
#include "kyoso/sim/sinter/grains.h"
#include "kyoso/sim/sinter/state.h"

namespace kyoso::sim::sinter {

// ∫ρ dV (rectangle rule).
double Mass(const State& state);

// The discrete free energy Σ [f + κ_ρ/2 |D⁺ρ|² + κ_η/2 Σ_i |D⁺η_i|²] ΔV with forward differences
// D⁺, the functional whose gradient flow the finite-difference kernel discretizes (its Laplacian
// is −(D⁺)ᵀD⁺), so the explicit scheme decreases exactly this quantity for small steps.
double FreeEnergy(const State& state, const Coefficients& coefficients);

struct Areas {
  double surface = 0.0;         // free-surface area (length in 2-D)
  double grain_boundary = 0.0;  // grain-boundary area (length in 2-D)
};
Areas InterfaceAreas(const State& state);

// Mean ρ over the box [lo, hi) (length units; all of the box when lo == hi).
double RelativeDensity(const State& state, const std::array<double, 3>& lo,
                       const std::array<double, 3>& hi);

// Neck radius x from the grain-boundary area shared by `num_contacts` contacts:
// 2-D: x = A_gb / (2 n_c); 3-D: x = sqrt(A_gb / (π n_c)).
double NeckRadius(const Grid& grid, double gb_area, int num_contacts);

}  // namespace kyoso::sim::sinter
