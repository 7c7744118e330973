// Grain tracking on MPI slabs (GrainTracker::Update(detail::SlabFields&), grains.h): a distributed
// flood fill. Each rank labels the regions of its owned planes (periodic along the other axes,
// ending at the slab's faces), the ranks all-gather their label counts, each label's smallest
// global point index and their first and last owned planes of labels, and every rank runs the
// same union-find: a label on rank r's last plane and one at the same point of rank r + 1's
// first plane (rank P − 1 → rank 0 across the periodic wrap) belong to one region. Regions are
// numbered by their smallest global point index, which is the order in which the one-rank flood
// fill (scanning points in memory order) meets them, so the labels are those of one rank. Volumes
// and centroid sums are per-slab partial sums added by one MPI_Allreduce, and the ghost planes of
// labels are exchanged with the neighbours. All slots share four collectives per pass; traffic
// per slot: two planes of ints and one int64 per label per rank, 7 doubles per region, and the
// ghost planes.
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

// The regions of η_s > threshold of every slot s over every rank's owned planes; labels[s] on the
// local grid (slabs.local().grid), −1 outside any region, the ghost planes filled from the
// neighbours (the rigid-body velocities are needed there). Collective: every slot goes through the
// same four collectives (label counts, seeds, boundary planes, region sums) and one ghost-plane
// exchange per slot.
std::vector<std::vector<GrainInfo>> SlabRegions(detail::SlabFields& slabs, double threshold,
                                                std::vector<std::vector<int>>& labels) {
  const State& fields = slabs.local();
  const int num_slots = fields.num_slots;
  const Grid& global = slabs.global();
  Grid owned = global;
  owned.n[global.PlaneAxis()] = slabs.num_planes();
  const std::size_t plane = slabs.PlaneSize();
  const std::size_t points = slabs.OwnedSize();
  const int ranks = slabs.size();
  const int me = slabs.rank();
  const MPI_Comm comm = slabs.comm();

  // 1. Each slot's flood fill of the owned planes, and each label's smallest global index: its
  // seed, the first point met in memory order.
  std::vector<std::vector<int>> local(num_slots);
  std::vector<int> counts(num_slots);
  std::vector<std::int64_t> seeds;  // slot-major
  const std::int64_t base =
      static_cast<std::int64_t>(slabs.first_plane()) * static_cast<std::int64_t>(plane);
  std::vector<std::size_t> slot_seeds;
  for (int s = 0; s < num_slots; ++s) {
    counts[s] = detail::LabelRegions(owned, fields.Eta(s) + slabs.OwnedOffset(), threshold, false,
                                     local[s], &slot_seeds);
    for (std::size_t c : slot_seeds) seeds.push_back(base + static_cast<std::int64_t>(c));
  }

  // 2. Every rank's label counts, seeds and first and last owned planes of labels, per slot.
  std::vector<int> all_counts(static_cast<std::size_t>(ranks) * num_slots);  // [rank][slot]
  MPI_Allgather(counts.data(), num_slots, MPI_INT, all_counts.data(), num_slots, MPI_INT, comm);
  std::vector<int> rank_counts(ranks), rank_offsets(ranks + 1, 0);
  for (int r = 0; r < ranks; ++r) {
    rank_counts[r] =
        std::accumulate(all_counts.begin() + static_cast<std::ptrdiff_t>(r) * num_slots,
                        all_counts.begin() + static_cast<std::ptrdiff_t>(r + 1) * num_slots, 0);
  }
  std::partial_sum(rank_counts.begin(), rank_counts.end(), rank_offsets.begin() + 1);
  std::vector<std::int64_t> all_seeds(static_cast<std::size_t>(rank_offsets[ranks]));
  MPI_Allgatherv(seeds.data(), rank_counts[me], MPI_INT64_T, all_seeds.data(), rank_counts.data(),
                 rank_offsets.data(), MPI_INT64_T, comm);
  const std::size_t face_block = 2 * plane * static_cast<std::size_t>(num_slots);
  std::vector<int> faces(face_block);  // [slot][first, last][point]
  for (int s = 0; s < num_slots; ++s) {
    std::copy_n(local[s].begin(), plane,
                faces.begin() + static_cast<std::ptrdiff_t>(2 * s * plane));
    std::copy_n(local[s].begin() + static_cast<std::ptrdiff_t>(points - plane), plane,
                faces.begin() + static_cast<std::ptrdiff_t>((2 * s + 1) * plane));
  }
  std::vector<int> all_faces(face_block * static_cast<std::size_t>(ranks));
  MPI_Allgather(faces.data(), static_cast<int>(face_block), MPI_INT, all_faces.data(),
                static_cast<int>(face_block), MPI_INT, comm);

  // 3. Per slot: a union-find over the labels of all ranks (index = that rank's offset + label),
  // merging labels that meet across a slab face (rank r's last plane, rank r + 1's first plane,
  // periodic), then the merged regions numbered in the order of their smallest seed.
  std::vector<int> num_regions(num_slots);
  for (int s = 0; s < num_slots; ++s) {
    std::vector<int> offsets(ranks + 1, 0);  // this slot's labels of rank r start at offsets[r]
    std::vector<std::int64_t> slot_seeds;
    for (int r = 0; r < ranks; ++r) {
      const std::size_t rs = static_cast<std::size_t>(r) * num_slots;
      const int before =
          std::accumulate(all_counts.begin() + static_cast<std::ptrdiff_t>(rs),
                          all_counts.begin() + static_cast<std::ptrdiff_t>(rs + s), 0);
      const auto first = all_seeds.begin() + rank_offsets[r] + before;
      slot_seeds.insert(slot_seeds.end(), first, first + all_counts[rs + s]);
      offsets[r + 1] = offsets[r] + all_counts[rs + s];
    }
    const int total = offsets[ranks];
    std::vector<int> parent(static_cast<std::size_t>(total));
    std::iota(parent.begin(), parent.end(), 0);
    for (int r = 0; r < ranks; ++r) {
      const int next = (r + 1) % ranks;
      const int* last = all_faces.data() + r * face_block + (2 * s + 1) * plane;
      const int* first = all_faces.data() + next * face_block + 2 * s * plane;
      for (std::size_t p = 0; p < plane; ++p) {
        if (last[p] < 0 || first[p] < 0) continue;
        const int a = Find(parent, offsets[r] + last[p]);
        const int b = Find(parent, offsets[next] + first[p]);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
    }
    std::vector<std::int64_t> region_seed(static_cast<std::size_t>(total), -1);
    for (int g = 0; g < total; ++g) {
      const int root = Find(parent, g);
      if (region_seed[root] < 0 || slot_seeds[g] < region_seed[root]) {
        region_seed[root] = slot_seeds[g];
      }
    }
    std::vector<int> roots;
    for (int g = 0; g < total; ++g) {
      if (Find(parent, g) == g) roots.push_back(g);
    }
    std::sort(roots.begin(), roots.end(),
              [&](int a, int b) { return region_seed[a] < region_seed[b]; });
    std::vector<int> number(static_cast<std::size_t>(total), -1);
    for (std::size_t k = 0; k < roots.size(); ++k) number[roots[k]] = static_cast<int>(k);
    num_regions[s] = static_cast<int>(roots.size());
    std::vector<int> renumber(static_cast<std::size_t>(all_counts[me * num_slots + s]));
    for (std::size_t l = 0; l < renumber.size(); ++l) {
      renumber[l] = number[Find(parent, offsets[me] + static_cast<int>(l))];
    }
    for (int& l : local[s]) {
      if (l >= 0) l = renumber[l];
    }
  }

  // 4. Volumes and centroid sums: per-slab partial sums, all slots in one MPI_Allreduce.
  static_assert(sizeof(detail::RegionSums) == 7 * sizeof(double));
  std::vector<std::vector<detail::RegionSums>> sums(num_slots);
  std::vector<detail::RegionSums> packed;
  for (int s = 0; s < num_slots; ++s) {
    sums[s] = detail::SumRegions(global, owned, slabs.first_plane(),
                                 fields.Eta(s) + slabs.OwnedOffset(), local[s], num_regions[s]);
    packed.insert(packed.end(), sums[s].begin(), sums[s].end());
  }
  if (!packed.empty()) {
    MPI_Allreduce(MPI_IN_PLACE, packed.data()->data(), static_cast<int>(7 * packed.size()),
                  MPI_DOUBLE, MPI_SUM, comm);
  }

  // 5. Labels on the local grid, the ghost planes received from the periodic neighbours' owned
  // planes (the layout of SlabFields::ExchangeField, as ints).
  std::vector<std::vector<GrainInfo>> regions(num_slots);
  std::size_t next = 0;
  labels.resize(num_slots);
  const std::size_t ghost_points = static_cast<std::size_t>(slabs.ghosts()) * plane;
  const int count = static_cast<int>(ghost_points);
  const int below = (me + ranks - 1) % ranks;
  const int above = (me + 1) % ranks;
  constexpr int kFirstTag = 1000;  // apart from the field exchanges' tags
  for (int s = 0; s < num_slots; ++s) {
    std::copy_n(packed.begin() + static_cast<std::ptrdiff_t>(next), sums[s].size(),
                sums[s].begin());
    next += sums[s].size();
    regions[s] = detail::RegionsFromSums(global, sums[s]);
    std::vector<int>& out = labels[s];
    out.resize(fields.grid.size());
    std::copy(local[s].begin(), local[s].end(),
              out.begin() + static_cast<std::ptrdiff_t>(slabs.OwnedOffset()));
    int* lower_ghost = out.data();
    int* lower_owned = out.data() + slabs.OwnedOffset();
    int* upper_owned = out.data() + slabs.OwnedOffset() + points - ghost_points;
    int* upper_ghost = out.data() + slabs.OwnedOffset() + points;
    const int tag = 2 * (kFirstTag + s);
    MPI_Sendrecv(upper_owned, count, MPI_INT, above, tag, lower_ghost, count, MPI_INT, below, tag,
                 comm, MPI_STATUS_IGNORE);
    MPI_Sendrecv(lower_owned, count, MPI_INT, below, tag + 1, upper_ghost, count, MPI_INT, above,
                 tag + 1, comm, MPI_STATUS_IGNORE);
  }
  return regions;
}

}  // namespace

int GrainTracker::Update(detail::SlabFields& slabs) {
  const double threshold = options_.threshold;
  return Update(slabs.local(), slabs.global(),
                [threshold, &slabs](const State&, std::vector<std::vector<int>>& labels) {
                  return SlabRegions(slabs, threshold, labels);
                });
}

}  // namespace kyoso::sim::sinter
