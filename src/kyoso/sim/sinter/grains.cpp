// Flood-fill grain labels, id tracking and remapping; see grains.h.
#include "kyoso/sim/sinter/grains.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kyoso::sim::sinter {

namespace detail {

int LabelRegions(const Grid& grid, const double* u, double threshold, bool periodic_last_axis,
                 std::vector<int>& labels, std::vector<std::size_t>* seeds) {
  const std::size_t n = grid.size();
  labels.assign(n, -1);
  std::vector<std::size_t> stack;
  if (seeds != nullptr) seeds->clear();
  int count = 0;
  const int nx = grid.n[0];
  const int ny = grid.n[1];
  const int nz = grid.n[2];
  // The last axis (y in 2-D, z in 3-D) may end at the slab's faces instead of wrapping.
  const int last = grid.dims == 3 ? nz : ny;
  for (std::size_t seed = 0; seed < n; ++seed) {
    if (labels[seed] >= 0 || !(u[seed] > threshold)) continue;
    labels[seed] = count;
    if (seeds != nullptr) seeds->push_back(seed);
    stack.push_back(seed);
    while (!stack.empty()) {
      const std::size_t c = stack.back();
      stack.pop_back();
      const int i = static_cast<int>(c % nx);
      const int j = static_cast<int>((c / nx) % ny);
      const int k = static_cast<int>(c / (static_cast<std::size_t>(nx) * ny));
      const int l = grid.dims == 3 ? k : j;  // index along the last axis
      const bool up = periodic_last_axis || l + 1 < last;
      const bool down = periodic_last_axis || l > 0;
      std::size_t nb[6];
      int m = 0;
      nb[m++] = grid.Index((i + 1) % nx, j, k);
      nb[m++] = grid.Index((i + nx - 1) % nx, j, k);
      if (grid.dims == 3 || up) nb[m++] = grid.Index(i, (j + 1) % ny, k);
      if (grid.dims == 3 || down) nb[m++] = grid.Index(i, (j + ny - 1) % ny, k);
      if (grid.dims == 3) {
        if (up) nb[m++] = grid.Index(i, j, (k + 1) % nz);
        if (down) nb[m++] = grid.Index(i, j, (k + nz - 1) % nz);
      }
      for (int q = 0; q < m; ++q) {
        if (labels[nb[q]] < 0 && u[nb[q]] > threshold) {
          labels[nb[q]] = count;
          stack.push_back(nb[q]);
        }
      }
    }
    ++count;
  }
  return count;
}

std::vector<RegionSums> SumRegions(const Grid& global, const Grid& grid, int first_plane,
                                   const double* u, const std::vector<int>& labels, int count) {
  std::vector<RegionSums> sums(static_cast<std::size_t>(count));
  for (RegionSums& r : sums) r.fill(0.0);
  const double two_pi = 2.0 * std::numbers::pi;
  const int axis = grid.PlaneAxis();
  for (int k = 0; k < grid.n[2]; ++k) {
    for (int j = 0; j < grid.n[1]; ++j) {
      for (int i = 0; i < grid.n[0]; ++i) {
        const std::size_t c = grid.Index(i, j, k);
        const int l = labels[c];
        if (l < 0) continue;
        const double w = u[c];
        sums[l][0] += w;
        int idx[3] = {i, j, k};
        idx[axis] += first_plane;
        for (int d = 0; d < grid.dims; ++d) {
          const double theta = two_pi * idx[d] / global.n[d];
          sums[l][1 + 2 * d] += w * std::cos(theta);
          sums[l][2 + 2 * d] += w * std::sin(theta);
        }
      }
    }
  }
  return sums;
}

std::vector<GrainInfo> RegionsFromSums(const Grid& global, const std::vector<RegionSums>& sums) {
  std::vector<GrainInfo> out(sums.size());
  const double two_pi = 2.0 * std::numbers::pi;
  for (std::size_t l = 0; l < sums.size(); ++l) {
    out[l].volume = sums[l][0] * global.CellVolume();
    for (int d = 0; d < global.dims; ++d) {
      double theta = std::atan2(sums[l][2 + 2 * d], sums[l][1 + 2 * d]);
      if (theta < 0.0) theta += two_pi;
      out[l].centroid[d] = theta / two_pi * global.Length(d);
    }
  }
  return out;
}

}  // namespace detail

int LabelRegions(const Grid& grid, const double* u, double threshold, std::vector<int>& labels) {
  return detail::LabelRegions(grid, u, threshold, true, labels);
}

std::vector<GrainInfo> MeasureRegions(const Grid& grid, const double* u,
                                      const std::vector<int>& labels, int count) {
  return detail::RegionsFromSums(grid, detail::SumRegions(grid, grid, 0, u, labels, count));
}

double PeriodicDistance(const Grid& grid, const std::array<double, 3>& a,
                        const std::array<double, 3>& b) {
  double s = 0.0;
  for (int d = 0; d < grid.dims; ++d) {
    double delta = std::fabs(a[d] - b[d]);
    delta = std::min(delta, grid.Length(d) - delta);
    s += delta * delta;
  }
  return std::sqrt(s);
}

namespace {
double EquivalentRadius(const Grid& grid, double volume) {
  return grid.dims == 3 ? std::cbrt(3.0 * volume / (4.0 * std::numbers::pi))
                        : std::sqrt(volume / std::numbers::pi);
}
}  // namespace

void GrainTracker::Label(const State& fields, const Grid& g, const RegionFinder& find) {
  labels_.resize(fields.num_slots);
  region_grain_.assign(fields.num_slots, {});
  std::vector<GrainInfo> previous = std::move(grains_);
  grains_.clear();
  std::vector<bool> taken(previous.size(), false);
  const std::vector<std::vector<GrainInfo>> slot_regions = find(fields, labels_);
  for (int s = 0; s < fields.num_slots; ++s) {
    const std::vector<GrainInfo>& regions = slot_regions[s];
    const int count = static_cast<int>(regions.size());
    region_grain_[s].assign(static_cast<std::size_t>(count), -1);
    for (int l = 0; l < count; ++l) {
      GrainInfo info = regions[l];
      if (info.volume < options_.min_volume) continue;
      info.slot = s;
      // Follow the id of the nearest previous grain of this slot (a grain moves far less than
      // its own radius between tracking passes).
      int best = -1;
      double best_distance = INFINITY;
      for (std::size_t p = 0; p < previous.size(); ++p) {
        if (taken[p] || previous[p].slot != s) continue;
        const double d = PeriodicDistance(g, previous[p].centroid, info.centroid);
        if (d < best_distance && d < EquivalentRadius(g, previous[p].volume)) {
          best_distance = d;
          best = static_cast<int>(p);
        }
      }
      if (best >= 0) {
        taken[best] = true;
        info.id = previous[best].id;
      } else {
        info.id = next_id_++;
      }
      region_grain_[s][l] = static_cast<int>(grains_.size());
      grains_.push_back(info);
    }
  }
}

int GrainTracker::GrainOf(int slot, int label) const {
  if (label < 0 || slot >= static_cast<int>(region_grain_.size())) return -1;
  return region_grain_[slot][label];
}

int GrainTracker::Update(State& state) {
  const double threshold = options_.threshold;
  return Update(
      state, state.grid, [threshold](const State& fields, std::vector<std::vector<int>>& labels) {
        std::vector<std::vector<GrainInfo>> regions(fields.num_slots);
        for (int slot = 0; slot < fields.num_slots; ++slot) {
          const int count = LabelRegions(fields.grid, fields.Eta(slot), threshold, labels[slot]);
          regions[slot] = MeasureRegions(fields.grid, fields.Eta(slot), labels[slot], count);
        }
        return regions;
      });
}

int GrainTracker::Update(State& fields, const Grid& g, const RegionFinder& find) {
  if (!initialized_) {
    next_id_ = 0;
    initialized_ = true;
  }
  Label(fields, g, find);
  const std::size_t n = fields.grid.size();
  int moved = 0;
  auto gap = [&](const GrainInfo& a, const GrainInfo& b) {
    return PeriodicDistance(g, a.centroid, b.centroid) - EquivalentRadius(g, a.volume) -
           EquivalentRadius(g, b.volume);
  };
  for (std::size_t a = 0; a < grains_.size(); ++a) {
    for (std::size_t b = a + 1; b < grains_.size(); ++b) {
      if (grains_[a].slot != grains_[b].slot ||
          gap(grains_[a], grains_[b]) >= options_.remap_buffer) {
        continue;
      }
      // Move the smaller grain to the first slot where it keeps the buffer to every grain.
      const std::size_t mover = grains_[a].volume < grains_[b].volume ? a : b;
      const int from = grains_[mover].slot;
      int to = -1;
      for (int s = 0; s < fields.num_slots && to < 0; ++s) {
        if (s == from) continue;
        bool free = true;
        for (std::size_t q = 0; q < grains_.size() && free; ++q) {
          free = q == mover || grains_[q].slot != s ||
                 gap(grains_[mover], grains_[q]) >= options_.remap_buffer;
        }
        if (free) to = s;
      }
      if (to < 0) continue;  // no room: the grains keep their slot (reported by the caller)
      int label = -1;
      for (std::size_t l = 0; l < region_grain_[from].size(); ++l) {
        if (region_grain_[from][l] == static_cast<int>(mover)) label = static_cast<int>(l);
      }
      double* src = fields.Eta(from);
      double* dst = fields.Eta(to);
      for (std::size_t c = 0; c < n; ++c) {
        if (labels_[from][c] == label) {
          dst[c] += src[c];
          src[c] = 0.0;
        }
      }
      grains_[mover].slot = to;
      ++moved;
    }
  }
  if (moved > 0) {
    // Relabel so labels() and GrainOf() describe the moved fields; ids follow by centroid.
    Label(fields, g, find);
  }
  return moved;
}

}  // namespace kyoso::sim::sinter
