// The semi-implicit Fourier-spectral kernel (FFTW): the stiff linear gradient terms are implicit,
// the nonlinear local terms explicit, and the variable Cahn-Hilliard mobility is handled by the
// stabilized splitting of Zhu, Chen, Shen & Tikare (Phys. Rev. E 60 (1999) 3564), with an extra
// linear stabilization of the local terms (Shen & Yang, DCDS-A 28 (2010) 1669):
//   (1 + Δt S k²(S_ρ + κ_ρ k²)) (ρ̂ⁿ⁺¹ − ρ̂ⁿ) = Δt i k·FFT[M ∇μⁿ],   S = max M,
//   (1 + Δt L (S_η + κ_η k²)) η̂ᵢⁿ⁺¹ = (1 + Δt L S_η) η̂ᵢⁿ − Δt L FFT[∂f/∂η_i(ρⁿ, ηⁿ)],
// S_ρ, S_η half the bounds of f_ρρ, f_ηη: for frozen coefficients every Fourier mode is damped for
// any Δt, so the step is chosen for accuracy (Run limits the largest change per step).
// The k = 0 coefficient of ρ never changes, so ∫ρ is conserved to round-off. Rigid-body advection
// is added by the same conservative upwind flux as the finite-difference kernel (operator
// splitting). See docs/methods/sinter.md, "Spectral kernel".
#pragma once

#include <memory>
#include <vector>

#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/fft.h"

namespace kyoso::sim::sinter {

class SpectralKernel {
 public:
  SpectralKernel(const Grid& grid, int num_slots, int num_threads);
  // Advances by dt; returns the largest change max(|Δρ|, |Δη_i|) over the grid (for the
  // accuracy-controlled step).
  double Step(State& state, const StepModel& model, double dt, const Advection* advection);

 private:
  Grid grid_;
  int num_slots_;
  int num_threads_;
  detail::RealFft fft_;
  std::vector<detail::Complex> rho_hat_, work_hat_, flux_hat_;
  std::vector<double> s2_, s3_, mu_, mobility_, gradient_, real_work_, rho_next_, eta_next_;
};

namespace detail {
// The pointwise start of a spectral step, shared by SpectralKernel and DistributedSpectralKernel:
// at each of n points the order-parameter sums s1 = Σ η_i, s2 = Σ η_i², s3 = Σ η_i³ (eta[i]
// points at slot i's n values) and the mobility M(ρ, s1, s2); returns the largest M.
double SumsAndMobility(const Mobility& mobility, const double* rho,
                       const std::vector<const double*>& eta, std::size_t n, double* s1, double* s2,
                       double* s3, double* m);
}  // namespace detail

}  // namespace kyoso::sim::sinter
