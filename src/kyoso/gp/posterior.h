// The fitted GP surrogate as a value: training data, kernel, hyperparameters, output scaling and
// the cached Cholesky factor. It predicts latent mean and variance (with input gradients) in the
// user's output units, conditions on extra points without refitting (fantasies, kriging believer,
// pending experiments), and gives closed-form leave-one-out predictions for diagnostics.
// Copies are cheap (the factorization is shared and immutable). Equations: docs/methods/gp.md §5.
#pragma once

#include <memory>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "kyoso/gp/data.h"
#include "kyoso/gp/kernel.h"

namespace kyoso::gp {

class Posterior {
 public:
  // An empty posterior (dim() == 0); every query on it throws InternalError.
  Posterior();

  // Builds the posterior of `data` (validated: throws InputError as ValidateDataset) under fixed
  // hyperparameters `h` (standardized scale; h.dim() must equal data.dim(), else data.dimension)
  // and `scaling` (normally OutputScaling::FromOutputs(data.y)). Cholesky of K + noise I with
  // jitter escalation (docs §5.1); if it still fails, throws InternalError.
  static Posterior Create(const Dataset& data, KernelKind kernel, const Hyperparameters& h,
                          const OutputScaling& scaling);

  // As Create, from the Cholesky factor `lower` (lower triangle of K + (noise + jitter) I on the
  // standardized scale, computed by the caller; e.g. Fit's last likelihood evaluation) instead of
  // factorizing again. `jitter` is the diagonal jitter that factor includes.
  static Posterior FromFactor(const Dataset& data, KernelKind kernel, const Hyperparameters& h,
                              const OutputScaling& scaling, Eigen::MatrixXd lower, double jitter);

  int dim() const;
  int num_points() const;
  KernelKind kernel() const;
  const Hyperparameters& hyperparameters() const;
  const OutputScaling& scaling() const;
  const Dataset& data() const;  // training data, y in user units
  // Diagonal jitter added to K + noise I (standardized scale) for the Cholesky to succeed; 0 if
  // none.
  double jitter() const;

  // Noise variance of y in user units: stddev^2 * exp(log_noise_variance).
  double noise_variance() const;
  // Kernel amplitude in user units: stddev^2 * exp(log_signal_variance).
  double signal_variance() const;
  // Length scales in unit-cube units: exp(log_lengthscales).
  Eigen::VectorXd lengthscales() const;

  // Predictive mean and latent variance (R&W Eqs. 2.25-2.26; noise excluded; add
  // noise_variance() for a new observation) in user units at x: m x d (rows are points).
  // mean, variance: resized to m. Variances are clamped at >= 0. dim mismatch: InputError
  // data.dimension.
  void Predict(const Eigen::MatrixXd& x, Eigen::VectorXd* mean, Eigen::VectorXd* variance) const;

  // Single point x (size d) with gradients with respect to x: dmean, dvariance resized to d (either
  // may be null to skip). Where the variance is clamped at 0 its gradient is set to 0.
  void PredictWithGradient(const Eigen::VectorXd& x, double* mean, double* variance,
                           Eigen::VectorXd* dmean, Eigen::VectorXd* dvariance) const;

  // The posterior after also observing y_new (user units) at x_new (k x d), with the same
  // hyperparameters and output scaling (no refit), by a block update of the Cholesky factor
  // (O(n^2 k)). Equal to Create() on the concatenated data with the same h and scaling().
  // Throws InputError (data.*) for bad x_new / y_new.
  Posterior Condition(const Eigen::MatrixXd& x_new, const Eigen::VectorXd& y_new) const;

  // Closed-form leave-one-out predictions of each training output from the other n - 1
  // (R&W Eq. 5.12): mean_i = y_i - [K^-1 y]_i / [K^-1]_ii, variance_i = 1 / [K^-1]_ii, in user
  // units; the variance is that of a new noisy observation (includes the noise). O(n^3).
  void LeaveOneOut(Eigen::VectorXd* mean, Eigen::VectorXd* variance) const;

  // Model summary: kernel, dim, num_points, lengthscales (unit cube), signal and noise variances
  // (user units), output scaling, jitter, and "hyperparameters" (Hyperparameters::ToJson, usable
  // as a warm start).
  nlohmann::json ToJson() const;

 private:
  struct State;
  explicit Posterior(std::shared_ptr<const State> state);
  const State& state() const;
  std::shared_ptr<const State> state_;
};

}  // namespace kyoso::gp
