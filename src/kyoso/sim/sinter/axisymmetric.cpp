// Axisymmetric semi-implicit kernel and observables; see axisymmetric.h and
// docs/methods/sinter.md, "Axisymmetric kernel".
#include "kyoso/sim/sinter/axisymmetric.h"

#include <fftw3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <numbers>
#include <utility>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kyoso/sim/sinter/fft.h"
#include "kyoso/sim/sinter/spectral_kernel.h"

namespace kyoso::sim::sinter {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

// The share [first, last) of `count` items (z-modes, cells) of the calling thread of a parallel
// region (all of them outside one): contiguous, even blocks, so each thread's banded solves run
// down the rows for its own modes.
std::pair<std::size_t, std::size_t> ThisThreadsShare(std::size_t count) {
#ifdef _OPENMP
  const std::size_t threads = static_cast<std::size_t>(omp_get_num_threads());
  const std::size_t t = static_cast<std::size_t>(omp_get_thread_num());
  return {count * t / threads, count * (t + 1) / threads};
#else
  return {0, count};
#endif
}

}  // namespace

// The cosine transforms along z of every r column (the buffer is z-fastest), split into one
// single-threaded FFTW plan per thread over its block of columns and run from an OpenMP loop:
// FFTW's own thread pool next to OpenMP's spinning workers oversubscribed the cores (two threads
// ran no faster than one).
struct AxisymmetricKernel::Plans {
  std::vector<fftw_plan> forward;  // DCT-II, in place on `buffer`
  std::vector<fftw_plan> inverse;  // DCT-III (unnormalized: × 2 n_z)
  double* buffer = nullptr;        // z fastest: index k + n_z i (the transpose of the fields)
  void Run(const std::vector<fftw_plan>& plans, int num_threads) const {
    const int count = static_cast<int>(plans.size());
#pragma omp parallel for num_threads(num_threads) schedule(static, 1)
    for (int t = 0; t < count; ++t) fftw_execute(plans[t]);
  }
};

AxisymmetricKernel::AxisymmetricKernel(const Grid& grid, int num_slots, int num_threads)
    : grid_(grid),
      num_slots_(num_slots),
      num_threads_(std::max(1, num_threads)),
      plans_(std::make_unique<Plans>()) {
  const int nr = grid.n[0];
  const int nz = grid.n[1];
  const std::size_t n = grid.size();
  const double h2 = grid.dx * grid.dx;
  lower_.resize(nr);
  upper_.resize(nr);
  for (int i = 0; i < nr; ++i) {
    lower_[i] = i / ((i + 0.5) * h2);
    upper_[i] = i + 1 < nr ? (i + 1) / ((i + 0.5) * h2) : 0.0;
  }
  mode_.resize(nz);
  for (int k = 0; k < nz; ++k) {
    mode_[k] = (2.0 - 2.0 * std::cos(std::numbers::pi * k / nz)) / h2;
  }
  s1_.resize(n);
  s2_.resize(n);
  s3_.resize(n);
  mu_.resize(n);
  mobility_.resize(n);
  rho_next_.resize(n);
  eta_next_.resize(n * static_cast<std::size_t>(num_slots));
  pivot_inverse_.resize(n);
  upper1_.resize(n);
  plans_->buffer = static_cast<double*>(detail::FftwMalloc(n * sizeof(double)));
  if (plans_->buffer == nullptr) throw std::bad_alloc();
  std::lock_guard<std::mutex> lock(detail::FftwPlannerMutex());
  detail::InitFftwThreadsLocked();
  fftw_plan_with_nthreads(1);
  const int length[1] = {nz};
  const fftw_r2r_kind forward_kind[1] = {FFTW_REDFT10};
  const fftw_r2r_kind inverse_kind[1] = {FFTW_REDFT01};
  const int blocks = std::min(num_threads_, nr);
  for (int t = 0; t < blocks; ++t) {
    const int first = nr * t / blocks;
    const int count = nr * (t + 1) / blocks - first;
    double* start = plans_->buffer + static_cast<std::size_t>(first) * nz;
    const unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
    plans_->forward.push_back(fftw_plan_many_r2r(1, length, count, start, nullptr, 1, nz, start,
                                                 nullptr, 1, nz, forward_kind, flags));
    plans_->inverse.push_back(fftw_plan_many_r2r(1, length, count, start, nullptr, 1, nz, start,
                                                 nullptr, 1, nz, inverse_kind, flags));
  }
}

AxisymmetricKernel::~AxisymmetricKernel() {
  std::lock_guard<std::mutex> lock(detail::FftwPlannerMutex());
  for (fftw_plan plan : plans_->forward) fftw_destroy_plan(plan);
  for (fftw_plan plan : plans_->inverse) fftw_destroy_plan(plan);
  detail::FftwFree(plans_->buffer);
}

// buffer (cosine coefficients) ← A_k⁻¹ buffer for every z-mode k, with
// A_k = I + c1 (−T_k) + c2 T_k², T_k = L_r − mode_k I, c1 = Δt S S_ρ, c2 = Δt S κ_ρ: a
// pentadiagonal system in r per mode, solved by LU without pivoting for all modes at once (the
// inner loops run over k and vectorize). The A_k are similar by a positive diagonal scaling to
// symmetric positive definite matrices (Δ_h is symmetric in the volume-weighted inner product),
// so every pivot is positive.
void AxisymmetricKernel::SolveRho(double dt, double s, double s_rho, double kappa) {
  const int nr = grid_.n[0];
  const int nz = grid_.n[1];
  const double c1 = dt * s * s_rho;
  const double c2 = dt * s * kappa;
  double* y = plans_->buffer;
  double* pinv = pivot_inverse_.data();
  double* u1 = upper1_.data();
  auto row = [nz](int i) { return static_cast<std::size_t>(i) * nz; };
  // The diagonal of L_r (T_k = L_r − mode_k I, so b_ik = d_i − mode_k).
  auto d = [&](int i) { return -(lower_[i] + upper_[i]); };
#pragma omp parallel num_threads(num_threads_)
  {
    const auto [first_mode, last_mode] = ThisThreadsShare(static_cast<std::size_t>(nz));
    const int first = static_cast<int>(first_mode);
    const int last = static_cast<int>(last_mode);
    for (int i = 0; i < nr; ++i) {
      const double a_i = lower_[i];
      const double c_i = upper_[i];
      const double a_next = i + 1 < nr ? lower_[i + 1] : 0.0;
      const double c_prev = i > 0 ? upper_[i - 1] : 0.0;
      const double d_prev = i > 0 ? d(i - 1) : 0.0;
      const double d_next = i + 1 < nr ? d(i + 1) : 0.0;
      const double d_i = d(i);
      const double e = i >= 2 ? c2 * a_i * lower_[i - 1] : 0.0;  // column i − 2
      const double f_prev2 = i >= 2 ? c2 * upper_[i - 2] * upper_[i - 1] : 0.0;
      double* yi = y + row(i);
      double* pi = pinv + row(i);
      double* ui = u1 + row(i);
      const double* y1 = i >= 1 ? y + row(i - 1) : nullptr;
      const double* p1 = i >= 1 ? pinv + row(i - 1) : nullptr;
      const double* q1 = i >= 1 ? u1 + row(i - 1) : nullptr;
      const double* y2 = i >= 2 ? y + row(i - 2) : nullptr;
      const double* p2 = i >= 2 ? pinv + row(i - 2) : nullptr;
      const double* q2 = i >= 2 ? u1 + row(i - 2) : nullptr;
      const double f_prev1 = i >= 1 && i + 1 < nr ? c2 * upper_[i - 1] * upper_[i] : 0.0;
      for (int k = first; k < last; ++k) {
        const double b_i = d_i - mode_[k];
        const double b_prev = d_prev - mode_[k];
        const double b_next = d_next - mode_[k];
        double sub = i >= 1 ? c2 * a_i * (b_prev + b_i) - c1 * a_i : 0.0;  // column i − 1
        double diag = 1.0 + c2 * (a_i * c_prev + b_i * b_i + c_i * a_next) - c1 * b_i;
        double sup = i + 1 < nr ? c2 * c_i * (b_i + b_next) - c1 * c_i : 0.0;  // column i + 1
        double rhs = yi[k];
        if (i >= 2) {  // eliminate column i − 2 with row i − 2 (pivot, u1 at i − 1, f at i)
          const double g = e * p2[k];
          sub -= g * q2[k];
          diag -= g * f_prev2;
          rhs -= g * y2[k];
        }
        if (i >= 1) {  // eliminate column i − 1 with row i − 1 (pivot, u1 at i, f at i + 1)
          const double g = sub * p1[k];
          diag -= g * q1[k];
          sup -= g * f_prev1;
          rhs -= g * y1[k];
        }
        pi[k] = 1.0 / diag;
        ui[k] = sup;
        yi[k] = rhs;
      }
    }
    for (int i = nr - 1; i >= 0; --i) {
      const double f_i = i + 2 < nr ? c2 * upper_[i] * upper_[i + 1] : 0.0;
      double* yi = y + row(i);
      const double* pi = pinv + row(i);
      const double* ui = u1 + row(i);
      const double* x1 = i + 1 < nr ? y + row(i + 1) : nullptr;
      const double* x2 = i + 2 < nr ? y + row(i + 2) : nullptr;
      for (int k = first; k < last; ++k) {
        double x = yi[k];
        if (x1 != nullptr) x -= ui[k] * x1[k];
        if (x2 != nullptr) x -= f_i * x2[k];
        yi[k] = x * pi[k];
      }
    }
  }
}

// buffer ← B_k⁻¹ buffer with B_k = (1 + c S_η) I − c κ_η T_k (tridiagonal, diagonally
// dominant), c = Δt L: the Thomas algorithm for all modes at once.
void AxisymmetricKernel::SolveEta(double c, double s_eta, double kappa) {
  const int nr = grid_.n[0];
  const int nz = grid_.n[1];
  double* y = plans_->buffer;
  double* pinv = pivot_inverse_.data();
  auto row = [nz](int i) { return static_cast<std::size_t>(i) * nz; };
#pragma omp parallel num_threads(num_threads_)
  {
    const auto [first_mode, last_mode] = ThisThreadsShare(static_cast<std::size_t>(nz));
    const int first = static_cast<int>(first_mode);
    const int last = static_cast<int>(last_mode);
    for (int i = 0; i < nr; ++i) {
      const double base = 1.0 + c * s_eta + c * kappa * (lower_[i] + upper_[i]);
      const double ck = c * kappa;
      double* yi = y + row(i);
      double* pi = pinv + row(i);
      if (i == 0) {
        for (int k = first; k < last; ++k) pi[k] = 1.0 / (base + ck * mode_[k]);
        continue;
      }
      const double sub = -ck * lower_[i];
      const double sup_prev = -ck * upper_[i - 1];
      const double* y1 = y + row(i - 1);
      const double* p1 = pinv + row(i - 1);
      for (int k = first; k < last; ++k) {
        const double g = sub * p1[k];
        pi[k] = 1.0 / (base + ck * mode_[k] - g * sup_prev);
        yi[k] -= g * y1[k];
      }
    }
    for (int i = nr - 1; i >= 0; --i) {
      const double sup = -c * kappa * upper_[i];
      double* yi = y + row(i);
      const double* pi = pinv + row(i);
      const double* x1 = i + 1 < nr ? y + row(i + 1) : nullptr;
      for (int k = first; k < last; ++k) {
        double x = yi[k];
        if (x1 != nullptr) x -= sup * x1[k];
        yi[k] = x * pi[k];
      }
    }
  }
}

double AxisymmetricKernel::Step(State& state, const StepModel& model, double dt) {
  const int nr = grid_.n[0];
  const int nz = grid_.n[1];
  const std::size_t n = grid_.size();
  const double inv_h2 = 1.0 / (grid_.dx * grid_.dx);
  const Coefficients& co = model.coefficients;
  const double* rho = state.rho.data();
  double* buffer = plans_->buffer;

  std::vector<const double*> eta(static_cast<std::size_t>(num_slots_));
  for (int slot = 0; slot < num_slots_; ++slot) eta[slot] = state.Eta(slot);
  double max_mobility = 0.0;
#pragma omp parallel num_threads(num_threads_) reduction(max : max_mobility)
  {
    const auto [begin, end] = ThisThreadsShare(n);
    std::vector<const double*> part(eta);
    for (const double*& p : part) p += begin;
    max_mobility =
        detail::SumsAndMobility(model.mobility, rho + begin, part, end - begin, s1_.data() + begin,
                                s2_.data() + begin, s3_.data() + begin, mobility_.data() + begin);
  }

  // μ = ∂f/∂ρ − κ_ρ Δ_h ρ.
  auto laplacian = [&](const double* u, int i, int j, std::size_t c) {
    double sum = lower_[i] * (i > 0 ? u[c - 1] - u[c] : 0.0) +
                 upper_[i] * (i + 1 < nr ? u[c + 1] - u[c] : 0.0);
    if (j > 0) sum += (u[c - nr] - u[c]) * inv_h2;
    if (j + 1 < nz) sum += (u[c + nr] - u[c]) * inv_h2;
    return sum;
  };
#pragma omp parallel for num_threads(num_threads_) schedule(static)
  for (int j = 0; j < nz; ++j) {
    for (int i = 0; i < nr; ++i) {
      const std::size_t c = static_cast<std::size_t>(i) + static_cast<std::size_t>(nr) * j;
      mu_[c] =
          DfDrhoSums(co.a, co.b, rho[c], s2_[c], s3_[c]) - co.kappa_rho * laplacian(rho, i, j, c);
    }
  }
  // Δt ∇_h·(M ∇_h μ) with face mobilities ½(M_c + M_nb).
  const double* m = mobility_.data();
  const double* mu = mu_.data();
#pragma omp parallel for num_threads(num_threads_) schedule(static)
  for (int j = 0; j < nz; ++j) {
    for (int i = 0; i < nr; ++i) {
      const std::size_t c = static_cast<std::size_t>(i) + static_cast<std::size_t>(nr) * j;
      double sum = 0.0;
      if (i > 0) sum += lower_[i] * 0.5 * (m[c] + m[c - 1]) * (mu[c - 1] - mu[c]);
      if (i + 1 < nr) sum += upper_[i] * 0.5 * (m[c] + m[c + 1]) * (mu[c + 1] - mu[c]);
      if (j > 0) sum += inv_h2 * 0.5 * (m[c] + m[c - nr]) * (mu[c - nr] - mu[c]);
      if (j + 1 < nz) sum += inv_h2 * 0.5 * (m[c] + m[c + nr]) * (mu[c + nr] - mu[c]);
      buffer[static_cast<std::size_t>(j) + static_cast<std::size_t>(nz) * i] = dt * sum;
    }
  }
  const double scale = 1.0 / (2.0 * nz);
  plans_->Run(plans_->forward, num_threads_);
  SolveRho(dt, max_mobility, 0.5 * CurvatureBoundRho(co), co.kappa_rho);
  plans_->Run(plans_->inverse, num_threads_);
#pragma omp parallel for num_threads(num_threads_) schedule(static)
  for (int j = 0; j < nz; ++j) {
    for (int i = 0; i < nr; ++i) {
      const std::size_t c = static_cast<std::size_t>(i) + static_cast<std::size_t>(nr) * j;
      rho_next_[c] =
          rho[c] + scale * buffer[static_cast<std::size_t>(j) + static_cast<std::size_t>(nz) * i];
    }
  }

  // Order parameters.
  const double c_l = dt * model.l;
  const double s_eta = 0.5 * CurvatureBoundEta(co);
  for (int slot = 0; slot < num_slots_; ++slot) {
    const double* e = state.Eta(slot);
#pragma omp parallel for num_threads(num_threads_) schedule(static)
    for (int i = 0; i < nr; ++i) {
      for (int j = 0; j < nz; ++j) {
        const std::size_t c = static_cast<std::size_t>(i) + static_cast<std::size_t>(nr) * j;
        buffer[static_cast<std::size_t>(j) + static_cast<std::size_t>(nz) * i] =
            (1.0 + c_l * s_eta) * e[c] - c_l * DfDetaSums(co.b, rho[c], e[c], s2_[c]);
      }
    }
    plans_->Run(plans_->forward, num_threads_);
    SolveEta(c_l, s_eta, co.kappa_eta);
    plans_->Run(plans_->inverse, num_threads_);
    double* out = eta_next_.data() + static_cast<std::size_t>(slot) * n;
#pragma omp parallel for num_threads(num_threads_) schedule(static)
    for (int j = 0; j < nz; ++j) {
      for (int i = 0; i < nr; ++i) {
        out[static_cast<std::size_t>(i) + static_cast<std::size_t>(nr) * j] =
            scale * buffer[static_cast<std::size_t>(j) + static_cast<std::size_t>(nz) * i];
      }
    }
  }

  double change = 0.0;
  const std::size_t eta_size = eta_next_.size();
#pragma omp parallel for num_threads(num_threads_) schedule(static) reduction(max : change)
  for (std::size_t c = 0; c < n; ++c) change = std::max(change, std::fabs(rho_next_[c] - rho[c]));
#pragma omp parallel for num_threads(num_threads_) schedule(static) reduction(max : change)
  for (std::size_t c = 0; c < eta_size; ++c) {
    change = std::max(change, std::fabs(eta_next_[c] - state.eta[c]));
  }
  std::swap(state.rho, rho_next_);
  std::swap(state.eta, eta_next_);
  state.time += dt;
  ++state.step;
  return change;
}

double AxisymmetricMass(const State& state) {
  const Grid& g = state.grid;
  const double h3 = g.dx * g.dx * g.dx;
  double mass = 0.0;
  for (int j = 0; j < g.n[1]; ++j) {
    for (int i = 0; i < g.n[0]; ++i) mass += kTwoPi * (i + 0.5) * h3 * state.rho[g.Index(i, j, 0)];
  }
  return mass;
}

double AxisymmetricFreeEnergy(const State& state, const Coefficients& co) {
  const Grid& g = state.grid;
  const int nr = g.n[0];
  const int nz = g.n[1];
  const double h = g.dx;
  std::vector<double> point_eta(static_cast<std::size_t>(state.num_slots));
  double energy = 0.0;
  auto gradient_terms = [&](const double* u, double kappa, int i, int j, std::size_t c) {
    double sum = 0.0;
    if (i + 1 < nr) sum += (u[c + 1] - u[c]) * (u[c + 1] - u[c]) * (i + 1);
    if (j + 1 < nz) sum += (u[c + nr] - u[c]) * (u[c + nr] - u[c]) * (i + 0.5);
    return 0.5 * kappa * kTwoPi * h * sum;
  };
  for (int j = 0; j < nz; ++j) {
    for (int i = 0; i < nr; ++i) {
      const std::size_t c = g.Index(i, j, 0);
      for (int s = 0; s < state.num_slots; ++s) point_eta[s] = state.Eta(s)[c];
      energy += kTwoPi * (i + 0.5) * h * h * h * FreeEnergyDensity(co, state.rho[c], point_eta);
      energy += gradient_terms(state.rho.data(), co.kappa_rho, i, j, c);
      for (int s = 0; s < state.num_slots; ++s) {
        energy += gradient_terms(state.Eta(s), co.kappa_eta, i, j, c);
      }
    }
  }
  return energy;
}

Areas AxisymmetricAreas(const State& state) {
  const Grid& g = state.grid;
  const int nr = g.n[0];
  const int nz = g.n[1];
  const double h = g.dx;
  // Central differences; mirror values across the axis and the walls.
  auto gradient_norm = [&](const double* u, int i, int j) {
    const double left = u[g.Index(i > 0 ? i - 1 : 0, j, 0)];
    const double right = u[g.Index(i + 1 < nr ? i + 1 : nr - 1, j, 0)];
    const double down = u[g.Index(i, j > 0 ? j - 1 : 0, 0)];
    const double up = u[g.Index(i, j + 1 < nz ? j + 1 : nz - 1, 0)];
    return std::hypot(right - left, up - down) / (2.0 * h);
  };
  double rho_sum = 0.0;
  double eta_sum = 0.0;
  for (int j = 0; j < nz; ++j) {
    for (int i = 0; i < nr; ++i) {
      const double volume = kTwoPi * (i + 0.5) * h * h * h;
      rho_sum += volume * gradient_norm(state.rho.data(), i, j);
      for (int s = 0; s < state.num_slots; ++s) {
        eta_sum += volume * gradient_norm(state.Eta(s), i, j);
      }
    }
  }
  return {.surface = rho_sum, .grain_boundary = std::max(0.0, 0.5 * (eta_sum - rho_sum))};
}

double AxisymmetricNeckRadius(const State& state, double z_plane) {
  const Grid& g = state.grid;
  const int nr = g.n[0];
  const int nz = g.n[1];
  const double h = g.dx;
  const double s = z_plane / h - 0.5;  // in cell indices
  const int j0 = std::clamp(static_cast<int>(std::floor(s)), 0, nz - 2);
  const double w = s - j0;
  auto on_plane = [&](int i) {
    const double* rho = state.rho.data();
    if (s < 0.0 || s > nz - 1.0) {
      // Between a mirror wall and the first cell centre: ρ is even about the wall, so the
      // quadratic c0 + c2 ζ² through the two cells next to the wall (ζ from the wall).
      const bool bottom = s < 0.0;
      const double r0 = rho[g.Index(i, bottom ? 0 : nz - 1, 0)];
      const double r1 = rho[g.Index(i, bottom ? 1 : nz - 2, 0)];
      const double zeta = bottom ? std::max(0.0, s + 0.5) : std::max(0.0, nz - 0.5 - s);
      return (9.0 * r0 - r1) / 8.0 + (r1 - r0) / 2.0 * zeta * zeta;
    }
    return (1.0 - w) * rho[g.Index(i, j0, 0)] + w * rho[g.Index(i, j0 + 1, 0)];
  };
  double previous = on_plane(0);
  if (previous < 0.5) return 0.0;
  for (int i = 1; i < nr; ++i) {
    const double value = on_plane(i);
    if (value < 0.5) return (i - 0.5 + (previous - 0.5) / (previous - value)) * h;
    previous = value;
  }
  return nr * h;
}

AxialMoment AxisymmetricSlotMoment(const State& state, int slot, double z_lo, double z_hi) {
  const Grid& g = state.grid;
  const double h = g.dx;
  const double* e = state.Eta(slot);
  double volume = 0.0;
  double first = 0.0;
  for (int j = 0; j < g.n[1]; ++j) {
    const double z = (j + 0.5) * h;
    if (z < z_lo || z >= z_hi) continue;
    double column = 0.0;
    for (int i = 0; i < g.n[0]; ++i) column += (i + 0.5) * e[g.Index(i, j, 0)];
    volume += kTwoPi * h * h * h * column;
    first += kTwoPi * h * h * h * column * z;
  }
  return {.volume = volume, .z = volume > 0.0 ? first / volume : 0.0};
}

}  // namespace kyoso::sim::sinter
