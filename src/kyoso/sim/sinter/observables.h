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

// Partial sums for a slab decomposition (several MPI ranks, mpi_slabs.h): the quantities above
// summed over planes [begin, end) of the last axis (y in 2-D, z in 3-D) of `state`'s grid only,
// in the same order as the whole-box functions, which are these over every plane. Each rank sums
// its owned planes of its local fields and the sums are added over the ranks (MPI_Allreduce), so
// the totals equal the whole-box values to round-off (another grouping of the same terms). The
// gradient terms read planes begin − 1 and end, which must then hold the neighbouring ranks'
// values (ghost planes, one per side); the other axes stay periodic.
struct ObservableSums {
  double mass = 0.0;           // ∫ρ dV (Mass)
  double free_energy = 0.0;    // FreeEnergy
  double rho_gradient = 0.0;   // ∫|∇ρ| dV (central differences, InterfaceAreas)
  double eta_gradient = 0.0;   // Σ_i ∫|∇η_i| dV
  double density_sum = 0.0;    // Σρ over the points of the control volume (RelativeDensity)
  double density_count = 0.0;  // number of those points
};
// `global_planes`: planes of the whole box along the last axis; `offset`: global index of local
// plane 0 (the control volume [lo, hi) is in the whole box's coordinates).
ObservableSums SumObservables(const State& state, const Coefficients& coefficients,
                              const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                              int begin, int end, int global_planes, int offset);
// The areas of summed gradients (InterfaceAreas of the whole box from the totals).
Areas AreasFromSums(const ObservableSums& sums);

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
