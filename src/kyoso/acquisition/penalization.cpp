// Local penalization (González et al. 2016) and the Lipschitz estimate it needs (see
// penalization.h and docs/methods/acquisition.md §4).
#include "kyoso/acquisition/penalization.h"

#include <LBFGSB.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <numeric>

#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"

namespace kyoso::acquisition {
namespace {

double MeanGradientNorm(const gp::Posterior& posterior, const Eigen::VectorXd& x) {
  Eigen::VectorXd dmean;
  posterior.PredictWithGradient(x, nullptr, nullptr, &dmean, nullptr);
  return dmean.norm();
}

// log softplus(a) = log log(1 + e^a) and its derivative: the positive transform g of linear-scale
// acquisitions (UCB), González et al. 2016 §3.3.
double LogSoftplus(double a, double* derivative) {
  if (a < -35.0) {  // log(1 + e^a) = e^a to double precision
    *derivative = 1.0;
    return a;
  }
  const double softplus = a > 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a));
  const double sigmoid = 1.0 / (1.0 + std::exp(-a));
  *derivative = sigmoid / softplus;
  return std::log(softplus);
}

}  // namespace

double EstimateLipschitz(const gp::Posterior& posterior, const LipschitzOptions& options) {
  if (options.num_samples < 1 || options.num_local_starts < 0) {
    throw InputError("/lipschitz", "acquisition.options",
                     "num_samples must be >= 1 and num_local_starts >= 0");
  }
  const int d = posterior.dim();
  Rng rng(options.seed);
  std::vector<Eigen::VectorXd> points(static_cast<std::size_t>(options.num_samples));
  std::vector<double> norms(points.size());
  for (std::size_t s = 0; s < points.size(); ++s) {
    points[s].resize(d);
    for (int k = 0; k < d; ++k) points[s](k) = rng.Uniform();
    norms[s] = MeanGradientNorm(posterior, points[s]);
  }
  double lipschitz = *std::max_element(norms.begin(), norms.end());
  // Polish the best samples by bounded L-BFGS on -||grad mu||^2; its gradient (a Hessian-vector
  // product of the mean) is taken by central differences, as GPyOpt does with SciPy's L-BFGS-B.
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return norms[a] > norms[b]; });
  auto objective = [&](const Eigen::VectorXd& x, Eigen::VectorXd& gradient) {
    const double step = 1e-6;
    gradient.resize(d);
    for (int k = 0; k < d; ++k) {
      Eigen::VectorXd plus = x;
      Eigen::VectorXd minus = x;
      plus(k) = std::min(1.0, x(k) + step);
      minus(k) = std::max(0.0, x(k) - step);
      const double np = MeanGradientNorm(posterior, plus);
      const double nm = MeanGradientNorm(posterior, minus);
      gradient(k) = -(np * np - nm * nm) / (plus(k) - minus(k));
    }
    const double norm = MeanGradientNorm(posterior, x);
    lipschitz = std::max(lipschitz, norm);
    return -norm * norm;
  };
  LBFGSpp::LBFGSBParam<double> param;
  param.max_iterations = 20;
  param.epsilon = 1e-6;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  const Eigen::VectorXd low = Eigen::VectorXd::Zero(d);
  const Eigen::VectorXd high = Eigen::VectorXd::Ones(d);
  const int num_starts = std::min<int>(options.num_local_starts, static_cast<int>(order.size()));
  for (int s = 0; s < num_starts; ++s) {
    Eigen::VectorXd x = points[order[static_cast<std::size_t>(s)]];
    double value = 0;
    try {
      solver.minimize(objective, x, value, low, high);
    } catch (const std::exception&) {
      // A stalled line search keeps the best norm seen (tracked inside the objective).
    }
  }
  return lipschitz < 1e-7 ? 10.0 : lipschitz;
}

LocalPenalization::LocalPenalization(std::unique_ptr<Acquisition> base,
                                     const gp::Posterior& posterior, const Eigen::MatrixXd& points,
                                     const Options& options,
                                     const PenalizationOptions& penalization)
    : base_(std::move(base)), points_(points) {
  IssueList issues;
  if (!base_) issues.Add("/acquisition", "acquisition.options", "no base acquisition given");
  if (points.rows() > 0 && points.cols() != posterior.dim()) {
    issues.Add("/points", "data.dimension",
               "penalized points have " + std::to_string(points.cols()) + " columns, expected " +
                   std::to_string(posterior.dim()));
  }
  if (!points.allFinite()) issues.Add("/points", "data.not_finite", "a point is not finite");
  for (const std::string& problem : options.Validate()) {
    issues.Add("/acquisition", "acquisition.options", problem);
  }
  issues.ThrowIfAny();
  lipschitz_ = penalization.lipschitz > 0
                   ? penalization.lipschitz
                   : EstimateLipschitz(posterior, penalization.lipschitz_options);
  if (points.rows() == 0) return;
  const double best = IncumbentValue(posterior, options);
  const double min_variance =
      options.min_variance_fraction * posterior.scaling().stddev * posterior.scaling().stddev;
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
  posterior.Predict(points, &mean, &variance);
  radius_ = (best - mean.array()).abs();
  stddev_ = variance.cwiseMax(min_variance).cwiseSqrt();
}

int LocalPenalization::dim() const { return base_->dim(); }

double LocalPenalization::LogPenalty(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const {
  if (gradient != nullptr) gradient->setZero(x.size());
  double total = 0;
  for (Eigen::Index j = 0; j < points_.rows(); ++j) {
    const Eigen::VectorXd diff = x - points_.row(j).transpose();
    const double distance = diff.norm();
    // phi_j = Phi((L ||x - x_j|| - |M - mu(x_j)|) / sd(x_j))  (González et al. 2016, Eq. 4)
    const double z = (lipschitz_ * distance - radius_(j)) / stddev_(j);
    total += LogNormalCdf(z);
    if (gradient != nullptr && distance > 0) {
      *gradient += (LogNormalCdfDerivative(z) * lipschitz_ / (stddev_(j) * distance)) * diff;
    }
  }
  return total;
}

double LocalPenalization::Evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const {
  Eigen::VectorXd base_gradient;
  double value = base_->Evaluate(x, gradient != nullptr ? &base_gradient : nullptr);
  double derivative = 1.0;
  if (base_->scale() == Scale::kLinear) value = LogSoftplus(value, &derivative);
  Eigen::VectorXd penalty_gradient;
  value += LogPenalty(x, gradient != nullptr ? &penalty_gradient : nullptr);
  if (gradient != nullptr) *gradient = derivative * base_gradient + penalty_gradient;
  return value;
}

Eigen::VectorXd LocalPenalization::EvaluateMany(const Eigen::MatrixXd& x) const {
  Eigen::VectorXd values = base_->EvaluateMany(x);
  double unused = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    if (base_->scale() == Scale::kLinear) values(i) = LogSoftplus(values(i), &unused);
    values(i) += LogPenalty(x.row(i).transpose(), nullptr);
  }
  return values;
}

}  // namespace kyoso::acquisition
