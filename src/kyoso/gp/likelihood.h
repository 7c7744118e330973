// The objective of hyperparameter fitting: the log marginal likelihood of a GP with a zero or a
// profiled constant mean (Rasmussen & Williams 2006, Eq. 2.30 and §2.7) and the weak,
// dimension-aware log prior, both with analytic gradients with respect to the log hyperparameters
// (R&W Eq. 5.9). Fit() maximizes their sum; these functions are public so tests and diagnostics can
// check them directly. See docs/methods/gp.md §3-4.
#pragma once

#include <Eigen/Core>

#include "kyoso/gp/data.h"
#include "kyoso/gp/kernel.h"

namespace kyoso::gp {

struct LikelihoodValue {
  double log_marginal_likelihood = 0;  // log p(y | X, theta)
  Eigen::VectorXd gradient;            // d/d(packed log hyperparameters), size d + 2
  double jitter = 0;                   // diagonal jitter the Cholesky needed (0 if none)
  bool ok = false;                     // false when K was not positive definite even with jitter
  // The constant prior mean used: 0, or with estimate_mean its generalized-least-squares estimate
  // m = 1^T K^-1 y / 1^T K^-1 1 (the maximizer of the likelihood over the mean at this theta).
  double constant_mean = 0;
};

// Log marginal likelihood of outputs y (n, used as given: pass standardized outputs) at inputs
// x (n x d) under `kernel` and `h`, with the gradient with respect to Hyperparameters::Pack()
// when `with_gradient`. Costs one Cholesky (n^3/3), one inverse (n^3) and O(n^2 d).
// estimate_mean: the GP has a constant mean m, profiled out at its generalized-least-squares
// estimate (ordinary kriging; Jones, Schonlau & Welch 1998, Eq. 5): the value is
// max_m log p(y | X, theta, m), and by the envelope theorem its gradient is the fixed-m gradient
// at m = m_hat, so the formula is unchanged with y - m_hat in place of y. Otherwise m = 0.
LikelihoodValue LogMarginalLikelihood(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      KernelKind kernel, const Hyperparameters& h,
                                      bool with_gradient, bool estimate_mean = false);

// The hyperprior (docs/methods/gp.md §4), on the log parameters:
//   log l_k ~ Normal(log(d) / 2 - sqrt(2), 1.5)      (the sqrt(d) scaling of Hvarfner, Hellsten &
//                                                     Nardi 2024, centred at ~0.24 sqrt(d) on the
//                                                     unit cube instead of their ~4.1 sqrt(d))
//   log signal_variance ~ Normal(0, 1)                (weak, standardized outputs)
//   log noise_variance ~ Normal(-6, 3)                (weak; 95% range 6e-6 ... 1 of the output
//                                                     variance: noiseless simulators to all noise)
// The noise term is omitted when `learn_noise` is false. Returns log p(theta) and, when
// `gradient` is non-null, fills its gradient with respect to Hyperparameters::Pack().
double LogPrior(const Hyperparameters& h, bool learn_noise, Eigen::VectorXd* gradient);

// Prior location of the log length scales in d dimensions: log(d) / 2 - sqrt(2).
double LengthscalePriorLocation(int dim);

inline constexpr double kLengthscalePriorStddev = 1.5;  // of log l_k
inline constexpr double kNoisePriorMean = -6.0;         // of log noise_variance
inline constexpr double kNoisePriorStddev = 3.0;        // of log noise_variance

}  // namespace kyoso::gp
