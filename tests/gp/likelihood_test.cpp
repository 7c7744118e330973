// The log marginal likelihood against a brute-force evaluation (explicit inverse and determinant,
// R&W 2006 Eq. 2.30) and its analytic gradient (R&W Eq. 5.9) against central finite differences,
// for every kernel; the hyperprior's gradient likewise.
#include "kyoso/gp/likelihood.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

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

// Central difference of the log marginal likelihood along packed parameter p, step 1e-5.
double CentralDifference(const Dataset& data, const Eigen::VectorXd& y, KernelKind kind,
                         const Eigen::VectorXd& theta, Eigen::Index p, bool estimate_mean) {
  const double step = 1e-5;
  Eigen::VectorXd plus = theta;
  Eigen::VectorXd minus = theta;
  plus(p) += step;
  minus(p) -= step;
  return (LogMarginalLikelihood(data.x, y, kind, Hyperparameters::Unpack(plus), false,
                                estimate_mean)
              .log_marginal_likelihood -
          LogMarginalLikelihood(data.x, y, kind, Hyperparameters::Unpack(minus), false,
                                estimate_mean)
              .log_marginal_likelihood) /
         (2 * step);
}

TEST(LogMarginalLikelihood, MatchesBruteForceFormula) {
  const Dataset data = MakeDataset(25, 3, 11, SmoothFunction);
  const Eigen::VectorXd y = (data.y.array() - data.y.mean()) / 2.0;
  const Hyperparameters h = MakeHyperparameters(3, -1.0, 0.2, -3.0);
  for (KernelKind kind : kKinds) {
    Eigen::MatrixXd k = CrossCovariance(kind, data.x, data.x, h.log_lengthscales.array().exp(),
                                        std::exp(h.log_signal_variance));
    k.diagonal().array() += std::exp(h.log_noise_variance);
    // -y^T K^-1 y / 2 - log|K| / 2 - n log(2 pi) / 2  (R&W Eq. 2.30)
    const double expected = -0.5 * y.dot(k.inverse() * y) - 0.5 * std::log(k.determinant()) -
                            0.5 * 25 * std::log(2 * M_PI);
    const LikelihoodValue value = LogMarginalLikelihood(data.x, y, kind, h, false);
    ASSERT_TRUE(value.ok);
    ExpectClose(value.log_marginal_likelihood, expected, 1e-10);
  }
}

TEST(LogMarginalLikelihood, GradientMatchesCentralDifferencesForEveryKernel) {
  const Dataset data = MakeDataset(30, 4, 5, SmoothFunction);
  const Eigen::VectorXd y = (data.y.array() - data.y.mean()) / 3.0;
  const Hyperparameters h = MakeHyperparameters(4, -0.7, 0.3, -2.5);
  for (KernelKind kind : kKinds) {
    const LikelihoodValue value = LogMarginalLikelihood(data.x, y, kind, h, true);
    ASSERT_TRUE(value.ok);
    ASSERT_EQ(value.gradient.size(), 6);
    const Eigen::VectorXd theta = h.Pack();
    for (Eigen::Index p = 0; p < theta.size(); ++p) {
      // Central differences, step 1e-5: truncation error O(h^2) ~ 1e-10 relative; tolerance 1e-6.
      const double fd = CentralDifference(data, y, kind, theta, p, false);
      SCOPED_TRACE(ToString(kind) + " parameter " + std::to_string(p));
      ExpectClose(value.gradient(p), fd, 1e-6, 1e-6);
    }
  }
}

TEST(LogMarginalLikelihood, ProfiledConstantMeanIsTheGlsEstimateAndMaximizesOverTheMean) {
  // Oracle: ordinary kriging (Jones, Schonlau & Welch 1998, Eq. 5), m = 1^T K^-1 y / 1^T K^-1 1 by
  // an explicit inverse; the profiled value is the brute-force Eq. 2.30 at y - m, and no other
  // constant mean gives a higher likelihood (m maximizes a concave quadratic in m).
  const Dataset data = MakeDataset(25, 3, 13, SmoothFunction);
  const Eigen::VectorXd y = (data.y.array() - data.y.mean()) / 2.0 + 0.7;  // mean far from 0
  const Hyperparameters h = MakeHyperparameters(3, -1.2, 0.1, -4.0);
  for (KernelKind kind : kKinds) {
    Eigen::MatrixXd k = CrossCovariance(kind, data.x, data.x, h.log_lengthscales.array().exp(),
                                        std::exp(h.log_signal_variance));
    k.diagonal().array() += std::exp(h.log_noise_variance);
    const Eigen::MatrixXd k_inverse = k.inverse();
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(25);
    const double m = ones.dot(k_inverse * y) / ones.dot(k_inverse * ones);
    auto brute = [&](double mean) {
      const Eigen::VectorXd r = y.array() - mean;
      return -0.5 * r.dot(k_inverse * r) - 0.5 * std::log(k.determinant()) -
             0.5 * 25 * std::log(2 * M_PI);
    };
    const LikelihoodValue value = LogMarginalLikelihood(data.x, y, kind, h, false, true);
    ASSERT_TRUE(value.ok);
    SCOPED_TRACE(ToString(kind));
    ExpectClose(value.constant_mean, m, 1e-10);
    ExpectClose(value.log_marginal_likelihood, brute(m), 1e-10);
    EXPECT_GT(value.log_marginal_likelihood, brute(m + 0.05));
    EXPECT_GT(value.log_marginal_likelihood, brute(m - 0.05));
    EXPECT_GT(value.log_marginal_likelihood,
              LogMarginalLikelihood(data.x, y, kind, h, false, false).log_marginal_likelihood);
  }
}

TEST(LogMarginalLikelihood, ProfiledGradientMatchesCentralDifferences) {
  // The profiled likelihood's gradient is the fixed-mean gradient at m_hat (envelope theorem);
  // central differences re-estimate m at every step, so they test exactly that claim. Tolerances
  // as in GradientMatchesCentralDifferencesForEveryKernel.
  const Dataset data = MakeDataset(30, 4, 6, SmoothFunction);
  const Eigen::VectorXd y = (data.y.array() - data.y.mean()) / 3.0 - 0.4;
  const Hyperparameters h = MakeHyperparameters(4, -0.7, 0.3, -2.5);
  for (KernelKind kind : kKinds) {
    const LikelihoodValue value = LogMarginalLikelihood(data.x, y, kind, h, true, true);
    ASSERT_TRUE(value.ok);
    const Eigen::VectorXd theta = h.Pack();
    for (Eigen::Index p = 0; p < theta.size(); ++p) {
      const double fd = CentralDifference(data, y, kind, theta, p, true);
      SCOPED_TRACE(ToString(kind) + " parameter " + std::to_string(p));
      ExpectClose(value.gradient(p), fd, 1e-6, 1e-6);
    }
  }
}

TEST(LogMarginalLikelihood, PanelledGradientAtThreeHundredPointsMatchesDifferencesOnAnyThreads) {
  // n = 300 takes the panelled inverse and the column-block loops (detail/likelihood_impl.h),
  // which run on threads; the gradient must match central differences and not depend on them.
  const Dataset data = MakeDataset(300, 3, 7, SmoothFunction);
  const Eigen::VectorXd y = (data.y.array() - data.y.mean()) / 3.0;
  const Hyperparameters h = MakeHyperparameters(3, -0.5, 0.1, -3.0);
  detail::LikelihoodWorkspace workspace;
  const LikelihoodValue one =
      detail::LogMarginalLikelihood(data.x, y, KernelKind::kMatern52, h, true, false, workspace, 1);
  const LikelihoodValue two =
      detail::LogMarginalLikelihood(data.x, y, KernelKind::kMatern52, h, true, false, workspace, 2);
  ASSERT_TRUE(one.ok);
  EXPECT_EQ(one.log_marginal_likelihood, two.log_marginal_likelihood);
  EXPECT_TRUE(one.gradient == two.gradient);
  const Eigen::VectorXd theta = h.Pack();
  for (Eigen::Index p = 0; p < theta.size(); ++p) {
    // Central differences, step 1e-5 (as above); the LML is ~1e2 here, so rounding in the
    // difference is ~1e-14 * 1e2 / 1e-5 = 1e-7: tolerance 1e-6 relative, 1e-5 absolute.
    const double fd = CentralDifference(data, y, KernelKind::kMatern52, theta, p, false);
    SCOPED_TRACE("parameter " + std::to_string(p));
    ExpectClose(one.gradient(p), fd, 1e-6, 1e-5);
  }
}

TEST(LogPrior, GradientMatchesCentralDifferences) {
  const Hyperparameters h = MakeHyperparameters(5, 0.4, -0.5, -6.0);
  for (bool learn_noise : {true, false}) {
    Eigen::VectorXd gradient;
    LogPrior(h, learn_noise, &gradient);
    const Eigen::VectorXd theta = h.Pack();
    for (Eigen::Index p = 0; p < theta.size(); ++p) {
      Eigen::VectorXd plus = theta;
      Eigen::VectorXd minus = theta;
      plus(p) += 1e-5;
      minus(p) -= 1e-5;
      const double fd = (LogPrior(Hyperparameters::Unpack(plus), learn_noise, nullptr) -
                         LogPrior(Hyperparameters::Unpack(minus), learn_noise, nullptr)) /
                        2e-5;
      ExpectClose(gradient(p), fd, 1e-8, 1e-9);  // quadratic in theta: FD exact up to rounding
    }
  }
}

TEST(LogPrior, LengthscaleLocationGrowsWithDimension) {
  // The sqrt(d) scaling of Hvarfner et al. 2024 with kyoso's offset (docs/methods/gp.md §4):
  // mu_0 = log(d) / 2 - sqrt(2).
  ExpectClose(LengthscalePriorLocation(1), -std::sqrt(2.0), 1e-15);
  ExpectClose(LengthscalePriorLocation(100), 0.5 * std::log(100.0) - std::sqrt(2.0), 1e-15);
}

}  // namespace
}  // namespace kyoso::gp
