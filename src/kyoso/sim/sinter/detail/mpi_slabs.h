// The slab decomposition shared by the MPI kernels (mpi_fd.h, mpi_spectral.h): the periodic box is
// cut along its last axis (y in 2-D, z in 3-D), each rank owns a contiguous run of planes and
// keeps `ghosts` extra planes on each side, filled from its periodic neighbours by
// ExchangeHalos. The local fields are a State on the local grid (owned planes + 2 × ghosts),
// so the serial kernels and AdvectField run on it unchanged. Scatter, Gather and AllGather move
// whole fields between rank 0 (or every rank) and the slabs, using this rank's own planes: the
// kernels decide the decomposition (the FD kernel evenly, the spectral kernel as FFTW's
// fftw_mpi_local_size_* says).
#pragma once

#include <mpi.h>

#include <cstddef>

#include "kyoso/sim/sinter/state.h"

namespace kyoso::sim::sinter::detail {

class SlabFields {
 public:
  // Not collective. This rank owns global planes [first_plane, first_plane + num_planes) of
  // the last axis (num_planes ≥ ghosts ≥ 0, checked by the kernels) and keeps `ghosts` more
  // per side; `global` is the same on every rank.
  SlabFields(const Grid& global, int num_slots, int first_plane, int num_planes, int ghosts,
             MPI_Comm comm);

  // Collective: copies rank 0's global fields and time into the owned planes.
  void Scatter(const State& global_on_root);
  // Collective: assembles the global fields and time on rank 0 (other ranks' `out` untouched).
  void Gather(State& global_on_root) const;
  // Collective: assembles the global fields on every rank (fields only; time and step are the
  // caller's). `global` must already have the global grid's size.
  void AllGather(State& global) const;
  // Collective: fills `planes` (≤ ghosts) ghost planes per side of ρ and every η from the
  // periodic neighbours' owned planes.
  void ExchangeHalos(int planes);
  // Collective: the same for one more field `u` laid out like a local field (tag: distinct per
  // field exchanged in one go).
  void ExchangeField(double* u, int planes, int tag);
  // Collective: ∫ρ over the whole box (owned planes summed, then MPI_Allreduce).
  double Mass() const;
  // Collective: the largest `value` over the ranks.
  double MaxOverRanks(double value) const;
  // Collective: replaces values[0, count) by their sums over the ranks.
  void SumOverRanks(double* values, int count) const;
  // Collective: true when `value` is true on every rank.
  bool AllRanks(bool value) const;

  State& local() { return local_; }
  const State& local() const { return local_; }
  const Grid& global() const { return global_; }
  MPI_Comm comm() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  int first_plane() const { return first_plane_; }
  int num_planes() const { return num_planes_; }
  int ghosts() const { return ghosts_; }
  // Points per plane, index of the first owned point in a local field, owned points.
  std::size_t PlaneSize() const;
  std::size_t OwnedOffset() const { return static_cast<std::size_t>(ghosts_) * PlaneSize(); }
  std::size_t OwnedSize() const { return static_cast<std::size_t>(num_planes_) * PlaneSize(); }

 private:
  Grid global_;
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  int first_plane_ = 0, num_planes_ = 0, ghosts_ = 0;
  State local_;
};

}  // namespace kyoso::sim::sinter::detail
