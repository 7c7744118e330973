// Yeo-Johnson output warping (see warp.h and docs/methods/gp.md §8).
#include "kyoso/gp/warp.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Eigenvalues>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"

namespace kyoso::gp {
namespace {

constexpr double kLambdaLow = 0.0;   // psi is onto the real line only for lambda in [0, 2]
constexpr double kLambdaHigh = 2.0;  // (warp.h), so Inverse is defined for every prediction
constexpr double kZeroTolerance = 1e-12;

// Profile log-likelihood of lambda (Yeo & Johnson 2000, §3), up to a constant. `jacobian` is
// sum sign(x_i) log(|x_i| + 1).
double ProfileLogLikelihood(const Eigen::VectorXd& x, double jacobian, double lambda) {
  const Eigen::Index n = x.size();
  double mean = 0;
  for (Eigen::Index i = 0; i < n; ++i) mean += YeoJohnson(x(i), lambda);
  mean /= static_cast<double>(n);
  double variance = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double r = YeoJohnson(x(i), lambda) - mean;
    variance += r * r;
  }
  variance /= static_cast<double>(n);
  if (!(variance > 0) || !std::isfinite(variance)) return -std::numeric_limits<double>::infinity();
  return -0.5 * static_cast<double>(n) * std::log(variance) + (lambda - 1.0) * jacobian;
}

// Nodes and weights of the n-point Gauss-Hermite rule for the standard normal density
// (probabilists' Hermite polynomials), by Golub & Welsch (Math. Comp. 23 (1969) 221): the nodes
// are the eigenvalues of the Jacobi matrix with off-diagonal sqrt(k), the weights the squared
// first components of its normalized eigenvectors.
struct GaussHermite {
  Eigen::VectorXd nodes;
  Eigen::VectorXd weights;
  explicit GaussHermite(int n) {
    Eigen::MatrixXd jacobi = Eigen::MatrixXd::Zero(n, n);
    for (int k = 1; k < n; ++k) {
      jacobi(k - 1, k) = std::sqrt(static_cast<double>(k));
      jacobi(k, k - 1) = jacobi(k - 1, k);
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(jacobi);
    nodes = solver.eigenvalues();
    weights = solver.eigenvectors().row(0).transpose().array().square();
  }
};

const GaussHermite& Rule() {
  static const GaussHermite rule(40);
  return rule;
}

}  // namespace

double YeoJohnson(double x, double lambda) {
  if (x >= 0) {
    return std::abs(lambda) < kZeroTolerance ? std::log1p(x)
                                             : (std::pow(x + 1.0, lambda) - 1.0) / lambda;
  }
  const double mu = 2.0 - lambda;
  return std::abs(mu) < kZeroTolerance ? -std::log1p(-x) : -(std::pow(1.0 - x, mu) - 1.0) / mu;
}

double YeoJohnsonInverse(double z, double lambda) {
  if (z >= 0) {
    return std::abs(lambda) < kZeroTolerance ? std::expm1(z)
                                             : std::pow(lambda * z + 1.0, 1.0 / lambda) - 1.0;
  }
  const double mu = 2.0 - lambda;
  return std::abs(mu) < kZeroTolerance ? -std::expm1(-z) : 1.0 - std::pow(1.0 - mu * z, 1.0 / mu);
}

double YeoJohnsonLambda(const Eigen::VectorXd& x, double low, double high) {
  if (x.size() < 2 || !(low <= high)) {
    throw InternalError("YeoJohnsonLambda: needs two values and low <= high");
  }
  double jacobian = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    jacobian += (x(i) >= 0 ? 1.0 : -1.0) * std::log1p(std::abs(x(i)));
  }
  auto objective = [&](double lambda) { return ProfileLogLikelihood(x, jacobian, lambda); };
  // Grid (exactly representable steps from `low`), then golden-section search on the bracket of
  // the best grid point.
  constexpr double kStep = 0.05;
  const int steps = static_cast<int>(std::floor((high - low) / kStep + 1e-9));
  double best = low;
  double best_value = objective(low);
  for (int k = 1; k <= steps + 1; ++k) {
    const double lambda = std::min(low + kStep * k, high);
    const double value = objective(lambda);
    if (value > best_value) {
      best_value = value;
      best = lambda;
    }
  }
  double a = std::max(low, best - kStep);
  double b = std::min(high, best + kStep);
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - ratio * (b - a);
  double d = a + ratio * (b - a);
  double fc = objective(c);
  double fd = objective(d);
  for (int iteration = 0; iteration < 40; ++iteration) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = objective(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = objective(d);
    }
  }
  const double refined = 0.5 * (a + b);
  return objective(refined) >= best_value ? refined : best;
}

OutputWarp OutputWarp::Fit(const Eigen::VectorXd& y, double sign) {
  OutputWarp warp;
  warp.sign = sign >= 0 ? 1.0 : -1.0;
  const Eigen::Index n = y.size();
  if (n < 3 || !y.allFinite()) return warp;
  const double mean = y.mean();
  const double variance = (y.array() - mean).square().sum() / static_cast<double>(n - 1);
  if (!(variance > 0)) return warp;
  warp.center = mean;
  warp.scale = std::sqrt(variance);
  const Eigen::VectorXd x = warp.sign * (y.array() - warp.center) / warp.scale;
  warp.lambda = YeoJohnsonLambda(x, kLambdaLow, kLambdaHigh);
  warp.active = true;
  return warp;
}

double OutputWarp::Forward(double y) const {
  if (!active) return y;
  return sign * YeoJohnson(sign * (y - center) / scale, lambda);
}

Eigen::VectorXd OutputWarp::Forward(const Eigen::VectorXd& y) const {
  Eigen::VectorXd z(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) z(i) = Forward(y(i));
  return z;
}

double OutputWarp::Inverse(double z) const {
  if (!active) return z;
  return center + scale * sign * YeoJohnsonInverse(sign * z, lambda);
}

void OutputWarp::Moments(double mean, double stddev, double* out_mean, double* out_stddev) const {
  if (!active || !(stddev > 0)) {
    *out_mean = Inverse(mean);
    *out_stddev = active ? 0.0 : std::max(stddev, 0.0);
    return;
  }
  const GaussHermite& rule = Rule();
  Eigen::VectorXd values(rule.nodes.size());
  for (Eigen::Index i = 0; i < rule.nodes.size(); ++i) {
    values(i) = Inverse(mean + stddev * rule.nodes(i));
  }
  const double first = rule.weights.dot(values);
  // Central second moment from the deviations (no cancellation as in E[v^2] - E[v]^2).
  const double second = rule.weights.dot((values.array() - first).square().matrix());
  *out_mean = first;
  *out_stddev = std::sqrt(second);
}

nlohmann::json OutputWarp::ToJson() const {
  if (!active) return {{"kind", "none"}};
  return {{"kind", "yeo_johnson"},
          {"lambda", lambda},
          {"center", center},
          {"scale", scale},
          {"sign", sign}};
}

OutputWarp OutputWarp::FromJson(const nlohmann::json& json, const std::string& path) {
  IssueList issues;
  ObjectReader reader(json, path, issues);
  OutputWarp warp;
  const std::string kind = reader.String("kind", true).value_or("none");
  if (kind == "yeo_johnson") {
    warp.active = true;
    warp.lambda = reader.Number("lambda", true).value_or(1.0);
    warp.center = reader.Number("center", true).value_or(0.0);
    warp.scale = reader.Number("scale", true).value_or(1.0);
    warp.sign = reader.Number("sign", true).value_or(1.0);
    if (!(warp.lambda >= kLambdaLow && warp.lambda <= kLambdaHigh)) {
      issues.Add(reader.PathOf("lambda"), "gp.output_warp", "lambda must lie in [0, 2]");
    }
    if (!(warp.scale > 0) || !std::isfinite(warp.scale) || !std::isfinite(warp.center)) {
      issues.Add(reader.PathOf("scale"), "gp.output_warp",
                 "scale must be a positive number and center finite");
    }
    if (warp.sign != 1.0 && warp.sign != -1.0) {
      issues.Add(reader.PathOf("sign"), "gp.output_warp", "sign must be 1 or -1");
    }
  } else if (kind != "none") {
    issues.Add(reader.PathOf("kind"), "gp.output_warp",
               "unknown kind \"" + kind + "\" (expected \"yeo_johnson\" or \"none\")");
  }
  reader.CheckNoUnknownKeys();
  issues.ThrowIfAny();
  return warp;
}

}  // namespace kyoso::gp
