// The discrete model of the trapped-field simulator: the cell mesh with its mirror symmetry, and
// the matrices of the reduced system  L dJ/dt + W E(J) + b dBa/dt = 0  (docs/methods/magnet.md §2),
// plus the linear maps from the unknowns to fields at probes and at cell centres.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "kyoso/sim/magnet/detail/kernel.h"
#include "kyoso/sim/magnet/magnet.h"

namespace kyoso::sim::magnet::detail {

// The full mesh and its reduction by the mirror z -> -z. Unknown u stands for the cells of its
// orbit: reps[u] and, when mirror[u] >= 0, its mirror image (multiplicity 2).
struct Mesh {
  std::vector<Cell> cells;
  std::vector<int> reps;             // cell index of each unknown
  std::vector<int> mirror;           // per unknown: mirror cell index, or -1 (self or no symmetry)
  std::vector<double> multiplicity;  // per unknown: number of cells of its orbit (1 or 2)
  std::vector<int> unknown_of_cell;  // per cell: its unknown
  bool symmetric = false;
  int num_unknowns() const { return static_cast<int>(reps.size()); }
};

Mesh BuildMesh(const Spec& spec, bool use_symmetry);

Rect ToRect(const Cell& cell);

// Reduced matrices (orbit sums, rows weighted by multiplicity so that L stays symmetric):
//   l (n x n, H m^4), w (n, m^3: 2 pi r_c |cell|), b (n, m^4: pi int r^2 dS).
struct System {
  Eigen::MatrixXd l;
  Eigen::VectorXd w;
  Eigen::VectorXd b;
  // Self-field at the centre of each unknown's cell per unit J of each unknown (n x n, T m^2/A);
  // empty unless requested (Jc depends on B).
  Eigen::MatrixXd gz, gr;
};

System Assemble(const Mesh& mesh, bool with_cell_fields, const Quadrature& quadrature);

// Field at points: rows of bz/br map the unknowns J to the self-field (T) at (r[k], z[k]).
struct PointOperator {
  Eigen::MatrixXd bz, br;
};
PointOperator AssemblePoints(const Mesh& mesh, const std::vector<double>& r,
                             const std::vector<double>& z, const Quadrature& quadrature);

}  // namespace kyoso::sim::magnet::detail
