// The GP posterior: interpolation of noiseless data, non-negative variances, input gradients
// against central finite differences, Condition() against a rebuild, closed-form leave-one-out
// (R&W 2006 Eq. 5.12) against brute-force deletion, and the JSON forms.
#include "kyoso/gp/posterior.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kyoso/base/error.h"
#include "kyoso/gp/detail/likelihood_impl.h"
#include "support/expect_close.h"
#include "test_data.h"

namespace kyoso::gp {
namespace {

using kyoso::testing::ExpectClose;
using testing::MakeDataset;
using testing::MakeHyperparameters;
using testing::SmoothFunction;

constexpr KernelKind kKinds[] = {KernelKind::kMatern52, KernelKind::kMatern32, KernelKind::kRbf};

Posterior MakePosterior(KernelKind kind, double log_noise, int n = 20, int d = 3) {
  const Dataset data = MakeDataset(n, d, 3, SmoothFunction);
  return Posterior::Create(data, kind, MakeHyperparameters(d, -1.0, 0.0, log_noise),
                           OutputScaling::FromOutputs(data.y));
}

TEST(Posterior, InterpolatesNoiselessDataWithZeroVarianceAtTrainingPoints) {
  for (KernelKind kind : kKinds) {
    const Posterior posterior = MakePosterior(kind, std::log(1e-10));
    Eigen::VectorXd mean;
    Eigen::VectorXd variance;
    posterior.Predict(posterior.data().x, &mean, &variance);
    const double scale2 = posterior.scaling().stddev * posterior.scaling().stddev;
    for (int i = 0; i < posterior.num_points(); ++i) {
      // Noise 1e-10 (standardized): residuals and variances of order 1e-8 of the output scale.
      ExpectClose(mean(i), posterior.data().y(i), 0, 1e-6 * posterior.scaling().stddev);
      EXPECT_GE(variance(i), 0.0);
      EXPECT_LE(variance(i), 1e-7 * scale2);
    }
  }
}

TEST(Posterior, VarianceIsNonNegativeAndAtMostThePriorVariance) {
  const Posterior posterior = MakePosterior(KernelKind::kMatern52, std::log(1e-4), 40, 4);
  const Dataset probe = MakeDataset(500, 4, 99, SmoothFunction);
  Eigen::VectorXd variance;
  posterior.Predict(probe.x, nullptr, &variance);
  for (Eigen::Index i = 0; i < variance.size(); ++i) {
    EXPECT_GE(variance(i), 0.0);
    EXPECT_LE(variance(i), posterior.signal_variance() * (1 + 1e-12));
  }
}

TEST(Posterior, BatchAndSinglePointPredictionsAgree) {
  const Posterior posterior = MakePosterior(KernelKind::kMatern32, std::log(1e-3));
  const Dataset probe = MakeDataset(7, 3, 17, SmoothFunction);
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
  posterior.Predict(probe.x, &mean, &variance);
  for (int i = 0; i < 7; ++i) {
    double m = 0;
    double v = 0;
    posterior.PredictWithGradient(probe.x.row(i).transpose(), &m, &v, nullptr, nullptr);
    ExpectClose(m, mean(i), 1e-12, 1e-12);
    ExpectClose(v, variance(i), 1e-9, 1e-12);
  }
}

TEST(Posterior, MeanAndVarianceGradientsMatchCentralDifferences) {
  for (KernelKind kind : kKinds) {
    const Posterior posterior = MakePosterior(kind, std::log(1e-3), 25, 3);
    const Dataset probe = MakeDataset(5, 3, 23, SmoothFunction);
    for (int i = 0; i < 5; ++i) {
      const Eigen::VectorXd x = probe.x.row(i).transpose();
      double mean = 0;
      double variance = 0;
      Eigen::VectorXd dmean;
      Eigen::VectorXd dvariance;
      posterior.PredictWithGradient(x, &mean, &variance, &dmean, &dvariance);
      for (int k = 0; k < 3; ++k) {
        // Central differences with step 1e-6; tolerance 1e-6 relative (O(h^2) truncation).
        const double step = 1e-6;
        Eigen::VectorXd plus = x;
        Eigen::VectorXd minus = x;
        plus(k) += step;
        minus(k) -= step;
        double mp = 0, vp = 0, mm = 0, vm = 0;
        posterior.PredictWithGradient(plus, &mp, &vp, nullptr, nullptr);
        posterior.PredictWithGradient(minus, &mm, &vm, nullptr, nullptr);
        SCOPED_TRACE(ToString(kind) + " point " + std::to_string(i) + " dim " + std::to_string(k));
        ExpectClose(dmean(k), (mp - mm) / (2 * step), 1e-6, 1e-6);
        ExpectClose(dvariance(k), (vp - vm) / (2 * step), 1e-5, 1e-7);
      }
    }
  }
}

TEST(Posterior, ConditionEqualsRebuildWithTheSameHyperparameters) {
  const Dataset all = MakeDataset(30, 3, 8, SmoothFunction);
  const Hyperparameters h = MakeHyperparameters(3, -1.2, 0.1, std::log(1e-4));
  const OutputScaling scaling = OutputScaling::FromOutputs(all.y.head(24));
  const Posterior first =
      Posterior::Create({all.x.topRows(24), all.y.head(24)}, KernelKind::kMatern52, h, scaling);
  const Posterior conditioned = first.Condition(all.x.bottomRows(6), all.y.tail(6));
  const Posterior rebuilt = Posterior::Create(all, KernelKind::kMatern52, h, scaling);
  EXPECT_EQ(conditioned.num_points(), 30);
  const Dataset probe = MakeDataset(50, 3, 77, SmoothFunction);
  Eigen::VectorXd m1, v1, m2, v2;
  conditioned.Predict(probe.x, &m1, &v1);
  rebuilt.Predict(probe.x, &m2, &v2);
  for (int i = 0; i < 50; ++i) {
    ExpectClose(m1(i), m2(i), 1e-9, 1e-9);  // same linear algebra up to rounding
    ExpectClose(v1(i), v2(i), 1e-7, 1e-10);
  }
}

TEST(Posterior, FromTheLikelihoodFactorEqualsCreate) {
  // Fit builds its posterior from the factor of its last likelihood evaluation (parallel blocked
  // Cholesky above 256 points); predictions must equal Create's up to rounding, and a factor of
  // the wrong size is an internal error.
  const Dataset data = MakeDataset(300, 3, 8, SmoothFunction);
  const Hyperparameters h = MakeHyperparameters(3, -1.0, 0.1, std::log(1e-4));
  const OutputScaling scaling = OutputScaling::FromOutputs(data.y);
  const Eigen::VectorXd ys = (data.y.array() - scaling.mean) / scaling.stddev;
  detail::LikelihoodWorkspace workspace;
  const LikelihoodValue lml = detail::LogMarginalLikelihood(data.x, ys, KernelKind::kMatern52, h,
                                                            false, false, workspace, 2);
  ASSERT_TRUE(lml.ok);
  const Posterior from_factor =
      Posterior::FromFactor(data, KernelKind::kMatern52, h, scaling, workspace.factor, lml.jitter);
  const Posterior created = Posterior::Create(data, KernelKind::kMatern52, h, scaling);
  const Dataset probe = MakeDataset(50, 3, 78, SmoothFunction);
  Eigen::VectorXd m1, v1, m2, v2;
  from_factor.Predict(probe.x, &m1, &v1);
  created.Predict(probe.x, &m2, &v2);
  for (int i = 0; i < 50; ++i) {
    ExpectClose(m1(i), m2(i), 1e-9, 1e-9);  // same linear algebra up to rounding
    ExpectClose(v1(i), v2(i), 1e-7, 1e-10);
  }
  EXPECT_THROW(Posterior::FromFactor(data, KernelKind::kMatern52, h, scaling,
                                     Eigen::MatrixXd::Identity(3, 3), 0.0),
               InternalError);
}

TEST(Posterior, LeaveOneOutEqualsRefitWithoutThePoint) {
  const Dataset data = MakeDataset(15, 2, 4, SmoothFunction);
  const Hyperparameters h = MakeHyperparameters(2, -1.0, 0.0, std::log(1e-2));
  const OutputScaling scaling = OutputScaling::FromOutputs(data.y);
  const Posterior posterior = Posterior::Create(data, KernelKind::kMatern52, h, scaling);
  Eigen::VectorXd loo_mean, loo_variance;
  posterior.LeaveOneOut(&loo_mean, &loo_variance);
  for (int i = 0; i < 15; ++i) {
    Dataset rest{Eigen::MatrixXd(14, 2), Eigen::VectorXd(14)};
    for (int j = 0, r = 0; j < 15; ++j) {
      if (j == i) continue;
      rest.x.row(r) = data.x.row(j);
      rest.y(r++) = data.y(j);
    }
    const Posterior without = Posterior::Create(rest, KernelKind::kMatern52, h, scaling);
    Eigen::VectorXd mean, variance;
    without.Predict(data.x.row(i), &mean, &variance);
    // R&W Eq. 5.12 predicts a noisy observation: latent variance + noise.
    ExpectClose(loo_mean(i), mean(0), 1e-9, 1e-9);
    ExpectClose(loo_variance(i), variance(0) + without.noise_variance(), 1e-8, 1e-12);
  }
}

TEST(Posterior, ReportsUnitsAndJson) {
  const Posterior posterior = MakePosterior(KernelKind::kRbf, std::log(1e-3));
  const double s2 = posterior.scaling().stddev * posterior.scaling().stddev;
  ExpectClose(posterior.noise_variance(), 1e-3 * s2, 1e-12);
  ExpectClose(posterior.signal_variance(), s2, 1e-12);
  const nlohmann::json json = posterior.ToJson();
  EXPECT_EQ(json["kernel"], "rbf");
  EXPECT_EQ(json["num_points"], 20);
  ASSERT_EQ(json["lengthscales"].size(), 3u);
  ExpectClose(json["lengthscales"][0].get<double>(), std::exp(-1.3), 1e-12);
  const Hyperparameters back = Hyperparameters::FromJson(json["hyperparameters"]);
  EXPECT_TRUE(back.Pack().isApprox(posterior.hyperparameters().Pack(), 1e-15));
}

TEST(Posterior, RejectsBadQueries) {
  const Posterior posterior = MakePosterior(KernelKind::kMatern52, -5);
  Eigen::VectorXd mean;
  try {
    posterior.Predict(Eigen::MatrixXd::Zero(2, 4), &mean, nullptr);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "data.dimension");
  }
  try {
    posterior.Condition(Eigen::MatrixXd::Constant(1, 3, 0.5),
                        Eigen::VectorXd::Constant(1, std::nan("")));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "data.not_finite");
  }
  EXPECT_THROW(Posterior().Predict(Eigen::MatrixXd::Zero(1, 1), &mean, nullptr), InternalError);
  const Dataset data = MakeDataset(5, 3, 1, SmoothFunction);
  try {
    Posterior::Create(data, KernelKind::kMatern52, MakeHyperparameters(2, 0, 0, -4),
                      OutputScaling{});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "data.dimension");
  }
  Hyperparameters bad = MakeHyperparameters(3, 0, 0, -4);
  bad.log_signal_variance = std::numeric_limits<double>::infinity();
  try {
    Posterior::Create(data, KernelKind::kMatern52, bad, OutputScaling{});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "gp.hyperparameters_not_finite");
  }
}

TEST(Hyperparameters, FromJsonNamesEveryProblem) {
  const auto code_of = [](const nlohmann::json& json) {
    try {
      Hyperparameters::FromJson(json, "/model");
    } catch (const InputError& e) {
      return e.issues().front().code + " at " + e.issues().front().path;
    }
    return std::string("no error");
  };
  EXPECT_EQ(code_of({{"log_lengthscales", nlohmann::json::array()},
                     {"log_signal_variance", 0},
                     {"log_noise_variance", 0}}),
            "gp.hyperparameters_empty at /model/log_lengthscales");
  EXPECT_EQ(code_of({{"log_lengthscales", {1.0, "x"}},
                     {"log_signal_variance", 0},
                     {"log_noise_variance", 0}}),
            "spec.type at /model/log_lengthscales/1");
  EXPECT_EQ(code_of({{"log_lengthscales", {1.0}}, {"log_noise_variance", 0}}),
            "spec.missing at /model/log_signal_variance");
  EXPECT_EQ(code_of({{"log_lengthscales", {1.0}},
                     {"log_signal_variance", std::numeric_limits<double>::infinity()},
                     {"log_noise_variance", 0}}),
            "spec.not_finite at /model/log_signal_variance");
  EXPECT_EQ(code_of({{"log_lengthscales", {std::numeric_limits<double>::quiet_NaN()}},
                     {"log_signal_variance", 0},
                     {"log_noise_variance", 0}}),
            "gp.hyperparameters_not_finite at /model");
}

}  // namespace
}  // namespace kyoso::gp
