// Invariants of the discrete model (sim/magnet/detail/model.h): mirror reduction and the reduced
// inductance matrix (symmetric positive definite).
#include "kyoso/sim/magnet/detail/model.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include "sim/magnet/test_specs.h"
#include "support/expect_close.h"

namespace kyoso::sim::magnet::detail {
namespace {

using kyoso::testing::ExpectClose;

TEST(BuildMesh, HalvesASymmetricStack) {
  const Spec spec = magnet::testing::StackedPair(5, 3, 50, 0);
  const Mesh mesh = BuildMesh(spec, true);
  EXPECT_TRUE(mesh.symmetric);
  EXPECT_EQ(mesh.cells.size(), 30u);
  EXPECT_EQ(mesh.num_unknowns(), 15);
  const Mesh full = BuildMesh(spec, false);
  EXPECT_EQ(full.num_unknowns(), 30);
}

TEST(BuildMesh, KeepsSelfMirrorCellsOnce) {
  // One disc centred on z = 0 with an odd nz: the middle row maps onto itself.
  Spec spec = magnet::testing::StackedPair(4, 3, 50, 0);
  spec.bodies = {{"disc", Shape::kDisc, 0, 0.01, -0.003, 0.003, 4, 3}};
  const Mesh mesh = BuildMesh(spec, true);
  EXPECT_TRUE(mesh.symmetric);
  EXPECT_EQ(mesh.num_unknowns(), 8);
  double total = 0;
  for (double m : mesh.multiplicity) total += m;
  ExpectClose(total, 12, 0, 1e-12);
}

TEST(BuildMesh, DetectsAsymmetry) {
  Spec spec = magnet::testing::StackedPair(4, 2, 50, 0);
  spec.bodies[1].z_max_m = 0.007;
  EXPECT_FALSE(BuildMesh(spec, true).symmetric);
}

TEST(Assemble, InductanceIsSymmetricPositiveDefinite) {
  // A ring above a disc with a gap (no symmetry) and the reduced symmetric pair.
  Spec spec = magnet::testing::StackedPair(6, 3, 50, 0);
  spec.bodies[1] = {"ring", Shape::kRing, 0.002, 0.015, 0.0005, 0.0065, 5, 3};
  for (bool symmetric_stack : {false, true}) {
    const Spec s = symmetric_stack ? magnet::testing::StackedPair(6, 3, 50, 0) : spec;
    const System system = Assemble(BuildMesh(s, true), false, Quadrature{});
    const Eigen::MatrixXd& l = system.l;
    EXPECT_LT((l - l.transpose()).cwiseAbs().maxCoeff(), 1e-12 * l.cwiseAbs().maxCoeff());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(l);
    EXPECT_GT(eig.eigenvalues().minCoeff(), 0.0);
  }
}

TEST(Assemble, SymmetricReductionMatchesFullSystem) {
  // The reduced system is P^T L P of the full one (P: unknown -> cells of its orbit).
  const Spec spec = magnet::testing::StackedPair(4, 2, 50, 0);
  const Mesh reduced = BuildMesh(spec, true), full = BuildMesh(spec, false);
  const System rs = Assemble(reduced, true, Quadrature{}), fs = Assemble(full, true, Quadrature{});
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(full.num_unknowns(), reduced.num_unknowns());
  for (std::size_t c = 0; c < full.cells.size(); ++c) p(c, reduced.unknown_of_cell[c]) = 1;
  const Eigen::MatrixXd expected = p.transpose() * fs.l * p;
  EXPECT_LT((rs.l - expected).cwiseAbs().maxCoeff(), 1e-6 * expected.cwiseAbs().maxCoeff());
  const Eigen::VectorXd w = p.transpose() * fs.w;
  EXPECT_LT((rs.w - w).cwiseAbs().maxCoeff(), 1e-12 * w.cwiseAbs().maxCoeff());
  // Field at the representative cells from a symmetric J.
  const Eigen::VectorXd j = Eigen::VectorXd::LinSpaced(reduced.num_unknowns(), 1.0, 2.0);
  const Eigen::VectorXd bz_full = fs.gz * (p * j);
  for (int u = 0; u < reduced.num_unknowns(); ++u) {
    ExpectClose((rs.gz * j)(u), bz_full(reduced.reps[u]), 1e-9);
  }
}

}  // namespace
}  // namespace kyoso::sim::magnet::detail
