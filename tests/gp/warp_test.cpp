// Yeo-Johnson output warping (gp/warp.h): the transform against its closed form and SciPy, the
// maximum-likelihood lambda against SciPy's yeojohnson_normmax, exact inverses, orientation
// symmetry, and the back-transformed moments against direct numerical integration.
#include "kyoso/gp/warp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"
#include "support/expect_close.h"

namespace kyoso::gp {
namespace {

using kyoso::testing::ExpectClose;

// The sample of the SciPy checks: x_i = exp(0.6 (fmod(0.37 i, 5) - 1 + 0.002 i^2)) - 1.5,
// i = 0..39 (both signs, right-skewed).
Eigen::VectorXd SkewedSample() {
  Eigen::VectorXd x(40);
  for (int i = 0; i < 40; ++i) {
    x(i) = std::exp(0.6 * (std::fmod(i * 0.37, 5.0) - 1.0 + 0.02 * i * i / 10)) - 1.5;
  }
  return x;
}

TEST(YeoJohnson, MatchesClosedFormsAndScipy) {
  // Closed forms (Yeo & Johnson 2000, Eq. 2.1): psi_1 = identity; psi_0.5(3) = (2 - 1) / 0.5 = 2;
  // psi_0.5(-3) = -(4^1.5 - 1) / 1.5 = -14/3; psi_0(x >= 0) = log(1 + x); psi_2(x < 0) =
  // -log(1 - x).
  for (double x : {-7.5, -1.0, 0.0, 0.3, 12.0}) ExpectClose(YeoJohnson(x, 1.0), x, 1e-15, 1e-15);
  ExpectClose(YeoJohnson(3.0, 0.5), 2.0, 1e-15);
  ExpectClose(YeoJohnson(-3.0, 0.5), -14.0 / 3.0, 1e-15);
  ExpectClose(YeoJohnson(2.5, 0.0), std::log(3.5), 1e-15);
  ExpectClose(YeoJohnson(-2.5, 2.0), -std::log(3.5), 1e-15);
  // scipy.stats.yeojohnson(x[:3], 0.5), SciPy 1.10.1 (Debian 12).
  const Eigen::VectorXd x = SkewedSample();
  ExpectClose(YeoJohnson(x(0), 0.5), -1.1503442517077855, 1e-13);
  ExpectClose(YeoJohnson(x(1), 0.5), -0.9620499761881179, 1e-13);
  ExpectClose(YeoJohnson(x(2), 0.5), -0.7338984344354046, 1e-13);
}

TEST(YeoJohnson, InverseUndoesTheTransformForEveryLambdaInZeroToTwo) {
  for (double lambda : {0.0, 1e-13, 0.3, 1.0, 1.7, 2.0 - 1e-13, 2.0}) {
    for (double x : {-50.0, -3.2, -1e-9, 0.0, 1e-9, 0.8, 40.0}) {
      SCOPED_TRACE("lambda " + std::to_string(lambda) + " x " + std::to_string(x));
      ExpectClose(YeoJohnsonInverse(YeoJohnson(x, lambda), lambda), x, 1e-12, 1e-15);
    }
  }
}

TEST(YeoJohnsonLambda, MatchesScipyMaximumLikelihood) {
  // scipy.stats.yeojohnson_normmax(x) = 0.0661477269710553 (SciPy 1.10.1, Brent's method with
  // its default tolerance 1.48e-8 on lambda): tolerance 1e-6.
  ExpectClose(YeoJohnsonLambda(SkewedSample(), -3.0, 3.0), 0.0661477269710553, 0, 1e-6);
}

TEST(YeoJohnsonLambda, RecoversTheLambdaThatGeneratedTheData) {
  // y = psi_lambda^-1(z), z ~ Normal(0.5, 1), n = 4000: the MLE is consistent; its standard error
  // here is ~0.02 (by the Fisher information), so within 0.1 of the truth; the bounds clip it.
  Rng rng(17);
  for (double truth : {0.4, 1.0, 1.6}) {
    Eigen::VectorXd y(4000);
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      y(i) = YeoJohnsonInverse(0.5 + rng.Normal(), truth);
    }
    SCOPED_TRACE("lambda " + std::to_string(truth));
    EXPECT_NEAR(YeoJohnsonLambda(y, -2.0, 4.0), truth, 0.1);
    const double clipped = YeoJohnsonLambda(y, 1.8, 2.0);
    EXPECT_GE(clipped, 1.8);
    EXPECT_LE(clipped, 2.0);
  }
}

TEST(OutputWarp, IsIncreasingInvertibleAndTreatsMinimizationAsNegatedMaximization) {
  // Values from a plateau with a few much better (lower) ones, as on the shifted Ackley problem.
  Eigen::VectorXd y(12);
  y << 20.1, 21.3, 19.8, 20.7, 22.0, 20.4, 3.5, 21.1, 6.2, 20.9, 19.5, 12.0;
  const OutputWarp minimize = OutputWarp::Fit(y, -1.0);
  ASSERT_TRUE(minimize.active);
  EXPECT_GE(minimize.lambda, 0.0);
  EXPECT_LE(minimize.lambda, 2.0);
  const OutputWarp maximize = OutputWarp::Fit(-y, 1.0);
  ExpectClose(maximize.lambda, minimize.lambda, 1e-12, 1e-12);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    ExpectClose(minimize.Inverse(minimize.Forward(y(i))), y(i), 1e-12);
    // Negating the problem negates the warped values.
    ExpectClose(maximize.Forward(-y(i)), -minimize.Forward(y(i)), 1e-12, 1e-12);
    for (Eigen::Index j = 0; j < y.size(); ++j) {
      if (y(i) < y(j)) {
        EXPECT_LT(minimize.Forward(y(i)), minimize.Forward(y(j)));
      }
    }
  }
  // Too few or constant outputs: the identity.
  EXPECT_FALSE(OutputWarp::Fit(Eigen::Vector2d(1.0, 2.0), 1.0).active);
  EXPECT_FALSE(OutputWarp::Fit(Eigen::Vector3d(4.0, 4.0, 4.0), 1.0).active);
  EXPECT_EQ(OutputWarp::Fit(Eigen::Vector2d(1.0, 2.0), 1.0).Forward(7.5), 7.5);
}

TEST(OutputWarp, MomentsMatchDirectIntegrationAndTheIdentityClosedForm) {
  // Identity warp (lambda = 1): Inverse(z) = center + scale z, so mean = center + scale mu and
  // stddev = scale sigma exactly.
  OutputWarp identity;
  identity.active = true;
  identity.lambda = 1.0;
  identity.center = 3.0;
  identity.scale = 2.0;
  double mean = 0;
  double stddev = 0;
  identity.Moments(0.4, 1.5, &mean, &stddev);
  ExpectClose(mean, 3.0 + 2.0 * 0.4, 1e-13);
  ExpectClose(stddev, 2.0 * 1.5, 1e-13);
  // A curved warp against the trapezoid rule on [mu - 12 sigma, mu + 12 sigma] with 200001
  // points (error ~1e-9 relative: the integrand is C^1 with a kink in its second derivative).
  // The 40-point Gauss-Hermite rule converges only algebraically across that kink: measured
  // up to 6e-6 relative here, so tolerance 2e-5.
  for (double lambda : {0.0, 0.35, 1.8}) {
    for (double sign : {1.0, -1.0}) {
      OutputWarp warp;
      warp.active = true;
      warp.lambda = lambda;
      warp.center = 10.0;
      warp.scale = 4.0;
      warp.sign = sign;
      const double mu = 0.3;
      const double sigma = 0.7;
      const int n = 200001;
      const double h = 24.0 * sigma / (n - 1);
      double m0 = 0, m1 = 0, m2 = 0;
      for (int k = 0; k < n; ++k) {
        const double z = mu - 12.0 * sigma + h * k;
        const double w = (k == 0 || k == n - 1 ? 0.5 : 1.0) * h *
                         std::exp(-0.5 * (z - mu) * (z - mu) / (sigma * sigma)) /
                         (sigma * std::sqrt(2.0 * std::numbers::pi));
        const double v = warp.Inverse(z);
        m0 += w;
        m1 += w * v;
        m2 += w * v * v;
      }
      const double expected_mean = m1 / m0;
      const double expected_stddev = std::sqrt(m2 / m0 - expected_mean * expected_mean);
      warp.Moments(mu, sigma, &mean, &stddev);
      SCOPED_TRACE("lambda " + std::to_string(lambda) + " sign " + std::to_string(sign));
      ExpectClose(mean, expected_mean, 2e-5);
      ExpectClose(stddev, expected_stddev, 2e-5);
    }
  }
}

TEST(OutputWarp, JsonRoundTripAndClearErrors) {
  Eigen::VectorXd y(6);
  y << 1.0, 2.0, 2.5, 9.0, 1.5, 3.0;
  const OutputWarp warp = OutputWarp::Fit(y, 1.0);
  const OutputWarp back = OutputWarp::FromJson(warp.ToJson());
  EXPECT_TRUE(back.active);
  EXPECT_EQ(back.lambda, warp.lambda);
  EXPECT_EQ(back.center, warp.center);
  EXPECT_EQ(back.scale, warp.scale);
  EXPECT_EQ(back.sign, warp.sign);
  EXPECT_FALSE(OutputWarp::FromJson({{"kind", "none"}}).active);
  try {
    OutputWarp::FromJson(
        {{"kind", "yeo_johnson"}, {"lambda", 2.5}, {"center", 0}, {"scale", 1}, {"sign", 1}},
        "/model/output_warp");
    FAIL() << "lambda outside [0, 2] accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/model/output_warp/lambda"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(OutputWarp::FromJson({{"kind", "box_cox"}}), InputError);
  // Every gp.output_warp problem is reported, each at its own field.
  try {
    OutputWarp::FromJson(
        {{"kind", "yeo_johnson"}, {"lambda", 1.0}, {"center", 0}, {"scale", -2}, {"sign", 0.5}});
    FAIL() << "scale -2 and sign 0.5 accepted";
  } catch (const InputError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("/scale"), std::string::npos) << text;
    EXPECT_NE(text.find("/sign"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace kyoso::gp
