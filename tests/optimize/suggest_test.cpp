// Tests of Suggest/Predict: constraints after rounding on random mixed problems, determinism,
// no duplicates of measured or pending points, one-furnace batches against the copy-the-first-
// point baseline, end-to-end regret on Branin, and every input error code.
#include "kyoso/optimize/suggest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "kyoso/acquisition/penalization.h"
#include "kyoso/base/error.h"
#include "kyoso/base/rng.h"
#include "kyoso/gp/gp.h"
#include "kyoso/optimize/maximize.h"
#include "kyoso/space/sampling.h"
#include "summary_model.h"
#include "support/expect_close.h"

namespace kyoso::optimize {
namespace {

using kyoso::testing::ExpectClose;
using space::ParameterKind;

// A smooth test objective of the encoded point (so it is defined for every kind).
double Objective(const space::Space& space, const std::vector<double>& x) {
  const Eigen::VectorXd u = space.Encode(x);
  double value = 0;
  for (Eigen::Index k = 0; k < u.size(); ++k) {
    value += std::sin(3.0 * u[k] + 0.7 * static_cast<double>(k)) - (u[k] - 0.4) * (u[k] - 0.4);
  }
  return value;
}

space::Space RandomMixedSpace(Rng& rng) {
  std::vector<space::Parameter> params;
  const int d = 3 + static_cast<int>(rng.UniformInt(3));
  for (int i = 0; i < d; ++i) {
    space::Parameter p;
    p.name = "p" + std::to_string(i);
    const double low = std::floor(rng.Uniform(1, 10));
    const double high = low + std::floor(rng.Uniform(3, 40));
    switch (i % 4) {
      case 0:
        p.kind = ParameterKind::kContinuous, p.low = low, p.high = high;
        break;
      case 1:
        p.kind = ParameterKind::kInteger, p.low = low, p.high = high;
        break;
      case 2:
        p.kind = ParameterKind::kDiscrete, p.low = low, p.high = high;
        p.step = (high - low) / 7;
        break;
      default:
        p.kind = ParameterKind::kCategorical, p.choices = {"a", "b", "c"};
        break;
    }
    params.push_back(p);
  }
  const double mid0 = (params[0].low + params[0].high) / 2;
  const double mid1 = (params[1].low + params[1].high) / 2;
  const double mid2 = (params[2].low + params[2].high) / 2;
  return space::Space::Create(
      params, {"p0 + p1 <= " + std::to_string(mid0 + mid1),
               "p0 * p2 >= " + std::to_string(0.2 * mid0 * mid2),
               "sqrt(p1) + 0.1*p2 < " + std::to_string(std::sqrt(mid1) + 0.1 * mid2 + 1)});
}

std::vector<Observation> InitialData(const space::Space& space, int n, std::uint64_t seed) {
  std::vector<Observation> data;
  for (const auto& x : space::SampleFeasible(space, n, seed).points) {
    data.push_back({x, Objective(space, x)});
  }
  return data;
}

TEST(Suggest, EverySuggestionIsFeasibleOnGridAndNewOnRandomMixedProblems) {
  Rng rng(2718);
  for (int problem = 0; problem < 6; ++problem) {
    space::Space space = RandomMixedSpace(rng);
    std::vector<Observation> data =
        InitialData(space, 12, 40 + static_cast<std::uint64_t>(problem));
    ASSERT_GE(data.size(), 8u);
    std::vector<std::vector<double>> pending = {data.back().params};
    data.pop_back();
    SuggestOptions options;
    options.batch_size = 3;
    options.num_candidates = 300;
    options.seed = static_cast<std::uint64_t>(problem);
    options.batch_policy =
        problem % 2 == 0 ? BatchPolicy::kLocalPenalization : BatchPolicy::kKrigingBeliever;
    SuggestResult result = Suggest(space, data, pending, options);
    EXPECT_EQ(result.summary.termination, "converged") << result.summary.message;
    std::set<std::vector<double>> seen;
    for (const auto& o : data) seen.insert(o.params);
    seen.insert(pending[0]);
    for (const SuggestedPoint& point : result.points) {
      EXPECT_EQ(space.Snap(point.params), point.params);
      for (const auto& c : space.constraints()) {
        EXPECT_TRUE(c.IsSatisfied(point.params))
            << c.text() << " at " << space.Format(point.params);
      }
      EXPECT_TRUE(seen.insert(point.params).second) << "duplicate " << space.Format(point.params);
      EXPECT_TRUE(std::isfinite(point.mean));
      EXPECT_GE(point.stddev, 0.0);
    }
  }
}

TEST(Suggest, SameSeedGivesIdenticalSuggestions) {
  Rng rng(99);
  space::Space space = RandomMixedSpace(rng);
  std::vector<Observation> data = InitialData(space, 10, 1);
  SuggestOptions options;
  options.batch_size = 2;
  options.seed = 17;
  SuggestResult a = Suggest(space, data, {}, options);
  SuggestResult b = Suggest(space, data, {}, options);
  ASSERT_EQ(a.points.size(), 2u);
  ASSERT_EQ(b.points.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a.points[i].params, b.points[i].params);
    EXPECT_EQ(a.points[i].acquisition,
              b.points[i].acquisition);  // bitwise: no thread-order effects
  }
  EXPECT_EQ(a.summary.model, b.summary.model);
}

TEST(Suggest, OneTwoAndThreeThreadsGiveBitwiseEqualSuggestions) {
  // Fit restarts and acquisition starts run in parallel and are reduced in start order, so the
  // thread count must not change a bit of the batch, the model or the counters.
  Rng rng(31);
  space::Space space = RandomMixedSpace(rng);
  std::vector<Observation> data = InitialData(space, 12, 3);
  SuggestOptions options;
  options.batch_size = 3;
  options.seed = 5;
  options.num_threads = 1;
  const SuggestResult one = Suggest(space, data, {}, options);
  ASSERT_EQ(one.points.size(), 3u);
  for (int threads : {2, 3}) {
    options.num_threads = threads;
    const SuggestResult other = Suggest(space, data, {}, options);
    ASSERT_EQ(other.points.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(one.points[i].params, other.points[i].params) << "threads " << threads;
      EXPECT_EQ(one.points[i].acquisition, other.points[i].acquisition);  // bitwise
      EXPECT_EQ(one.points[i].mean, other.points[i].mean);
    }
    EXPECT_EQ(one.summary.model, other.summary.model);
    EXPECT_EQ(one.summary.used["maximize"], other.summary.used["maximize"]);
  }
}

TEST(Suggest, NeverRepeatsMeasuredOrPendingPointsOnASmallGrid) {
  // 3 x 3 grid: 5 measured + 2 pending leave exactly 2 new points; q = 4 returns those 2.
  space::Space space =
      space::Space::Create({{.name = "a", .kind = ParameterKind::kInteger, .low = 1, .high = 3},
                            {.name = "b", .kind = ParameterKind::kInteger, .low = 1, .high = 3}},
                           {});
  std::vector<Observation> data = {
      {{1, 1}, 1.0}, {{2, 2}, 3.0}, {{3, 3}, 2.0}, {{1, 3}, 0.5}, {{3, 1}, 0.2}};
  std::vector<std::vector<double>> pending = {{2, 1}, {1, 2}};
  SuggestOptions options;
  options.batch_size = 4;
  options.num_initial = 3;
  SuggestResult result = Suggest(space, data, pending, options);
  EXPECT_EQ(result.summary.termination, "partial");
  ASSERT_EQ(result.points.size(), 2u);
  std::set<std::vector<double>> got = {result.points[0].params, result.points[1].params};
  EXPECT_EQ(got, (std::set<std::vector<double>>{{2, 3}, {3, 2}}));

  options.allow_duplicates = true;
  options.batch_size = 1;
  SuggestResult again = Suggest(space, data, pending, options);
  ASSERT_EQ(again.points.size(), 1u);  // any grid point may come back now
}

TEST(Suggest, PendingPointsAreNotCrowded) {
  // The best next point x* of a data set becomes pending; the next suggestion must move away from
  // it under both batch policies (penalized or fantasized), not land on or next to it. Bound: more
  // than 0.02 in the unit cube (the pending point's own neighbourhood keeps most of x*'s value
  // without a batch policy, so an unaware optimizer would return x* again, distance 0).
  space::Space space =
      space::Space::Create({{.name = "a", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
                            {.name = "b", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
                            {.name = "c", .kind = ParameterKind::kContinuous, .low = 0, .high = 1}},
                           {});
  std::vector<Observation> data = InitialData(space, 12, 21);
  SuggestOptions options;
  options.seed = 8;
  SuggestResult first = Suggest(space, data, {}, options);
  ASSERT_EQ(first.points.size(), 1u);
  for (BatchPolicy policy : {BatchPolicy::kLocalPenalization, BatchPolicy::kKrigingBeliever}) {
    options.batch_policy = policy;
    SuggestResult next = Suggest(space, data, {first.points[0].params}, options);
    ASSERT_EQ(next.points.size(), 1u);
    const double distance =
        (space.Encode(next.points[0].params) - space.Encode(first.points[0].params)).norm();
    EXPECT_GT(distance, 0.02) << ToString(policy);
  }
}

TEST(Suggest, InitialDesignIsFeasibleSpaceFillingAndHonoursSharedValues) {
  space::Space space = space::Space::Create(
      {{.name = "temp", .kind = ParameterKind::kDiscrete, .low = 500, .high = 700, .step = 10},
       {.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
       {.name = "gas", .kind = ParameterKind::kCategorical, .choices = {"Ar", "vac"}}},
      {"temp/100 + x <= 7.2"});
  SuggestOptions options;
  options.batch_size = 4;
  options.shared = {"temp"};
  SuggestResult result = Suggest(space, {}, {}, options);
  EXPECT_EQ(result.summary.termination, "initial_design");
  ASSERT_EQ(result.points.size(), 4u);
  for (const auto& p : result.points) {
    EXPECT_TRUE(space.IsFeasible(p.params));
    EXPECT_EQ(p.params[0], result.points[0].params[0]);  // one furnace: same temperature
    EXPECT_TRUE(std::isnan(p.mean));
  }
  space::Space empty = space::Space::Create(
      {{.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 1}}, {"x >= 2"});
  SuggestResult none = Suggest(empty, {}, {}, {});
  EXPECT_EQ(none.summary.termination, "no_feasible_point");
  EXPECT_TRUE(none.points.empty());
}

// Total acquisition of a batch, recomputed independently of the optimizer: the sum over slots of
// the locally penalized EI, exp(log EI(x_j) + sum_{i<j} log phi_i(x_j)) (González et al. 2016),
// with the posterior rebuilt from the summary's hyperparameters and the reported Lipschitz
// constant.
double BatchExpectedImprovement(const space::Space& space, const gp::Posterior& posterior,
                                const std::vector<std::vector<double>>& batch, double lipschitz) {
  acquisition::Options options;
  options.direction = acquisition::Direction::kMaximize;
  double total = 0;
  Eigen::MatrixXd chosen(0, space.encoded_dim());
  for (const auto& x : batch) {
    auto base = acquisition::Make(acquisition::Kind::kExpectedImprovement, posterior, options);
    const Eigen::VectorXd u = space.Encode(x);
    double value = base->Evaluate(u, nullptr);
    if (chosen.rows() > 0) {
      acquisition::PenalizationOptions penalization;
      penalization.lipschitz = lipschitz;
      acquisition::LocalPenalization penalized(std::move(base), posterior, chosen, options,
                                               penalization);
      value = penalized.Evaluate(u, nullptr);
    }
    total += std::exp(value);
    chosen.conservativeResize(chosen.rows() + 1, Eigen::NoChange);
    chosen.row(chosen.rows() - 1) = u.transpose();
  }
  return total;
}

// One furnace: `temp` is shared by the q = 4 slots, `comp` varies. The objective has a tall,
// narrow peak at temp = 0.85 (one composition only) and a broad ridge at temp = 0.3 where many
// compositions are good. 10 design points (seed 11): a data set on which the joint choice is
// measurably better under local penalization (found by scanning design seeds; on most data sets
// copying is already within 1% of it).
struct OneFurnaceProblem {
  space::Space space;
  std::vector<Observation> data;
};

OneFurnaceProblem MakeOneFurnaceProblem() {
  space::Space space = space::Space::Create(
      {{.name = "temp", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
       {.name = "comp", .kind = ParameterKind::kContinuous, .low = 0, .high = 1}},
      {});
  auto f = [](double t, double c) {
    return 1.0 * std::exp(-((t - 0.85) * (t - 0.85) + (c - 0.5) * (c - 0.5)) / 0.01) +
           0.9 * std::exp(-(t - 0.3) * (t - 0.3) / 0.02) * (0.6 + 0.4 * std::sin(6 * c));
  };
  std::vector<Observation> data;
  for (const auto& x : space::SampleFeasible(space, 10, 11).points) {
    data.push_back({x, f(x[0], x[1])});
  }
  return {std::move(space), std::move(data)};
}

// q = 4 with `temp` shared; the incumbent is acquisition::Options' default, which the independent
// reconstructions use.
SuggestOptions OneFurnaceOptions() {
  SuggestOptions options;
  options.batch_size = 4;
  options.shared = {"temp"};
  options.seed = 3;
  options.incumbent = Incumbent::kBestObserved;
  return options;
}

// A fresh posterior on the problem's data with the warp, scaling and hyperparameters the engine
// reported.
gp::Posterior PosteriorOfSummary(const OneFurnaceProblem& problem, const SuggestSummary& summary) {
  return testing::PosteriorFromSummaryModel(problem.space, problem.data, summary.model);
}

TEST(Suggest, SharedParametersAreIdenticalAndBeatCopyingTheFirstPoint) {
  // The best single point sits on the peak; a batch that copies its temperature wastes three
  // slots, while jointly chosen shared values may move to the ridge.
  const OneFurnaceProblem problem = MakeOneFurnaceProblem();
  const space::Space& space = problem.space;
  const std::vector<Observation>& data = problem.data;
  SuggestOptions options = OneFurnaceOptions();
  // The independent reconstruction below fills the batch by local penalization.
  options.batch_policy = BatchPolicy::kLocalPenalization;
  SuggestResult joint = Suggest(space, data, {}, options);
  ASSERT_EQ(joint.points.size(), 4u);
  for (const auto& p : joint.points) EXPECT_EQ(p.params[0], joint.points[0].params[0]);

  // Baseline built independently: the best free single point, its temperature copied to a batch
  // filled slot by slot with the same penalized EI.
  const gp::Posterior posterior = PosteriorOfSummary(problem, joint.summary);
  const double lipschitz = joint.summary.used["lipschitz"].get<double>();
  acquisition::Options acquisition_options;
  auto ei =
      acquisition::Make(acquisition::Kind::kExpectedImprovement, posterior, acquisition_options);
  std::set<std::vector<double>> exclude;
  for (const auto& o : data) exclude.insert(o.params);
  auto first = MaximizeAcquisition(space, *ei, {}, exclude, {});
  ASSERT_TRUE(first.has_value());
  std::vector<std::vector<double>> copied = {first->params};
  FixedValues fixed = {first->params[0], std::nullopt};
  Eigen::MatrixXd chosen = space.Encode(first->params).transpose();
  for (int slot = 1; slot < 4; ++slot) {
    acquisition::PenalizationOptions penalization;
    penalization.lipschitz = lipschitz;
    acquisition::LocalPenalization penalized(
        acquisition::Make(acquisition::Kind::kExpectedImprovement, posterior, acquisition_options),
        posterior, chosen, acquisition_options, penalization);
    auto next = MaximizeAcquisition(space, penalized, fixed, exclude, {});
    ASSERT_TRUE(next.has_value());
    copied.push_back(next->params);
    chosen.conservativeResize(chosen.rows() + 1, Eigen::NoChange);
    chosen.row(chosen.rows() - 1) = next->encoded.transpose();
  }
  std::vector<std::vector<double>> joint_points;
  for (const auto& p : joint.points) joint_points.push_back(p.params);
  const double joint_total = BatchExpectedImprovement(space, posterior, joint_points, lipschitz);
  const double copied_total = BatchExpectedImprovement(space, posterior, copied, lipschitz);
  ExpectClose(joint.summary.used["batch_acquisition"].get<double>(), joint_total, 1e-9);
  // The joint batch's penalized EI exceeds the copied batch's by more than 2% (6% measured).
  EXPECT_GT(joint_total, 1.02 * copied_total);
  RecordProperty("joint_total", std::to_string(joint_total));
  RecordProperty("copied_total", std::to_string(copied_total));
  RecordProperty("rounds", joint.summary.used["shared"].dump());
}

// Total expected improvement of a batch under the kriging believer (docs/methods/optimize.md §3,
// §4): slot j's EI on the posterior conditioned on slots < j at their posterior means.
double BatchBelieverExpectedImprovement(const space::Space& space, gp::Posterior posterior,
                                        const std::vector<std::vector<double>>& batch) {
  acquisition::Options options;
  options.direction = acquisition::Direction::kMaximize;
  double total = 0;
  for (const auto& x : batch) {
    const Eigen::VectorXd u = space.Encode(x);
    total += std::exp(acquisition::Make(acquisition::Kind::kExpectedImprovement, posterior, options)
                          ->Evaluate(u, nullptr));
    Eigen::VectorXd mean, variance;
    posterior.Predict(u.transpose(), &mean, &variance);
    posterior = posterior.Condition(u.transpose(), mean);
  }
  return total;
}

TEST(Suggest, SharedParametersUnderTheBelieverAreNeverWorseThanCopyingTheFirstPoint) {
  // The default batch policy on the data of the test above: the joint choice of the shared value
  // (block coordinate ascent from the copied batch, §5) can only keep or raise the batch score, so
  // the engine's batch has at least the total believer EI of the batch that copies the best single
  // point's temperature, rebuilt independently here (up to the maximizer's accuracy: 1e-3 rel).
  const OneFurnaceProblem problem = MakeOneFurnaceProblem();
  const space::Space& space = problem.space;
  const std::vector<Observation>& data = problem.data;
  const SuggestOptions options = OneFurnaceOptions();
  ASSERT_EQ(options.batch_policy, BatchPolicy::kKrigingBeliever);
  SuggestResult joint = Suggest(space, data, {}, options);
  ASSERT_EQ(joint.points.size(), 4u);
  for (const auto& p : joint.points) EXPECT_EQ(p.params[0], joint.points[0].params[0]);
  EXPECT_EQ(joint.summary.used["batch_policy"], "believer");

  const gp::Posterior posterior = PosteriorOfSummary(problem, joint.summary);
  acquisition::Options acquisition_options;
  std::set<std::vector<double>> exclude;
  for (const auto& o : data) exclude.insert(o.params);
  auto first = MaximizeAcquisition(
      space,
      *acquisition::Make(acquisition::Kind::kExpectedImprovement, posterior, acquisition_options),
      {}, exclude, {});
  ASSERT_TRUE(first.has_value());
  std::vector<std::vector<double>> copied = {first->params};
  exclude.insert(first->params);
  const FixedValues fixed = {first->params[0], std::nullopt};
  gp::Posterior believer = posterior;
  for (int slot = 1; slot < 4; ++slot) {
    const Eigen::VectorXd u = space.Encode(copied.back());
    Eigen::VectorXd mean, variance;
    believer.Predict(u.transpose(), &mean, &variance);
    believer = believer.Condition(u.transpose(), mean);
    auto next = MaximizeAcquisition(
        space,
        *acquisition::Make(acquisition::Kind::kExpectedImprovement, believer, acquisition_options),
        fixed, exclude, {});
    ASSERT_TRUE(next.has_value());
    copied.push_back(next->params);
    exclude.insert(next->params);
  }
  std::vector<std::vector<double>> joint_points;
  for (const auto& p : joint.points) joint_points.push_back(p.params);
  const double joint_total = BatchBelieverExpectedImprovement(space, posterior, joint_points);
  const double copied_total = BatchBelieverExpectedImprovement(space, posterior, copied);
  ExpectClose(joint.summary.used["batch_acquisition"].get<double>(), joint_total, 1e-9);
  EXPECT_GE(joint_total, copied_total * (1 - 1e-3));
  RecordProperty("joint_total", std::to_string(joint_total));
  RecordProperty("copied_total", std::to_string(copied_total));
}

double Branin(double x1, double x2) {
  // Branin-Hoo on [-5, 10] x [0, 15]; global minimum 0.397887357729739 (Dixon & Szegő 1978).
  const double a = 1, b = 5.1 / (4 * std::numbers::pi * std::numbers::pi), c = 5 / std::numbers::pi;
  const double r = 6, s = 10, t = 1 / (8 * std::numbers::pi);
  return a * std::pow(x2 - b * x1 * x1 + c * x1 - r, 2) + s * (1 - t) * std::cos(x1) + s;
}

TEST(SuggestEndToEnd, BraninRegretAfterThirtyEvaluationsIsSmallOverFixedSeeds) {
  // 5 initial points + 25 sequential EI suggestions (30 evaluations). Bound: simple regret
  // < 0.05 for every seed (random search with 30 evaluations has median regret ~ 1; the issue's
  // scikit-learn GP-EI baseline reaches ~3e-5 at 50 evaluations).
  space::Space space = space::Space::Create(
      {{.name = "x1", .kind = ParameterKind::kContinuous, .low = -5, .high = 10},
       {.name = "x2", .kind = ParameterKind::kContinuous, .low = 0, .high = 15}},
      {});
  const double optimum = 0.397887357729739;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    std::vector<Observation> data;
    nlohmann::json warm;
    double best = INFINITY;
    for (int call = 0; data.size() < 30; ++call) {
      SuggestOptions options;
      options.direction = Direction::kMinimize;
      options.num_initial = 5;
      options.batch_size = data.size() < 5 ? 5 : 1;
      options.seed = seed * 1000 + static_cast<std::uint64_t>(call);
      options.warm_start = warm;
      SuggestResult result = Suggest(space, data, {}, options);
      ASSERT_FALSE(result.points.empty()) << result.summary.message;
      if (!result.summary.model.is_null()) warm = result.summary.model;
      for (const auto& p : result.points) {
        const double y = Branin(p.params[0], p.params[1]);
        best = std::min(best, y);
        data.push_back({p.params, y});
      }
    }
    EXPECT_LT(best - optimum, 0.05) << "seed " << seed;
    RecordProperty("regret_seed_" + std::to_string(seed), std::to_string(best - optimum));
  }
}

std::vector<std::string> CodesOf(const space::Space& space, const std::vector<Observation>& data,
                                 const std::vector<std::vector<double>>& pending,
                                 const SuggestOptions& options) {
  try {
    Suggest(space, data, pending, options);
  } catch (const InputError& e) {
    std::vector<std::string> codes;
    for (const Issue& issue : e.issues()) codes.push_back(issue.code);
    return codes;
  }
  return {};
}

TEST(SuggestErrors, EveryInputErrorCodeIsTriggered) {
  using V = std::vector<std::string>;
  space::Space space = space::Space::Create(
      {{.name = "x", .kind = ParameterKind::kContinuous, .low = 0, .high = 1},
       {.name = "g", .kind = ParameterKind::kCategorical, .choices = {"a", "b"}}},
      {});
  const std::vector<Observation> good = {{{0.1, 0}, 1}, {{0.5, 1}, 2}, {{0.9, 0}, 0}};
  SuggestOptions ok;
  EXPECT_EQ(CodesOf(space, {{{0.1}, 1}}, {}, ok), V{"suggest.dimension"});
  EXPECT_EQ(CodesOf(space, {{{0.1, 0}, NAN}}, {}, ok), V{"suggest.not_finite"});
  EXPECT_EQ(CodesOf(space, {{{INFINITY, 0}, 1}}, {}, ok), V{"suggest.not_finite"});
  EXPECT_EQ(CodesOf(space, {{{1.5, 0}, 1}}, {}, ok), V{"suggest.out_of_bounds"});
  EXPECT_EQ(CodesOf(space, good, {{0.2, 2}}, ok), V{"suggest.out_of_bounds"});
  EXPECT_EQ(CodesOf(space, good, {{0.2, 0, 1}}, ok), V{"suggest.dimension"});
  auto with = [&](auto change) {
    SuggestOptions o;
    change(o);
    return CodesOf(space, good, {}, o);
  };
  EXPECT_EQ(with([](SuggestOptions& o) { o.shared = {"temp"}; }), V{"suggest.unknown_shared"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.shared = {"x", "x"}; }), V{"suggest.duplicate_shared"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.batch_size = 0; }), V{"suggest.batch_size"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.ucb_beta = -1; }), V{"suggest.ucb_beta"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.num_initial = -2; }), V{"suggest.num_initial"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.num_fit_restarts = 0; }), V{"suggest.num_fit_restarts"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.num_acq_restarts = -1; }),
            V{"suggest.num_acq_restarts"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.num_candidates = 0; }), V{"suggest.num_candidates"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.warm_start = 3; }), V{"suggest.warm_start"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.num_incumbent_candidates = -1; }),
            V{"suggest.num_incumbent_candidates"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.trust_region.min_length = 0; }),
            V{"suggest.trust_region"});
  EXPECT_EQ(with([](SuggestOptions& o) { o.num_threads = -1; }), V{"suggest.num_threads"});
  SuggestOptions bad;
  bad.batch_size = 0;
  bad.shared = {"nope"};
  EXPECT_EQ(bad.Validate(space).size(), 2u);
  EXPECT_TRUE(ok.Validate(space).empty());
}

TEST(Predict, MatchesTheSuggestionsOwnPrediction) {
  Rng rng(4);
  space::Space space = RandomMixedSpace(rng);
  std::vector<Observation> data = InitialData(space, 10, 2);
  SuggestOptions options;
  options.seed = 5;
  SuggestResult result = Suggest(space, data, {}, options);
  ASSERT_EQ(result.points.size(), 1u);
  auto predictions = Predict(space, data, {result.points[0].params}, options);
  ASSERT_TRUE(predictions.has_value());
  ExpectClose((*predictions)[0].mean, result.points[0].mean, 1e-9, 1e-12);
  ExpectClose((*predictions)[0].stddev, result.points[0].stddev, 1e-9, 1e-12);
  ExpectClose((*predictions)[0].acquisition, result.points[0].acquisition, 1e-9, 1e-12);
  EXPECT_FALSE(Predict(space, {data[0]}, {data[0].params}, options).has_value());
}

}  // namespace
}  // namespace kyoso::optimize
