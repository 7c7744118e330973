// Domain decomposition of the finite-difference kernel with MPI (built when KYOSO_SINTER_MPI is
// ON): the box is cut into slabs along its last axis (y in 2-D, z in 3-D), each rank holds its
// slab plus two ghost planes per side, and before every step the ghost planes of ρ and every η
// are exchanged with the neighbouring ranks. Two ghost planes make pass 1 (μ, M) exact on the
// first ghost plane, so pass 2 of the unchanged FdKernel computes every owned point with exactly
// the operations of a single-rank run: results are bitwise identical to one rank. The slab
// layout, scatter/gather and halo exchange are detail::SlabFields (shared with mpi_spectral.h).
#pragma once

#include <mpi.h>

#include <memory>

#include "kyoso/sim/sinter/detail/mpi_slabs.h"
#include "kyoso/sim/sinter/fd_kernel.h"

namespace kyoso::sim::sinter {

class DistributedFdKernel {
 public:
  // Collective over `comm`. Every rank passes the same global grid; each owns ≥ 2 planes
  // (throws InputError "sinter.mpi_decomposition" otherwise).
  DistributedFdKernel(const Grid& global, int num_slots, int num_threads, MPI_Comm comm);

  // Collective: copies rank 0's global state into the slabs.
  void Scatter(const State& global_on_root) { slabs_.Scatter(global_on_root); }
  // Collective: assembles the global state on rank 0 (other ranks' `out` is untouched).
  void Gather(State& global_on_root) const { slabs_.Gather(global_on_root); }
  // Collective: assembles the global state on every rank (fields only; time and step are the
  // caller's). `global` must already have the global grid's size.
  void AllGather(State& global) const { slabs_.AllGather(global); }
  // Collective: one step of the FD kernel. advection may be null; otherwise its velocities are
  // laid out on the local grid (slabs().local().grid: owned planes plus two ghost planes per
  // side) with the owned planes and at least the first ghost plane per side filled
  // (GrainVelocities in rigid_body.h does so). The upwind flux (gather form) then reads the same
  // neighbours in the same order as on one rank. With rigid-body motion the fields equal one
  // rank's to round-off (its forces are summed per rank, then over the ranks); without it,
  // bitwise.
  void Step(const StepModel& model, double dt, const Advection* advection = nullptr);
  // Collective: the largest mobility M over the whole box at the start of the last step (the
  // value FdKernel::last_max_mobility gives on one rank, exactly: M is pointwise, and every rank's
  // planes including its ghosts hold values of real points).
  double MaxMobility() const;
  // Collective: ∫ρ over the whole box.
  double Mass() const { return slabs_.Mass(); }

  int first_plane() const { return slabs_.first_plane(); }
  int num_planes() const { return slabs_.num_planes(); }
  detail::SlabFields& slabs() { return slabs_; }
  const detail::SlabFields& slabs() const { return slabs_; }

 private:
  detail::SlabFields slabs_;  // num_planes + 4 planes: 2 ghosts, owned planes, 2 ghosts
  std::unique_ptr<FdKernel> kernel_;
};

}  // namespace kyoso::sim::sinter
