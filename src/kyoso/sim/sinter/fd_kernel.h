// The explicit finite-difference kernel in conservative flux form: one forward-Euler step of
//   ∂ρ/∂t = ∇·(M ∇μ) − ∇·(ρ v),          μ = ∂f/∂ρ − κ_ρ ∇²ρ,
//   ∂η_i/∂t = −L (∂f/∂η_i − κ_η ∇²η_i) − ∇·(η_i v_i),
// with the ρ flux evaluated on cell faces (face mobility = mean of the two cell values), so the
// update of ∫ρ telescopes and mass is conserved to round-off. Two fused row-blocked passes over
// the fields, vectorizable in x. Cross-check of the spectral kernel on small grids and the fast
// path on large ones. See docs/methods/sinter.md, "Finite differences" and "Time step".
#pragma once

#include <vector>

#include "kyoso/sim/sinter/free_energy.h"
#include "kyoso/sim/sinter/state.h"

namespace kyoso::sim::sinter {

// The model coefficients in force during one step (they follow the thermal schedule).
struct StepModel {
  Coefficients coefficients;
  Mobility mobility;
  double l = 1.0;  // Allen-Cahn mobility L (m³/(J s) in SI)
};

// Rigid-body advection velocities: per slot a velocity field (dims components × grid.size()),
// and the density velocity Σ_i η_i v_i. Empty when rigid-body motion is off.
struct Advection {
  std::vector<std::vector<double>> slot_velocity;  // [slot][axis * n + point]
  std::vector<double> rho_velocity;                // [axis * n + point]
  bool empty() const { return slot_velocity.empty(); }
};

// Largest stable forward-Euler step for the model on this grid (without safety factor):
// min over the ρ and η equations of 2/λ_max, with λ_max the largest eigenvalue of the linearized
// operator, λ_ρ = M_max (|f_ρρ|max Λ + κ_ρ Λ²), λ_η = L (|f_ηη|max + κ_η Λ), Λ = 4·dims/dx².
// M_max is `max_mobility` when given (≥ 0: the largest M on the current fields, which the
// adaptive step uses) and the a-priori MobilityBound otherwise (used to validate a given dt).
double FdStableStep(const Grid& grid, const StepModel& model, double max_mobility = -1.0);

class FdKernel {
 public:
  FdKernel(const Grid& grid, int num_slots, int num_threads);
  // Advances `state` by dt (state.time and state.step are updated). advection may be null.
  void Step(State& state, const StepModel& model, double dt, const Advection* advection);
  // Largest M seen on the fields at the start of the last step (0 before the first step).
  double last_max_mobility() const { return last_max_mobility_; }

 private:
  template <int kDims>
  void StepDims(State& state, const StepModel& model, double dt);
  void Advect(State& state, double dt, const Advection& advection);

  Grid grid_;
  int num_slots_;
  int num_threads_;
  double last_max_mobility_ = 0.0;
  std::vector<double> s2_, mu_, mobility_, rho_next_, eta_next_;
};

namespace detail {
// Advances by dt the pure advection part −∇·(u v) of a field u with face velocities averaged
// from the cell velocities and first-order upwind face values (conservative: each face's flux
// leaves one cell and enters the other), on num_threads threads.
void AdvectField(const Grid& grid, const double* u, const double* velocity, double dt, double* out,
                 int num_threads = 1);
}  // namespace detail

}  // namespace kyoso::sim::sinter
