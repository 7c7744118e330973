// The axisymmetric (r, z) kernel: the same model (free_energy.h) for bodies of revolution about
// one axis, e.g. two spheres or a chain of spheres on a line, a 3-D problem solved on a 2-D grid.
// Grid: n_r × n_z cells of size dx (Grid with dims = 2, n = {n_r, n_z}), cell centres at
// r = (i + ½) dx, z = (j + ½) dx; the axis is the face r = 0, every other side of the box a
// zero-flux (mirror) wall. Finite volumes in conservative flux form with the 3-D cell volumes
// V_i = 2π r_i dx² and face areas 2π r_f dx (r faces), V_i / dx (z faces), so ∫ρ dV changes only
// by round-off and the discrete free energy below is the functional the scheme descends.
// Time stepping: semi-implicit, stabilized like the Fourier spectral kernel (spectral_kernel.h),
//   (1 + Δt S(−S_ρ Δ_h + κ_ρ Δ_h²)) (ρⁿ⁺¹ − ρⁿ) = Δt ∇_h·(M ∇_h μⁿ),   S = max M,
//   (1 + Δt L (S_η − κ_η Δ_h)) η_iⁿ⁺¹ = (1 + Δt L S_η) η_iⁿ − Δt L ∂f/∂η_i(ρⁿ, ηⁿ),
// with Δ_h the finite-volume Laplacian; a discrete cosine transform (FFTW REDFT10) diagonalizes
// its z part, leaving per z-mode a banded system in r (pentadiagonal for ρ, tridiagonal for η)
// solved directly. Frozen-coefficient stability as for the spectral kernel: every mode is damped
// for any Δt, so the step is chosen for accuracy. See docs/methods/sinter.md, "Axisymmetric
// kernel".
#pragma once

#include <cmath>
#include <memory>
#include <vector>

#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/observables.h"

namespace kyoso::sim::sinter {

class AxisymmetricKernel {
 public:
  AxisymmetricKernel(const Grid& grid, int num_slots, int num_threads);
  ~AxisymmetricKernel();
  AxisymmetricKernel(const AxisymmetricKernel&) = delete;
  AxisymmetricKernel& operator=(const AxisymmetricKernel&) = delete;

  // Advances by dt; returns the largest change max(|Δρ|, |Δη_i|) over the grid.
  double Step(State& state, const StepModel& model, double dt);

 private:
  struct Plans;
  void SolveRho(double dt, double s, double s_rho, double kappa);
  void SolveEta(double c, double s_eta, double kappa);

  Grid grid_;
  int num_slots_;
  int num_threads_;
  std::unique_ptr<Plans> plans_;
  std::vector<double> lower_, upper_;  // the r part of Δ_h: row i couples i−1 and i+1
  std::vector<double> mode_;           // −eigenvalue of the z part for each cosine mode (≥ 0)
  std::vector<double> s1_, s2_, s3_, mu_, mobility_, rho_next_, eta_next_;
  std::vector<double> pivot_inverse_, upper1_;  // LU of the banded solves, z fastest
};

// Observables of an axisymmetric state (cell volumes 2π r dx², the same discrete forms the
// kernel uses).
double AxisymmetricMass(const State& state);
// Σ_cells V f + Σ_faces (κ/2) A_f dx (Δu/dx)²: the functional whose gradient the kernel's Δ_h
// derives from.
double AxisymmetricFreeEnergy(const State& state, const Coefficients& coefficients);
// ∫|∇ρ| dV (free-surface area) and Σ_i ∫|∇η_i| dV (free surfaces once, grain boundaries twice),
// reduced to the surface and grain-boundary areas as InterfaceAreas does.
Areas AxisymmetricAreas(const State& state);
// Neck radius on the plane z = `z_plane`: ρ on the plane (linear in z between cell centres;
// between a wall and the first cell centre, the even quadratic through the two cells next to the
// mirror wall), scanned outward from the axis; the radius where it first falls below ½ (linear
// in r), 0 when ρ < ½ on the axis. The radius of the disc {ρ ≥ ½} on the plane.
double AxisymmetricNeckRadius(const State& state, double z_plane);
// ∫η_slot dV over the cells with z_lo ≤ z < z_hi (default: all), and the z of its centroid (0
// when the volume is 0). The run restricts a slot to one particle's cells this way.
struct AxialMoment {
  double volume = 0.0;
  double z = 0.0;
};
AxialMoment AxisymmetricSlotMoment(const State& state, int slot, double z_lo = -INFINITY,
                                   double z_hi = INFINITY);

}  // namespace kyoso::sim::sinter
