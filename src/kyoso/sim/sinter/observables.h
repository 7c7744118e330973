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

// ρ at an arbitrary point (length units) by periodic multilinear interpolation of the grid values.
double InterpolateRho(const State& state, const std::array<double, 3>& point);

// Neck radius of one contact from the cross-section of the solid: the area A of {ρ ≥ 1/2} on the
// plane through `point` with unit normal `normal` (the line between the particle centres),
// within `disc_radius` of `point`, sampled at spacing dx/4 with InterpolateRho; 3-D: x =
// sqrt(A/π); 2-D (the plane is a line): x = half the length of {ρ ≥ 1/2}. For two sharp spheres
// this is the radius of their intersection circle; it does not count the diffuse overlap of the
// interface profiles (docs/methods/sinter.md, "Observables").
double NeckCrossSectionRadius(const State& state, const std::array<double, 3>& point,
                              const std::array<double, 3>& normal, double disc_radius);

}  // namespace kyoso::sim::sinter
