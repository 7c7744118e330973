// The values a GP fit consumes and produces: training data on the unit cube, the output
// standardization, and the hyperparameters (log length scales, log signal and noise variances on
// the standardized-output scale) with their JSON form, which a campaign stores with each proposal
// and passes back as the next fit's warm start. See docs/methods/gp.md §2.
#pragma once

#include <string>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace kyoso::gp {

// Training data. x: n x d, one point per row, in the unit cube [0, 1]^d (the space module's
// encoding); y: n observed outputs in the user's units (any scale; the fit standardizes them).
struct Dataset {
  Eigen::MatrixXd x = {};
  Eigen::VectorXd y = {};
  int num_points() const { return static_cast<int>(x.rows()); }
  int dim() const { return static_cast<int>(x.cols()); }
};

// Checks a dataset and throws InputError listing every problem (paths like "/x/3/1", "/y/7"):
//   data.empty      n = 0 or d = 0
//   data.dimension  x.rows() != y.size()
//   data.not_finite a NaN or infinite value in x or y
//   data.out_of_range an x value outside [0, 1] by more than 1e-6 (the model works on the unit
//   cube)
// `expected_dim` > 0 additionally requires d == expected_dim (code data.dimension).
void ValidateDataset(const Dataset& data, int expected_dim = 0);

// y_standardized = (y - mean) / stddev. FromOutputs: the sample mean and the sample standard
// deviation (n - 1), or 1 when fewer than two outputs differ (constant data), so the
// standardization is always invertible. In a fitted Posterior, `mean` is the GP's constant prior
// mean in user units (FitOptions::estimate_mean: the GLS estimate, not the sample mean).
struct OutputScaling {
  double mean = 0;
  double stddev = 1;
  static OutputScaling FromOutputs(const Eigen::VectorXd& y);
  nlohmann::json ToJson() const;
};

// Hyperparameters on the standardized-output scale, all as natural logarithms:
//   log_lengthscales: d ARD length scales in unit-cube units,
//   log_signal_variance: the kernel amplitude (prior variance of standardized f),
//   log_noise_variance: homoscedastic Gaussian noise variance of standardized y.
struct Hyperparameters {
  Eigen::VectorXd log_lengthscales = {};
  double log_signal_variance = 0;
  double log_noise_variance = 0;

  int dim() const { return static_cast<int>(log_lengthscales.size()); }
  // Packs as [log_lengthscales..., log_signal_variance, log_noise_variance] (size d + 2).
  Eigen::VectorXd Pack() const;
  static Hyperparameters Unpack(const Eigen::VectorXd& packed);  // size d + 2

  // {"log_lengthscales": [...], "log_signal_variance": s, "log_noise_variance": n}
  nlohmann::json ToJson() const;
  // Reads the ToJson form; throws InputError naming the JSON path (prefix `path`):
  //   spec.missing / spec.type (from ObjectReader), gp.hyperparameters_not_finite,
  //   gp.hyperparameters_empty (no length scales).
  static Hyperparameters FromJson(const nlohmann::json& json, const std::string& path = "");
};

}  // namespace kyoso::gp
