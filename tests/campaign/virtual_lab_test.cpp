// Oracles for the virtual SPS lab (docs/methods/virtual-lab.md): closed-form ramp integrals
// against quadrature, the ridge on which both published optima lie, and the seeded noise.
#include "kyoso/campaign/virtual_lab.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kyoso/base/error.h"
#include "support/expect_close.h"

namespace kyoso::campaign {
namespace {

using kyoso::testing::ExpectClose;

// Composite Simpson rule with n (even) intervals: an independent oracle for the closed forms.
template <typename F>
double Simpson(F f, double a, double b, int n) {
  const double h = (b - a) / n;
  double sum = f(a) + f(b);
  for (int i = 1; i < n; ++i) sum += f(a + i * h) * (i % 2 == 1 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

TEST(RampIntegralOverT, MatchesSimpsonQuadratureOfTheWorkOfSintering) {
  // Theta = (1/rate) * integral_{T0}^{T1} exp(-b/T)/T dT; Simpson with 20000 intervals on a
  // smooth integrand is accurate to ~1e-12 relative, so 1e-9 checks the E1 closed form.
  const double b = VirtualSpsLab::kActivationDensify / VirtualSpsLab::kGasConstant;
  for (double t1 : {773.15, 829.15, 873.15, 973.15}) {
    const double rate = 50.0 / 60.0;
    const double expected =
        Simpson([b](double t) { return std::exp(-b / t) / t; }, 298.15, t1, 20000) / rate;
    ExpectClose(RampIntegralOverT(b, 298.15, t1, rate), expected, 1e-9);
  }
}

TEST(VirtualSpsLab, PenaltyIntegralOfAnIsothermalHoldIsHoldTimesArrhenius) {
  // Two schedules differing only in hold time differ in Theta_p by dt * exp(-Q_p/(R T)) and in
  // Theta_d by dt * exp(-Q_d/(R T)) / T (hold part of the integrals, exact).
  VirtualSpsLab lab;
  const VirtualLabBreakdown a = lab.Evaluate({50, 600, 5});
  const VirtualLabBreakdown b = lab.Evaluate({50, 600, 15});
  const double t = 873.15;
  const double dt = 600.0;
  ExpectClose(b.theta_penalty - a.theta_penalty,
              dt * std::exp(-VirtualSpsLab::kActivationPenalty / (VirtualSpsLab::kGasConstant * t)),
              1e-9);
  ExpectClose(
      b.theta_densification - a.theta_densification,
      dt * std::exp(-VirtualSpsLab::kActivationDensify / (VirtualSpsLab::kGasConstant * t)) / t,
      1e-9);
}

// Maximum of the noiseless Jc over the demo's box by grid search: rate 10..100 degC/min (step 2.5),
// peak 500..700 degC (step 2), hold 1..60 min (40 log-spaced values).
double MaxOverBox(const VirtualSpsLab& lab) {
  double best = 0;
  for (int i = 0; i <= 36; ++i) {
    for (int j = 0; j <= 100; ++j) {
      for (int k = 0; k < 40; ++k) {
        const double hold = std::exp(std::log(60.0) * k / 39.0);
        best = std::max(best, lab.TrueJc({10.0 + 2.5 * i, 500.0 + 2.0 * j, hold}));
      }
    }
  }
  return best;
}

TEST(VirtualSpsLab, BothPublishedOptimaLieWithinThreePercentOfTheMaximum) {
  // The design requirement of docs/methods/virtual-lab.md: the engine's optimum (49.8 degC/min,
  // 556 degC, 32.47 min) and the researchers' (50 degC/min, 600 degC, 5 min) both lie on the ridge,
  // within 3% of the maximum over the box.
  VirtualSpsLab lab;
  const double max_jc = MaxOverBox(lab);
  EXPECT_GT(lab.TrueJc({49.8, 556, 32.47}), 0.97 * max_jc);
  EXPECT_GT(lab.TrueJc({50, 600, 5}), 0.97 * max_jc);
  // And the grid maximum is a real maximum, not beaten by the two published points by much.
  EXPECT_LT(lab.TrueJc({49.8, 556, 32.47}), 1.001 * max_jc);
}

TEST(VirtualSpsLab, PointsOffTheRidgeAreWorse) {
  VirtualSpsLab lab;
  const double max_jc = MaxOverBox(lab);
  // Under-sintered (engine's temperature, researchers' hold), over-sintered (the reverse), far too
  // hot, and the right (T, hold) at poor heating rates.
  EXPECT_LT(lab.TrueJc({50, 556, 5}), 0.3 * max_jc);
  EXPECT_LT(lab.TrueJc({50, 600, 32.47}), 0.6 * max_jc);
  EXPECT_LT(lab.TrueJc({50, 680, 30}), 0.1 * max_jc);
  EXPECT_LT(lab.TrueJc({50, 500, 5}), 0.1 * max_jc);
  EXPECT_LT(lab.TrueJc({10, 600, 5}), 0.8 * max_jc);
  EXPECT_LT(lab.TrueJc({100, 600, 5}), 0.95 * max_jc);
}

TEST(VirtualSpsLab, RidgeRunsFromLongColdHoldsToShortHotOnes) {
  // Along the ridge the best hold time falls as the peak temperature rises, and the ridge height
  // stays within 3% of the maximum between 550 and 620 degC.
  VirtualSpsLab lab;
  const double max_jc = MaxOverBox(lab);
  double previous_hold = 1e9;
  for (double peak = 550; peak <= 620; peak += 10) {
    double best = 0;
    double best_hold = 0;
    for (int k = 0; k <= 400; ++k) {
      const double hold = std::exp(std::log(60.0) * k / 400.0);
      const double jc = lab.TrueJc({50, peak, hold});
      if (jc > best) {
        best = jc;
        best_hold = hold;
      }
    }
    EXPECT_GT(best, 0.97 * max_jc) << "peak " << peak;
    EXPECT_LT(best_hold, previous_hold) << "peak " << peak;
    previous_hold = best_hold;
  }
}

TEST(VirtualSpsLab, RateFactorPeaksAtFiftyDegreesPerMinute) {
  VirtualSpsLab lab;
  ExpectClose(lab.Evaluate({50, 600, 5}).rate_factor, 1.0, 1e-12);
  EXPECT_LT(lab.Evaluate({45, 600, 5}).rate_factor, 1.0);
  EXPECT_LT(lab.Evaluate({55, 600, 5}).rate_factor, 1.0);
}

TEST(VirtualSpsLab, SameSeedGivesSameMeasurementsAndNoiseIsUnbiased) {
  VirtualSpsLab a({.noise_relative_stddev = 0.03, .seed = 11});
  VirtualSpsLab b({.noise_relative_stddev = 0.03, .seed = 11});
  const SpsSchedule s{50, 600, 5};
  const double truth = a.TrueJc(s);
  double sum = 0;
  constexpr int kN = 4000;
  for (int i = 0; i < kN; ++i) {
    const double x = a.Measure(s);
    EXPECT_EQ(x, b.Measure(s));  // bitwise: same seed, same stream
    sum += x;
  }
  // Mean of kN draws with relative stddev 0.03: 4 standard errors = 4 * 0.03 / sqrt(4000) = 0.0019.
  ExpectClose(sum / kN, truth, 0.0019);
  VirtualSpsLab quiet({.noise_relative_stddev = 0.0, .seed = 1});
  ExpectClose(quiet.Measure(s), truth, 1e-15);
}

TEST(VirtualSpsLab, RejectsImpossibleSchedulesAndOptions) {
  VirtualSpsLab lab;
  try {
    lab.Evaluate({0, 20, -1});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "virtual_lab.schedule");
    EXPECT_EQ(e.issues().size(), 3u);
  }
  EXPECT_THROW(VirtualSpsLab({.noise_relative_stddev = -1}), InputError);
}

}  // namespace
}  // namespace kyoso::campaign
