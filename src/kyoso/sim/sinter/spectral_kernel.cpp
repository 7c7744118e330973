// Semi-implicit spectral kernel; see spectral_kernel.h and docs/methods/sinter.md.
#include "kyoso/sim/sinter/spectral_kernel.h"

#include <algorithm>
#include <cmath>

namespace kyoso::sim::sinter {

namespace detail {

double SumsAndMobility(const Mobility& mobility, const double* rho,
                       const std::vector<const double*>& eta, std::size_t n, double* s1, double* s2,
                       double* s3, double* m) {
  std::fill(s1, s1 + n, 0.0);
  std::fill(s2, s2 + n, 0.0);
  std::fill(s3, s3 + n, 0.0);
  for (const double* e : eta) {
    for (std::size_t i = 0; i < n; ++i) {
      const double v = e[i];
      s1[i] += v;
      s2[i] += v * v;
      s3[i] += v * v * v;
    }
  }
  double max_mobility = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = MobilityAt(mobility, rho[i], s1[i], s2[i]);
    max_mobility = std::max(max_mobility, m[i]);
  }
  return max_mobility;
}

}  // namespace detail

SpectralKernel::SpectralKernel(const Grid& grid, int num_slots, int num_threads)
    : grid_(grid),
      num_slots_(num_slots),
      num_threads_(std::max(1, num_threads)),
      fft_(grid, num_threads_) {
  const std::size_t n = grid.size();
  rho_hat_.resize(fft_.complex_size());
  work_hat_.resize(fft_.complex_size());
  flux_hat_.resize(fft_.complex_size());
  s2_.resize(n);
  s3_.resize(n);
  mu_.resize(n);
  mobility_.resize(n);
  gradient_.resize(n);
  real_work_.resize(n);
  rho_next_.resize(n);
  eta_next_.resize(n * static_cast<std::size_t>(num_slots));
}

double SpectralKernel::Step(State& state, const StepModel& model, double dt,
                            const Advection* advection) {
  const std::size_t n = grid_.size();
  const std::size_t nc = fft_.complex_size();
  const std::vector<double>& k2 = fft_.k2();
  const Coefficients& co = model.coefficients;
  const double* rho = state.rho.data();

  // Local sums (s1 in real_work_) and mobility.
  std::vector<const double*> eta(static_cast<std::size_t>(num_slots_));
  for (int slot = 0; slot < num_slots_; ++slot) {
    eta[static_cast<std::size_t>(slot)] = state.Eta(slot);
  }
  const double max_mobility = detail::SumsAndMobility(
      model.mobility, rho, eta, n, real_work_.data(), s2_.data(), s3_.data(), mobility_.data());

  // μ = ∂f/∂ρ − κ_ρ ∇²ρ with the Laplacian spectral.
  fft_.Forward(rho, rho_hat_.data());
  for (std::size_t c = 0; c < nc; ++c) work_hat_[c] = -k2[c] * rho_hat_[c];
  fft_.Inverse(work_hat_.data(), real_work_.data());
  for (std::size_t i = 0; i < n; ++i) {
    mu_[i] = DfDrhoSums(co.a, co.b, rho[i], s2_[i], s3_[i]) - co.kappa_rho * real_work_[i];
  }
  // Divergence of M ∇μ, accumulated in flux_hat_.
  std::vector<detail::Complex> mu_hat(nc);
  fft_.Forward(mu_.data(), mu_hat.data());
  std::fill(flux_hat_.begin(), flux_hat_.end(), detail::Complex(0.0, 0.0));
  for (int axis = 0; axis < grid_.dims; ++axis) {
    const std::vector<double>& kd = fft_.kd(axis);
    for (std::size_t c = 0; c < nc; ++c) work_hat_[c] = detail::Complex(0.0, kd[c]) * mu_hat[c];
    fft_.Inverse(work_hat_.data(), gradient_.data());
    for (std::size_t i = 0; i < n; ++i) gradient_[i] *= mobility_[i];
    fft_.Forward(gradient_.data(), work_hat_.data());
    for (std::size_t c = 0; c < nc; ++c) {
      flux_hat_[c] += detail::Complex(0.0, kd[c]) * work_hat_[c];
    }
  }
  const double s_rho = 0.5 * CurvatureBoundRho(co);
  for (std::size_t c = 0; c < nc; ++c) {
    if (c == 0) continue;  // the mean (mass) is left exactly as it is
    const double implicit = dt * max_mobility * k2[c] * (s_rho + co.kappa_rho * k2[c]);
    rho_hat_[c] += dt * flux_hat_[c] / (1.0 + implicit);
  }
  fft_.Inverse(rho_hat_.data(), rho_next_.data());

  // Order parameters.
  const double dt_l = dt * model.l;
  const double s_eta = 0.5 * CurvatureBoundEta(co);
  for (int slot = 0; slot < num_slots_; ++slot) {
    const double* e = state.Eta(slot);
    for (std::size_t i = 0; i < n; ++i) real_work_[i] = DfDetaSums(co.b, rho[i], e[i], s2_[i]);
    fft_.Forward(e, work_hat_.data());
    fft_.Forward(real_work_.data(), flux_hat_.data());
    for (std::size_t c = 0; c < nc; ++c) {
      work_hat_[c] = ((1.0 + dt_l * s_eta) * work_hat_[c] - dt_l * flux_hat_[c]) /
                     (1.0 + dt_l * (s_eta + co.kappa_eta * k2[c]));
    }
    fft_.Inverse(work_hat_.data(), eta_next_.data() + static_cast<std::size_t>(slot) * n);
  }
  if (advection != nullptr && !advection->empty()) {
    detail::AdvectField(grid_, rho, advection->rho_velocity.data(), dt, rho_next_.data());
    for (int slot = 0; slot < num_slots_; ++slot) {
      detail::AdvectField(grid_, state.Eta(slot), advection->slot_velocity[slot].data(), dt,
                          eta_next_.data() + static_cast<std::size_t>(slot) * n);
    }
  }
  double change = 0.0;
  for (std::size_t i = 0; i < n; ++i) change = std::max(change, std::fabs(rho_next_[i] - rho[i]));
  for (std::size_t i = 0; i < eta_next_.size(); ++i) {
    change = std::max(change, std::fabs(eta_next_[i] - state.eta[i]));
  }
  std::swap(state.rho, rho_next_);
  std::swap(state.eta, eta_next_);
  state.time += dt;
  ++state.step;
  return change;
}

}  // namespace kyoso::sim::sinter
