// Slab decomposition of the FD kernel with halo exchange; see mpi_fd.h.
#include "kyoso/sim/sinter/mpi_fd.h"

#include <string>

#include "kyoso/base/error.h"

namespace kyoso::sim::sinter {

namespace {
constexpr int kGhosts = 2;
int LastAxis(const Grid& g) { return g.dims == 3 ? 2 : 1; }
}  // namespace

DistributedFdKernel::DistributedFdKernel(const Grid& global, int num_slots, int num_threads,
                                         MPI_Comm comm)
    : global_(global), comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  const int axis = LastAxis(global);
  const int n = global.n[axis];
  if (n < kGhosts * size_) {
    throw InputError("/grid/n", "sinter.mpi_decomposition",
                     std::to_string(size_) + " ranks need at least " +
                         std::to_string(kGhosts * size_) + " planes along the last axis");
  }
  num_planes_ = n / size_ + (rank_ < n % size_ ? 1 : 0);
  first_plane_ = rank_ * (n / size_) + std::min(rank_, n % size_);
  Grid local = global;
  local.n[axis] = num_planes_ + 2 * kGhosts;
  local_ = MakeState(local, num_slots);
  kernel_ = std::make_unique<FdKernel>(local, num_slots, num_threads);
}

std::size_t DistributedFdKernel::PlaneSize() const {
  return global_.dims == 3 ? static_cast<std::size_t>(global_.n[0]) * global_.n[1]
                           : static_cast<std::size_t>(global_.n[0]);
}

void DistributedFdKernel::Scatter(const State& global_on_root) {
  const std::size_t plane = PlaneSize();
  const std::size_t global_n = global_.size();
  // A broadcast of the whole state keeps this simple; it happens once per run.
  std::vector<double> buffer(global_n * (1 + local_.num_slots));
  if (rank_ == 0) {
    std::copy(global_on_root.rho.begin(), global_on_root.rho.end(), buffer.begin());
    std::copy(global_on_root.eta.begin(), global_on_root.eta.end(), buffer.begin() + global_n);
  }
  MPI_Bcast(buffer.data(), static_cast<int>(buffer.size()), MPI_DOUBLE, 0, comm_);
  for (int field = 0; field <= local_.num_slots; ++field) {
    const double* src = buffer.data() + field * global_n + first_plane_ * plane;
    double* dst = (field == 0 ? local_.rho.data() : local_.Eta(field - 1)) + kGhosts * plane;
    std::copy(src, src + num_planes_ * plane, dst);
  }
  local_.time = global_on_root.time;
  MPI_Bcast(&local_.time, 1, MPI_DOUBLE, 0, comm_);
}

void DistributedFdKernel::Gather(State& global_on_root) const {
  const std::size_t plane = PlaneSize();
  std::vector<int> counts(size_), displs(size_);
  const int mine = static_cast<int>(num_planes_ * plane);
  MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm_);
  if (rank_ == 0) {
    for (int r = 1; r < size_; ++r) displs[r] = displs[r - 1] + counts[r - 1];
  }
  for (int field = 0; field <= local_.num_slots; ++field) {
    const double* src = (field == 0 ? local_.rho.data() : local_.Eta(field - 1)) + kGhosts * plane;
    double* dst = nullptr;
    if (rank_ == 0) {
      dst = field == 0 ? global_on_root.rho.data() : global_on_root.Eta(field - 1);
    }
    MPI_Gatherv(src, mine, MPI_DOUBLE, dst, counts.data(), displs.data(), MPI_DOUBLE, 0, comm_);
  }
  if (rank_ == 0) global_on_root.time = local_.time;
}

void DistributedFdKernel::AllGather(State& global) const {
  const std::size_t plane = PlaneSize();
  std::vector<int> counts(size_), displs(size_);
  const int mine = static_cast<int>(num_planes_ * plane);
  MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm_);
  for (int r = 1; r < size_; ++r) displs[r] = displs[r - 1] + counts[r - 1];
  for (int field = 0; field <= local_.num_slots; ++field) {
    const double* src = (field == 0 ? local_.rho.data() : local_.Eta(field - 1)) + kGhosts * plane;
    double* dst = field == 0 ? global.rho.data() : global.Eta(field - 1);
    MPI_Allgatherv(src, mine, MPI_DOUBLE, dst, counts.data(), displs.data(), MPI_DOUBLE, comm_);
  }
}

double DistributedFdKernel::MaxMobility() const {
  const double mine = kernel_->last_max_mobility();
  double global = 0.0;
  MPI_Allreduce(&mine, &global, 1, MPI_DOUBLE, MPI_MAX, comm_);
  return global;
}

void DistributedFdKernel::ExchangeHalos() {
  const std::size_t plane = PlaneSize();
  const int count = static_cast<int>(kGhosts * plane);
  const int below = (rank_ + size_ - 1) % size_;
  const int above = (rank_ + 1) % size_;
  for (int field = 0; field <= local_.num_slots; ++field) {
    double* u = field == 0 ? local_.rho.data() : local_.Eta(field - 1);
    double* lower_ghost = u;
    double* lower_owned = u + kGhosts * plane;
    double* upper_owned = u + num_planes_ * plane;  // last kGhosts owned planes
    double* upper_ghost = u + (num_planes_ + kGhosts) * plane;
    // Send my top owned planes up, receive my lower ghosts from below; then the reverse.
    MPI_Sendrecv(upper_owned, count, MPI_DOUBLE, above, 2 * field, lower_ghost, count, MPI_DOUBLE,
                 below, 2 * field, comm_, MPI_STATUS_IGNORE);
    MPI_Sendrecv(lower_owned, count, MPI_DOUBLE, below, 2 * field + 1, upper_ghost, count,
                 MPI_DOUBLE, above, 2 * field + 1, comm_, MPI_STATUS_IGNORE);
  }
}

void DistributedFdKernel::Step(const StepModel& model, double dt) {
  ExchangeHalos();
  kernel_->Step(local_, model, dt, nullptr);
}

double DistributedFdKernel::Mass() const {
  const std::size_t plane = PlaneSize();
  double sum = 0.0;
  for (std::size_t c = kGhosts * plane; c < (num_planes_ + kGhosts) * plane; ++c) {
    sum += local_.rho[c];
  }
  double total = 0.0;
  MPI_Allreduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return total * global_.CellVolume();
}

}  // namespace kyoso::sim::sinter
