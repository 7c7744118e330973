// Dataset validation, output standardization and the JSON form of hyperparameters (see data.h).
#include "kyoso/gp/data.h"

#include <cmath>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"

namespace kyoso::gp {
namespace {

// At most this many issues of one kind are listed, so a huge bad array stays readable.
constexpr int kMaxIssuesPerKind = 10;

}  // namespace

void ValidateDataset(const Dataset& data, int expected_dim) {
  IssueList issues;
  if (data.x.rows() == 0 || data.x.cols() == 0) {
    issues.Add("/x", "data.empty",
               "the dataset needs at least one point with at least one dimension (got " +
                   std::to_string(data.x.rows()) + " x " + std::to_string(data.x.cols()) + ")");
  }
  if (data.x.rows() != data.y.size()) {
    issues.Add("/y", "data.dimension",
               "x has " + std::to_string(data.x.rows()) + " rows but y has " +
                   std::to_string(data.y.size()) + " values");
  }
  if (expected_dim > 0 && data.x.cols() != expected_dim) {
    issues.Add("/x", "data.dimension",
               "x has " + std::to_string(data.x.cols()) + " columns, expected " +
                   std::to_string(expected_dim));
  }
  int num_not_finite = 0;
  int num_out_of_range = 0;
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    for (Eigen::Index k = 0; k < data.x.cols(); ++k) {
      const double v = data.x(i, k);
      const std::string path = "/x/" + std::to_string(i) + "/" + std::to_string(k);
      if (!std::isfinite(v)) {
        if (num_not_finite++ < kMaxIssuesPerKind) {
          issues.Add(path, "data.not_finite", "input value is not finite");
        }
      } else if (v < -1e-6 || v > 1.0 + 1e-6) {
        if (num_out_of_range++ < kMaxIssuesPerKind) {
          issues.Add(path, "data.out_of_range",
                     "input " + std::to_string(v) + " lies outside the unit cube [0, 1]");
        }
      }
    }
  }
  for (Eigen::Index i = 0; i < data.y.size(); ++i) {
    if (!std::isfinite(data.y(i)) && num_not_finite++ < kMaxIssuesPerKind) {
      issues.Add("/y/" + std::to_string(i), "data.not_finite", "output value is not finite");
    }
  }
  issues.ThrowIfAny();
}

OutputScaling OutputScaling::FromOutputs(const Eigen::VectorXd& y) {
  OutputScaling scaling;
  if (y.size() == 0) return scaling;
  scaling.mean = y.mean();
  if (y.size() >= 2) {
    const double variance = (y.array() - scaling.mean).square().sum() / (y.size() - 1);
    const double stddev = std::sqrt(variance);
    // Constant outputs (up to rounding) keep stddev 1 so the scaling stays invertible.
    if (stddev > 1e-12 * std::max(1.0, std::fabs(scaling.mean))) scaling.stddev = stddev;
  }
  return scaling;
}

nlohmann::json OutputScaling::ToJson() const { return {{"mean", mean}, {"stddev", stddev}}; }

Eigen::VectorXd Hyperparameters::Pack() const {
  Eigen::VectorXd packed(log_lengthscales.size() + 2);
  packed.head(log_lengthscales.size()) = log_lengthscales;
  packed(log_lengthscales.size()) = log_signal_variance;
  packed(log_lengthscales.size() + 1) = log_noise_variance;
  return packed;
}

Hyperparameters Hyperparameters::Unpack(const Eigen::VectorXd& packed) {
  Hyperparameters h;
  const Eigen::Index d = packed.size() - 2;
  h.log_lengthscales = packed.head(d);
  h.log_signal_variance = packed(d);
  h.log_noise_variance = packed(d + 1);
  return h;
}

nlohmann::json Hyperparameters::ToJson() const {
  nlohmann::json scales = nlohmann::json::array();
  for (double v : log_lengthscales) scales.push_back(v);
  return {{"log_lengthscales", scales},
          {"log_signal_variance", log_signal_variance},
          {"log_noise_variance", log_noise_variance}};
}

Hyperparameters Hyperparameters::FromJson(const nlohmann::json& json, const std::string& path) {
  IssueList issues;
  ObjectReader reader(json, path, issues);
  Hyperparameters h;
  const nlohmann::json* scales = reader.Array("log_lengthscales", true);
  h.log_signal_variance = reader.Number("log_signal_variance", true).value_or(0.0);
  h.log_noise_variance = reader.Number("log_noise_variance", true).value_or(0.0);
  reader.CheckNoUnknownKeys();
  if (scales != nullptr) {
    h.log_lengthscales.resize(static_cast<Eigen::Index>(scales->size()));
    for (std::size_t k = 0; k < scales->size(); ++k) {
      const std::string item = JsonPointer(reader.PathOf("log_lengthscales"), k);
      if (!(*scales)[k].is_number()) {
        issues.Add(item, "spec.type", "expected a number");
        continue;
      }
      h.log_lengthscales(static_cast<Eigen::Index>(k)) = (*scales)[k].get<double>();
    }
    if (scales->empty()) {
      issues.Add(reader.PathOf("log_lengthscales"), "gp.hyperparameters_empty",
                 "at least one length scale is needed");
    }
  }
  if (issues.empty() && !h.Pack().allFinite()) {
    issues.Add(path, "gp.hyperparameters_not_finite", "hyperparameters must be finite numbers");
  }
  issues.ThrowIfAny();
  return h;
}

}  // namespace kyoso::gp
