// FFTW plan ownership for the spectral kernels; see fft.h.
#include "kyoso/sim/sinter/fft.h"

#include <fftw3.h>

#include <numbers>

namespace kyoso::sim::sinter::detail {

std::mutex& FftwPlannerMutex() {
  static std::mutex mutex;
  return mutex;
}

void* FftwMalloc(std::size_t bytes) { return fftw_malloc(bytes); }
void FftwFree(void* p) { fftw_free(p); }

void InitFftwThreadsLocked() {
  static const bool initialized = fftw_init_threads() != 0;
  (void)initialized;
}

struct RealFft::Plans {
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
  double* real = nullptr;
  fftw_complex* spectral = nullptr;
};

RealFft::RealFft(const Grid& grid, int num_threads) : plans_(std::make_unique<Plans>()) {
  const int nx = grid.n[0];
  const int ny = grid.n[1];
  const int nz = grid.dims == 3 ? grid.n[2] : 1;
  const int nxc = nx / 2 + 1;
  real_size_ = grid.size();
  complex_size_ = static_cast<std::size_t>(nxc) * ny * nz;
  {
    std::lock_guard<std::mutex> lock(FftwPlannerMutex());
    InitFftwThreadsLocked();
    fftw_plan_with_nthreads(num_threads < 1 ? 1 : num_threads);
    plans_->real = fftw_alloc_real(real_size_);
    plans_->spectral = fftw_alloc_complex(complex_size_);
    // FFTW is row-major (last index fastest); our x is fastest, so the order is (z, y, x).
    if (grid.dims == 3) {
      plans_->forward =
          fftw_plan_dft_r2c_3d(nz, ny, nx, plans_->real, plans_->spectral, FFTW_ESTIMATE);
      plans_->inverse =
          fftw_plan_dft_c2r_3d(nz, ny, nx, plans_->spectral, plans_->real, FFTW_ESTIMATE);
    } else {
      plans_->forward = fftw_plan_dft_r2c_2d(ny, nx, plans_->real, plans_->spectral, FFTW_ESTIMATE);
      plans_->inverse = fftw_plan_dft_c2r_2d(ny, nx, plans_->spectral, plans_->real, FFTW_ESTIMATE);
    }
  }
  k2_.resize(complex_size_);
  for (auto& v : kd_) v.assign(complex_size_, 0.0);
  const double two_pi = 2.0 * std::numbers::pi;
  auto wave = [&](int index, int count, bool derivative) {
    if (derivative && count % 2 == 0 && index == count / 2) return 0.0;
    const int m = index <= count / 2 ? index : index - count;
    return two_pi * m / (count * grid.dx);
  };
  std::size_t c = 0;
  for (int k = 0; k < nz; ++k) {
    for (int j = 0; j < ny; ++j) {
      for (int i = 0; i < nxc; ++i, ++c) {
        const double kx = wave(i, nx, false);
        const double ky = wave(j, ny, false);
        const double kz = grid.dims == 3 ? wave(k, nz, false) : 0.0;
        k2_[c] = kx * kx + ky * ky + kz * kz;
        kd_[0][c] = wave(i, nx, true);
        kd_[1][c] = wave(j, ny, true);
        kd_[2][c] = grid.dims == 3 ? wave(k, nz, true) : 0.0;
      }
    }
  }
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(FftwPlannerMutex());
  fftw_destroy_plan(plans_->forward);
  fftw_destroy_plan(plans_->inverse);
  fftw_free(plans_->real);
  fftw_free(plans_->spectral);
}

void RealFft::Forward(const double* in, Complex* out) {
  std::copy(in, in + real_size_, plans_->real);
  fftw_execute(plans_->forward);
  const Complex* src = reinterpret_cast<const Complex*>(plans_->spectral);
  std::copy(src, src + complex_size_, out);
}

void RealFft::Inverse(Complex* in, double* out) {
  std::copy(in, in + complex_size_, reinterpret_cast<Complex*>(plans_->spectral));
  fftw_execute(plans_->inverse);
  const double scale = 1.0 / static_cast<double>(real_size_);
  for (std::size_t i = 0; i < real_size_; ++i) out[i] = plans_->real[i] * scale;
}

}  // namespace kyoso::sim::sinter::detail
