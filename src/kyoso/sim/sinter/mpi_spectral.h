// Domain decomposition of the semi-implicit spectral kernel with MPI (built when
// KYOSO_SINTER_MPI is ON): the scheme of SpectralKernel::Step on slabs of the last axis (y in
// 2-D, z in 3-D), with FFTW's MPI r2c/c2r transforms on the communicator (FFTW_ESTIMATE,
// FFTW_MPI_TRANSPOSED_OUT/IN: the spectral coefficients live transposed, sliced along the second
// slowest axis, which saves two global transposes per forward/inverse pair; every spectral
// operation of the scheme is pointwise in k, so only the wavenumbers follow the transposition).
// FFTW decides the slab sizes (fftw_mpi_local_size_*_transposed); the scatter/gather of the run
// uses this kernel's slabs(). The largest mobility (the implicit factor S) and the largest change
// are MPI_Allreduce'd, so every rank takes the same decisions; the k = 0 coefficient of ρ lives on
// the rank that owns k_y = 0 (2-D: k_x = 0) and is never touched, so ∫ρ is conserved to
// round-off. FFTW's MPI transforms sum in another order than the serial ones, so the fields equal
// one rank's to round-off (not bitwise). Rigid-body advection uses the same upwind flux as the
// serial kernel, with one ghost plane of every field and velocity exchanged before it.
// See docs/methods/sinter.md, "MPI domain decomposition".
#pragma once

#include <mpi.h>

#include <memory>
#include <vector>

#include "kyoso/sim/sinter/detail/mpi_slabs.h"
#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/fft.h"

namespace kyoso::sim::sinter {

class DistributedSpectralKernel {
 public:
  // Collective over `comm` (MPI must be initialized). Every rank passes the same global grid;
  // FFTW's block decomposition must give every rank ≥ 1 plane of the last axis (throws
  // InputError "sinter.mpi_decomposition" on every rank otherwise). num_threads ≥ 1 FFTW
  // threads per rank.
  DistributedSpectralKernel(const Grid& global, int num_slots, int num_threads, MPI_Comm comm);
  ~DistributedSpectralKernel();
  DistributedSpectralKernel(const DistributedSpectralKernel&) = delete;
  DistributedSpectralKernel& operator=(const DistributedSpectralKernel&) = delete;

  // Collective: copies rank 0's global state into the slabs.
  void Scatter(const State& global_on_root) { slabs_.Scatter(global_on_root); }
  // Collective: assembles the global state on rank 0 (other ranks' `out` is untouched).
  void Gather(State& global_on_root) const { slabs_.Gather(global_on_root); }
  // Collective: assembles the global fields on every rank (time and step are the caller's).
  void AllGather(State& global) const { slabs_.AllGather(global); }

  // Collective: one step of SpectralKernel::Step's scheme; returns the largest change
  // max(|Δρ|, |Δη_i|) over the whole box (the same value on every rank). advection may be null;
  // otherwise its velocities are laid out on the local grid (slabs().local().grid, owned planes
  // plus one ghost plane per side) with the owned planes filled; Step fills the ghost planes.
  double Step(const StepModel& model, double dt, Advection* advection);
  // The largest mobility over the whole box at the start of the last step (0 before the first).
  double last_max_mobility() const { return last_max_mobility_; }
  // Collective: ∫ρ over the whole box.
  double Mass() const { return slabs_.Mass(); }

  int first_plane() const { return slabs_.first_plane(); }
  int num_planes() const { return slabs_.num_planes(); }
  detail::SlabFields& slabs() { return slabs_; }
  const detail::SlabFields& slabs() const { return slabs_; }

 private:
  struct Fft;
  // Transforms of one owned field (OwnedSize() values, unpadded) to this rank's local complex
  // coefficients and back (Inverse divides by the global size and destroys `in`). The
  // coefficient arrays are ComplexBuffers of FFTW's local allocation size, on which the plans
  // run directly (no copy of the coefficients).
  void Forward(const double* in, detail::ComplexBuffer& out);
  void Inverse(detail::ComplexBuffer& in, double* out);

  std::unique_ptr<Fft> fft_;
  detail::SlabFields slabs_;
  int num_slots_;
  double last_max_mobility_ = 0.0;
  detail::ComplexBuffer rho_hat_, mu_hat_, work_hat_, flux_hat_;
  std::vector<double> s1_, s2_, s3_, mu_, mobility_, gradient_, real_work_;
  std::vector<double> rho_next_, eta_next_;  // local layout (ghosts included)
};

}  // namespace kyoso::sim::sinter
