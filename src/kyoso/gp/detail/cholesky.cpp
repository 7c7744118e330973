// Robust Cholesky with jitter escalation (see detail/cholesky.h).
#include "kyoso/gp/detail/cholesky.h"

#include <cmath>

namespace kyoso::gp::detail {

CholeskyResult RobustCholesky(Eigen::MatrixXd k) {
  CholeskyResult result;
  const Eigen::Index n = k.rows();
  if (n == 0) {
    result.ok = true;
    result.lower = std::move(k);
    return result;
  }
  const double mean_diagonal = k.diagonal().mean();
  const Eigen::VectorXd diagonal = k.diagonal();
  for (double relative = 0; relative <= 1e-4 * 1.0001;
       relative = relative == 0 ? 1e-10 : relative * 10) {
    Eigen::MatrixXd a = k;
    if (relative > 0) {
      result.jitter = relative * std::max(mean_diagonal, 1e-300);
      a.diagonal() = diagonal.array() + result.jitter;
    }
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(a);
    if (llt.info() == Eigen::Success && std::isfinite(a.diagonal().minCoeff())) {
      result.lower = std::move(a);
      result.ok = true;
      return result;
    }
  }
  result.ok = false;
  return result;
}

}  // namespace kyoso::gp::detail
