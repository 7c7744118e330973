// Grain tracking on MPI slabs (GrainTracker::Update(detail::SlabFields&), grains.h): a distributed
// flood fill. Each rank labels the regions of its owned planes (periodic along the other axes,
// ending at the slab's faces), the ranks all-gather their label counts, each label's smallest
// global point index and their first and last owned planes of labels, and every rank runs the
// same union-find: a label on rank r's last plane and one at the same point of rank r + 1's
// first plane (rank P − 1 → rank 0 across the periodic wrap) belong to one region. Regions are
// numbered by their smallest global point index, which is the order in which the one-rank flood
// fill (scanning points in memory order) meets them, so the labels are those of one rank. Volumes
// and centroid sums are per-slab partial sums added by one MPI_Allreduce, and the ghost planes of
// labels are exchanged with the neighbours. Traffic per slot: two planes of ints and one int64
// per label per rank, 7 doubles per region, and the ghost planes.
// See docs/methods/sinter.md, "MPI domain decomposition".
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "kyoso/sim/sinter/detail/mpi_slabs.h"
#include "kyoso/sim/sinter/grains.h"

namespace kyoso::sim::sinter {

namespace {

int Find(std::vector<int>& parent, int a) {
  while (parent[a] != a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

// The regions of u > threshold over every rank's owned planes; `labels` on the local grid
// (slabs.local().grid), −1 outside any region, the ghost planes filled from the neighbours (the
// rigid-body velocities are needed there). Collective; `tag` distinct per slot.
std::vector<GrainInfo> SlabRegions(detail::SlabFields& slabs, const double* u_local,
                                   double threshold, int tag, std::vector<int>& labels) {
  const Grid& global = slabs.global();
  Grid owned = global;
  owned.n[detail::SlabAxis(global)] = slabs.num_planes();
  const double* u = u_local + slabs.OwnedOffset();
  std::vector<int> local;
  const int count = detail::LabelRegions(owned, u, threshold, false, local);
  const std::size_t plane = slabs.PlaneSize();
  const std::size_t points = slabs.OwnedSize();

  // Each label's smallest global index: its flood-fill seed, the first point met in memory order.
  std::vector<std::int64_t> seeds(static_cast<std::size_t>(count), -1);
  const std::int64_t base =
      static_cast<std::int64_t>(slabs.first_plane()) * static_cast<std::int64_t>(plane);
  for (std::size_t c = 0; c < points; ++c) {
    if (local[c] >= 0 && seeds[local[c]] < 0) seeds[local[c]] = base + static_cast<std::int64_t>(c);
  }

  const int ranks = slabs.size();
  const MPI_Comm comm = slabs.comm();
  std::vector<int> counts(ranks), offsets(ranks + 1, 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  std::partial_sum(counts.begin(), counts.end(), offsets.begin() + 1);
  const int total = offsets[ranks];
  std::vector<std::int64_t> all_seeds(static_cast<std::size_t>(total));
  MPI_Allgatherv(seeds.data(), count, MPI_INT64_T, all_seeds.data(), counts.data(), offsets.data(),
                 MPI_INT64_T, comm);
  // The first and the last owned plane of labels of every rank.
  std::vector<int> faces(2 * plane);
  std::copy_n(local.begin(), plane, faces.begin());
  std::copy_n(local.begin() + static_cast<std::ptrdiff_t>(points - plane), plane,
              faces.begin() + static_cast<std::ptrdiff_t>(plane));
  std::vector<int> all_faces(2 * plane * static_cast<std::size_t>(ranks));
  MPI_Allgather(faces.data(), static_cast<int>(2 * plane), MPI_INT, all_faces.data(),
                static_cast<int>(2 * plane), MPI_INT, comm);

  // Union-find over the labels of all ranks (global label = offsets[r] + local label).
  std::vector<int> parent(static_cast<std::size_t>(total));
  std::iota(parent.begin(), parent.end(), 0);
  for (int r = 0; r < ranks; ++r) {
    const int next = (r + 1) % ranks;
    const int* last = all_faces.data() + (2 * static_cast<std::size_t>(r) + 1) * plane;
    const int* first = all_faces.data() + 2 * static_cast<std::size_t>(next) * plane;
    for (std::size_t p = 0; p < plane; ++p) {
      if (last[p] < 0 || first[p] < 0) continue;
      const int a = Find(parent, offsets[r] + last[p]);
      const int b = Find(parent, offsets[next] + first[p]);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  // Each region's smallest seed, then regions numbered in the order of those seeds.
  std::vector<std::int64_t> region_seed(static_cast<std::size_t>(total), -1);
  for (int g = 0; g < total; ++g) {
    const int root = Find(parent, g);
    if (region_seed[root] < 0 || all_seeds[g] < region_seed[root]) region_seed[root] = all_seeds[g];
  }
  std::vector<int> roots;
  for (int g = 0; g < total; ++g) {
    if (Find(parent, g) == g) roots.push_back(g);
  }
  std::sort(roots.begin(), roots.end(),
            [&](int a, int b) { return region_seed[a] < region_seed[b]; });
  std::vector<int> number(static_cast<std::size_t>(total), -1);
  for (std::size_t k = 0; k < roots.size(); ++k) number[roots[k]] = static_cast<int>(k);
  const int regions = static_cast<int>(roots.size());

  const int me = slabs.rank();
  for (int& l : local) {
    if (l >= 0) l = number[Find(parent, offsets[me] + l)];
  }
  // Ghost planes: the neighbours' labels, exchanged like a field (small integers are exact).
  std::vector<double> exchanged(slabs.local().grid.size(), -1.0);
  for (std::size_t c = 0; c < points; ++c) exchanged[slabs.OwnedOffset() + c] = local[c];
  slabs.ExchangeField(exchanged.data(), slabs.ghosts(), tag);
  labels.resize(exchanged.size());
  for (std::size_t c = 0; c < exchanged.size(); ++c) labels[c] = static_cast<int>(exchanged[c]);

  static_assert(sizeof(detail::RegionSums) == 7 * sizeof(double));
  std::vector<detail::RegionSums> sums =
      detail::SumRegions(global, owned, slabs.first_plane(), u, local, regions);
  if (!sums.empty()) {
    MPI_Allreduce(MPI_IN_PLACE, sums.data()->data(), static_cast<int>(7 * sums.size()), MPI_DOUBLE,
                  MPI_SUM, comm);
  }
  return detail::RegionsFromSums(global, sums);
}

}  // namespace

int GrainTracker::Update(detail::SlabFields& slabs) {
  const double threshold = options_.threshold;
  constexpr int kFirstTag = 1000;  // apart from the field exchanges' tags
  return Update(slabs.local(), slabs.global(),
                [threshold, &slabs](const State& local, int slot, std::vector<int>& labels) {
                  return SlabRegions(slabs, local.Eta(slot), threshold, kFirstTag + slot, labels);
                });
}

}  // namespace kyoso::sim::sinter
