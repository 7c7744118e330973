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
                 double max_overlap, const std::string& path, IssueList& issues) {
  for (std::size_t p = 0; p < particles.size(); ++p) {
    if (grid.axisymmetric && particles[p].center[0] != 0.0) {
      issues.Add(JsonPointer(JsonPointer(JsonPointer(path, "particles"), p), "center"),
                 "sinter.axisymmetric",
                 "particle " + std::to_string(p) +
                     " is off the axis: on an axisymmetric grid a centre is [0, z]");
      continue;
    }
    for (int d = 0; d < grid.dims; ++d) {
      const double c = particles[p].center[d];
      const double radius = particles[p].radius;
      double lo = c - radius - margin;
      double hi = c + radius + margin;
      if (grid.axisymmetric) {
        // r runs from the axis to the outer wall. The z walls are mirror planes: a particle may
        // touch its mirror image there (overlapping it by at most max_overlap) or be centred on
        // one (then the wall is its equatorial symmetry plane).
        if (d == 0) {
          lo = 0.0;
        } else {
          const double allowed = 0.5 * max_overlap * radius;
          lo = c == 0.0 ? 0.0 : std::min(0.0, c - radius + allowed);
          hi = c == grid.Length(1) ? c : std::max(grid.Length(1), c + radius - allowed);
        }
      }
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
  // Pairs and chains lie along x; on an axisymmetric grid along the axis (z, r = 0), centred on
  // the middle cell's centre so that the contact plane of equal particles holds cell centres.
  int along = 0;
  if (grid.axisymmetric) {
    along = 1;
    mid = {0.0, (grid.n[1] / 2 + 0.5) * grid.dx, 0.0};
  }
  auto at = [&](double position) {
    std::array<double, 3> c = mid;
    c[along] = position;
    return c;
  };
  std::vector<Particle> out;
  switch (spec.kind) {
    case StructureKind::kTwoParticles: {
      const double r1 = spec.radius;
      const double r2 = spec.radius2 > 0.0 ? spec.radius2 : spec.radius;
      const double d = (r1 + r2) - spec.overlap * std::min(r1, r2);
      // Centre the pair's extent [x1 − r1, x2 + r2] in the box (equal radii: the contact plane
      // at the middle).
      const double x1 = mid[along] - 0.5 * (r1 + d + r2) + r1;
      out.push_back({at(x1), r1});
      out.push_back({at(x1 + d), r2});
      break;
    }
    case StructureKind::kChain: {
      const double r = spec.radius;
      const double d = 2.0 * r - spec.overlap * r;
      const double x0 = mid[along] - 0.5 * d * (spec.count - 1);
      for (int p = 0; p < spec.count; ++p) out.push_back({at(x0 + p * d), r});
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
    CheckInside(out, grid, spec.interface_width, spec.max_overlap, path, issues);
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

std::vector<GrainSeed> MakeGrainSeeds(const StructureSpec& spec, int dims,
                                      const std::vector<Particle>& particles) {
  std::vector<GrainSeed> seeds;
  const int n = spec.grains_per_particle;
  if (n <= 1) return seeds;
  Rng rng = Rng(spec.seed).Split(1);
  for (std::size_t p = 0; p < particles.size(); ++p) {
    const Particle& particle = particles[p];
    // Random sequential addition with a minimum spacing, so that no Voronoi cell is a sliver;
    // R·N^(−1/dims) fills at most 1/8 (3-D) or 1/4 (2-D) of the ball with exclusion spheres, far
    // below jamming, and is relaxed by 10 % whenever 1000 draws in a row fail.
    double spacing = particle.radius * std::pow(static_cast<double>(n), -1.0 / dims);
    const std::size_t first = seeds.size();
    int failures = 0;
    while (static_cast<int>(seeds.size() - first) < n) {
      std::array<double, 3> offset{0.0, 0.0, 0.0};
      double r2 = 0.0;
      for (int d = 0; d < dims; ++d) {
        offset[d] = rng.Uniform(-1.0, 1.0) * particle.radius;
        r2 += offset[d] * offset[d];
      }
      if (r2 > particle.radius * particle.radius) continue;
      GrainSeed g{static_cast<int>(p), particle.center};
      for (int d = 0; d < dims; ++d) g.seed[d] += offset[d];
      bool ok = true;
      for (std::size_t q = first; q < seeds.size() && ok; ++q) {
        double d2 = 0.0;
        for (int d = 0; d < 3; ++d)
          d2 += (g.seed[d] - seeds[q].seed[d]) * (g.seed[d] - seeds[q].seed[d]);
        ok = d2 >= spacing * spacing;
      }
      if (ok) {
        seeds.push_back(g);
        failures = 0;
      } else if (++failures >= 1000) {
        spacing *= 0.9;
        failures = 0;
      }
    }
  }
  return seeds;
}

namespace {

// The dominant particle at r (largest tanh profile) and its profile value; −1 when none.
int DominantParticle(const std::vector<Particle>& particles, const std::array<double, 3>& r,
                     double interface_width, double& best) {
  best = 0.0;
  int best_p = -1;
  for (std::size_t p = 0; p < particles.size(); ++p) {
    double d2 = 0.0;
    for (int d = 0; d < 3; ++d) {
      d2 += (r[d] - particles[p].center[d]) * (r[d] - particles[p].center[d]);
    }
    const double s =
        0.5 * (1.0 - std::tanh(2.0 * (std::sqrt(d2) - particles[p].radius) / interface_width));
    if (s > best) {
      best = s;
      best_p = static_cast<int>(p);
    }
  }
  return best_p;
}

// First seed of each particle in the particle-major seed list (size particles + 1).
std::vector<std::size_t> SeedOffsets(std::size_t num_particles,
                                     const std::vector<GrainSeed>& seeds) {
  std::vector<std::size_t> offsets(num_particles + 1, 0);
  for (const GrainSeed& g : seeds) ++offsets[static_cast<std::size_t>(g.particle) + 1];
  for (std::size_t p = 0; p < num_particles; ++p) offsets[p + 1] += offsets[p];
  return offsets;
}

// The grain of a point in particle p: the nearest seed of p (Voronoi), or p itself without seeds.
int GrainAt(int p, const std::array<double, 3>& r, const std::vector<GrainSeed>& seeds,
            const std::vector<std::size_t>& offsets) {
  if (seeds.empty()) return p;
  int best = -1;
  double best_d2 = INFINITY;
  for (std::size_t q = offsets[p]; q < offsets[p + 1]; ++q) {
    double d2 = 0.0;
    for (int d = 0; d < 3; ++d) d2 += (r[d] - seeds[q].seed[d]) * (r[d] - seeds[q].seed[d]);
    if (d2 < best_d2) {
      best_d2 = d2;
      best = static_cast<int>(q);
    }
  }
  return best;
}

std::array<double, 3> PointOf(const Grid& g, int i, int j, int k) {
  return {i * g.dx, j * g.dx, g.dims == 3 ? k * g.dx : 0.0};
}

}  // namespace

std::vector<Particle> GrainBounds(const std::vector<Particle>& particles,
                                  const std::vector<GrainSeed>& seeds, double interface_width,
                                  const Grid& grid) {
  const std::vector<std::size_t> offsets = SeedOffsets(particles.size(), seeds);
  const std::size_t num_grains = seeds.empty() ? particles.size() : seeds.size();
  std::vector<std::array<double, 4>> sums(num_grains, {0.0, 0.0, 0.0, 0.0});
  std::vector<int> grain_of(grid.size(), -1);
  // Points where a grain's η exceeds 0.01 (below the tracker's 0.05 threshold).
  for (int k = 0; k < grid.n[2]; ++k) {
    for (int j = 0; j < grid.n[1]; ++j) {
      for (int i = 0; i < grid.n[0]; ++i) {
        const std::array<double, 3> r = PointOf(grid, i, j, k);
        double best = 0.0;
        const int p = DominantParticle(particles, r, interface_width, best);
        if (p < 0 || best <= 0.01) continue;
        const int g = GrainAt(p, r, seeds, offsets);
        grain_of[grid.Index(i, j, k)] = g;
        for (int d = 0; d < 3; ++d) sums[g][d] += r[d];
        sums[g][3] += 1.0;
      }
    }
  }
  std::vector<Particle> bounds(num_grains);
  for (std::size_t g = 0; g < num_grains; ++g) {
    for (int d = 0; d < 3; ++d) {
      bounds[g].center[d] = sums[g][3] > 0.0 ? sums[g][d] / sums[g][3] : 0.0;
    }
  }
  for (int k = 0; k < grid.n[2]; ++k) {
    for (int j = 0; j < grid.n[1]; ++j) {
      for (int i = 0; i < grid.n[0]; ++i) {
        const int g = grain_of[grid.Index(i, j, k)];
        if (g < 0) continue;
        const std::array<double, 3> r = PointOf(grid, i, j, k);
        double d2 = 0.0;
        for (int d = 0; d < 3; ++d) {
          d2 += (r[d] - bounds[g].center[d]) * (r[d] - bounds[g].center[d]);
        }
        bounds[g].radius = std::max(bounds[g].radius, std::sqrt(d2) + 0.5 * grid.dx);
      }
    }
  }
  return bounds;
}

void FillState(const std::vector<Particle>& particles, const std::vector<int>& slots,
               double interface_width, bool dense_matrix, State& state) {
  if (!dense_matrix) {
    FillState(particles, {}, slots, interface_width, state);
    return;
  }
  const Grid& g = state.grid;
  std::fill(state.eta.begin(), state.eta.end(), 0.0);
  for (int k = 0; k < g.n[2]; ++k) {
    for (int j = 0; j < g.n[1]; ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        double best = 0.0;
        DominantParticle(particles, PointOf(g, i, j, k), interface_width, best);
        const std::size_t c = g.Index(i, j, k);
        state.rho[c] = 1.0;
        state.Eta(0)[c] = best;
        state.Eta(1)[c] = 1.0 - best;
      }
    }
  }
}

void FillState(const std::vector<Particle>& particles, const std::vector<GrainSeed>& seeds,
               const std::vector<int>& slots, double interface_width, State& state) {
  const Grid& g = state.grid;
  std::fill(state.rho.begin(), state.rho.end(), 0.0);
  std::fill(state.eta.begin(), state.eta.end(), 0.0);
  const std::vector<std::size_t> offsets = SeedOffsets(particles.size(), seeds);
  for (int k = 0; k < g.n[2]; ++k) {
    for (int j = 0; j < g.n[1]; ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        const std::array<double, 3> r = PointOf(g, i, j, k);
        double best = 0.0;
        const int p = DominantParticle(particles, r, interface_width, best);
        const std::size_t c = g.Index(i, j, k);
        state.rho[c] = best;
        if (p >= 0) state.Eta(slots[GrainAt(p, r, seeds, offsets)])[c] = best;
      }
    }
  }
}

}  // namespace kyoso::sim::sinter
