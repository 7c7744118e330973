// Tests of Space: exact grids, encode/decode round trips for every kind, snapping, feasibility,
// JSON spec parsing with issues at JSON pointers, and every spec.* error code.
#include "kyoso/space/space.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kyoso/base/error.h"
#include "support/expect_close.h"

namespace kyoso::space {
namespace {

using kyoso::testing::ExpectClose;

Parameter Continuous(std::string name, double low, double high, Scale scale = Scale::kLinear) {
  return {.name = std::move(name),
          .kind = ParameterKind::kContinuous,
          .low = low,
          .high = high,
          .scale = scale};
}
Parameter Integer(std::string name, double low, double high) {
  return {.name = std::move(name), .kind = ParameterKind::kInteger, .low = low, .high = high};
}
Parameter Discrete(std::string name, double low, double high, double step,
                   Scale scale = Scale::kLinear) {
  return {.name = std::move(name),
          .kind = ParameterKind::kDiscrete,
          .low = low,
          .high = high,
          .step = step,
          .scale = scale};
}
Parameter Categorical(std::string name, std::vector<std::string> choices) {
  return {
      .name = std::move(name), .kind = ParameterKind::kCategorical, .choices = std::move(choices)};
}

nlohmann::json Ba122Parameters() {
  return nlohmann::json::parse(R"([
    {"name": "heating_rate", "type": "continuous", "low": 10, "high": 100, "unit": "degC/min"},
    {"name": "max_temp", "type": "discrete", "low": 500, "high": 700, "step": 1, "unit": "degC"},
    {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "unit": "min", "scale": "log"},
    {"name": "milling_passes", "type": "integer", "low": 1, "high": 4},
    {"name": "atmosphere", "type": "categorical", "choices": ["Ar", "vacuum"]}
  ])");
}

std::vector<std::string> CodesOf(const std::vector<Parameter>& params,
                                 const std::vector<std::string>& constraints = {}) {
  try {
    Space::Create(params, constraints);
  } catch (const InputError& e) {
    std::vector<std::string> codes;
    for (const Issue& issue : e.issues()) codes.push_back(issue.code);
    return codes;
  }
  return {};
}

std::vector<Issue> IssuesOfJson(const std::string& params, const std::string& constraints) {
  try {
    Space::FromJson(nlohmann::json::parse(params), nlohmann::json::parse(constraints), "/spec");
  } catch (const InputError& e) {
    return e.issues();
  }
  return {};
}

TEST(SpaceGrid, TenthsUpToOneHaveTenExactValues) {
  // low = 0.1, step = 0.1, high = 1.0: values 0.1, 0.2, ..., 1.0 computed as low + k*step.
  Space s = Space::Create({Discrete("a", 0.1, 1.0, 0.1)}, {});
  ASSERT_EQ(s.GridSize(0), 10);
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(s.GridValue(0, k), 0.1 + k * 0.1) << k;  // exact: the definition, no accumulation
  }
  EXPECT_EQ(s.GridValue(0, 9), 1.0);  // high is on the grid and returned exactly
}

TEST(SpaceGrid, HighIncludedOnlyWhenOnGrid) {
  Space s = Space::Create(
      {Discrete("a", 0, 1, 0.3), Discrete("b", 500, 700, 1), Integer("c", -2, 3)}, {});
  EXPECT_EQ(s.GridSize(0), 4);  // 0, 0.3, 0.6, 0.9 (1.0 is off the grid)
  ExpectClose(s.GridValue(0, 3), 0.9, 1e-15);
  EXPECT_EQ(s.GridSize(1), 201);
  EXPECT_EQ(s.GridValue(1, 200), 700.0);
  EXPECT_EQ(s.GridSize(2), 6);
  EXPECT_EQ(s.GridValue(2, 0), -2.0);
  EXPECT_EQ(s.GridValue(2, 5), 3.0);
  EXPECT_EQ(s.SnapValue(0, 0.99), s.GridValue(0, 3));  // nearest grid value, clamped
  EXPECT_EQ(s.SnapValue(2, 1.49), 1.0);
  EXPECT_EQ(s.SnapValue(2, 99), 3.0);
}

TEST(SpaceEncoding, DecodeEncodeIsIdentityOnEveryGridValue) {
  Space s = Space::Create(
      {Discrete("a", 0.1, 1.0, 0.1), Integer("b", 1, 4), Discrete("c", 1, 1000, 3, Scale::kLog),
       Categorical("d", {"p", "q", "r"}), Discrete("e", -5, 5, 0.25)},
      {});
  ASSERT_EQ(s.encoded_dim(), 7);
  std::vector<double> base = {0.1, 1, 1, 0, -5};
  for (int i = 0; i < s.num_parameters(); ++i) {
    for (long long k = 0; k < s.GridSize(i); ++k) {
      std::vector<double> x = base;
      x[static_cast<std::size_t>(i)] = s.GridValue(i, k);
      EXPECT_EQ(s.Decode(s.Encode(x)), x) << "parameter " << i << " k " << k;
    }
  }
}

TEST(SpaceEncoding, ContinuousRoundTripAndLogScale) {
  Space s = Space::Create({Continuous("a", -3, 7), Continuous("t", 1, 100, Scale::kLog)}, {});
  Eigen::VectorXd u = s.Encode({2, 10});
  ExpectClose(u[0], 0.5, 1e-15);
  ExpectClose(u[1], 0.5, 1e-15);  // log10(10) is half way between log 1 and log 100
  for (double a : {-3.0, -1.234, 0.0, 6.99, 7.0}) {
    for (double t : {1.0, 2.5, 33.3, 100.0}) {
      std::vector<double> back = s.Decode(s.Encode({a, t}));
      ExpectClose(back[0], a, 1e-14, 1e-14);
      ExpectClose(back[1], t, 1e-14);
    }
  }
  // Decoding clips to the cube: outside values land on the bounds.
  Eigen::VectorXd outside(2);
  outside << -0.5, 1.5;
  EXPECT_EQ(s.Decode(outside), (std::vector<double>{-3, 100}));
}

TEST(SpaceEncoding, FacesOfTheCubeDecodeToTheBoundsExactly) {
  // exp(log(60)) rounds to 59.999999999999986 in IEEE doubles; the ends of [0,1] must decode to
  // the user's bounds bit for bit (the optimizer often ends on a face). Exact comparison intended.
  Space s = Space::Create({Continuous("hold_time", 1, 60, Scale::kLog),
                           Continuous("rate", 10, 100)},
                          {});
  Eigen::VectorXd top(2), bottom(2);
  top << 1.0, 1.0;
  bottom << 0.0, 0.0;
  EXPECT_EQ(s.Decode(top), (std::vector<double>{60.0, 100.0}));
  EXPECT_EQ(s.Decode(bottom), (std::vector<double>{1.0, 10.0}));
}

TEST(SpaceEncoding, CategoricalIsOneHotAndDecodesByArgmax) {
  Space s = Space::Create({Continuous("a", 0, 1), Categorical("gas", {"Ar", "vacuum", "N2"})}, {});
  EXPECT_EQ(s.encoded_dim(), 4);
  EXPECT_EQ(s.EncodedOffset(1), 1);
  Eigen::VectorXd u = s.Encode({0.25, 2});
  EXPECT_EQ(u[1], 0.0);
  EXPECT_EQ(u[2], 0.0);
  EXPECT_EQ(u[3], 1.0);
  Eigen::VectorXd relaxed(4);
  relaxed << 0.25, 0.2, 0.7, 0.1;
  EXPECT_EQ(s.Decode(relaxed)[1], 1.0);
  EXPECT_EQ(s.Format({0.25, 1}), "a = 0.25, gas = vacuum");
}

TEST(SpaceFeasibility, ConstraintsAreCheckedAfterSnapping) {
  Space s = Space::Create(
      {Discrete("max_temp", 500, 700, 10, Scale::kLinear), Continuous("hold_time", 1, 60)},
      {"max_temp - 20*hold_time <= 600"});
  // 604 snaps to 600, and 600 - 20*1 <= 600 holds; 696 snaps to 700: 700 - 20 = 680 > 600.
  EXPECT_TRUE(s.IsFeasible({604, 1}));
  EXPECT_FALSE(s.IsFeasible({696, 1}));
  EXPECT_TRUE(s.IsFeasible({696, 5}));  // 700 - 100 = 600 <= 600 (boundary included)
  EXPECT_FALSE(s.IsFeasible({std::nan(""), 5}));
  EXPECT_FALSE(s.IsFeasible({600}));
  ASSERT_EQ(s.ConstraintSlacks({650, 2}).size(), 1u);
  ExpectClose(s.ConstraintSlacks({650, 2})[0], 10.0, 1e-15);
  EXPECT_TRUE(s.constraints()[0].IsLinear());
}

TEST(SpaceJson, ParsesTheDesignSpecAndRoundTrips) {
  auto constraints = nlohmann::json::parse(R"(["max_temp - 20*hold_time <= 600"])");
  Space s = Space::FromJson(Ba122Parameters(), constraints);
  ASSERT_EQ(s.num_parameters(), 5);
  EXPECT_EQ(s.Index("hold_time"), 2);
  EXPECT_EQ(s.Index("hold"), -1);
  EXPECT_EQ(s.parameter(2).scale, Scale::kLog);
  EXPECT_EQ(s.parameter(1).kind, ParameterKind::kDiscrete);
  EXPECT_EQ(s.parameter(3).step, 1.0);
  EXPECT_EQ(s.encoded_dim(), 6);
  EXPECT_EQ(s.parameter(0).unit, "degC/min");
  Space again = Space::FromJson(s.ToJson()["parameters"], s.ToJson()["constraints"]);
  EXPECT_EQ(again.ToJson(), s.ToJson());
  EXPECT_EQ(s.FormatValue(1, 650), "650 degC");
}

TEST(SpaceJson, ReportsEveryIssueAtItsJsonPointer) {
  auto issues = IssuesOfJson(R"([
      {"name": "a", "type": "continuous", "low": 5, "high": 1},
      {"name": "a", "type": "discrete", "low": 0, "high": 1, "step": 0},
      {"name": "c", "type": "categorical", "choices": []},
      {"name": "d", "type": "continuos", "low": 0, "high": 1},
      {"name": "e", "type": "integer", "low": 0, "high": 3, "colour": "red"}
    ])",
                             R"(["a + zz <= 1", "a *"])");
  std::vector<std::pair<std::string, std::string>> got;
  for (const Issue& issue : issues) got.emplace_back(issue.path, issue.code);
  auto has = [&](const std::string& path, const std::string& code) {
    return std::find(got.begin(), got.end(), std::make_pair(path, code)) != got.end();
  };
  EXPECT_TRUE(has("/spec/parameters/0/high", "spec.bounds_order"));
  EXPECT_TRUE(has("/spec/parameters/1/name", "spec.duplicate_name"));
  EXPECT_TRUE(has("/spec/parameters/1/step", "spec.step"));
  EXPECT_TRUE(has("/spec/parameters/2/choices", "spec.empty_choices"));
  EXPECT_TRUE(has("/spec/parameters/3/type", "spec.choice"));
  EXPECT_TRUE(has("/spec/parameters/4/colour", "spec.unknown_key"));
  EXPECT_TRUE(has("/spec/constraints/0", "constraint.unknown_name"));
  EXPECT_TRUE(has("/spec/constraints/1", "constraint.syntax"));
  EXPECT_EQ(got.size(), 8u);
}

// A parameter whose fields do not read gets exactly the issue that says so: its placeholder bounds
// must not add a spurious second one (a log-scale parameter with a misspelt key once also got
// spec.log_bounds "needs low > 0, got 0" for bounds the user never wrote).
TEST(SpaceJson, AFieldThatDoesNotReadGivesOneIssueNotASpuriousSecond) {
  auto issues = IssuesOfJson(R"([
      {"name": "jc", "type": "continuous", "low": 1e3, "high": 1e6, "scale": "log",
       "units": "A/cm^2"},
      {"name": "t", "type": "discrete", "low": "10 degC/min", "high": 100, "step": 5,
       "scale": "log"}
    ])",
                             "null");
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "/spec/parameters/0/units");
  EXPECT_EQ(issues[0].code, "spec.unknown_key");
  EXPECT_EQ(issues[1].path, "/spec/parameters/1/low");
  EXPECT_EQ(issues[1].code, "spec.type");
}

TEST(SpaceErrors, EveryValidationCodeIsTriggered) {
  using V = std::vector<std::string>;
  EXPECT_EQ(CodesOf({Continuous("1abc", 0, 1)}), V{"spec.name"});
  EXPECT_EQ(CodesOf({Continuous("a", 0, 1), Continuous("a", 0, 1)}), V{"spec.duplicate_name"});
  EXPECT_EQ(CodesOf({Continuous("a", 1, 1)}), V{"spec.bounds_order"});
  EXPECT_EQ(CodesOf({Continuous("a", 0, INFINITY)}), V{"spec.not_finite"});
  EXPECT_EQ(CodesOf({Continuous("a", 0, 1, Scale::kLog)}), V{"spec.log_bounds"});
  EXPECT_EQ(CodesOf({Integer("a", 0.5, 3)}), V{"spec.integer_bounds"});
  EXPECT_EQ(CodesOf({Discrete("a", 0, 1, -0.1)}), V{"spec.step"});
  EXPECT_EQ(CodesOf({Discrete("a", 0, 1, 2)}), V{"spec.step"});
  EXPECT_EQ(CodesOf({Discrete("a", 0, 1, 1e-12)}), V{"spec.step"});
  EXPECT_EQ(CodesOf({Categorical("a", {})}), V{"spec.empty_choices"});
  EXPECT_EQ(CodesOf({Categorical("a", {"x", "x"})}), V{"spec.duplicate_choice"});
  Parameter log_categorical = Categorical("a", {"x"});
  log_categorical.scale = Scale::kLog;
  EXPECT_EQ(CodesOf({log_categorical}), V{"spec.scale"});
  EXPECT_EQ(CodesOf({Continuous("a", 0, 1), Categorical("g", {"x", "y"})}, {"a + g <= 1"}),
            V{"constraint.categorical"});
  EXPECT_EQ(CodesOf({Continuous("a", 0, 1)}, {"a +* 1 <= 2", "b <= 1"}),
            (V{"constraint.syntax", "constraint.unknown_name"}));
  try {
    Space::Create({Continuous("a", 0, 1)}, {}).Encode({1, 2});
    ADD_FAILURE() << "dimension mismatch accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "space.dimension");
  }
  auto type_issues = IssuesOfJson(R"({"a": 1})", R"("x <= 1")");
  ASSERT_EQ(type_issues.size(), 2u);
  EXPECT_EQ(type_issues[0].code, "spec.type");
  EXPECT_EQ(type_issues[0].path, "/spec/parameters");
  auto empty = IssuesOfJson("[]", "null");
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].code, "spec.empty");
}

}  // namespace
}  // namespace kyoso::space
