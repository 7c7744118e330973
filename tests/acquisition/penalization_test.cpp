// Local penalization (González et al. 2016): the penalizer against its formula, its effect near
// batch points, gradients against central finite differences, and the Lipschitz estimate.
#include "kyoso/acquisition/penalization.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"
#include "support/expect_close.h"

namespace kyoso::acquisition {
namespace {

using kyoso::testing::ExpectClose;

gp::Posterior MakePosterior() {
  Rng rng(11);
  gp::Dataset data{Eigen::MatrixXd(15, 2), Eigen::VectorXd(15)};
  for (int i = 0; i < 15; ++i) {
    data.x(i, 0) = rng.Uniform();
    data.x(i, 1) = rng.Uniform();
    data.y(i) = std::sin(5.0 * data.x(i, 0)) + 0.5 * data.x(i, 1);
  }
  gp::Hyperparameters h;
  h.log_lengthscales = Eigen::Vector2d(std::log(0.25), std::log(0.6));
  h.log_signal_variance = 0.0;
  h.log_noise_variance = std::log(1e-4);
  return gp::Posterior::Create(data, gp::KernelKind::kMatern52, h,
                               gp::OutputScaling::FromOutputs(data.y));
}

Eigen::MatrixXd BatchPoints() {
  Eigen::MatrixXd points(2, 2);
  points << 0.3, 0.4, 0.8, 0.7;
  return points;
}

TEST(LocalPenalization, PenaltyMatchesThePaperFormula) {
  const gp::Posterior posterior = MakePosterior();
  const Eigen::MatrixXd points = BatchPoints();
  const LocalPenalization lp(Make(Kind::kExpectedImprovement, posterior, {}), posterior, points, {},
                             {.lipschitz = 2.0});
  const Eigen::Vector2d x(0.5, 0.5);
  Eigen::VectorXd mean, variance;
  posterior.Predict(points, &mean, &variance);
  const double best = posterior.data().y.maxCoeff();
  double expected = 0;
  for (int j = 0; j < 2; ++j) {
    // phi_j = 1/2 erfc(-z_j), z_j = (L ||x_j - x|| - M + mu(x_j)) / sqrt(2 sigma^2(x_j))
    // (González et al. 2016, Eq. 4; |M - mu| for either direction).
    const double zj = (2.0 * (x - points.row(j).transpose()).norm() - std::fabs(best - mean(j))) /
                      std::sqrt(2.0 * variance(j));
    expected += std::log(0.5 * std::erfc(-zj));
  }
  ExpectClose(lp.LogPenalty(x, nullptr), expected, 1e-12);
  const auto ei = Make(Kind::kExpectedImprovement, posterior, {});
  ExpectClose(lp.Evaluate(x, nullptr), ei->Evaluate(x, nullptr) + expected, 1e-12);
}

TEST(LocalPenalization, SuppressesTheAcquisitionNearBatchPointsOnly) {
  const gp::Posterior posterior = MakePosterior();
  const auto ei = Make(Kind::kExpectedImprovement, posterior, {});
  const LocalPenalization lp(Make(Kind::kExpectedImprovement, posterior, {}), posterior,
                             BatchPoints(), {}, {});
  // At a batch point the penalty is at most log(1/2) (z <= 0); far away it is ~0.
  EXPECT_LE(lp.LogPenalty(Eigen::Vector2d(0.3, 0.4), nullptr), std::log(0.5) + 1e-12);
  EXPECT_GT(lp.LogPenalty(Eigen::Vector2d(0.0, 1.0), nullptr),
            lp.LogPenalty(Eigen::Vector2d(0.31, 0.41), nullptr));
  EXPECT_LE(lp.Evaluate(Eigen::Vector2d(0.3, 0.4), nullptr),
            ei->Evaluate(Eigen::Vector2d(0.3, 0.4), nullptr));
  EXPECT_EQ(lp.scale(), Scale::kLog);
}

TEST(LocalPenalization, GradientsMatchCentralDifferences) {
  const gp::Posterior posterior = MakePosterior();
  Rng rng(2);
  for (Kind kind :
       {Kind::kExpectedImprovement, Kind::kUpperConfidenceBound, Kind::kProbabilityOfImprovement}) {
    for (Direction direction : {Direction::kMaximize, Direction::kMinimize}) {
      const Options options{.direction = direction};
      const LocalPenalization lp(Make(kind, posterior, options), posterior, BatchPoints(), options,
                                 {.lipschitz = 3.0});
      for (int trial = 0; trial < 6; ++trial) {
        const Eigen::Vector2d x(rng.Uniform(0.05, 0.95), rng.Uniform(0.05, 0.95));
        Eigen::VectorXd gradient;
        lp.Evaluate(x, &gradient);
        for (int k = 0; k < 2; ++k) {
          Eigen::Vector2d plus = x, minus = x;
          plus(k) += 1e-6;
          minus(k) -= 1e-6;
          const double fd = (lp.Evaluate(plus, nullptr) - lp.Evaluate(minus, nullptr)) / 2e-6;
          SCOPED_TRACE(ToString(kind) + " " + ToString(direction));
          ExpectClose(gradient(k), fd, 1e-5, 1e-6);  // central differences
        }
      }
      // Batch scoring agrees with pointwise evaluation.
      const Eigen::MatrixXd probe = BatchPoints().array() * 0.5 + 0.2;
      const Eigen::VectorXd many = lp.EvaluateMany(probe);
      for (int i = 0; i < 2; ++i) {
        ExpectClose(many(i), lp.Evaluate(probe.row(i).transpose(), nullptr), 1e-10, 1e-12);
      }
    }
  }
}

TEST(LocalPenalization, WithoutPointsEqualsTheBase) {
  const gp::Posterior posterior = MakePosterior();
  const auto ei = Make(Kind::kExpectedImprovement, posterior, {});
  const LocalPenalization lp(Make(Kind::kExpectedImprovement, posterior, {}), posterior,
                             Eigen::MatrixXd(0, 2), {}, {.lipschitz = 1.0});
  const Eigen::Vector2d x(0.6, 0.2);
  ExpectClose(lp.Evaluate(x, nullptr), ei->Evaluate(x, nullptr), 1e-15);
}

TEST(EstimateLipschitz, BoundsTheMeanGradientNormAndIsDeterministic) {
  const gp::Posterior posterior = MakePosterior();
  const double lipschitz = EstimateLipschitz(posterior, {.seed = 4});
  EXPECT_EQ(lipschitz, EstimateLipschitz(posterior, {.seed = 4}));
  // Every sampled gradient norm is below the estimate (it maximizes over samples, then polishes).
  Rng rng(99);
  for (int i = 0; i < 200; ++i) {
    const Eigen::Vector2d x(rng.Uniform(), rng.Uniform());
    Eigen::VectorXd dmean;
    posterior.PredictWithGradient(x, nullptr, nullptr, &dmean, nullptr);
    EXPECT_LE(dmean.norm(), lipschitz * 1.05);
  }
  // The data follow sin(5 x0) + x1/2, whose gradient norm peaks at sqrt(25 + 1/4) ~ 5.02; the
  // posterior mean is smoother, so the estimate lies within a factor 2 of it.
  EXPECT_GT(lipschitz, 5.02 / 2);
  EXPECT_LT(lipschitz, 5.02 * 2);
}

TEST(LocalPenalization, RejectsBadInput) {
  const gp::Posterior posterior = MakePosterior();
  try {
    LocalPenalization(Make(Kind::kExpectedImprovement, posterior, {}), posterior,
                      Eigen::MatrixXd::Zero(1, 3), {}, {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "data.dimension");
  }
  try {
    EstimateLipschitz(posterior, {.num_samples = 0});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "acquisition.options");
  }
}

}  // namespace
}  // namespace kyoso::acquisition
