// MAP hyperparameter fitting by multi-start bounded L-BFGS (see fit.h, docs/methods/gp.md §6).
#include "kyoso/gp/fit.h"

#include <LBFGSB.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <numeric>

#include "kyoso/base/error.h"
#include "kyoso/base/parallel.h"
#include "kyoso/base/rng.h"
#include "kyoso/gp/detail/likelihood_impl.h"
#include "kyoso/gp/likelihood.h"

namespace kyoso::gp {
namespace {

// Box of the log hyperparameters searched by L-BFGS-B (docs/methods/gp.md §6): length scales in
// [0.0025, 1100] unit-cube lengths, signal variance in [1.2e-4, 1100] and noise variance in
// [floor, 2] on the standardized scale.
constexpr double kLogLengthscaleLow = -6.0;
constexpr double kLogLengthscaleHigh = 7.0;
constexpr double kLogSignalLow = -9.0;
constexpr double kLogSignalHigh = 7.0;
constexpr double kLogNoiseHigh = 0.7;
// Value returned where K cannot be factorized, so the line search backs off.
constexpr double kInfeasibleObjective = 1e10;

// Negative log posterior per data point, as a function of the free log hyperparameters
// (d length scales, signal variance, and the noise variance when it is learned).
class Objective {
 public:
  // num_threads: threads of one evaluation (1 when starts already run in parallel).
  Objective(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, KernelKind kernel, bool learn_noise,
            double fixed_log_noise, bool estimate_mean, int num_threads)
      : x_(x),
        y_(y),
        kernel_(kernel),
        learn_noise_(learn_noise),
        fixed_log_noise_(fixed_log_noise),
        estimate_mean_(estimate_mean),
        num_threads_(num_threads) {}

  Hyperparameters ToHyperparameters(const Eigen::VectorXd& theta) const {
    Hyperparameters h;
    const Eigen::Index d = x_.cols();
    h.log_lengthscales = theta.head(d);
    h.log_signal_variance = theta(d);
    h.log_noise_variance = learn_noise_ ? theta(d + 1) : fixed_log_noise_;
    return h;
  }

  double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
    ++num_evaluations_;
    const Hyperparameters h = ToHyperparameters(theta);
    const LikelihoodValue lml = detail::LogMarginalLikelihood(
        x_, y_, kernel_, h, true, estimate_mean_, workspace_, num_threads_);
    if (lml.jitter > 0) ++num_jittered_;
    if (!lml.ok || !lml.gradient.allFinite()) {
      gradient.setZero(theta.size());
      return kInfeasibleObjective;
    }
    Eigen::VectorXd prior_gradient;
    const double log_prior = LogPrior(h, learn_noise_, &prior_gradient);
    const double n = static_cast<double>(x_.rows());
    gradient = -(lml.gradient + prior_gradient).head(theta.size()) / n;
    const double value = -(lml.log_marginal_likelihood + log_prior) / n;
    if (value < best_value_) {
      best_value_ = value;
      best_theta_ = theta;
    }
    return value;
  }

  int num_evaluations() const { return num_evaluations_; }
  int num_jittered() const { return num_jittered_; }
  double best_value() const { return best_value_; }
  const Eigen::VectorXd& best_theta() const { return best_theta_; }
  void ResetBest() {
    best_value_ = std::numeric_limits<double>::infinity();
    best_theta_.resize(0);
  }

 private:
  const Eigen::MatrixXd& x_;
  const Eigen::VectorXd& y_;
  KernelKind kernel_;
  bool learn_noise_;
  double fixed_log_noise_;
  bool estimate_mean_;
  int num_threads_;
  detail::LikelihoodWorkspace workspace_;
  int num_evaluations_ = 0;
  int num_jittered_ = 0;
  double best_value_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta_;
};

// Backtracking line search with the Armijo condition and safeguarded quadratic interpolation
// (Nocedal & Wright 2006, §3.5), in the form LBFGS++'s bounded solver expects. It replaces
// LBFGS++'s More-Thuente search, which on the GP likelihood could collapse its bracket and
// re-evaluate one point until its iteration limit. L-BFGS-B skips the curvature update when
// s^T y <= eps y^T y, so steps that satisfy Armijo only are safe.
template <typename Scalar>
class ArmijoBacktracking {
 public:
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  template <typename Function>
  static void LineSearch(Function& f, Scalar& fx, Vector& x, Vector& grad, Scalar& step,
                         const Scalar& step_max, const Vector& drt, const Vector& xp,
                         const LBFGSpp::LBFGSBParam<Scalar>& param) {
    const Scalar fx_init = fx;
    const Scalar dg_init = grad.dot(drt);
    if (!(dg_init < 0)) throw std::logic_error("the search direction is not a descent direction");
    step = std::min(step, step_max);
    for (int iteration = 0; iteration < param.max_linesearch; ++iteration) {
      x.noalias() = xp + step * drt;
      fx = f(x, grad);
      if (fx <= fx_init + param.ftol * step * dg_init) return;
      // Minimizer of the quadratic through f(0), f'(0) and f(step), kept in [0.1, 0.5] step.
      const Scalar curvature = fx - fx_init - dg_init * step;
      Scalar next = curvature > 0 ? -dg_init * step * step / (2 * curvature) : step / 2;
      if (!std::isfinite(next)) next = step / 2;
      step = std::clamp(next, step / 10, step / 2);
    }
    throw std::runtime_error("the line search reached its iteration limit");
  }
};

struct StartOutcome {
  bool ok = false;
  bool hit_iteration_limit = false;
  Eigen::VectorXd theta;
  double value = std::numeric_limits<double>::infinity();  // objective (per point)
  int num_iterations = 0;
  int num_evaluations = 0;
  int num_jittered = 0;
  bool skipped = false;  // not run (cancelled before it started)
  std::string error;
};

StartOutcome RunStart(Objective& objective, const Eigen::VectorXd& start,
                      const Eigen::VectorXd& low, const Eigen::VectorXd& high, int max_iterations,
                      double gradient_tolerance) {
  LBFGSpp::LBFGSBParam<double> param;
  param.m = 6;
  param.epsilon = gradient_tolerance;
  param.epsilon_rel = gradient_tolerance;
  // Also stop when the per-point objective changed by less than 1e-6 (relative) over the last
  // 3 iterations: hyperparameters finer than that do not change predictions visibly.
  param.past = 3;
  param.delta = 1e-6;
  param.max_linesearch = 20;
  StartOutcome outcome;
  Eigen::VectorXd theta = start.cwiseMax(low).cwiseMin(high);
  objective.ResetBest();
  // LBFGS++ throws when its line search cannot satisfy the Wolfe conditions (e.g. a first step
  // far too long, or a flat optimum). The solver is then restarted from the best point evaluated
  // so far with a fresh curvature memory, at most kMaxRestarts times and only while that
  // improves the objective (docs/methods/gp.md §6).
  constexpr int kMaxRestarts = 3;
  double previous_best = std::numeric_limits<double>::infinity();
  for (int attempt = 0; attempt <= kMaxRestarts; ++attempt) {
    param.max_iterations = std::max(1, max_iterations - outcome.num_iterations);
    LBFGSpp::LBFGSBSolver<double, ArmijoBacktracking> solver(param);
    double value = 0;
    try {
      const int iterations = solver.minimize(objective, theta, value, low, high);
      outcome.num_iterations += iterations;
      outcome.hit_iteration_limit = iterations >= param.max_iterations;
      outcome.error.clear();
      break;
    } catch (const std::exception& e) {
      outcome.error = e.what();
      // The iterations of the interrupted run are unknown; count one so restarts stay bounded.
      outcome.num_iterations += 1;
      if (objective.best_theta().size() == 0 ||
          !(objective.best_value() < previous_best - 1e-12 * std::fabs(previous_best))) {
        break;
      }
      previous_best = objective.best_value();
      theta = objective.best_theta();
    }
  }
  if (objective.best_theta().size() > 0 && objective.best_value() < kInfeasibleObjective) {
    outcome.ok = true;
    outcome.theta = objective.best_theta();
    outcome.value = objective.best_value();
  }
  return outcome;
}

Eigen::VectorXd PriorCenter(int d, bool learn_noise) {
  Eigen::VectorXd theta(d + (learn_noise ? 2 : 1));
  theta.head(d).setConstant(LengthscalePriorLocation(d));
  theta(d) = 0.0;
  if (learn_noise) theta(d + 1) = kNoisePriorMean;
  return theta;
}

// A random start drawn from the hyperprior (likelihood.h), seeded.
Eigen::VectorXd PriorDraw(int d, bool learn_noise, Rng& rng) {
  Eigen::VectorXd theta = PriorCenter(d, learn_noise);
  for (int k = 0; k < d; ++k) theta(k) += kLengthscalePriorStddev * rng.Normal();
  theta(d) += rng.Normal();
  if (learn_noise) theta(d + 1) += kNoisePriorStddev * rng.Normal();
  return theta;
}

std::string FormatDouble(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

}  // namespace

std::string ToString(FitTermination termination) {
  switch (termination) {
    case FitTermination::kConverged:
      return "converged";
    case FitTermination::kMaxIterations:
      return "max_iterations";
    case FitTermination::kCancelled:
      return "cancelled";
    case FitTermination::kFailed:
      break;
  }
  return "failed";
}

std::vector<std::string> FitOptions::Validate() const {
  std::vector<std::string> problems;
  if (!(noise_variance_floor > 0) || !(noise_variance_floor < 1)) {
    problems.push_back("noise_variance_floor must lie in (0, 1), got " +
                       FormatDouble(noise_variance_floor));
  }
  if (num_restarts < 1) problems.push_back("num_restarts must be >= 1");
  if (num_warm_restarts < 1) problems.push_back("num_warm_restarts must be >= 1");
  if (max_iterations < 1) problems.push_back("max_iterations must be >= 1");
  if (max_warm_iterations < 1) problems.push_back("max_warm_iterations must be >= 1");
  if (!(gradient_tolerance > 0)) problems.push_back("gradient_tolerance must be > 0");
  if (num_threads < 0) problems.push_back("num_threads must be >= 0 (0: every hardware thread)");
  if (max_screening_points < 0) problems.push_back("max_screening_points must be >= 0");
  if (max_screening_points > 0 && max_screening_points < 10) {
    problems.push_back("max_screening_points must be 0 (off) or >= 10");
  }
  return problems;
}

nlohmann::json FitOptions::ToJson() const {
  nlohmann::json json = {{"kernel", ToString(kernel)},
                         {"fixed_noise", fixed_noise},
                         {"noise_variance_floor", noise_variance_floor},
                         {"num_restarts", num_restarts},
                         {"num_warm_restarts", num_warm_restarts},
                         {"seed", seed},
                         {"max_iterations", max_iterations},
                         {"max_warm_iterations", max_warm_iterations},
                         {"gradient_tolerance", gradient_tolerance},
                         {"max_screening_points", max_screening_points},
                         {"estimate_mean", estimate_mean}};
  json["warm_start"] = warm_start ? warm_start->ToJson() : nlohmann::json();
  return json;
}

nlohmann::json FitSummary::ToJson() const {
  return {{"termination", ToString(termination)},
          {"message", message},
          {"warnings", warnings},
          {"log_marginal_likelihood", log_marginal_likelihood},
          {"log_posterior", log_posterior},
          {"num_starts", num_starts},
          {"num_failed_starts", num_failed_starts},
          {"num_iterations", num_iterations},
          {"num_evaluations", num_evaluations},
          {"seconds", seconds},
          {"warm_started", warm_started},
          {"jitter", jitter},
          {"given", given},
          {"used", used}};
}

FitResult Fit(const Dataset& data, const FitOptions& options, ProgressSink* progress) {
  const auto started = std::chrono::steady_clock::now();
  ValidateDataset(data);
  {
    IssueList issues;
    for (const std::string& problem : options.Validate()) {
      issues.Add("/fit_options", "gp.options", problem);
    }
    issues.ThrowIfAny();
  }
  const int n = data.num_points();
  const int d = data.dim();
  const bool learn_noise = !options.fixed_noise;
  const double log_floor = std::log(options.noise_variance_floor);
  FitSummary summary;
  summary.given = options.ToJson();

  const OutputScaling scaling = OutputScaling::FromOutputs(data.y);
  const Eigen::VectorXd ys = (data.y.array() - scaling.mean) / scaling.stddev;
  if (n >= 2 && scaling.stddev == 1.0 && (data.y.array() == data.y(0)).all()) {
    summary.warnings.push_back("all outputs are equal; the model predicts a constant");
  }

  // Bounds of the free parameters.
  const int num_free = d + (learn_noise ? 2 : 1);
  Eigen::VectorXd low(num_free);
  Eigen::VectorXd high(num_free);
  low.head(d).setConstant(kLogLengthscaleLow);
  high.head(d).setConstant(kLogLengthscaleHigh);
  low(d) = kLogSignalLow;
  high(d) = kLogSignalHigh;
  if (learn_noise) {
    low(d + 1) = log_floor;
    high(d + 1) = std::max(kLogNoiseHigh, log_floor + 1.0);
  }

  // Starts: the warm start (if usable) or the prior centre, then draws from the prior.
  Rng rng(options.seed);
  std::vector<Eigen::VectorXd> starts;
  bool warm = false;
  if (options.warm_start) {
    const Hyperparameters& w = *options.warm_start;
    if (w.dim() != d) {
      summary.warnings.push_back("warm start has " + std::to_string(w.dim()) +
                                 " length scales but the data have " + std::to_string(d) +
                                 " dimensions; fitted cold");
    } else if (!w.Pack().allFinite()) {
      summary.warnings.push_back("warm start is not finite; fitted cold");
    } else {
      Eigen::VectorXd theta(num_free);
      theta.head(d) = w.log_lengthscales;
      theta(d) = w.log_signal_variance;
      if (learn_noise) theta(d + 1) = w.log_noise_variance;
      starts.push_back(theta);
      warm = true;
    }
  }
  // The prior centre is always a start: a warm start is one more candidate, never the only
  // one, so a fit stuck in an early, over-smooth optimum can leave it (docs/methods/gp.md §6).
  starts.push_back(PriorCenter(d, learn_noise));
  const int num_starts = warm ? options.num_warm_restarts : options.num_restarts;
  while (static_cast<int>(starts.size()) < num_starts) {
    starts.push_back(PriorDraw(d, learn_noise, rng));
  }
  for (Eigen::VectorXd& start : starts) start = start.cwiseMax(low).cwiseMin(high);
  summary.warm_started = warm;

  // Screening on a random subset when the data are large and there is more than one start.
  const bool screen =
      options.max_screening_points > 0 && n > options.max_screening_points && starts.size() > 1;
  Eigen::MatrixXd x_screen;
  Eigen::VectorXd y_screen;
  if (screen) {
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    for (int i = 0; i < options.max_screening_points; ++i) {
      const int j = i + static_cast<int>(rng.UniformInt(static_cast<std::uint64_t>(n - i)));
      std::swap(order[i], order[j]);
    }
    x_screen.resize(options.max_screening_points, d);
    y_screen.resize(options.max_screening_points);
    for (int i = 0; i < options.max_screening_points; ++i) {
      x_screen.row(i) = data.x.row(order[i]);
      y_screen(i) = ys(order[i]);
    }
  }

  const double fixed_log_noise = log_floor;
  const Eigen::MatrixXd& search_x = screen ? x_screen : data.x;
  const Eigen::VectorXd& search_y = screen ? y_screen : ys;
  const int num_threads = ResolveNumThreads(options.num_threads);

  // The starts are independent: they run in parallel, each with its own objective, and are
  // reduced in start order below (lowest value, ties to the lower index), so the result does not
  // depend on the thread count. Progress is reported from the calling thread only: once before
  // any start runs (so a cancel there skips them all, whatever the thread count), then before
  // each later start it takes; a cancel stops the starts that have not begun.
  std::vector<StartOutcome> outcomes(starts.size());
  std::atomic<int> num_done{0};
  const int total_stages = static_cast<int>(starts.size()) + (screen ? 1 : 0);
  auto report = [&](int stage, const std::string& message) {
    if (progress == nullptr) return true;
    return progress->Update({"fit", static_cast<double>(stage) / total_stages, message});
  };
  auto start_message = [&](int s) {
    return "start " + std::to_string(s + 1) + " of " + std::to_string(starts.size());
  };
  std::atomic<bool> stop{!report(0, start_message(0))};
  const int num_start_threads = std::min(num_threads, static_cast<int>(starts.size()));
  ParallelFor(static_cast<int>(starts.size()), num_start_threads, [&](int s, int worker) {
    StartOutcome& outcome = outcomes[static_cast<std::size_t>(s)];
    if (worker == 0 && s > 0 && !stop.load() && !report(num_done.load(), start_message(s))) {
      stop.store(true);
    }
    if (stop.load()) {
      outcome.skipped = true;
      return;
    }
    Objective objective(search_x, search_y, options.kernel, learn_noise, fixed_log_noise,
                        options.estimate_mean, num_threads / num_start_threads);
    const int iterations = (warm && s == 0) ? options.max_warm_iterations : options.max_iterations;
    outcome = RunStart(objective, starts[static_cast<std::size_t>(s)], low, high, iterations,
                       options.gradient_tolerance);
    outcome.num_evaluations = objective.num_evaluations();
    outcome.num_jittered = objective.num_jittered();
    num_done.fetch_add(1);
  });
  bool cancelled = stop.load();
  StartOutcome best;
  std::size_t best_start = 0;
  int num_jittered = 0;
  for (std::size_t s = 0; s < outcomes.size(); ++s) {
    const StartOutcome& outcome = outcomes[s];
    if (outcome.skipped) continue;
    ++summary.num_starts;
    summary.num_iterations += outcome.num_iterations;
    summary.num_evaluations += outcome.num_evaluations;
    num_jittered += outcome.num_jittered;
    if (!outcome.ok) {
      ++summary.num_failed_starts;
      summary.warnings.push_back("hyperparameter start " + std::to_string(s + 1) + " failed" +
                                 (outcome.error.empty() ? "" : ": " + outcome.error));
      continue;
    }
    if (outcome.value < best.value) {
      best = outcome;
      best_start = s;
    }
  }
  Objective full(data.x, ys, options.kernel, learn_noise, fixed_log_noise, options.estimate_mean,
                 num_threads);
  if (screen && best.ok && !cancelled) {
    if (!report(total_stages - 1, "polishing on all " + std::to_string(n) + " points")) {
      cancelled = true;
    } else {
      // A winning warm start is polished from where it came in, not from its optimum on the
      // subset: it was fitted on nearly these points, while the subset moved it away (n = 1000,
      // d = 10: 22 instead of 27 evaluations and a higher log posterior, docs/methods/gp.md §6).
      const Eigen::VectorXd& polish_from = (warm && best_start == 0) ? starts[0] : best.theta;
      StartOutcome polished = RunStart(full, polish_from, low, high, options.max_warm_iterations,
                                       options.gradient_tolerance);
      summary.num_iterations += polished.num_iterations;
      if (polished.ok) {
        best = polished;
      } else {
        summary.warnings.push_back("polishing the screened hyperparameters on all points failed" +
                                   (polished.error.empty() ? "" : ": " + polished.error));
      }
    }
  }
  if (progress != nullptr && !cancelled) progress->Update({"fit", 1.0, "done"});
  summary.num_evaluations += full.num_evaluations();
  num_jittered += full.num_jittered();
  if (num_jittered > 0) {
    summary.warnings.push_back(std::to_string(num_jittered) +
                               " likelihood evaluations needed diagonal jitter");
  }

  Eigen::VectorXd theta = best.ok ? best.theta : starts.front();
  if (cancelled) {
    summary.termination = FitTermination::kCancelled;
    summary.message = "cancelled after " + std::to_string(summary.num_starts) + " starts";
  } else if (!best.ok) {
    summary.termination = FitTermination::kFailed;
    summary.message = "every hyperparameter start failed; using the " +
                      std::string(warm ? "warm start" : "prior centre");
  } else if (best.hit_iteration_limit) {
    summary.termination = FitTermination::kMaxIterations;
    summary.message = "the best start reached its iteration limit";
  } else {
    summary.termination = FitTermination::kConverged;
    summary.message = "converged";
  }
  const Hyperparameters h = full.ToHyperparameters(theta);
  // One factorization gives both the final log marginal likelihood and the posterior.
  detail::LikelihoodWorkspace workspace;
  const LikelihoodValue lml = detail::LogMarginalLikelihood(
      data.x, ys, options.kernel, h, false, options.estimate_mean, workspace, num_threads);
  // The constant prior mean is folded into the output scaling: (y - mean) / stddev has mean 0
  // under the model, so Posterior predicts mean + stddev * (k^T alpha) with no separate term.
  OutputScaling model_scaling = scaling;
  model_scaling.mean += scaling.stddev * lml.constant_mean;
  FitResult result{lml.ok ? Posterior::FromFactor(data, options.kernel, h, model_scaling,
                                                  std::move(workspace.factor), lml.jitter)
                          : Posterior::Create(data, options.kernel, h, scaling),
                   std::move(summary)};
  FitSummary& out = result.summary;
  out.log_marginal_likelihood = lml.log_marginal_likelihood;
  out.log_posterior = lml.log_marginal_likelihood + LogPrior(h, learn_noise, nullptr);
  out.jitter = result.posterior.jitter();
  if (out.jitter > 0) {
    out.warnings.push_back("the final covariance needed diagonal jitter " +
                           FormatDouble(out.jitter));
  }
  for (int k = 0; k < d; ++k) {
    if (h.log_lengthscales(k) >= kLogLengthscaleHigh - 1e-6) {
      out.warnings.push_back("length scale " + std::to_string(k) +
                             " is at its upper bound (the output hardly varies along it)");
    }
  }
  out.used = {
      {"kernel", ToString(options.kernel)},
      {"noise", learn_noise ? "learned" : "fixed"},
      {"noise_variance", std::exp(h.log_noise_variance)},
      {"mean", options.estimate_mean ? "constant, generalized least squares" : "sample mean"},
      {"constant_mean", result.posterior.scaling().mean},
      {"num_starts", static_cast<int>(starts.size())},
      {"warm_start", warm},
      {"screening_points", screen ? options.max_screening_points : 0},
      {"jitter", out.jitter}};
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace kyoso::gp
