// Grain tracking and remapping. A slot (order parameter) may hold several grains; a grain is a
// connected region (face neighbours, periodic) of η_slot > threshold found by flood fill. Grains
// carry ids independent of their slot; ids follow the grains from one tracking pass to the next by
// nearest centroid in the same slot. When two grains of one slot come closer than a buffer, the
// smaller one is moved to a slot where it has room (remapping), so that they never merge.
#pragma once

#include <array>
#include <vector>

#include "kyoso/sim/sinter/state.h"

namespace kyoso::sim::sinter {

struct GrainInfo {
  int id = 0;
  int slot = 0;
  double volume = 0.0;               // ∫ η over the region (area in 2-D)
  std::array<double, 3> centroid{};  // η-weighted, periodic (circular mean per axis)
};

// Labels the connected regions of u > threshold: labels[i] = 0..count−1, or −1 outside.
// Returns the count.
int LabelRegions(const Grid& grid, const double* u, double threshold, std::vector<int>& labels);

// Volume and periodic centroid of each labelled region (weights u).
std::vector<GrainInfo> MeasureRegions(const Grid& grid, const double* u,
                                      const std::vector<int>& labels, int count);

struct TrackingOptions {
  double threshold = 0.05;    // η above which a point belongs to a grain
  double min_volume = 0.0;    // regions smaller than this are not counted as grains
  double remap_buffer = 4.0;  // surface-to-surface gap that triggers remapping (length)
};

class GrainTracker {
 public:
  explicit GrainTracker(TrackingOptions options) : options_(options) {}

  // Labels every slot, follows ids, remaps when needed (moving field values in `state`).
  // Returns the number of grains moved to another slot.
  int Update(State& state);

  const std::vector<GrainInfo>& grains() const { return grains_; }
  // Region labels of one slot from the last Update (−1 outside any grain).
  const std::vector<int>& labels(int slot) const { return labels_[slot]; }
  // Index into grains() of region `label` of `slot`, or −1.
  int GrainOf(int slot, int label) const;

 private:
  void Label(const State& state);
  TrackingOptions options_;
  std::vector<GrainInfo> grains_;
  std::vector<std::vector<int>> labels_;
  std::vector<std::vector<int>> region_grain_;  // [slot][label] -> index into grains_
  int next_id_ = 0;
  bool initialized_ = false;
};

// Shortest periodic distance between two points.
double PeriodicDistance(const Grid& grid, const std::array<double, 3>& a,
                        const std::array<double, 3>& b);

}  // namespace kyoso::sim::sinter
