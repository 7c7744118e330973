// The spectral kernel on slabs with FFTW's MPI transforms; see mpi_spectral.h.
#include "kyoso/sim/sinter/mpi_spectral.h"

#include <fftw3-mpi.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "kyoso/base/error.h"
#include "kyoso/sim/sinter/free_energy.h"
#include "kyoso/sim/sinter/spectral_kernel.h"

namespace kyoso::sim::sinter {

namespace {
constexpr int kGhosts = 1;  // the upwind advection flux reads one neighbour plane
}  // namespace

// The FFTW MPI plans, their padded buffers and the wavenumbers of this rank's (transposed)
// complex coefficients.
struct DistributedSpectralKernel::Fft {
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
  double* real = nullptr;            // local_n0 planes, rows padded to 2 (n_x/2 + 1)
  fftw_complex* spectral = nullptr;  // alloc_local coefficients
  ptrdiff_t alloc_local = 1;         // complex values FFTW needs in each coefficient array
  ptrdiff_t local_n0 = 0, local_0_start = 0, local_n1 = 0, local_1_start = 0;
  std::size_t num_rows = 0;      // real rows of n_x values on this rank
  std::size_t complex_size = 0;  // coefficients on this rank
  bool owns_mean = false;        // the k = 0 coefficient is this rank's first one
  double scale = 1.0;            // 1 / (global points)
  std::vector<double> k2;
  std::vector<double> kd[3];

  Fft(const Grid& grid, int num_threads, MPI_Comm comm) {
    const ptrdiff_t nx = grid.n[0];
    const ptrdiff_t ny = grid.n[1];
    const ptrdiff_t nz = grid.n[2];
    const ptrdiff_t nxc = nx / 2 + 1;
    scale = 1.0 / static_cast<double>(grid.size());
    std::lock_guard<std::mutex> lock(detail::FftwPlannerMutex());
    // fftw_init_threads must precede fftw_mpi_init (FFTW manual, "Combining MPI and Threads").
    detail::InitFftwThreadsLocked();
    static const bool mpi_initialized = (fftw_mpi_init(), true);
    (void)mpi_initialized;
    fftw_plan_with_nthreads(std::max(1, num_threads));
    const unsigned flags = FFTW_ESTIMATE | FFTW_MPI_TRANSPOSED_OUT;
    const unsigned inverse_flags = FFTW_ESTIMATE | FFTW_MPI_TRANSPOSED_IN;
    // FFTW is row-major (last index fastest); our x is fastest, so the order is (z, y, x), and
    // the local sizes of an r2c transform are those of the complex array (FFTW manual 6.5).
    ptrdiff_t alloc = 0;
    if (grid.dims == 3) {
      alloc = fftw_mpi_local_size_3d_transposed(nz, ny, nxc, comm, &local_n0, &local_0_start,
                                                &local_n1, &local_1_start);
      num_rows = static_cast<std::size_t>(local_n0 * ny);
      complex_size = static_cast<std::size_t>(local_n1 * nz * nxc);
    } else {
      alloc = fftw_mpi_local_size_2d_transposed(ny, nxc, comm, &local_n0, &local_0_start, &local_n1,
                                                &local_1_start);
      num_rows = static_cast<std::size_t>(local_n0);
      complex_size = static_cast<std::size_t>(local_n1 * ny);
    }
    owns_mean = local_1_start == 0 && local_n1 > 0;
    alloc = std::max<ptrdiff_t>(alloc, 1);
    alloc_local = alloc;
    real = fftw_alloc_real(2 * static_cast<std::size_t>(alloc));
    spectral = fftw_alloc_complex(static_cast<std::size_t>(alloc));
    if (grid.dims == 3) {
      forward = fftw_mpi_plan_dft_r2c_3d(nz, ny, nx, real, spectral, comm, flags);
      inverse = fftw_mpi_plan_dft_c2r_3d(nz, ny, nx, spectral, real, comm, inverse_flags);
    } else {
      forward = fftw_mpi_plan_dft_r2c_2d(ny, nx, real, spectral, comm, flags);
      inverse = fftw_mpi_plan_dft_c2r_2d(ny, nx, spectral, real, comm, inverse_flags);
    }
    if (forward == nullptr || inverse == nullptr) {
      throw InternalError("FFTW could not plan the MPI transforms");
    }

    // Wavenumbers (as RealFft): rad per unit length; first derivatives zero at the Nyquist
    // index of an even axis.
    const double two_pi = 2.0 * std::numbers::pi;
    auto wave = [&](ptrdiff_t index, ptrdiff_t count, bool derivative) {
      if (derivative && count % 2 == 0 && index == count / 2) return 0.0;
      const ptrdiff_t m = index <= count / 2 ? index : index - count;
      return two_pi * static_cast<double>(m) / (static_cast<double>(count) * grid.dx);
    };
    k2.resize(complex_size);
    for (auto& v : kd) v.assign(complex_size, 0.0);
    auto set = [&](std::size_t c, ptrdiff_t i, ptrdiff_t j, ptrdiff_t k) {
      const double kx = wave(i, nx, false);
      const double ky = wave(j, ny, false);
      const double kz = grid.dims == 3 ? wave(k, nz, false) : 0.0;
      k2[c] = kx * kx + ky * ky + kz * kz;
      kd[0][c] = wave(i, nx, true);
      kd[1][c] = wave(j, ny, true);
      kd[2][c] = grid.dims == 3 ? wave(k, nz, true) : 0.0;
    };
    std::size_t c = 0;
    if (grid.dims == 3) {
      // Transposed output: n_y × n_z × (n_x/2 + 1), sliced along y.
      for (ptrdiff_t b = 0; b < local_n1; ++b) {
        for (ptrdiff_t k = 0; k < nz; ++k) {
          for (ptrdiff_t i = 0; i < nxc; ++i, ++c) set(c, i, local_1_start + b, k);
        }
      }
    } else {
      // Transposed output: (n_x/2 + 1) × n_y, sliced along x.
      for (ptrdiff_t a = 0; a < local_n1; ++a) {
        for (ptrdiff_t j = 0; j < ny; ++j, ++c) set(c, local_1_start + a, j, 0);
      }
    }
  }

  ~Fft() {
    std::lock_guard<std::mutex> lock(detail::FftwPlannerMutex());
    if (forward != nullptr) fftw_destroy_plan(forward);
    if (inverse != nullptr) fftw_destroy_plan(inverse);
    fftw_free(real);
    fftw_free(spectral);
  }
  Fft(const Fft&) = delete;
  Fft& operator=(const Fft&) = delete;
};

namespace {
// Every rank must own ≥ 1 plane; the decision is collective so every rank throws alike.
int CheckedPlanes(const Grid& global, ptrdiff_t local_n0, MPI_Comm comm) {
  int mine = static_cast<int>(local_n0);
  int fewest = 0;
  MPI_Allreduce(&mine, &fewest, 1, MPI_INT, MPI_MIN, comm);
  if (fewest < kGhosts) {
    int size = 1;
    MPI_Comm_size(comm, &size);
    throw InputError("/grid/n", "sinter.mpi_decomposition",
                     "FFTW's slab decomposition of " +
                         std::to_string(global.n[global.PlaneAxis()]) +
                         " planes along the last axis leaves a rank of " + std::to_string(size) +
                         " without planes; use fewer ranks");
  }
  return mine;
}
}  // namespace

DistributedSpectralKernel::DistributedSpectralKernel(const Grid& global, int num_slots,
                                                     int num_threads, MPI_Comm comm)
    : fft_(std::make_unique<Fft>(global, num_threads, comm)),
      slabs_(global, num_slots, static_cast<int>(fft_->local_0_start),
             CheckedPlanes(global, fft_->local_n0, comm), kGhosts, comm),
      num_slots_(num_slots) {
  const std::size_t m = slabs_.OwnedSize();
  const std::size_t alloc = static_cast<std::size_t>(fft_->alloc_local);
  for (auto* v : {&rho_hat_, &mu_hat_, &work_hat_, &flux_hat_}) v->resize(alloc);
  for (auto* v : {&s1_, &s2_, &s3_, &mu_, &mobility_, &gradient_, &real_work_}) v->resize(m);
  rho_next_.resize(slabs_.local().rho.size());
  eta_next_.resize(slabs_.local().eta.size());
}

DistributedSpectralKernel::~DistributedSpectralKernel() = default;

void DistributedSpectralKernel::Forward(const double* in, detail::ComplexBuffer& out) {
  const std::size_t nx = static_cast<std::size_t>(slabs_.global().n[0]);
  const std::size_t padded = 2 * (nx / 2 + 1);
  for (std::size_t row = 0; row < fft_->num_rows; ++row) {
    std::copy(in + row * nx, in + (row + 1) * nx, fft_->real + row * padded);
  }
  fftw_mpi_execute_dft_r2c(fft_->forward, fft_->real, reinterpret_cast<fftw_complex*>(out.data()));
}

void DistributedSpectralKernel::Inverse(detail::ComplexBuffer& in, double* out) {
  fftw_mpi_execute_dft_c2r(fft_->inverse, reinterpret_cast<fftw_complex*>(in.data()), fft_->real);
  const std::size_t nx = static_cast<std::size_t>(slabs_.global().n[0]);
  const std::size_t padded = 2 * (nx / 2 + 1);
  for (std::size_t row = 0; row < fft_->num_rows; ++row) {
    const double* src = fft_->real + row * padded;
    for (std::size_t i = 0; i < nx; ++i) out[row * nx + i] = src[i] * fft_->scale;
  }
}

double DistributedSpectralKernel::Step(const StepModel& model, double dt, Advection* advection) {
  State& state = slabs_.local();
  const std::size_t n_local = state.rho.size();
  const std::size_t m = slabs_.OwnedSize();
  const std::size_t offset = slabs_.OwnedOffset();
  const std::size_t nc = fft_->complex_size;
  const std::vector<double>& k2 = fft_->k2;
  const Coefficients& co = model.coefficients;
  const double* rho = state.rho.data() + offset;
  auto owned_eta = [&](int slot) { return state.Eta(slot) + offset; };

  // Local sums and mobility; S = the largest mobility over every rank.
  std::vector<const double*> eta(static_cast<std::size_t>(num_slots_));
  for (int slot = 0; slot < num_slots_; ++slot) {
    eta[static_cast<std::size_t>(slot)] = owned_eta(slot);
  }
  const double max_mobility = slabs_.MaxOverRanks(detail::SumsAndMobility(
      model.mobility, rho, eta, m, s1_.data(), s2_.data(), s3_.data(), mobility_.data()));
  last_max_mobility_ = max_mobility;

  // μ = ∂f/∂ρ − κ_ρ ∇²ρ with the Laplacian spectral.
  Forward(rho, rho_hat_);
  for (std::size_t c = 0; c < nc; ++c) work_hat_[c] = -k2[c] * rho_hat_[c];
  Inverse(work_hat_, real_work_.data());
  for (std::size_t i = 0; i < m; ++i) {
    mu_[i] = DfDrhoSums(co.a, co.b, rho[i], s2_[i], s3_[i]) - co.kappa_rho * real_work_[i];
  }
  // Divergence of M ∇μ, accumulated in flux_hat_.
  Forward(mu_.data(), mu_hat_);
  std::fill(flux_hat_.begin(), flux_hat_.end(), detail::Complex(0.0, 0.0));
  for (int axis = 0; axis < slabs_.global().dims; ++axis) {
    const std::vector<double>& kd = fft_->kd[axis];
    for (std::size_t c = 0; c < nc; ++c) work_hat_[c] = detail::Complex(0.0, kd[c]) * mu_hat_[c];
    Inverse(work_hat_, gradient_.data());
    for (std::size_t i = 0; i < m; ++i) gradient_[i] *= mobility_[i];
    Forward(gradient_.data(), work_hat_);
    for (std::size_t c = 0; c < nc; ++c) {
      flux_hat_[c] += detail::Complex(0.0, kd[c]) * work_hat_[c];
    }
  }
  const double s_rho = 0.5 * CurvatureBoundRho(co);
  for (std::size_t c = 0; c < nc; ++c) {
    if (c == 0 && fft_->owns_mean) continue;  // the mean (mass) is left exactly as it is
    const double implicit = dt * max_mobility * k2[c] * (s_rho + co.kappa_rho * k2[c]);
    rho_hat_[c] += dt * flux_hat_[c] / (1.0 + implicit);
  }
  Inverse(rho_hat_, rho_next_.data() + offset);

  // Order parameters.
  const double dt_l = dt * model.l;
  const double s_eta = 0.5 * CurvatureBoundEta(co);
  for (int slot = 0; slot < num_slots_; ++slot) {
    const double* e = owned_eta(slot);
    for (std::size_t i = 0; i < m; ++i) real_work_[i] = DfDetaSums(co.b, rho[i], e[i], s2_[i]);
    Forward(e, work_hat_);
    Forward(real_work_.data(), flux_hat_);
    for (std::size_t c = 0; c < nc; ++c) {
      work_hat_[c] = ((1.0 + dt_l * s_eta) * work_hat_[c] - dt_l * flux_hat_[c]) /
                     (1.0 + dt_l * (s_eta + co.kappa_eta * k2[c]));
    }
    Inverse(work_hat_, eta_next_.data() + static_cast<std::size_t>(slot) * n_local + offset);
  }
  if (advection != nullptr && !advection->empty()) {
    // One ghost plane of every field and velocity, then the serial upwind flux on the local grid:
    // every owned point's faces read only owned and ghost planes (the periodic wrap of the local
    // grid pairs the two ghost planes, whose results are discarded).
    slabs_.ExchangeHalos(kGhosts);
    const int dims = slabs_.global().dims;
    int tag = num_slots_ + 1;
    for (int axis = 0; axis < dims; ++axis) {
      slabs_.ExchangeField(advection->rho_velocity.data() + axis * n_local, kGhosts, tag++);
      for (int slot = 0; slot < num_slots_; ++slot) {
        slabs_.ExchangeField(advection->slot_velocity[slot].data() + axis * n_local, kGhosts,
                             tag++);
      }
    }
    const Grid& local = state.grid;
    detail::AdvectField(local, state.rho.data(), advection->rho_velocity.data(), dt,
                        rho_next_.data());
    for (int slot = 0; slot < num_slots_; ++slot) {
      detail::AdvectField(local, state.Eta(slot), advection->slot_velocity[slot].data(), dt,
                          eta_next_.data() + static_cast<std::size_t>(slot) * n_local);
    }
  }
  double change = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    change = std::max(change, std::fabs(rho_next_[offset + i] - rho[i]));
  }
  for (int slot = 0; slot < num_slots_; ++slot) {
    const double* e = owned_eta(slot);
    const double* next = eta_next_.data() + static_cast<std::size_t>(slot) * n_local + offset;
    for (std::size_t i = 0; i < m; ++i) change = std::max(change, std::fabs(next[i] - e[i]));
  }
  std::swap(state.rho, rho_next_);
  std::swap(state.eta, eta_next_);
  state.time += dt;
  ++state.step;
  return slabs_.MaxOverRanks(change);
}

}  // namespace kyoso::sim::sinter
