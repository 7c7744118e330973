// Initial microstructures; see structures.h.
#include "kyoso/sim/sinter/structures.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "kyoso/base/json_reader.h"
#include "kyoso/base/rng.h"

namespace kyoso::sim::sinter {

namespace {

double Distance(const Particle& a, const Particle& b) {
  double s = 0.0;
  for (int d = 0; d < 3; ++d) s += (a.center[d] - b.center[d]) * (a.center[d] - b.center[d]);
  return std::sqrt(s);
}

double Overlap(const Particle& a, const Particle& b) {
  return (a.radius + b.radius - Distance(a, b)) / std::min(a.radius, b.radius);
}

void CheckInside(const std::vector<Particle>& particles, const Grid& grid, double margin,
                 const std::string& path, IssueList& issues) {
  for (std::size_t p = 0; p < particles.size(); ++p) {
    for (int d = 0; d < grid.dims; ++d) {
      const double lo = particles[p].center[d] - particles[p].radius - margin;
      const double hi = particles[p].center[d] + particles[p].radius + margin;
      if (lo < 0.0 || hi > grid.Length(d)) {
        issues.Add(JsonPointer(JsonPointer(path, "particles"), p), "sinter.particle_outside",
                   "particle " + std::to_string(p) +
                       " (with its interface) leaves the box on axis " + std::to_string(d));
        break;
      }
    }
  }
}

}  // namespace

std::vector<Particle> MakeParticles(const StructureSpec& spec, const Grid& grid,
                                    const std::string& path) {
  std::array<double, 3> mid{0.5 * grid.Length(0), 0.5 * grid.Length(1),
                            grid.dims == 3 ? 0.5 * grid.Length(2) : 0.0};
  std::vector<Particle> out;
  switch (spec.kind) {
    case StructureKind::kTwoParticles: {
      const double r1 = spec.radius;
      const double r2 = spec.radius2 > 0.0 ? spec.radius2 : spec.radius;
      const double d = (r1 + r2) - spec.overlap * std::min(r1, r2);
      // Centre the pair's extent [x1 − r1, x2 + r2] in the box.
      const double x1 = mid[0] - 0.5 * (r1 + d + r2) + r1;
      out.push_back({{x1, mid[1], mid[2]}, r1});
      out.push_back({{x1 + d, mid[1], mid[2]}, r2});
      break;
    }
    case StructureKind::kChain: {
      const double r = spec.radius;
      const double d = 2.0 * r - spec.overlap * r;
      const double x0 = mid[0] - 0.5 * d * (spec.count - 1);
      for (int p = 0; p < spec.count; ++p) out.push_back({{x0 + p * d, mid[1], mid[2]}, r});
      break;
    }
    case StructureKind::kCircularGrain:
      out.push_back({mid, spec.radius});
      break;
    case StructureKind::kParticles:
      out = spec.particles;
      break;
    case StructureKind::kPacking: {
      // A connected cluster: each new particle touches a random earlier one (overlap `overlap`)
      // in a random direction, rejected if it overlaps any other or leaves the box.
      Rng rng(spec.seed);
      auto draw_radius = [&]() {
        const double r = spec.radius + spec.radius_stddev * rng.Normal();
        return std::clamp(r, 0.5 * spec.radius, 1.5 * spec.radius);
      };
      out.push_back({mid, draw_radius()});
      int attempts = 0;
      while (static_cast<int>(out.size()) < spec.count && attempts < 20000) {
        ++attempts;
        const Particle& base = out[rng.UniformInt(out.size())];
        Particle p;
        p.radius = draw_radius();
        std::array<double, 3> dir{rng.Normal(), rng.Normal(), grid.dims == 3 ? rng.Normal() : 0.0};
        const double norm = std::sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
        if (norm == 0.0) continue;
        const double d = base.radius + p.radius - spec.overlap * std::min(base.radius, p.radius);
        for (int k = 0; k < 3; ++k) p.center[k] = base.center[k] + d * dir[k] / norm;
        bool ok = true;
        for (int k = 0; k < grid.dims && ok; ++k) {
          ok = p.center[k] - p.radius - spec.interface_width > 0.0 &&
               p.center[k] + p.radius + spec.interface_width < grid.Length(k);
        }
        for (const Particle& q : out) {
          if (!ok) break;
          ok = &q == &base || Overlap(p, q) <= spec.overlap + 1e-9;
        }
        if (ok) out.push_back(p);
      }
      if (static_cast<int>(out.size()) < spec.count) {
        throw InputError(JsonPointer(path, "count"), "sinter.packing_failed",
                         "could place only " + std::to_string(out.size()) + " of " +
                             std::to_string(spec.count) + " particles; enlarge the box");
      }
      break;
    }
  }
  IssueList issues;
  if (spec.kind != StructureKind::kCircularGrain) {
    CheckInside(out, grid, spec.interface_width, path, issues);
  }
  for (std::size_t p = 0; p < out.size(); ++p) {
    if (!(out[p].radius > 0.0)) {
      issues.Add(JsonPointer(JsonPointer(path, "particles"), p), "sinter.range",
                 "radius must be positive");
    }
    for (std::size_t q = 0; q < p; ++q) {
      if (out[p].radius > 0.0 && out[q].radius > 0.0 &&
          Overlap(out[p], out[q]) > spec.max_overlap) {
        issues.Add(JsonPointer(JsonPointer(path, "particles"), p), "sinter.overlap",
                   "particles " + std::to_string(q) + " and " + std::to_string(p) +
                       " overlap by more than max_overlap = " + std::to_string(spec.max_overlap) +
                       " of the smaller radius (the allowed initial neck)");
      }
    }
  }
  issues.ThrowIfAny();
  return out;
}

std::vector<int> AssignSlots(const std::vector<Particle>& particles, int num_slots, double buffer,
                             const std::string& path) {
  std::vector<int> slot(particles.size(), -1);
  for (std::size_t p = 0; p < particles.size(); ++p) {
    for (int s = 0; s < num_slots && slot[p] < 0; ++s) {
      bool free = true;
      for (std::size_t q = 0; q < p && free; ++q) {
        free = slot[q] != s ||
               Distance(particles[p], particles[q]) - particles[p].radius - particles[q].radius >=
                   buffer;
      }
      if (free) slot[p] = s;
    }
    if (slot[p] < 0) {
      throw InputError(path, "sinter.too_few_order_parameters",
                       std::to_string(num_slots) + " order parameters cannot keep " +
                           std::to_string(particles.size()) +
                           " grains apart; raise numerics.num_order_parameters");
    }
  }
  return slot;
}

void FillState(const std::vector<Particle>& particles, const std::vector<int>& slots,
               double interface_width, bool dense_matrix, State& state) {
  const Grid& g = state.grid;
  std::fill(state.rho.begin(), state.rho.end(), 0.0);
  std::fill(state.eta.begin(), state.eta.end(), 0.0);
  for (int k = 0; k < g.n[2]; ++k) {
    for (int j = 0; j < g.n[1]; ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        const std::array<double, 3> r{i * g.dx, j * g.dx, g.dims == 3 ? k * g.dx : 0.0};
        double best = 0.0;
        int best_p = -1;
        for (std::size_t p = 0; p < particles.size(); ++p) {
          double d2 = 0.0;
          for (int d = 0; d < 3; ++d) {
            d2 += (r[d] - particles[p].center[d]) * (r[d] - particles[p].center[d]);
          }
          const double s =
              0.5 *
              (1.0 - std::tanh(2.0 * (std::sqrt(d2) - particles[p].radius) / interface_width));
          if (s > best) {
            best = s;
            best_p = static_cast<int>(p);
          }
        }
        const std::size_t c = g.Index(i, j, k);
        if (dense_matrix) {
          state.rho[c] = 1.0;
          state.Eta(0)[c] = best;
          state.Eta(1)[c] = 1.0 - best;
        } else {
          state.rho[c] = best;
          if (best_p >= 0) state.Eta(slots[best_p])[c] = best;
        }
      }
    }
  }
}

}  // namespace kyoso::sim::sinter
