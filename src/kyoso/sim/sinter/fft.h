// A thin owner of FFTW real-to-complex plans on a Grid (2-D or 3-D), with the wavenumbers of each
// complex coefficient. Used by the spectral kernels and the PFHub benchmarks. Plans use
// FFTW_ESTIMATE so that the same input gives bitwise the same output run after run (FFTW_MEASURE
// may choose different algorithms, hence different round-off, between runs).
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "kyoso/sim/sinter/grid.h"

namespace kyoso::sim::sinter::detail {

using Complex = std::complex<double>;

// FFTW's planner is not thread-safe and its thread support must be initialized once per process
// (before fftw_mpi_init when the MPI transforms are used): both are FFTW's own process-wide
// state. Hold this lock while creating or destroying any plan.
std::mutex& FftwPlannerMutex();
// Calls fftw_init_threads once per process; the caller holds FftwPlannerMutex().
void InitFftwThreadsLocked();

// fftw_malloc / fftw_free, and a std::allocator over them: arrays with the alignment FFTW's SIMD
// codelets need, so a plan can be executed on them directly (fftw_execute_dft_* new-array form).
void* FftwMalloc(std::size_t bytes);
void FftwFree(void* p);
template <class T>
struct FftwAllocator {
  using value_type = T;
  FftwAllocator() = default;
  template <class U>
  explicit FftwAllocator(const FftwAllocator<U>&) {}
  T* allocate(std::size_t n) {
    void* p = FftwMalloc(n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { FftwFree(p); }
  template <class U>
  bool operator==(const FftwAllocator<U>&) const {
    return true;
  }
};
using ComplexBuffer = std::vector<Complex, FftwAllocator<Complex>>;

class RealFft {
 public:
  // num_threads ≥ 1 FFTW threads.
  RealFft(const Grid& grid, int num_threads);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  std::size_t real_size() const { return real_size_; }
  std::size_t complex_size() const { return complex_size_; }
  // out: complex_size() coefficients (unnormalized forward transform).
  void Forward(const double* in, Complex* out);
  // out: real_size() values; divides by real_size() so Inverse(Forward(x)) = x. `in` is
  // destroyed (FFTW's c2r overwrites its input).
  void Inverse(Complex* in, double* out);

  // Wavenumbers (rad per unit length) of every complex coefficient, per axis; k2 = |k|².
  // The first-derivative wavenumbers `kd` are zero at the Nyquist index of an even axis (the
  // derivative of that mode is not representable as a real field).
  const std::vector<double>& k2() const { return k2_; }
  const std::vector<double>& kd(int axis) const { return kd_[axis]; }

 private:
  struct Plans;
  std::unique_ptr<Plans> plans_;
  std::size_t real_size_ = 0;
  std::size_t complex_size_ = 0;
  std::vector<double> k2_;
  std::vector<double> kd_[3];
};

}  // namespace kyoso::sim::sinter::detail
