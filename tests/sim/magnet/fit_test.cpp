// Calibration (sim/magnet Fit): recovering a known Jc0 (and n) from synthetic measurements, the
// sensitivity report, and the error codes of FitOptions.
#include <gtest/gtest.h>

#include "kyoso/sim/magnet/magnet.h"
#include "sim/magnet/test_specs.h"
#include "support/expect_close.h"

namespace kyoso::sim::magnet {
namespace {

using kyoso::testing::ExpectClose;
using testing::StackedPair;

TEST(Fit, RecoversJc0FromSyntheticTrappedField) {
  // Truth: Jc0 = 2.3e8 on a coarse pair; start from 1.5e8. The fit must return the truth to the
  // tolerance of the simulations it compares (1e-3), and the field is nearly proportional to Jc0
  // (elasticity ~ 1 - small self-field corrections: within [0.9, 1.05]).
  const Spec truth = StackedPair(8, 2, 50, 0);
  const Result measured = magnet::Run(truth, Options{});
  Spec start = truth;
  start.material.jc0_a_per_m2 = 1.5e8;
  FitOptions options;
  options.targets = {{"centre", "end_of_ramp", measured.end_of_ramp->probe_bz_t[0]}};
  const FitResult fit = Fit(start, options);
  EXPECT_TRUE(fit.converged) << fit.message;
  ExpectClose(fit.values[0], 2.3e8, 1e-3);
  ExpectClose(fit.residuals_t[0], 0, 0, 1e-4);
  ASSERT_EQ(fit.elasticity.size(), 1u);
  EXPECT_GT(fit.elasticity[0][0], 0.9);
  EXPECT_LT(fit.elasticity[0][0], 1.05);
  ExpectClose(fit.sensitivity[0][0] * fit.values[0] / fit.simulated_t[0], fit.elasticity[0][0],
              1e-9);
  EXPECT_EQ(ToJson(fit)["parameters"]["jc0"], fit.values[0]);
}

TEST(Fit, RecoversJc0AndNFromTwoStages) {
  // The creep during the hold fixes n, the end-of-ramp field fixes Jc0.
  Spec truth = StackedPair(6, 2, 40, 300);
  const Result measured = magnet::Run(truth, Options{});
  Spec start = truth;
  start.material.jc0_a_per_m2 = 2.0e8;
  start.material.n = 25;
  FitOptions options;
  options.fit_n = true;
  options.targets = {{"centre", "end_of_ramp", measured.end_of_ramp->probe_bz_t[0]},
                     {"centre", "final", measured.final_state.probe_bz_t[0]}};
  const FitResult fit = Fit(start, options);
  EXPECT_TRUE(fit.converged) << fit.message;
  ExpectClose(fit.values[0], 2.3e8, 5e-3);
  ExpectClose(fit.values[1], 40, 5e-2);
}

TEST(FitOptions, ValidateReportsBadTargets) {
  const Spec spec = StackedPair(4, 2, 50, 0);
  FitOptions options;
  EXPECT_EQ(options.Validate(spec)[0].code, "fit.no_targets");
  options.targets = {{"nowhere", "end_of_ramp", 1.0}, {"centre", "middle", 1.0}};
  options.fit_b0 = true;
  const std::vector<Issue> issues = options.Validate(spec);
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].code, "fit.unknown_probe");
  EXPECT_EQ(issues[1].code, "fit.stage");
  EXPECT_EQ(issues[2].code, "fit.b0_needs_kim");
  EXPECT_THROW(Fit(spec, options), InputError);
}

}  // namespace
}  // namespace kyoso::sim::magnet
