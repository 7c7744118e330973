// The blocked triangular inverse and L^T L product used for K^-1 (detail/cholesky.h) against
// Eigen's dense inverse, at sizes that exercise the recursion (> 64), and jitter escalation.
#include "kyoso/gp/detail/cholesky.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "kyoso/base/rng.h"
#include "support/expect_close.h"

namespace kyoso::gp::detail {
namespace {

Eigen::MatrixXd RandomSpd(int n, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd a(n, n);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) a(i, j) = rng.Normal();
  }
  Eigen::MatrixXd spd = a * a.transpose() / n;
  spd.diagonal().array() += 1.0;
  return spd;
}

TEST(BlockedInverse, MatchesDenseInverseOfTheCovariance) {
  for (int n : {5, 64, 65, 150, 301}) {
    const Eigen::MatrixXd k = RandomSpd(n, static_cast<std::uint64_t>(n));
    const CholeskyResult chol = RobustCholesky(k);
    ASSERT_TRUE(chol.ok);
    EXPECT_EQ(chol.jitter, 0.0);
    Eigen::MatrixXd work = chol.lower;
    InvertLowerInPlace(work);
    LowerTransposeTimesLowerInPlace(work);
    const Eigen::MatrixXd expected = k.inverse();
    // Condition number of k is below ~10 here, so 1e-12 absolute is ample.
    for (int j = 0; j < n; ++j) {
      for (int i = j; i < n; ++i) kyoso::testing::ExpectClose(work(i, j), expected(i, j), 0, 1e-12);
    }
  }
}

TEST(CholeskyInverse, MatchesDenseInverseAndIsIdenticalForAnyThreadCount) {
  // Sizes below and above kParallelSize (256), not multiples of the panel width (64).
  for (int n : {40, 256, 257, 450}) {
    const Eigen::MatrixXd k = RandomSpd(n, 100 + static_cast<std::uint64_t>(n));
    const CholeskyResult chol = RobustCholesky(k);
    ASSERT_TRUE(chol.ok);
    Eigen::MatrixXd one, two, three, work;
    CholeskyInverse(chol.lower, one, work, 1);
    CholeskyInverse(chol.lower, two, work, 2);
    CholeskyInverse(chol.lower, three, work, 3);
    const Eigen::MatrixXd expected = k.inverse();
    for (int j = 0; j < n; ++j) {
      for (int i = j; i < n; ++i) {
        // Condition number below ~10 (as above): 1e-12 absolute is ample.
        kyoso::testing::ExpectClose(one(i, j), expected(i, j), 0, 1e-12);
        // Fixed panels: bitwise the same arithmetic whichever thread runs a panel.
        ASSERT_EQ(one(i, j), two(i, j)) << "n " << n << " at " << i << "," << j;
        ASSERT_EQ(one(i, j), three(i, j)) << "n " << n << " at " << i << "," << j;
      }
    }
  }
}

TEST(CholeskyInPlace, MatchesEigenLltAndIsIdenticalForAnyThreadCount) {
  for (int n : {30, 256, 300, 517}) {
    const Eigen::MatrixXd k = RandomSpd(n, 200 + static_cast<std::uint64_t>(n));
    const Eigen::MatrixXd expected = k.llt().matrixL();
    Eigen::MatrixXd one = k;
    Eigen::MatrixXd two = k;
    Eigen::MatrixXd three = k;
    ASSERT_TRUE(CholeskyInPlace(one, 1));
    ASSERT_TRUE(CholeskyInPlace(two, 2));
    ASSERT_TRUE(CholeskyInPlace(three, 3));
    for (int j = 0; j < n; ++j) {
      for (int i = j; i < n; ++i) {
        // Entries of L are O(1) and the condition number is below ~10: 1e-12 absolute.
        kyoso::testing::ExpectClose(one(i, j), expected(i, j), 0, 1e-12);
        ASSERT_EQ(one(i, j), two(i, j)) << "n " << n << " at " << i << "," << j;
        ASSERT_EQ(one(i, j), three(i, j)) << "n " << n << " at " << i << "," << j;
      }
    }
  }
  // Not positive definite (a negative eigenvalue past the first panels): reported, not thrown.
  Eigen::MatrixXd indefinite = RandomSpd(300, 5);
  indefinite(280, 280) = -1.0;
  EXPECT_FALSE(CholeskyInPlace(indefinite, 2));
}

TEST(RobustCholesky, AddsJitterToASingularMatrix) {
  // A rank-1 matrix (two identical points, noiseless): plain LLT fails, jitter makes it work.
  Eigen::MatrixXd k = Eigen::MatrixXd::Ones(3, 3);
  const CholeskyResult chol = RobustCholesky(k);
  ASSERT_TRUE(chol.ok);
  EXPECT_GT(chol.jitter, 0.0);
  EXPECT_LE(chol.jitter, 1e-4);
  const Eigen::MatrixXd lower = chol.lower.triangularView<Eigen::Lower>();
  Eigen::MatrixXd expected = k;
  expected.diagonal().array() += chol.jitter;
  EXPECT_TRUE((lower * lower.transpose()).isApprox(expected, 1e-12));
}

}  // namespace
}  // namespace kyoso::gp::detail
