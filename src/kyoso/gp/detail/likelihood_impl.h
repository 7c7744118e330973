// The log marginal likelihood with reusable scratch matrices and a thread count, for Fit(): an
// L-BFGS start evaluates it dozens of times at the same n, and at n = 1000 each fresh n x n
// allocation costs page faults. Results do not depend on num_threads (kyoso/base/parallel.h).
// Internal to gp; the public entry is LogMarginalLikelihood in likelihood.h.
#pragma once

#include <Eigen/Core>

#include "kyoso/gp/likelihood.h"

namespace kyoso::gp::detail {

struct LikelihoodWorkspace {
  Eigen::MatrixXd correlation;  // n x n, lower triangle: C
  Eigen::MatrixXd q;            // n x n, lower triangle: q(r); then the weights M (full)
  Eigen::MatrixXd factor;       // n x n: Cholesky factor of K
  Eigen::MatrixXd inverse;      // n x n, lower triangle: K^-1
  Eigen::MatrixXd work;         // n x n scratch
};

LikelihoodValue LogMarginalLikelihood(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      KernelKind kernel, const Hyperparameters& h,
                                      bool with_gradient, bool estimate_mean,
                                      LikelihoodWorkspace& workspace, int num_threads);

}  // namespace kyoso::gp::detail
