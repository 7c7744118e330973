// Mesh, mirror reduction and matrix assembly of model.h. Pair integrals depend only on the radial
// extents of the two cells and their axial offset, so they are cached by that key: a uniform
// mesh of nr x nz cells needs O(nr^2 nz) distinct integrals instead of O(nr^2 nz^2).
#include "kyoso/sim/magnet/detail/model.h"

#include <array>
#include <cmath>
#include <map>
#include <unordered_map>

namespace kyoso::sim::magnet::detail {

namespace {

using Key = std::array<long long, 7>;

struct KeyHash {
  std::size_t operator()(const Key& key) const {
    std::size_t h = 1469598103934665603ull;
    for (long long v : key) {
      h ^= static_cast<std::size_t>(v) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    }
    return h;
  }
};

constexpr double kQuantum = 1e-13;  // m: geometry keys are exact to well below any cell size

long long Quantize(double x) { return std::llround(x / kQuantum); }

Key PairKey(const Rect& target, const Rect& source) {
  return {Quantize(target.r1),
          Quantize(target.r2),
          Quantize(target.z2 - target.z1),
          Quantize(source.r1),
          Quantize(source.r2),
          Quantize(source.z2 - source.z1),
          Quantize(source.z1 - target.z1)};
}

}  // namespace

Rect ToRect(const Cell& cell) { return {cell.r1_m, cell.r2_m, cell.z1_m, cell.z2_m}; }

Mesh BuildMesh(const Spec& spec, bool use_symmetry) {
  Mesh mesh;
  double extent = 0;
  for (std::size_t b = 0; b < spec.bodies.size(); ++b) {
    const Body& body = spec.bodies[b];
    const double dr = (body.outer_radius_m - body.inner_radius_m) / body.nr;
    const double dz = (body.z_max_m - body.z_min_m) / body.nz;
    for (int k = 0; k < body.nz; ++k) {
      for (int i = 0; i < body.nr; ++i) {
        Cell cell;
        cell.body = static_cast<int>(b);
        cell.r1_m = body.inner_radius_m + dr * i;
        cell.r2_m = i + 1 == body.nr ? body.outer_radius_m : body.inner_radius_m + dr * (i + 1);
        cell.z1_m = body.z_min_m + dz * k;
        cell.z2_m = k + 1 == body.nz ? body.z_max_m : body.z_min_m + dz * (k + 1);
        mesh.cells.push_back(cell);
      }
    }
    extent =
        std::max({extent, body.outer_radius_m, std::fabs(body.z_min_m), std::fabs(body.z_max_m)});
  }
  const int num_cells = static_cast<int>(mesh.cells.size());
  const double tol = 1e-9 * extent;

  // Mirror partner of every cell (same radial extent, z -> -z), found through the radial key.
  std::vector<int> partner(num_cells, -1);
  bool symmetric = use_symmetry;
  if (symmetric) {
    std::map<std::pair<long long, long long>, std::vector<int>> by_radius;
    const double q = std::max(tol, 1e-15);
    for (int c = 0; c < num_cells; ++c) {
      by_radius[{std::llround(mesh.cells[c].r1_m / q), std::llround(mesh.cells[c].r2_m / q)}]
          .push_back(c);
    }
    for (int c = 0; c < num_cells && symmetric; ++c) {
      const Cell& cell = mesh.cells[c];
      auto it = by_radius.find({std::llround(cell.r1_m / q), std::llround(cell.r2_m / q)});
      for (int other : it->second) {
        const Cell& o = mesh.cells[other];
        if (std::fabs(o.z1_m + cell.z2_m) <= tol && std::fabs(o.z2_m + cell.z1_m) <= tol &&
            std::fabs(o.r1_m - cell.r1_m) <= tol && std::fabs(o.r2_m - cell.r2_m) <= tol) {
          partner[c] = other;
          break;
        }
      }
      if (partner[c] < 0) symmetric = false;
    }
  }
  mesh.symmetric = symmetric;
  mesh.unknown_of_cell.assign(num_cells, -1);
  for (int c = 0; c < num_cells; ++c) {
    if (!symmetric) {
      mesh.unknown_of_cell[c] = mesh.num_unknowns();
      mesh.reps.push_back(c);
      mesh.mirror.push_back(-1);
      mesh.multiplicity.push_back(1);
      continue;
    }
    const double zc = 0.5 * (mesh.cells[c].z1_m + mesh.cells[c].z2_m);
    if (zc < -tol) continue;  // represented by its partner
    const bool self = partner[c] == c || zc <= tol;
    mesh.unknown_of_cell[c] = mesh.num_unknowns();
    mesh.reps.push_back(c);
    mesh.mirror.push_back(self ? -1 : partner[c]);
    mesh.multiplicity.push_back(self ? 1 : 2);
  }
  if (symmetric) {
    for (int c = 0; c < num_cells; ++c) {
      if (mesh.unknown_of_cell[c] < 0) mesh.unknown_of_cell[c] = mesh.unknown_of_cell[partner[c]];
    }
  }
  return mesh;
}

System Assemble(const Mesh& mesh, bool with_cell_fields, const Quadrature& quadrature) {
  const int n = mesh.num_unknowns();
  System system;
  system.l.resize(n, n);
  system.w.resize(n);
  system.b.resize(n);

  std::unordered_map<Key, double, KeyHash> flux_cache;
  auto mutual = [&](const Rect& target, const Rect& source) {
    const Key key = PairKey(target, source);
    auto it = flux_cache.find(key);
    if (it != flux_cache.end()) return it->second;
    const double value = CellMutualInductance(target, source, quadrature);
    flux_cache.emplace(key, value);
    return value;
  };

  for (int i = 0; i < n; ++i) {
    const Rect ti = ToRect(mesh.cells[mesh.reps[i]]);
    const double area = (ti.r2 - ti.r1) * (ti.z2 - ti.z1);
    system.w(i) = mesh.multiplicity[i] * kPi * (ti.r1 + ti.r2) * area;
    system.b(i) = mesh.multiplicity[i] * kPi * (ti.z2 - ti.z1) *
                  (ti.r2 * ti.r2 * ti.r2 - ti.r1 * ti.r1 * ti.r1) / 3;
    for (int j = i; j < n; ++j) {
      double orbit_sum = mutual(ti, ToRect(mesh.cells[mesh.reps[j]]));
      if (mesh.mirror[j] >= 0) orbit_sum += mutual(ti, ToRect(mesh.cells[mesh.mirror[j]]));
      system.l(i, j) = mesh.multiplicity[i] * orbit_sum;
      system.l(j, i) = system.l(i, j);
    }
  }

  if (with_cell_fields) {
    system.gz.resize(n, n);
    system.gr.resize(n, n);
    std::unordered_map<Key, Field, KeyHash> field_cache;
    auto field = [&](const Rect& target, const Rect& source) {
      const Key key = PairKey(target, source);
      auto it = field_cache.find(key);
      if (it != field_cache.end()) return it->second;
      const Field value = CellField(source, 0.5 * (target.r1 + target.r2),
                                    0.5 * (target.z1 + target.z2), quadrature);
      field_cache.emplace(key, value);
      return value;
    };
    for (int i = 0; i < n; ++i) {
      const Rect ti = ToRect(mesh.cells[mesh.reps[i]]);
      for (int j = 0; j < n; ++j) {
        Field f = field(ti, ToRect(mesh.cells[mesh.reps[j]]));
        if (mesh.mirror[j] >= 0) {
          const Field g = field(ti, ToRect(mesh.cells[mesh.mirror[j]]));
          f.bz += g.bz;
          f.br += g.br;
        }
        system.gz(i, j) = f.bz;
        system.gr(i, j) = f.br;
      }
    }
  }
  return system;
}

PointOperator AssemblePoints(const Mesh& mesh, const std::vector<double>& r,
                             const std::vector<double>& z, const Quadrature& quadrature) {
  const int n = mesh.num_unknowns();
  const int num_points = static_cast<int>(r.size());
  PointOperator op;
  op.bz = Eigen::MatrixXd::Zero(num_points, n);
  op.br = Eigen::MatrixXd::Zero(num_points, n);
  for (int p = 0; p < num_points; ++p) {
    for (int c = 0; c < static_cast<int>(mesh.cells.size()); ++c) {
      const Field f = CellField(ToRect(mesh.cells[c]), r[p], z[p], quadrature);
      op.bz(p, mesh.unknown_of_cell[c]) += f.bz;
      op.br(p, mesh.unknown_of_cell[c]) += f.br;
    }
  }
  return op;
}

}  // namespace kyoso::sim::magnet::detail
