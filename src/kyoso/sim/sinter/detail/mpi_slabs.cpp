// Slab layout, scatter/gather and halo exchange of the MPI kernels; see mpi_slabs.h.
#include "kyoso/sim/sinter/detail/mpi_slabs.h"

#include <algorithm>
#include <vector>

namespace kyoso::sim::sinter::detail {

SlabFields::SlabFields(const Grid& global, int num_slots, int first_plane, int num_planes,
                       int ghosts, MPI_Comm comm)
    : global_(global),
      comm_(comm),
      first_plane_(first_plane),
      num_planes_(num_planes),
      ghosts_(ghosts) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  Grid local = global;
  local.n[global.PlaneAxis()] = num_planes_ + 2 * ghosts_;
  local_ = MakeState(local, num_slots);
}

std::size_t SlabFields::PlaneSize() const {
  return global_.dims == 3 ? static_cast<std::size_t>(global_.n[0]) * global_.n[1]
                           : static_cast<std::size_t>(global_.n[0]);
}

void SlabFields::Scatter(const State& global_on_root) {
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
    double* dst = (field == 0 ? local_.rho.data() : local_.Eta(field - 1)) + OwnedOffset();
    std::copy(src, src + OwnedSize(), dst);
  }
  local_.time = global_on_root.time;
  MPI_Bcast(&local_.time, 1, MPI_DOUBLE, 0, comm_);
}

namespace {
// Counts and displacements (in points) of every rank's owned planes.
void Layout(const SlabFields& slabs, std::vector<int>& counts, std::vector<int>& displs) {
  const int mine[2] = {static_cast<int>(slabs.OwnedSize()),
                       static_cast<int>(slabs.first_plane() * slabs.PlaneSize())};
  std::vector<int> all(2 * slabs.size());
  MPI_Allgather(mine, 2, MPI_INT, all.data(), 2, MPI_INT, slabs.comm());
  counts.resize(slabs.size());
  displs.resize(slabs.size());
  for (int r = 0; r < slabs.size(); ++r) {
    counts[r] = all[2 * r];
    displs[r] = all[2 * r + 1];
  }
}
}  // namespace

void SlabFields::Gather(State& global_on_root) const {
  std::vector<int> counts, displs;
  Layout(*this, counts, displs);
  const int mine = static_cast<int>(OwnedSize());
  for (int field = 0; field <= local_.num_slots; ++field) {
    const double* src = (field == 0 ? local_.rho.data() : local_.Eta(field - 1)) + OwnedOffset();
    double* dst = nullptr;
    if (rank_ == 0) {
      dst = field == 0 ? global_on_root.rho.data() : global_on_root.Eta(field - 1);
    }
    MPI_Gatherv(src, mine, MPI_DOUBLE, dst, counts.data(), displs.data(), MPI_DOUBLE, 0, comm_);
  }
  if (rank_ == 0) global_on_root.time = local_.time;
}

void SlabFields::AllGather(State& global) const {
  std::vector<int> counts, displs;
  Layout(*this, counts, displs);
  const int mine = static_cast<int>(OwnedSize());
  for (int field = 0; field <= local_.num_slots; ++field) {
    const double* src = (field == 0 ? local_.rho.data() : local_.Eta(field - 1)) + OwnedOffset();
    double* dst = field == 0 ? global.rho.data() : global.Eta(field - 1);
    MPI_Allgatherv(src, mine, MPI_DOUBLE, dst, counts.data(), displs.data(), MPI_DOUBLE, comm_);
  }
}

void SlabFields::ExchangeField(double* u, int planes, int tag) {
  const std::size_t plane = PlaneSize();
  const int count = static_cast<int>(planes * plane);
  const int below = (rank_ + size_ - 1) % size_;
  const int above = (rank_ + 1) % size_;
  double* lower_ghost = u + (ghosts_ - planes) * plane;
  double* lower_owned = u + OwnedOffset();
  double* upper_owned = u + (ghosts_ + num_planes_ - planes) * plane;  // last `planes` owned
  double* upper_ghost = u + (ghosts_ + num_planes_) * plane;
  // Send my top owned planes up, receive my lower ghosts from below; then the reverse.
  MPI_Sendrecv(upper_owned, count, MPI_DOUBLE, above, 2 * tag, lower_ghost, count, MPI_DOUBLE,
               below, 2 * tag, comm_, MPI_STATUS_IGNORE);
  MPI_Sendrecv(lower_owned, count, MPI_DOUBLE, below, 2 * tag + 1, upper_ghost, count, MPI_DOUBLE,
               above, 2 * tag + 1, comm_, MPI_STATUS_IGNORE);
}

void SlabFields::ExchangeHalos(int planes) {
  for (int field = 0; field <= local_.num_slots; ++field) {
    ExchangeField(field == 0 ? local_.rho.data() : local_.Eta(field - 1), planes, field);
  }
}

double SlabFields::Mass() const {
  double sum = 0.0;
  const double* rho = local_.rho.data() + OwnedOffset();
  for (std::size_t c = 0; c < OwnedSize(); ++c) sum += rho[c];
  double total = 0.0;
  MPI_Allreduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return total * global_.CellVolume();
}

double SlabFields::MaxOverRanks(double value) const {
  double global = 0.0;
  MPI_Allreduce(&value, &global, 1, MPI_DOUBLE, MPI_MAX, comm_);
  return global;
}

void SlabFields::SumOverRanks(double* values, int count) const {
  MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, comm_);
}

bool SlabFields::AllRanks(bool value) const {
  int flag = value ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MIN, comm_);
  return flag != 0;
}

}  // namespace kyoso::sim::sinter::detail
