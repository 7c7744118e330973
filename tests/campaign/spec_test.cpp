// Campaign spec parsing (docs/spec.md): valid specs, every error at its JSON path, and the
// parameter conversions between the store's objects and the engine's raw vectors.
#include "kyoso/campaign/spec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kyoso/base/json_reader.h"
#include "kyoso/campaign/demo.h"
#include "support/expect_close.h"

namespace kyoso::campaign {
namespace {

using kyoso::testing::ExpectClose;

// The issue codes and paths of an InputError thrown by `fn`, as "path code" strings.
template <typename F>
std::vector<std::string> IssuesOf(F fn) {
  try {
    fn();
  } catch (const InputError& e) {
    std::vector<std::string> out;
    for (const Issue& issue : e.issues()) out.push_back(issue.path + " " + issue.code);
    return out;
  }
  return {"no error"};
}

nlohmann::json MixedSpec() {
  return ParseJson(R"({
    "name": "mixed",
    "parameters": [
      {"name": "heating_rate", "type": "continuous", "low": 10, "high": 100, "unit": "degC/min"},
      {"name": "max_temp", "type": "discrete", "low": 500, "high": 700, "step": 1, "unit": "degC"},
      {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "unit": "min",
       "scale": "log"},
      {"name": "milling_passes", "type": "integer", "low": 1, "high": 4},
      {"name": "atmosphere", "type": "categorical", "choices": ["Ar", "vacuum"]}
    ],
    "objectives": [{"name": "jc", "direction": "maximize", "unit": "A/cm^2"},
                   {"name": "density", "direction": "maximize"}],
    "constraints": ["max_temp - 20*hold_time <= 600"]
  })");
}

TEST(ParseSpec, ReadsTheDesignExampleWithAllParameterKinds) {
  const CampaignSpec spec = ParseSpec(MixedSpec());
  EXPECT_EQ(spec.name, "mixed");
  EXPECT_EQ(spec.space.num_parameters(), 5);
  ASSERT_EQ(spec.objectives.size(), 2u);
  EXPECT_EQ(spec.primary().name, "jc");
  EXPECT_EQ(spec.primary().unit, "A/cm^2");
  EXPECT_EQ(spec.objectives[1].direction, optimize::Direction::kMaximize);
  EXPECT_EQ(spec.ObjectiveIndex("density"), 1);
  EXPECT_EQ(spec.ObjectiveIndex("nope"), -1);
  EXPECT_TRUE(spec.Better(2.0, 1.0));
}

TEST(ParseSpec, TheBa122ExampleFileEqualsTheDemoSpec) {
  // examples/ba122/spec.json and the demo must describe the same campaign.
  const CampaignSpec from_file = ParseSpec(ParseJson(
      R"({"name": "ba122-sps",
          "description": "K-doped Ba122 bulk by spark-plasma sintering: maximize the critical current density",
          "parameters": [
            {"name": "heating_rate", "type": "continuous", "low": 10, "high": 100, "unit": "degC/min"},
            {"name": "max_temp", "type": "discrete", "low": 500, "high": 700, "step": 1, "unit": "degC"},
            {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "scale": "log", "unit": "min"}],
          "objectives": [{"name": "jc", "direction": "maximize", "unit": "A/cm^2"}]})"));
  const CampaignSpec demo = ParseSpec(Ba122Spec());
  EXPECT_EQ(from_file.space.ToJson(), demo.space.ToJson());
  EXPECT_EQ(from_file.description, demo.description);
  EXPECT_EQ(demo.space.GridSize(1), 201);  // 500..700 degC in 1 degC steps
}

TEST(ParseSpec, ReportsEveryProblemAtItsJsonPath) {
  nlohmann::json spec = MixedSpec();
  spec["name"] = "bad name!";
  spec["objectives"][0]["direction"] = "up";
  spec["objectives"][1]["name"] = "max_temp";  // clashes with a parameter
  spec["parameters"][0]["low"] = 200;          // low > high: the space module's issue
  spec["colour"] = "blue";
  const std::vector<std::string> issues = IssuesOf([&] { ParseSpec(spec); });
  const std::vector<std::string> expected = {
      "/name spec.name", "/parameters/0/high spec.bounds_order",
      "/objectives/0/direction spec.choice", "/objectives/1/name spec.duplicate_name",
      "/colour spec.unknown_key"};
  for (const std::string& e : expected) {
    EXPECT_NE(std::find(issues.begin(), issues.end(), e), issues.end()) << e;
  }
}

// A misspelt key names the key meant; a bound written with its unit says where the unit goes.
TEST(ParseSpec, MessagesSuggestTheIntendedKeyAndWhereTheUnitGoes) {
  const nlohmann::json spec = ParseJson(R"({
    "name": "sps", "descripton": "typo",
    "parameters": [
      {"name": "heating_rate", "type": "continuous", "low": "10 degC/min", "high": 100},
      {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "units": "min"}],
    "objectives": [{"name": "jc", "direction": "maximize", "scael": "log"}]})");
  std::vector<std::string> messages;
  try {
    ParseSpec(spec);
  } catch (const InputError& e) {
    for (const Issue& issue : e.issues()) messages.push_back(issue.path + ": " + issue.message);
  }
  std::string all;
  for (const std::string& m : messages) all += m + "\n";
  const auto has = [&](const std::string& text) {
    return std::find(messages.begin(), messages.end(), text) != messages.end();
  };
  EXPECT_TRUE(
      has("/parameters/0/low: expected a number, found string (write the number alone; "
          "the unit goes in \"unit\")"))
      << all;
  EXPECT_TRUE(has("/parameters/1/units: unknown key 'units'; did you mean 'unit'?")) << all;
  EXPECT_TRUE(has("/objectives/0/scael: unknown key 'scael'; did you mean 'scale'?")) << all;
  EXPECT_TRUE(has("/descripton: unknown key 'descripton'; did you mean 'description'?")) << all;
}

TEST(ParseSpec, RequiresParametersAndAtLeastOneObjective) {
  EXPECT_EQ(IssuesOf([] { ParseSpec(ParseJson(R"({"name": "x", "parameters": []})")); }),
            std::vector<std::string>({"/parameters spec.empty", "/objectives spec.missing"}));
  nlohmann::json spec = MixedSpec();
  spec["objectives"] = nlohmann::json::array();
  EXPECT_EQ(IssuesOf([&] { ParseSpec(spec); }),
            std::vector<std::string>({"/objectives spec.objectives"}));
}

TEST(ParamsToRaw, ConvertsChoicesAndRoundTripsThroughRawToParams) {
  const CampaignSpec spec = ParseSpec(MixedSpec());
  const nlohmann::json params = {{"heating_rate", 49.8},
                                 {"max_temp", 556},
                                 {"hold_time", 32.47},
                                 {"milling_passes", 2},
                                 {"atmosphere", "vacuum"}};
  const std::vector<double> raw = ParamsToRaw(spec, params);
  ASSERT_EQ(raw.size(), 5u);
  ExpectClose(raw[0], 49.8, 0, 0);
  ExpectClose(raw[4], 1.0, 0, 0);  // "vacuum" is choice 1
  const nlohmann::json back = RawToParams(spec, raw);
  EXPECT_EQ(back, params);
  EXPECT_TRUE(
      back["max_temp"].is_number_integer());  // discrete on an integral grid: 556, not 556.0
}

TEST(ParamsToRaw, NamesMissingUnknownMistypedAndUnknownChoice) {
  const CampaignSpec spec = ParseSpec(MixedSpec());
  const nlohmann::json params = {{"heating_rate", "fast"},
                                 {"max_temp", 556},
                                 {"milling_passes", 2},
                                 {"atmosphere", "air"},
                                 {"pressure", 50}};
  const std::vector<std::string> issues = IssuesOf([&] { ParamsToRaw(spec, params); });
  EXPECT_EQ(issues,
            std::vector<std::string>(
                {"/params/heating_rate params.type", "/params/hold_time params.missing",
                 "/params/atmosphere params.unknown_choice", "/params/pressure params.unknown"}));
}

// The messages a lab user acts on: a misspelt parameter or objective names the intended one, and
// a value typed with its unit says that the unit comes from the spec.
TEST(ParamsToRaw, MessagesSuggestTheIntendedNameAndTheUnit) {
  const CampaignSpec spec = ParseSpec(MixedSpec());
  const nlohmann::json params = {{"heating_rate", "50 degC/min"},
                                 {"max_temp", 556},
                                 {"hold_tim", 5},
                                 {"milling_passes", 2},
                                 {"atmosphere", "Ar"}};
  std::vector<std::string> messages;
  try {
    ParamsToRaw(spec, params);
  } catch (const InputError& e) {
    for (const Issue& issue : e.issues()) messages.push_back(issue.path + ": " + issue.message);
  }
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(
      messages[0],
      "/params/heating_rate: expected a number for 'heating_rate', found \"50 degC/min\" (give "
      "the number alone, in degC/min, the unit of the spec)");
  EXPECT_EQ(messages[1], "/params/hold_time: parameter 'hold_time' has no value");
  EXPECT_EQ(messages[2],
            "/params/hold_tim: 'hold_tim' is not a parameter of campaign 'mixed'; did you mean "
            "'hold_time'?");
  EXPECT_EQ(UnknownObjectiveMessage(spec, "Jc"),
            "'Jc' is not an objective of campaign 'mixed' (objectives: jc, density); did you mean "
            "'jc'?");
  EXPECT_EQ(UnknownObjectiveMessage(spec, "tc"),
            "'tc' is not an objective of campaign 'mixed' (objectives: jc, density)");
}

// Oracle: the Ba122 spec's order (heating_rate, max_temp, hold_time), which is not alphabetical;
// a key the spec does not name comes last, and a non-object prints as JSON.
TEST(ParamsText, ListsParametersInSpecOrderNotAlphabetically) {
  const CampaignSpec spec = ParseSpec(Ba122Spec());
  const nlohmann::json params = {{"hold_time", 5}, {"max_temp", 600}, {"heating_rate", 50.5}};
  EXPECT_EQ(ParamsText(spec, params), R"({"heating_rate":50.5,"max_temp":600,"hold_time":5})");
  nlohmann::json extra = params;
  extra["atmosphere"] = "Ar";
  EXPECT_EQ(ParamsText(spec, extra),
            R"({"heating_rate":50.5,"max_temp":600,"hold_time":5,"atmosphere":"Ar"})");
  EXPECT_EQ(ParamsText(spec, nlohmann::json::array({1, 2})), "[1,2]");
}

TEST(ClosestName, FindsTyposCaseSwapsAndUnitSuffixesButNotUnrelatedNames) {
  const std::vector<std::string> names = {"heating_rate", "max_temp", "hold_time", "jc"};
  EXPECT_EQ(ClosestName("max_tmp", names), "max_temp");           // one deletion
  EXPECT_EQ(ClosestName("hold_tiem", names), "hold_time");        // a swap of neighbours
  EXPECT_EQ(ClosestName("Heating_Rate", names), "heating_rate");  // case
  EXPECT_EQ(ClosestName("heating_rate (K/min)", names), "heating_rate");
  EXPECT_EQ(ClosestName("jc [A/cm^2]", names), "jc");
  EXPECT_EQ(ClosestName("JC", names), "jc");
  EXPECT_EQ(ClosestName("tc", names), "");        // two letters: only case may differ (not "jc")
  EXPECT_EQ(ClosestName("pressure", names), "");  // unrelated
  EXPECT_EQ(ClosestName("heating_rates", names), "heating_rate");
  EXPECT_EQ(ClosestName("jc_uncertainty", {"jc"}), "");  // an identifier continues: not a unit
}

TEST(CheckRaw, FlagsOutOfBoundsAndOffGridValues) {
  const CampaignSpec spec = ParseSpec(MixedSpec());
  IssueList issues;
  CheckRaw(spec, {5.0, 556.5, 10.0, 2.0, 0.0}, "/params", issues);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues.issues()[0].path, "/params/heating_rate");
  EXPECT_EQ(issues.issues()[0].code, "params.out_of_bounds");
  EXPECT_EQ(issues.issues()[1].path, "/params/max_temp");
  EXPECT_EQ(issues.issues()[1].code, "params.off_grid");
  IssueList none;
  CheckRaw(spec, {100.0, 700.0, 1.0, 4.0, 1.0}, "/params", none);  // bounds are inclusive
  EXPECT_TRUE(none.empty());
}

TEST(ParseAssignment, ReadsNumbersAndNamesButNeverEvaluatesText) {
  EXPECT_EQ(ParseAssignment("max_temp=556", "--set").second, nlohmann::json(556.0));
  EXPECT_EQ(ParseAssignment("jc=1.2e4", "--set").second, nlohmann::json(1.2e4));
  EXPECT_EQ(ParseAssignment("atmosphere=Ar", "--set").second, nlohmann::json("Ar"));
  EXPECT_EQ(ParseAssignment("t=500+50", "--set").second, nlohmann::json("500+50"));
  EXPECT_THROW(ParseAssignment("max_temp", "--set"), InputError);
  EXPECT_THROW(ParseAssignment("=5", "--set"), InputError);
}

TEST(ObjectiveScale, ParsesLogAndRejectsUnknownScales) {
  nlohmann::json spec = MixedSpec();
  spec["objectives"][0]["scale"] = "log";
  const CampaignSpec parsed = ParseSpec(spec);
  EXPECT_EQ(parsed.primary().scale, ObjectiveScale::kLog);
  EXPECT_EQ(parsed.objectives[1].scale, ObjectiveScale::kLinear);  // the default
  spec["objectives"][1]["scale"] = "log10";
  EXPECT_EQ(IssuesOf([&] { ParseSpec(spec); }),
            std::vector<std::string>{"/objectives/1/scale spec.choice"});
}

TEST(ObjectiveNoise, ParsesNoneAndRejectsUnknownWords) {
  nlohmann::json spec = MixedSpec();
  spec["objectives"][0]["noise"] = "none";
  const CampaignSpec parsed = ParseSpec(spec);
  EXPECT_TRUE(parsed.primary().noiseless);
  EXPECT_FALSE(parsed.objectives[1].noiseless);  // the default: learned
  EXPECT_TRUE(ModelOptions(parsed, 0).noiseless);
  EXPECT_FALSE(ModelOptions(parsed, 1).noiseless);
  EXPECT_EQ(ModelOptions(parsed, 1).direction, parsed.objectives[1].direction);
  spec["objectives"][1]["noise"] = "zero";
  EXPECT_EQ(IssuesOf([&] { ParseSpec(spec); }),
            std::vector<std::string>{"/objectives/1/noise spec.choice"});
}

TEST(ObjectiveWarp, DefaultsToYeoJohnsonParsesNoneAndRejectsUnknownWords) {
  nlohmann::json spec = MixedSpec();
  spec["objectives"][0]["warp"] = "none";
  const CampaignSpec parsed = ParseSpec(spec);
  EXPECT_EQ(parsed.primary().warp, optimize::OutputWarping::kNone);
  EXPECT_EQ(parsed.objectives[1].warp, optimize::OutputWarping::kYeoJohnson);  // the default
  EXPECT_EQ(ModelOptions(parsed, 0).output_warping, optimize::OutputWarping::kNone);
  EXPECT_EQ(ModelOptions(parsed, 1).output_warping, optimize::OutputWarping::kYeoJohnson);
  spec["objectives"][1]["warp"] = "box_cox";
  EXPECT_EQ(IssuesOf([&] { ParseSpec(spec); }),
            std::vector<std::string>{"/objectives/1/warp spec.choice"});
}

TEST(ObjectiveScale, LogModelsTheNaturalLogarithmWithAFloorForNonPositiveValues) {
  Objective linear;
  Objective log_scale;
  log_scale.scale = ObjectiveScale::kLog;
  const std::vector<double> values = {2e4, 1e5, 0.0, -3.0, 5e3};
  EXPECT_EQ(ToModelScale(linear, values), values);
  int floored = -1;
  const std::vector<double> model = ToModelScale(log_scale, values, &floored);
  ASSERT_EQ(model.size(), values.size());
  // Oracle: ln of each value; 0 and -3 sit at one tenth of the smallest positive value (5e3).
  ExpectClose(model[0], std::log(2e4), 1e-15, 0);
  ExpectClose(model[1], std::log(1e5), 1e-15, 0);
  ExpectClose(model[2], std::log(500.0), 1e-15, 0);
  ExpectClose(model[3], std::log(500.0), 1e-15, 0);
  ExpectClose(model[4], std::log(5e3), 1e-15, 0);
  EXPECT_EQ(floored, 2);
  // No positive value at all: no information, every entry 0.
  EXPECT_EQ(ToModelScale(log_scale, {0.0, -1.0}, &floored), (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(floored, 2);
}

TEST(ObjectiveScale, LogPredictionCarriesTheMedianAndTheTwoSigmaBand) {
  Objective log_scale;
  log_scale.scale = ObjectiveScale::kLog;
  const nlohmann::json p = PredictionValueJson(log_scale, std::log(1e4), 0.5);
  EXPECT_EQ(p["scale"], "log");
  // Oracle: median exp(mean) = 1e4; band 1e4 * exp(-+1).
  ExpectClose(p["median"].get<double>(), 1e4, 1e-12, 0);
  ExpectClose(p["lower"].get<double>(), 1e4 / std::exp(1.0), 1e-12, 0);
  ExpectClose(p["upper"].get<double>(), 1e4 * std::exp(1.0), 1e-12, 0);
  const nlohmann::json q = PredictionValueJson(Objective{}, 3.0, 0.5);
  EXPECT_FALSE(q.contains("scale"));
  ExpectClose(q["mean"].get<double>(), 3.0, 0, 0);
}

}  // namespace
}  // namespace kyoso::campaign
