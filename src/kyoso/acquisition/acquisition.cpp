// Expected improvement (as log EI), confidence bounds and log probability of improvement with
// analytic gradients, plus the numerically stable special functions they need (see
// acquisition.h and docs/methods/acquisition.md §1-3).
#include "kyoso/acquisition/acquisition.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "kyoso/base/error.h"

namespace kyoso::acquisition {
namespace {

constexpr double kHalfLogTwoPi = 0.91893853320467274;      // c1 = log(2 pi) / 2
constexpr double kHalfLogPiOverTwo = 0.22579135264472744;  // c2 = log(pi / 2) / 2
constexpr double kSqrtHalf = 0.70710678118654752;

// erfcx(x) = exp(x^2) erfc(x) for x >= 0. Below 25 from std::erfc with exp(x^2) computed from
// the exact product x*x = hi + lo (fma), above by the continued fraction
// erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) (Abramowitz & Stegun
// 7.1.14), 40 terms, which at x >= 25 is exact to rounding.
double Erfcx(double x) {
  if (x < 25.0) {
    const double hi = x * x;
    const double lo = std::fma(x, x, -hi);
    return std::exp(hi) * (1.0 + lo) * std::erfc(x);
  }
  double t = x;
  for (int k = 40; k >= 1; --k) t = x + 0.5 * k / t;
  return 1.0 / (std::sqrt(std::numbers::pi) * t);
}

// log(1 - exp(x)) for x < 0 (Maechler 2012).
double Log1mExp(double x) {
  return x > -std::numbers::ln2 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z * kSqrtHalf); }
double NormalPdf(double z) { return std::exp(-0.5 * z * z - kHalfLogTwoPi); }

// The posterior at one point, with the latent variance clamped at min_variance (gradient zeroed
// there) so that noiseless training points keep finite values and gradients.
struct Moments {
  double mean = 0;
  double stddev = 0;
  Eigen::VectorXd dmean;
  Eigen::VectorXd dstddev;
};

Moments PredictMoments(const gp::Posterior& posterior, const Eigen::VectorXd& x, bool gradient,
                       double min_variance) {
  Moments m;
  double variance = 0;
  Eigen::VectorXd dvariance;
  posterior.PredictWithGradient(x, &m.mean, &variance, gradient ? &m.dmean : nullptr,
                                gradient ? &dvariance : nullptr);
  if (variance < min_variance) {
    variance = min_variance;
    if (gradient) dvariance.setZero(x.size());
  }
  m.stddev = std::sqrt(variance);
  if (gradient) m.dstddev = dvariance / (2.0 * m.stddev);
  return m;
}

// Shared state of the three analytic acquisitions.
class AnalyticAcquisition : public Acquisition {
 public:
  AnalyticAcquisition(const gp::Posterior& posterior, const Options& options)
      : posterior_(posterior),
        options_(options),
        sign_(options.direction == Direction::kMaximize ? 1.0 : -1.0),
        best_(IncumbentValue(posterior, options)),
        min_variance_(options.min_variance_fraction * posterior.scaling().stddev *
                      posterior.scaling().stddev) {}

  int dim() const override { return posterior_.dim(); }

  double Evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const override {
    const Moments m = PredictMoments(posterior_, x, gradient != nullptr, min_variance_);
    double dvalue_dmean = 0;
    double dvalue_dstddev = 0;
    const double value = FromMoments(m.mean, m.stddev, &dvalue_dmean, &dvalue_dstddev);
    if (gradient != nullptr) *gradient = dvalue_dmean * m.dmean + dvalue_dstddev * m.dstddev;
    return value;
  }

  Eigen::VectorXd EvaluateMany(const Eigen::MatrixXd& x) const override {
    Eigen::VectorXd mean;
    Eigen::VectorXd variance;
    posterior_.Predict(x, &mean, &variance);
    Eigen::VectorXd values(x.rows());
    double unused_mean = 0;
    double unused_stddev = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      values(i) = FromMoments(mean(i), std::sqrt(std::max(variance(i), min_variance_)),
                              &unused_mean, &unused_stddev);
    }
    return values;
  }

 protected:
  // The acquisition from the posterior mean and standard deviation at a point, with its partial
  // derivatives with respect to both.
  virtual double FromMoments(double mean, double stddev, double* dmean, double* dstddev) const = 0;

  gp::Posterior posterior_;
  Options options_;
  double sign_;  // +1 maximize, -1 minimize
  double best_;  // incumbent, user units
  double min_variance_;
};

// log EI = log h(z) + log sd, z = sign (mu - f*) / sd (Ament et al. 2023, Eq. 9; Jones et al.
// 1998, Eq. 15 for EI = sd h(z)).
class LogExpectedImprovement final : public AnalyticAcquisition {
 public:
  using AnalyticAcquisition::AnalyticAcquisition;
  Scale scale() const override { return Scale::kLog; }

 protected:
  double FromMoments(double mean, double stddev, double* dmean, double* dstddev) const override {
    const double z = sign_ * (mean - best_) / stddev;
    const double dlogh = LogHDerivative(z);
    *dmean = dlogh * sign_ / stddev;
    *dstddev = (1.0 - dlogh * z) / stddev;
    return LogH(z) + std::log(stddev);
  }
};

// UCB = mu + sqrt(beta) sd (maximize); -LCB = -(mu - sqrt(beta) sd) (minimize).
class ConfidenceBound final : public AnalyticAcquisition {
 public:
  using AnalyticAcquisition::AnalyticAcquisition;
  Scale scale() const override { return Scale::kLinear; }

 protected:
  double FromMoments(double mean, double stddev, double* dmean, double* dstddev) const override {
    const double root_beta = std::sqrt(options_.ucb_beta);
    *dmean = sign_;
    *dstddev = root_beta;
    return sign_ * mean + root_beta * stddev;
  }
};

// log PI = log Phi(z), z = sign (mu - f*) / sd (Kushner 1964).
class LogProbabilityOfImprovement final : public AnalyticAcquisition {
 public:
  using AnalyticAcquisition::AnalyticAcquisition;
  Scale scale() const override { return Scale::kLog; }

 protected:
  double FromMoments(double mean, double stddev, double* dmean, double* dstddev) const override {
    const double z = sign_ * (mean - best_) / stddev;
    const double dlogcdf = LogNormalCdfDerivative(z);
    *dmean = dlogcdf * sign_ / stddev;
    *dstddev = -dlogcdf * z / stddev;
    return LogNormalCdf(z);
  }
};

}  // namespace

std::string ToString(Kind kind) {
  switch (kind) {
    case Kind::kUpperConfidenceBound:
      return "ucb";
    case Kind::kProbabilityOfImprovement:
      return "pi";
    case Kind::kExpectedImprovement:
      break;
  }
  return "ei";
}

std::optional<Kind> ParseKind(const std::string& text) {
  if (text == "ei") return Kind::kExpectedImprovement;
  if (text == "ucb") return Kind::kUpperConfidenceBound;
  if (text == "pi") return Kind::kProbabilityOfImprovement;
  return std::nullopt;
}

std::string ToString(Direction direction) {
  return direction == Direction::kMinimize ? "minimize" : "maximize";
}

std::optional<Direction> ParseDirection(const std::string& text) {
  if (text == "minimize") return Direction::kMinimize;
  if (text == "maximize") return Direction::kMaximize;
  return std::nullopt;
}

std::vector<std::string> Options::Validate() const {
  std::vector<std::string> problems;
  if (!(ucb_beta >= 0) || !std::isfinite(ucb_beta)) {
    problems.push_back("ucb_beta must be a finite number >= 0");
  }
  if (!(min_variance_fraction > 0) || !std::isfinite(min_variance_fraction)) {
    problems.push_back("min_variance_fraction must be a finite number > 0");
  }
  if (best_value && !std::isfinite(*best_value)) {
    problems.push_back("best_value must be finite");
  }
  return problems;
}

double IncumbentValue(const gp::Posterior& posterior, const Options& options) {
  if (options.best_value) return *options.best_value;
  Eigen::VectorXd values = posterior.data().y;
  if (options.incumbent == Incumbent::kBestPosteriorMean) {
    posterior.Predict(posterior.data().x, &values, nullptr);
  }
  return options.direction == Direction::kMaximize ? values.maxCoeff() : values.minCoeff();
}

std::unique_ptr<Acquisition> Make(Kind kind, const gp::Posterior& posterior,
                                  const Options& options) {
  IssueList issues;
  for (const std::string& problem : options.Validate()) {
    issues.Add("/acquisition", "acquisition.options", problem);
  }
  if (posterior.num_points() == 0) {
    issues.Add("/posterior", "acquisition.no_data", "the posterior has no training points");
  }
  issues.ThrowIfAny();
  switch (kind) {
    case Kind::kUpperConfidenceBound:
      return std::make_unique<ConfidenceBound>(posterior, options);
    case Kind::kProbabilityOfImprovement:
      return std::make_unique<LogProbabilityOfImprovement>(posterior, options);
    case Kind::kExpectedImprovement:
      break;
  }
  return std::make_unique<LogExpectedImprovement>(posterior, options);
}

double LogH(double z) {
  if (z > -1.0) return std::log(NormalPdf(z) + z * NormalCdf(z));
  if (z > -1.0 / std::sqrt(std::numeric_limits<double>::epsilon())) {
    // Ament et al. 2023, Eq. 9, middle branch.
    return -0.5 * z * z - kHalfLogTwoPi +
           Log1mExp(std::log(Erfcx(-z * kSqrtHalf) * std::fabs(z)) + kHalfLogPiOverTwo);
  }
  return -0.5 * z * z - kHalfLogTwoPi - 2.0 * std::log(std::fabs(z));
}

double LogHDerivative(double z) {
  // h'(z) = Phi(z), so (log h)' = Phi(z) / h(z), taken in logs to stay finite for z << 0.
  return std::exp(LogNormalCdf(z) - LogH(z));
}

double LogNormalCdf(double z) {
  if (z < -5.0) return std::log(0.5 * Erfcx(-z * kSqrtHalf)) - 0.5 * z * z;
  if (z > 5.0) return std::log1p(-0.5 * std::erfc(z * kSqrtHalf));
  return std::log(NormalCdf(z));
}

double LogNormalCdfDerivative(double z) {
  return std::exp(-0.5 * z * z - kHalfLogTwoPi - LogNormalCdf(z));
}

}  // namespace kyoso::acquisition
