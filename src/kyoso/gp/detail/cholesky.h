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

}  // namespace kyoso::gp::detail
