// Grain tracking and remapping. A slot (order parameter) may hold several grains; a grain is a
// connected region (face neighbours, periodic) of η_slot > threshold found by flood fill. Grains
// carry ids independent of their slot; ids follow the grains from one tracking pass to the next by
// nearest centroid in the same slot. When two grains of one slot come closer than a buffer, the
// smaller one is moved to a slot where it has room (remapping), so that they never merge.
#pragma once

#include <array>
#include <functional>
#include <vector>

#include "kyoso/sim/sinter/state.h"

namespace kyoso::sim::sinter {

namespace detail {
class SlabFields;  // detail/mpi_slabs.h
}  // namespace detail

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
#ifdef KYOSO_SINTER_MPI
  // Collective over slabs.comm(): the same on slab-decomposed fields (mpi_grains.cpp). Each rank
  // flood-fills its owned planes; regions that touch across slab faces (the periodic wrap
  // included) are merged by a union-find over every rank's two boundary planes (all-gathered;
  // every rank merges the same labels); regions are numbered by their smallest global point
  // index, which is the order of the one-rank flood fill, so labels, grain ids, slots and remaps
  // are those of Update on the whole fields, and volumes and centroids equal them to round-off
  // (per-slab partial sums added by MPI_Allreduce). Remapping moves values in the owned planes of
  // slabs.local() (ghost planes too); labels() are then on the local grid (slabs.local().grid,
  // ghost planes included: exchanged from the neighbours).
  int Update(detail::SlabFields& slabs);
#endif

  const std::vector<GrainInfo>& grains() const { return grains_; }
  // Region labels of one slot from the last Update (−1 outside any grain).
  const std::vector<int>& labels(int slot) const { return labels_[slot]; }
  // Index into grains() of region `label` of `slot`, or −1.
  int GrainOf(int slot, int label) const;

 private:
  // Labels and measures the regions of every slot: fills labels[slot] (on fields.grid) and
  // returns each slot's regions in label order.
  using RegionFinder = std::function<std::vector<std::vector<GrainInfo>>(
      const State& fields, std::vector<std::vector<int>>& labels)>;
  // Update on `fields` (the whole box, or one rank's slab) of the box `global`.
  int Update(State& fields, const Grid& global, const RegionFinder& find);
  void Label(const State& fields, const Grid& global, const RegionFinder& find);
  TrackingOptions options_;
  std::vector<GrainInfo> grains_;
  std::vector<std::vector<int>> labels_;
  std::vector<std::vector<int>> region_grain_;  // [slot][label] -> index into grains_
  int next_id_ = 0;
  bool initialized_ = false;
};

namespace detail {
// LabelRegions on a grid whose last axis (y in 2-D, z in 3-D) is periodic or, for one rank's
// slab of planes, not (regions then end at the slab's faces). seeds (optional): each label's
// first point in memory order, i.e. its smallest index.
int LabelRegions(const Grid& grid, const double* u, double threshold, bool periodic_last_axis,
                 std::vector<int>& labels, std::vector<std::size_t>* seeds = nullptr);
// Per region l: {Σu, Σu cos θ_0, Σu sin θ_0, …} over the points of `grid`, with θ_d = 2π idx_d /
// global.n[d] and idx of the whole box (`grid`'s last-axis planes are the box's planes
// first_plane, first_plane + 1, …). MeasureRegions = RegionsFromSums ∘ SumRegions on the box.
using RegionSums = std::array<double, 7>;
std::vector<RegionSums> SumRegions(const Grid& global, const Grid& grid, int first_plane,
                                   const double* u, const std::vector<int>& labels, int count);
std::vector<GrainInfo> RegionsFromSums(const Grid& global, const std::vector<RegionSums>& sums);
}  // namespace detail

// Shortest periodic distance between two points.
double PeriodicDistance(const Grid& grid, const std::array<double, 3>& a,
                        const std::array<double, 3>& b);

}  // namespace kyoso::sim::sinter
