// Robust Cholesky factorization with jitter escalation (docs/methods/gp.md §5.1): when K is not
// numerically positive definite, add jitter * mean(diag K) to the diagonal, starting at 1e-10 and
// multiplying by 10 up to 1e-4, and report the jitter used so the caller can warn. Internal to gp.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

namespace kyoso::gp::detail {

struct CholeskyResult {
  Eigen::MatrixXd lower;  // L with K + jitter I = L L^T (lower triangle; upper part unspecified)
  double jitter = 0;      // absolute diagonal jitter added (0 when none was needed)
  bool ok = false;
};

// k: symmetric n x n (only the lower triangle is read). Consumes k.
CholeskyResult RobustCholesky(Eigen::MatrixXd k);

// Replaces the lower triangle of l (a nonsingular lower-triangular matrix) by that of l^-1, by
// recursive 2 x 2 blocking with triangular products (LAPACK dtrtri's n^3/3 flops instead of the
// n^3 of a triangular solve against the identity). The strictly upper part is not touched.
void InvertLowerInPlace(Eigen::Ref<Eigen::MatrixXd> l);

// Replaces the lower triangle of l (lower triangular) by that of l^T l (LAPACK dlauum, n^3/3
// flops). With InvertLowerInPlace this turns a Cholesky factor L of K into the lower triangle of
// K^-1 = L^-T L^-1 in 2n^3/3 flops.
void LowerTransposeTimesLowerInPlace(Eigen::Ref<Eigen::MatrixXd> l);

// Above this size the factorization and inverse below split their work into parts that run on
// threads; the split depends on the size only, so results are identical for any thread count.
inline constexpr Eigen::Index kParallelSize = 256;

// Cholesky factorization in place (lower triangle of `a` becomes L; the strictly upper part is
// unspecified afterwards): Eigen's LLT up to kParallelSize, above it a right-looking blocked
// factorization whose panel solves and trailing updates run on up to num_threads threads.
// Returns false when `a` is not numerically positive definite.
bool CholeskyInPlace(Eigen::MatrixXd& a, int num_threads);

// Lower triangle of K^-1 = L^-T L^-1 from a Cholesky factor L (lower triangle of `lower`, n x n),
// into `inverse` (resized to n x n; its strictly upper part is unspecified), with `work` as
// scratch: InvertLowerInPlace + LowerTransposeTimesLowerInPlace (2n^3/3 flops), whose top-level
// independent parts run on up to num_threads threads above kParallelSize.
void CholeskyInverse(const Eigen::MatrixXd& lower, Eigen::MatrixXd& inverse, Eigen::MatrixXd& work,
                     int num_threads);

}  // namespace kyoso::gp::detail
