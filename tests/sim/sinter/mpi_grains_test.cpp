// Grain tracking on MPI slabs (GrainTracker::Update(detail::SlabFields&), mpi_grains.cpp), run
// under `mpirun -np 2` and `-np 3` by CTest. Oracle: GrainTracker::Update on the whole fields
// (one rank), which every rank also runs itself. The distributed flood fill must find the same
// regions in the same order, so grain ids, slots, region labels, remaps and the remapped fields
// are identical (0 tolerance: labels are integers and a remap moves values exactly); volumes and
// centroids are per-slab partial sums added by MPI_Allreduce, the same positive terms grouped
// differently: at most (number of points) × ε ≈ 2400 × 1.1e-16 = 2.6e-13 relative, asserted
// 1e-12 (observed on 2 and 3 ranks: volumes within 2e-15 relative, centroids within 6e-15).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>

#include "kyoso/sim/sinter/detail/mpi_slabs.h"
#include "kyoso/sim/sinter/grains.h"
#include "kyoso/sim/sinter/sinter.h"
#include "kyoso/sim/sinter/structures.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

// FFTW's block split of n planes over the ranks: ceil(n/P) on the first ranks (37 planes on 3
// ranks: 13 + 13 + 11, uneven), as the spectral kernel's slabs.
detail::SlabFields BlockSlabs(const Grid& global, int num_slots, int ghosts) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const int n = global.n[global.PlaneAxis()];
  const int block = (n + ranks - 1) / ranks;
  const int first = std::min(n, rank * block);
  return detail::SlabFields(global, num_slots, first, std::min(block, n - first), ghosts,
                            MPI_COMM_WORLD);
}

void ExpectSameGrains(const GrainTracker& distributed, const GrainTracker& serial,
                      const Grid& grid) {
  ASSERT_EQ(distributed.grains().size(), serial.grains().size());
  for (std::size_t g = 0; g < serial.grains().size(); ++g) {
    const GrainInfo& a = distributed.grains()[g];
    const GrainInfo& b = serial.grains()[g];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.slot, b.slot);
    ExpectClose(a.volume, b.volume, 1e-12);
    for (int d = 0; d < grid.dims; ++d) ExpectClose(a.centroid[d], b.centroid[d], 0.0, 1e-12);
  }
}

// 2-D, 64 × 37, three slots, on the uneven split: grain A crosses the periodic wrap of the slab
// axis (y = 0 / 36), grain B spans the faces between the slabs of ranks 0 | 1 | 2, grain C sits
// close to B in the same slot (surface gap 7 < buffer 10), so the tracker moves C (the smaller)
// to slot 1, where it keeps the buffer to D. Then a second pass moves nothing and keeps ids.
TEST(DistributedGrainTracker, SameIdsVolumesAndRemapsAsOneRankOnUnevenSlabs) {
  const Grid g{.dims = 2, .n = {64, 37, 1}, .dx = 1.0};
  const std::vector<Particle> particles = {{{16.0, 2.0, 0.0}, 7.0},
                                           {{38.0, 18.0, 0.0}, 9.0},
                                           {{60.0, 19.0, 0.0}, 6.0},
                                           {{38.0, 33.0, 0.0}, 4.5}};
  State serial = MakeState(g, 3);
  FillState(particles, {0, 0, 0, 1}, 2.0, false, serial);
  detail::SlabFields slabs = BlockSlabs(g, 3, 1);
  slabs.Scatter(serial);
  const TrackingOptions options{.threshold = 0.05, .min_volume = 1.0, .remap_buffer = 10.0};
  GrainTracker one(options);
  GrainTracker many(options);
  EXPECT_EQ(one.Update(serial), 1);  // C moved: the oracle case does remap
  EXPECT_EQ(many.Update(slabs), 1);
  ASSERT_EQ(serial.grid.size(), g.size());
  ExpectSameGrains(many, one, g);
  // The remapped fields are the one-rank fields exactly.
  State gathered = serial;
  slabs.AllGather(gathered);
  for (std::size_t c = 0; c < serial.eta.size(); ++c) ASSERT_EQ(gathered.eta[c], serial.eta[c]);
  // Every owned point carries the one-rank label.
  const std::size_t offset = static_cast<std::size_t>(slabs.first_plane()) * slabs.PlaneSize();
  for (int s = 0; s < 3; ++s) {
    for (std::size_t c = 0; c < slabs.OwnedSize(); ++c) {
      ASSERT_EQ(many.labels(s)[slabs.OwnedOffset() + c], one.labels(s)[offset + c]);
    }
  }
  EXPECT_EQ(one.Update(serial), 0);
  EXPECT_EQ(many.Update(slabs), 0);
  ExpectSameGrains(many, one, g);
}

// 3-D, 24 × 20 × 15 (uneven: 8 + 7 on 2 ranks, 5 + 5 + 5 on 3), a chain of three particles
// along z that crosses every slab face and the periodic wrap, two slots.
TEST(DistributedGrainTracker, SameGrainsAsOneRankIn3DAcrossTheWrap) {
  const Grid g{.dims = 3, .n = {24, 20, 15}, .dx = 1.0};
  const std::vector<Particle> particles = {
      {{12.0, 10.0, 1.0}, 4.0}, {{12.0, 10.0, 8.5}, 3.5}, {{5.0, 4.0, 13.0}, 3.0}};
  State serial = MakeState(g, 2);
  FillState(particles, {0, 1, 1}, 2.0, false, serial);
  detail::SlabFields slabs = BlockSlabs(g, 2, 1);
  slabs.Scatter(serial);
  const TrackingOptions options{.threshold = 0.05, .min_volume = 1.0, .remap_buffer = 2.0};
  GrainTracker one(options);
  GrainTracker many(options);
  const int moved = one.Update(serial);
  EXPECT_EQ(many.Update(slabs), moved);
  EXPECT_EQ(one.grains().size(), 3u);
  ExpectSameGrains(many, one, g);
}

// The Run use case with remapping on several ranks (2-D FD; four grains as in the first test,
// inside the box, put in slots 0, 0, 0, 1 by hand so that the first tracking pass must move C):
// remaps happen in the slabs, so the FD fields stay bitwise those of one rank (before the slab
// tracker, a remap on the all-gathered copy never reached the slabs), and the remap count and the
// grain series equal one rank's.
TEST(DistributedGrainTracker, RunWithRemapsMatchesOneRank) {
  Spec spec = ParseSpec(nlohmann::json::parse(R"({
    "grid": {"dims": 2, "n": [72, 48], "dx": 1}, "model": {},
    "structure": {"type": "particles", "particles": [
      {"center": [11, 12], "radius": 6}, {"center": [36, 20], "radius": 9},
      {"center": [58, 21], "radius": 6}, {"center": [36, 36], "radius": 4}]},
    "numerics": {"kernel": "fd", "end_time": 4, "num_order_parameters": 3, "num_samples": 2,
                 "tracking_every": 20, "remap_buffer": 10}
  })"));
  spec.slots = {0, 0, 0, 1};
  const Result serial = sinter::Run(spec, {});
  const Result parallel = sinter::Run(spec, {.communicator = MPI_COMM_WORLD});
  ASSERT_GT(serial.summary.remaps, 0);
  EXPECT_EQ(parallel.summary.remaps, serial.summary.remaps);
  EXPECT_EQ(parallel.summary.steps, serial.summary.steps);
  EXPECT_EQ(parallel.summary.final_grains, serial.summary.final_grains);
  ASSERT_EQ(parallel.series.grains.size(), serial.series.grains.size());
  for (std::size_t k = 0; k < serial.series.grains.size(); ++k) {
    EXPECT_EQ(parallel.series.grains[k], serial.series.grains[k]);
    ExpectClose(parallel.series.mean_grain_radius[k], serial.series.mean_grain_radius[k], 1e-12);
  }
  for (std::size_t c = 0; c < serial.state.eta.size(); ++c) {
    ASSERT_EQ(parallel.state.eta[c], serial.state.eta[c]);
  }
  for (std::size_t c = 0; c < serial.state.rho.size(); ++c) {
    ASSERT_EQ(parallel.state.rho[c], serial.state.rho[c]);
  }
}

}  // namespace
}  // namespace kyoso::sim::sinter
