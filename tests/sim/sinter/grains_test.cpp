// Grain labels, periodic centroids, id tracking and remapping (grains.h).
#include "kyoso/sim/sinter/grains.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "kyoso/sim/sinter/structures.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

// A disc centred on the box corner wraps around all four edges: one region, centroid at the
// corner (periodic circular mean), area ≈ πR² (tanh profile: within 1 %).
TEST(LabelRegions, DiscAcrossPeriodicBoundaryIsOneRegion) {
  Grid g{.dims = 2, .n = {64, 64, 1}, .dx = 1.0};
  std::vector<double> u(g.size());
  for (int j = 0; j < 64; ++j) {
    for (int i = 0; i < 64; ++i) {
      const double x = std::min(i, 64 - i);
      const double y = std::min(j, 64 - j);
      u[g.Index(i, j, 0)] = 0.5 * (1.0 - std::tanh(std::hypot(x, y) - 10.0));
    }
  }
  std::vector<int> labels;
  ASSERT_EQ(LabelRegions(g, u.data(), 0.05, labels), 1);
  const std::vector<GrainInfo> info = MeasureRegions(g, u.data(), labels, 1);
  ExpectClose(info[0].volume, std::numbers::pi * 100.0, 0.01);
  const double cx = std::min(info[0].centroid[0], 64.0 - info[0].centroid[0]);
  const double cy = std::min(info[0].centroid[1], 64.0 - info[0].centroid[1]);
  ExpectClose(cx, 0.0, 0.0, 1e-9);
  ExpectClose(cy, 0.0, 0.0, 1e-9);
}

// Two grains in one slot closer than the buffer: the smaller one moves to a free slot, its values
// unchanged, ids kept.
TEST(GrainTracker, RemapsCloseGrainsOfOneSlotAndKeepsIds) {
  Grid g{.dims = 2, .n = {96, 48, 1}, .dx = 1.0};
  std::vector<Particle> p = {{{30.0, 24.0, 0.0}, 10.0}, {{55.0, 24.0, 0.0}, 8.0}};
  State state = MakeState(g, 2);
  FillState(p, {0, 0}, 2.0, false, state);
  double total = 0.0;
  for (double v : state.eta) total += v;
  GrainTracker tracker({.threshold = 0.05, .min_volume = 1.0, .remap_buffer = 10.0});
  EXPECT_EQ(tracker.Update(state), 1);
  ASSERT_EQ(tracker.grains().size(), 2u);
  int slots_used[2] = {0, 0};
  for (const GrainInfo& info : tracker.grains()) ++slots_used[info.slot];
  EXPECT_EQ(slots_used[0], 1);
  EXPECT_EQ(slots_used[1], 1);
  // The small grain (id 1, centred at x = 55) sits in slot 1 now.
  for (const GrainInfo& info : tracker.grains()) {
    if (info.id == 1) {
      EXPECT_EQ(info.slot, 1);
      ExpectClose(info.centroid[0], 55.0, 1e-6);
    }
  }
  double after = 0.0;
  for (double v : state.eta) after += v;
  ExpectClose(after, total, 1e-14);
  // A second pass finds nothing to move and keeps the ids.
  EXPECT_EQ(tracker.Update(state), 0);
  EXPECT_EQ(tracker.grains().size(), 2u);
}

TEST(AssignSlots, ColoursTouchingParticlesApartAndFailsWhenTooFew) {
  std::vector<Particle> chain;
  for (int i = 0; i < 4; ++i) chain.push_back({{10.0 + 19.0 * i, 20.0, 0.0}, 10.0});
  const std::vector<int> slots = AssignSlots(chain, 2, 5.0, "/x");
  EXPECT_EQ(slots, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_THROW(AssignSlots(chain, 2, 30.0, "/x"), InputError);
}

}  // namespace
}  // namespace kyoso::sim::sinter
