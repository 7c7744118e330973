// Slab decomposition of the FD kernel with halo exchange; see mpi_fd.h.
#include "kyoso/sim/sinter/mpi_fd.h"

#include <algorithm>
#include <string>

#include "kyoso/base/error.h"

namespace kyoso::sim::sinter {

namespace {
constexpr int kGhosts = 2;

// The even split of the last axis: rank r owns n/P planes, one more for r < n mod P.
detail::SlabFields EvenSlabs(const Grid& global, int num_slots, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int n = global.n[global.PlaneAxis()];
  if (n < kGhosts * size) {
    throw InputError("/grid/n", "sinter.mpi_decomposition",
                     std::to_string(size) + " ranks need at least " +
                         std::to_string(kGhosts * size) + " planes along the last axis");
  }
  const int num_planes = n / size + (rank < n % size ? 1 : 0);
  const int first_plane = rank * (n / size) + std::min(rank, n % size);
  return detail::SlabFields(global, num_slots, first_plane, num_planes, kGhosts, comm);
}
}  // namespace

DistributedFdKernel::DistributedFdKernel(const Grid& global, int num_slots, int num_threads,
                                         MPI_Comm comm)
    : slabs_(EvenSlabs(global, num_slots, comm)),
      kernel_(std::make_unique<FdKernel>(slabs_.local().grid, num_slots, num_threads)) {}

double DistributedFdKernel::MaxMobility() const {
  return slabs_.MaxOverRanks(kernel_->last_max_mobility());
}

void DistributedFdKernel::Step(const StepModel& model, double dt, const Advection* advection) {
  slabs_.ExchangeHalos(kGhosts);
  kernel_->Step(slabs_.local(), model, dt, advection);
}

}  // namespace kyoso::sim::sinter
