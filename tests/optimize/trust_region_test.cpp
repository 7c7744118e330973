// Tests of the trust region (trust_region.h) and of its use by the maximizer and Suggest: the
// replayed state against hand-computed histories (the rules of Eriksson et al. 2019, Algorithm 1,
// applied by hand), the box against its closed form, a box-constrained maximum against the
// clamped optimum of a separable concave quadratic, and local slots that stay inside the region
// and feasible, also in batches.
#include "kyoso/optimize/trust_region.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kyoso/gp/gp.h"
#include "kyoso/optimize/maximize.h"
#include "kyoso/optimize/suggest.h"
#include "kyoso/space/sampling.h"
#include "summary_model.h"
#include "support/expect_close.h"

namespace kyoso::optimize {
namespace {

using kyoso::testing::ExpectClose;
using space::ParameterKind;

TEST(TrustRegion, ReplayMatchesTheHandComputedStateOfAKnownHistory) {
  // d = 2, q = 1: tau_fail = ceil(max(4, 2) / 1) = 4, tau_succ = 3. Initial design [0, 1].
  // 2, 3, 4: three successes -> L = 0.8 * 2 = 1.6; four failures (4 repeated) -> L = 0.8;
  // 5: a success (counters 1/0); 5, 5.004: failures (5.004 improves by 8e-4 < 1e-3 * 5), so the
  // state ends at L = 0.8 with 0 successes and 2 failures after 10 batches.
  const std::vector<double> values = {0, 1, 2, 3, 4, 4, 4, 4, 4, 5, 5, 5.004};
  const TrustRegionState state = ReplayTrustRegion(values, 2, 2, 1, {});
  EXPECT_EQ(state.failure_tolerance, 4);
  ExpectClose(state.length, 0.8, 1e-15, 0);
  EXPECT_EQ(state.num_successes, 0);
  EXPECT_EQ(state.num_failures, 2);
  EXPECT_EQ(state.num_batches, 10);
  EXPECT_EQ(state.num_restarts, 0);
}

TEST(TrustRegion, ReplayRestartsBelowTheMinimumLength) {
  // 0.8 / 2^10 = 7.8e-4 < L_min = 2^-10 = 9.77e-4: the 10th halving (40 failures at tau_fail = 4)
  // restarts at 0.8; 4 more failures halve it once more.
  std::vector<double> values = {1.0};
  for (int i = 0; i < 44; ++i) values.push_back(0.5);
  const TrustRegionState state = ReplayTrustRegion(values, 1, 3, 1, {});
  EXPECT_EQ(state.num_restarts, 1);
  ExpectClose(state.length, 0.4, 1e-15, 0);
  // 39 failures: nine halvings, 0.8 / 512, and three pending failures.
  values.resize(1 + 39);
  const TrustRegionState before = ReplayTrustRegion(values, 1, 3, 1, {});
  EXPECT_EQ(before.num_restarts, 0);
  ExpectClose(before.length, 0.8 / 512, 1e-15, 0);
  EXPECT_EQ(before.num_failures, 3);
}

TEST(TrustRegion, ReplayReadsTheHistoryInBatches) {
  // d = 6, q = 4: tau_fail = ceil(6 / 4) = 2. After 5 initial values (best 1), the batches
  // {0, 0, 2, 0}, {0, 0, 0, 3}, {3, 4, 0, 0} are three successes (one improving value each is
  // enough) -> L = 1.6; then {0, 0, 0, 0}, {1} (a last, shorter batch) are two failures -> 0.8.
  const std::vector<double> values = {1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
                                      0, 3, 3, 4, 0, 0, 0, 0, 0, 0, 1};
  const TrustRegionState state = ReplayTrustRegion(values, 5, 6, 4, {});
  EXPECT_EQ(state.failure_tolerance, 2);
  EXPECT_EQ(state.num_batches, 5);
  ExpectClose(state.length, 0.8, 1e-15, 0);
  EXPECT_EQ(state.num_failures, 0);
}

TEST(TrustRegion, OptionsValidateReportsEveryProblem) {
  TrustRegionOptions options;
  EXPECT_TRUE(options.Validate().empty());
  options.initial_length = -1;
  options.min_length = 0;
  options.success_tolerance = 0;
  options.failure_tolerance = -2;
  options.improvement_fraction = std::nan("");
  options.min_local_points = -1;
  EXPECT_EQ(options.Validate().size(), 6u);
}

TEST(TrustRegion, BoxFollowsTheLengthScalesAndIsClippedToTheCube) {
  // Length scales 0.1 and 0.4: geometric mean 0.2, weights 0.5 and 2, so with L = 0.2 the half
  // sides are 0.05 and 0.2 (side product 0.1 * 0.4 = L^2); coordinate 2 is not listed: [0, 1].
  Eigen::VectorXd lower, upper;
  TrustRegionBox(Eigen::Vector3d(0.5, 0.95, 0.3), Eigen::Vector3d(0.1, 0.4, 9.0), {0, 1}, 0.2,
                 Eigen::VectorXd(), &lower, &upper);
  ExpectClose(lower[0], 0.45, 1e-12, 0);
  ExpectClose(upper[0], 0.55, 1e-12, 0);
  ExpectClose(lower[1], 0.75, 1e-12, 0);
  ExpectClose(upper[1], 1.0, 0, 0);  // 1.15 clipped
  ExpectClose(lower[2], 0.0, 0, 0);
  ExpectClose(upper[2], 1.0, 0, 0);
  // A minimum half width (a grid step) widens the narrow coordinate only.
  TrustRegionBox(Eigen::Vector3d(0.5, 0.5, 0.3), Eigen::Vector3d(0.1, 0.4, 9.0), {0, 1}, 0.2,
                 Eigen::Vector3d(0.125, 0.125, 0.125), &lower, &upper);
  ExpectClose(upper[0] - lower[0], 0.25, 1e-12, 0);
  ExpectClose(upper[1] - lower[1], 0.4, 1e-12, 0);
}

// a(u) = -sum_k (u_k - c_k)^2: separable and concave, so its maximum over a box is clamp(c).
class Quadratic final : public acquisition::Acquisition {
 public:
  explicit Quadratic(Eigen::VectorXd center) : c_(std::move(center)) {}
  int dim() const override { return static_cast<int>(c_.size()); }
  acquisition::Scale scale() const override { return acquisition::Scale::kLinear; }
  double Evaluate(const Eigen::VectorXd& u, Eigen::VectorXd* gradient) const override {
    if (gradient != nullptr) *gradient = -2.0 * (u - c_);
    return -(u - c_).squaredNorm();
  }
  Eigen::VectorXd EvaluateMany(const Eigen::MatrixXd& x) const override {
    Eigen::VectorXd values(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) values[i] = Evaluate(x.row(i).transpose(), nullptr);
    return values;
  }

 private:
  Eigen::VectorXd c_;
};

TEST(MaximizeAcquisition, BoxedMaximumIsTheClampedOptimumOfAConcaveQuadratic) {
  const space::Space space =
      space::Space::Create({{.name = "a", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
                            {.name = "b", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
                            {.name = "c", .kind = ParameterKind::kContinuous, .low = 0, .high = 1}},
                           {});
  const Quadratic a(Eigen::Vector3d(0.9, 0.2, 0.5));
  MaximizeOptions options;
  options.num_candidates = 64;
  options.lower = Eigen::Vector3d(0.1, 0.3, 0.4);
  options.upper = Eigen::Vector3d(0.6, 0.7, 0.45);
  const auto best = MaximizeAcquisition(space, a, {}, {}, options);
  ASSERT_TRUE(best.has_value());
  // Oracle: clamp(c, lower, upper) = (0.6, 0.3, 0.45); L-BFGS-B ends on the active bounds.
  ExpectClose(best->params[0], 0.6, 0, 1e-7);
  ExpectClose(best->params[1], 0.3, 0, 1e-7);
  ExpectClose(best->params[2], 0.45, 0, 1e-7);
  // An extra candidate at the exact optimum is scored and kept (value 0 up to rounding).
  options.num_restarts = 0;
  options.extra_candidates = Eigen::RowVector3d(0.6, 0.3, 0.45);
  const auto seeded = MaximizeAcquisition(space, a, {}, {}, options);
  ASSERT_TRUE(seeded.has_value());
  // -(0.3^2 + 0.1^2 + 0.05^2) = -0.1025
  ExpectClose(seeded->value, -0.1025, 1e-12, 0);
}

// A constrained mixed space and a smooth objective (maximized).
space::Space MixedSpace() {
  return space::Space::Create(
      {{.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 10},
       {.name = "y",
        .kind = ParameterKind::kContinuous,
        .low = 1,
        .high = 100,
        .scale = space::Scale::kLog},
       {.name = "n", .kind = ParameterKind::kInteger, .low = 1, .high = 8},
       {.name = "gas", .kind = ParameterKind::kCategorical, .choices = {"Ar", "N2"}}},
      {"x + n <= 14"});
}

double MixedObjective(const std::vector<double>& p) {
  return -std::pow(p[0] - 6.3, 2) - std::pow(std::log10(p[1]) - 1.2, 2) -
         0.1 * std::pow(p[2] - 5, 2) + (p[3] == 1 ? 0.5 : 0.0) + 0.3 * std::sin(3 * p[0]);
}

TEST(Suggest, TrustRegionSlotsStayInsideTheRegionAndFeasibleAlsoInBatches) {
  const space::Space space = MixedSpace();
  std::vector<Observation> data;
  for (const auto& x : space::SampleFeasible(space, 24, 3).points) {
    data.push_back({x, MixedObjective(x)});
  }
  for (int q : {1, 3}) {
    SuggestOptions options;
    options.batch_size = q;
    options.local_search = LocalSearch::kTrustRegion;
    options.seed = 11;
    const SuggestResult result = Suggest(space, data, {data[0].params}, options);
    ASSERT_EQ(static_cast<int>(result.points.size()), q);
    const nlohmann::json& region = result.summary.used["local_search"];
    const auto lower = region["lower"].get<std::vector<double>>();
    const auto upper = region["upper"].get<std::vector<double>>();
    EXPECT_EQ(result.summary.used["maximize"]["num_local_slots"].get<int>(), q);
    for (const auto& point : result.points) {
      EXPECT_TRUE(space.IsFeasible(point.params));
      const Eigen::VectorXd u = space.Encode(point.params);
      for (int i = 0; i < space.num_parameters(); ++i) {
        if (space.parameter(i).kind == ParameterKind::kCategorical) continue;
        const int k = space.EncodedOffset(i);
        // Snapping an integer may move by half a grid step (1/14 of the cube here).
        const double slack = space.parameter(i).kind == ParameterKind::kInteger ? 0.5 / 7 : 1e-12;
        EXPECT_GE(u[k], lower[static_cast<std::size_t>(k)] - slack) << "parameter " << i;
        EXPECT_LE(u[k], upper[static_cast<std::size_t>(k)] + slack) << "parameter " << i;
      }
    }
  }
}

TEST(Suggest, AlternateModeUsesTheRegionOnEveryOtherSlot) {
  const space::Space space = MixedSpace();
  std::vector<Observation> data;
  for (const auto& x : space::SampleFeasible(space, 20, 5).points) {
    data.push_back({x, MixedObjective(x)});
  }
  SuggestOptions options;
  options.batch_size = 4;
  options.seed = 2;
  const SuggestResult result = Suggest(space, data, {}, options);
  ASSERT_EQ(result.points.size(), 4u);
  // 20 observations, nothing pending: slots 1 and 3 (odd positions 21 and 23) are local.
  EXPECT_EQ(result.summary.used["maximize"]["num_local_slots"].get<int>(), 2);
  const SuggestResult again = Suggest(space, data, {}, options);
  for (std::size_t s = 0; s < 4; ++s) EXPECT_EQ(result.points[s].params, again.points[s].params);
}

TEST(Suggest, IncumbentIsTheBestPosteriorMeanOrTheBestObservedValue) {
  const space::Space space = MixedSpace();
  std::vector<Observation> data;
  for (const auto& x : space::SampleFeasible(space, 16, 8).points) {
    data.push_back({x, MixedObjective(x)});
  }
  data[3].value += 2.0;  // a lucky outlier, well above its neighbours' trend
  SuggestOptions options;
  options.seed = 4;
  const SuggestResult mean_based = Suggest(space, data, {}, options);
  // Oracle: the posterior rebuilt from the summary's warp, output scaling (whose mean is the
  // fitted constant mean) and hyperparameters, maximized over the training points (the objective
  // is maximized).
  const gp::Posterior posterior =
      testing::PosteriorFromSummaryModel(space, data, mean_based.summary.model);
  const gp::OutputWarp warp = gp::OutputWarp::FromJson(mean_based.summary.model["output_warp"]);
  EXPECT_TRUE(warp.active);
  double best_observed = -1e300;
  for (const Observation& o : data) best_observed = std::max(best_observed, o.value);
  Eigen::VectorXd mean, variance;
  posterior.Predict(posterior.data().x, &mean, &variance);
  // Reported in user units: the warped incumbent mapped back (docs/methods/optimize.md §3).
  ExpectClose(mean_based.summary.used["incumbent"].get<double>(), warp.Inverse(mean.maxCoeff()),
              1e-9, 1e-12);
  options.incumbent = Incumbent::kBestObserved;
  const SuggestResult observed = Suggest(space, data, {}, options);
  // The best observed value, through the warp and back (round-off only).
  ExpectClose(observed.summary.used["incumbent"].get<double>(), best_observed, 1e-12, 1e-12);
}

}  // namespace
}  // namespace kyoso::optimize
