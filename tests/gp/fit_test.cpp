// Hyperparameter fitting: ARD relevance recovered on a function of one input, determinism for a
// seed, warm starts cheaper than cold fits, noise handling, cancellation, and every error code.
#include "kyoso/gp/fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kyoso/base/error.h"
#include "support/expect_close.h"
#include "test_data.h"

namespace kyoso::gp {
namespace {

using kyoso::testing::ExpectClose;
using testing::MakeDataset;
using testing::SmoothFunction;

std::string CodeOf(const Dataset& data, const FitOptions& options = {}) {
  try {
    Fit(data, options);
  } catch (const InputError& e) {
    return e.code();
  }
  return "no error";
}

TEST(Fit, RecoversArdRelevanceOnAFunctionOfOneInput) {
  // y = sin(6 x_1): only dimension 1 matters, so its length scale must be the shortest by far.
  const Dataset data =
      MakeDataset(40, 4, 21, [](const Eigen::VectorXd& x) { return std::sin(6.0 * x(1)); });
  const FitResult fit = Fit(data, {.seed = 1});
  const Eigen::VectorXd l = fit.posterior.lengthscales();
  for (int k : {0, 2, 3}) EXPECT_GT(l(k), 5.0 * l(1)) << "dimension " << k;
  EXPECT_NE(fit.summary.termination, FitTermination::kFailed);
  EXPECT_EQ(fit.summary.num_starts, 4);
  EXPECT_GT(fit.summary.num_evaluations, 0);
}

TEST(Fit, PredictsHeldOutPointsOfASmoothFunction) {
  const Dataset data = MakeDataset(60, 3, 2, SmoothFunction);
  const FitResult fit = Fit(data, {.seed = 3});
  const Dataset probe = MakeDataset(200, 3, 44, SmoothFunction);
  Eigen::VectorXd mean;
  fit.posterior.Predict(probe.x, &mean, nullptr);
  // Root-mean-square error well below the output's standard deviation (about 2.4 here): a fitted
  // surrogate, not a constant predictor.
  const double rmse = std::sqrt((mean - probe.y).squaredNorm() / 200.0);
  double sd = std::sqrt((probe.y.array() - probe.y.mean()).square().sum() / 199.0);
  EXPECT_LT(rmse, 0.05 * sd);
}

TEST(Fit, IsDeterministicForASeed) {
  const Dataset data = MakeDataset(30, 3, 9, SmoothFunction);
  const FitResult a = Fit(data, {.num_restarts = 3, .seed = 5});
  const FitResult b = Fit(data, {.num_restarts = 3, .seed = 5});
  EXPECT_TRUE(a.posterior.hyperparameters().Pack() == b.posterior.hyperparameters().Pack());
  EXPECT_EQ(a.summary.num_evaluations, b.summary.num_evaluations);
}

TEST(Fit, WarmStartIsCheaperAndAsGood) {
  const Dataset data = MakeDataset(50, 4, 12, SmoothFunction);
  const FitResult cold = Fit(data, {.seed = 2});
  const FitResult warm = Fit(data, {.seed = 2, .warm_start = cold.posterior.hyperparameters()});
  EXPECT_TRUE(warm.summary.warm_started);
  // num_warm_restarts = 1: the warm start plus the prior centre, which always runs (fit.h).
  EXPECT_EQ(warm.summary.num_starts, 2);
  EXPECT_LT(warm.summary.num_evaluations, cold.summary.num_evaluations / 2);
  // Started at the optimum, the warm fit ends as high up to the stopping tolerance (gradient
  // 1e-3 per point: a log posterior change of order n * 1e-6).
  EXPECT_GE(warm.summary.log_posterior, cold.summary.log_posterior - 1e-2);
}

TEST(Fit, IgnoresAWarmStartOfTheWrongDimensionWithAWarning) {
  const Dataset data = MakeDataset(20, 2, 12, SmoothFunction);
  Hyperparameters wrong;
  wrong.log_lengthscales = Eigen::VectorXd::Zero(3);
  const FitResult fit = Fit(data, {.num_restarts = 2, .warm_start = wrong});
  EXPECT_FALSE(fit.summary.warm_started);
  ASSERT_FALSE(fit.summary.warnings.empty());
  EXPECT_NE(fit.summary.warnings.front().find("warm start"), std::string::npos);
}

TEST(Fit, FixedNoiseKeepsTheFloorAndInterpolates) {
  const Dataset data = MakeDataset(25, 2, 6, SmoothFunction);
  const FitResult fit = Fit(data, {.fixed_noise = true, .noise_variance_floor = 1e-8});
  ExpectClose(fit.posterior.hyperparameters().log_noise_variance, std::log(1e-8), 1e-12);
  Eigen::VectorXd mean;
  fit.posterior.Predict(data.x, &mean, nullptr);
  for (int i = 0; i < 25; ++i) ExpectClose(mean(i), data.y(i), 0, 1e-3);
}

TEST(Fit, LearnsNoiseOnNoisyData) {
  // y = sin(4 x) + N(0, 0.1^2): the learned noise variance should be near 0.01 (factor 3).
  Rng rng(4);
  Dataset data =
      MakeDataset(80, 1, 31, [](const Eigen::VectorXd& x) { return std::sin(4 * x(0)); });
  for (int i = 0; i < 80; ++i) data.y(i) += 0.1 * rng.Normal();
  const FitResult fit = Fit(data, {.seed = 1});
  EXPECT_GT(fit.posterior.noise_variance(), 0.01 / 3);
  EXPECT_LT(fit.posterior.noise_variance(), 0.01 * 3);
}

TEST(Fit, ScreensStartsOnASubsetForLargeData) {
  const Dataset data = MakeDataset(150, 2, 8, SmoothFunction);
  const FitResult fit = Fit(data, {.num_restarts = 3, .max_screening_points = 50});
  EXPECT_EQ(fit.summary.used["screening_points"], 50);
  EXPECT_NE(fit.summary.termination, FitTermination::kFailed);
}

TEST(Fit, ScreenedWarmFitIsCheaperAndAsGood) {
  // Warm start = the cold fit's hyperparameters on the same 400 points, screened on 80 points and
  // polished on all: less than half the cold evaluations, and a log posterior at least as high up
  // to the stopping tolerance (as in WarmStartIsCheaperAndAsGood).
  const Dataset data = MakeDataset(400, 3, 17, SmoothFunction);
  const FitOptions options{.fixed_noise = true, .seed = 3, .max_screening_points = 80};
  const FitResult cold = Fit(data, options);
  FitOptions warm_options = options;
  warm_options.warm_start = cold.posterior.hyperparameters();
  const FitResult warm = Fit(data, warm_options);
  EXPECT_TRUE(warm.summary.warm_started);
  EXPECT_EQ(warm.summary.used["screening_points"], 80);
  EXPECT_GE(warm.summary.log_posterior, cold.summary.log_posterior - 1e-2);
  EXPECT_LT(warm.summary.num_evaluations, cold.summary.num_evaluations / 2);
}

TEST(Fit, CancellationReturnsAUsableModel) {
  const Dataset data = MakeDataset(20, 2, 8, SmoothFunction);
  int calls = 0;
  FunctionProgress progress([&](const ProgressEvent& event) {
    EXPECT_EQ(event.stage, "fit");
    return ++calls < 2;  // cancel before the second start
  });
  // One thread: starts run in order, so exactly one ran before the cancel.
  const FitResult fit = Fit(data, {.num_restarts = 4, .num_threads = 1}, &progress);
  EXPECT_EQ(fit.summary.termination, FitTermination::kCancelled);
  EXPECT_EQ(fit.summary.num_starts, 1);
  EXPECT_EQ(fit.posterior.num_points(), 20);
  const nlohmann::json json = fit.summary.ToJson();
  EXPECT_EQ(json["termination"], "cancelled");
  EXPECT_EQ(json["given"]["num_restarts"], 4);
}

TEST(Fit, CancellationWithTwoThreadsAtTheFirstReportRunsNoStart) {
  // The calling thread reports once before any start runs, so a cancel there skips every start
  // whatever the threads do (a cancel later depends on which thread took which start, so only the
  // single-thread test above pins a count mid-way). The model falls back to the first start's
  // hyperparameters (the prior centre) and stays usable.
  const Dataset data = MakeDataset(20, 2, 8, SmoothFunction);
  int calls = 0;
  FunctionProgress progress([&](const ProgressEvent&) {
    ++calls;
    return false;
  });
  const FitResult fit = Fit(data, {.num_restarts = 6, .num_threads = 2}, &progress);
  EXPECT_EQ(fit.summary.termination, FitTermination::kCancelled);
  EXPECT_EQ(fit.summary.num_starts, 0);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(fit.posterior.num_points(), 20);
  double mean = 0;
  double variance = 0;
  fit.posterior.PredictWithGradient(data.x.row(0).transpose(), &mean, &variance, nullptr,
                                    nullptr);
  EXPECT_TRUE(std::isfinite(mean) && std::isfinite(variance) && variance >= 0);
}

TEST(Fit, ResultIsBitwiseIdenticalForOneTwoAndThreeThreads) {
  // Cold (parallel starts), screened with a polish on all 300 points (parallel likelihood
  // panels above 256 points), and warm: the thread count must not change a single bit.
  const Dataset data = MakeDataset(300, 3, 31, SmoothFunction);
  for (const bool warm : {false, true}) {
    FitOptions options{.num_restarts = 3, .seed = 4, .max_screening_points = 60};
    if (warm) {
      options.warm_start = Fit(data, {.seed = 4, .max_screening_points = 60, .num_threads = 1})
                               .posterior.hyperparameters();
    }
    options.num_threads = 1;
    const FitResult one = Fit(data, options);
    for (int threads : {2, 3}) {
      options.num_threads = threads;
      const FitResult other = Fit(data, options);
      EXPECT_TRUE(one.posterior.hyperparameters().Pack() ==
                  other.posterior.hyperparameters().Pack())
          << "warm " << warm << ", threads " << threads;
      EXPECT_EQ(one.summary.log_posterior, other.summary.log_posterior);
      EXPECT_EQ(one.summary.num_evaluations, other.summary.num_evaluations);
      EXPECT_EQ(one.summary.num_starts, other.summary.num_starts);
    }
  }
}

TEST(Fit, HandlesConstantOutputsAndASinglePoint) {
  Dataset constant = MakeDataset(6, 2, 1, [](const Eigen::VectorXd&) { return 3.0; });
  const FitResult fit = Fit(constant, {});
  double mean = 0;
  fit.posterior.PredictWithGradient(Eigen::Vector2d(0.5, 0.5), &mean, nullptr, nullptr, nullptr);
  ExpectClose(mean, 3.0, 1e-9);
  ASSERT_FALSE(fit.summary.warnings.empty());
  const FitResult single = Fit(MakeDataset(1, 3, 1, SmoothFunction), {});
  EXPECT_EQ(single.posterior.num_points(), 1);
}

TEST(Fit, EveryErrorCodeIsTriggered) {
  EXPECT_EQ(CodeOf({Eigen::MatrixXd(0, 2), Eigen::VectorXd(0)}), "data.empty");
  EXPECT_EQ(CodeOf({Eigen::MatrixXd::Zero(3, 2), Eigen::VectorXd::Zero(2)}), "data.dimension");
  Dataset nan_x = MakeDataset(4, 2, 1, SmoothFunction);
  nan_x.x(2, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(CodeOf(nan_x), "data.not_finite");
  Dataset inf_y = MakeDataset(4, 2, 1, SmoothFunction);
  inf_y.y(3) = std::numeric_limits<double>::infinity();
  EXPECT_EQ(CodeOf(inf_y), "data.not_finite");
  Dataset outside = MakeDataset(4, 2, 1, SmoothFunction);
  outside.x(0, 0) = 1.5;
  EXPECT_EQ(CodeOf(outside), "data.out_of_range");
  const Dataset good = MakeDataset(4, 2, 1, SmoothFunction);
  EXPECT_EQ(CodeOf(good, {.num_restarts = 0}), "gp.options");
  EXPECT_EQ(CodeOf(good, {.noise_variance_floor = 0}), "gp.options");
  FitOptions bad;
  bad.max_iterations = 0;
  bad.max_screening_points = 5;
  bad.gradient_tolerance = -1;
  bad.num_threads = -1;
  EXPECT_EQ(bad.Validate().size(), 4u);
  try {
    ValidateDataset(good, 3);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "data.dimension");
  }
}

}  // namespace
}  // namespace kyoso::gp
