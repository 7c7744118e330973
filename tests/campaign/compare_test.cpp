// Loop analytics on a hand-built dataset whose numbers are worked out in the comments (compare.h
// gives the definitions).
#include "kyoso/campaign/compare.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kyoso/campaign/demo.h"
#include "support/expect_close.h"

namespace kyoso::campaign {
namespace {

using kyoso::testing::ExpectClose;

store::Experiment Make(store::ExperimentId id, store::Source source, std::string proposer,
                       store::Status status, std::optional<double> value = {}, int second = 0,
                       std::optional<std::pair<double, double>> prediction = {}) {
  store::Experiment e;
  e.id = id;
  e.source = source;
  e.proposer = std::move(proposer);
  e.status = status;
  e.params = {{"heating_rate", 50}, {"max_temp", 600}, {"hold_time", 5}};
  if (value) {
    store::Measurement m;
    m.value = *value;
    m.at = "2026-01-01T00:00:0" + std::to_string(second) + ".000Z";
    e.results["jc"] = m;
  }
  if (prediction) {
    e.prediction = {{"jc", {{"mean", prediction->first}, {"stddev", prediction->second}}}};
  }
  return e;
}

// Measured in time order (second): #9 import 5 (s0), #1 alice 10 (s1), #2 engine 30 (s2),
// #3 alice 20 (s3), #4 engine 25 (s4), #5 bob 40 (s5), #8 alice 35 (s6). Incumbent improvements:
// #9, #1, #2, #5. z-scores: #2 (30-25)/5 = 1, #3 (20-30)/5 = -2, #4 (25-35)/10 = -1,
// #5 (40-30)/10 = 1.
std::vector<store::Experiment> Dataset() {
  using store::Source;
  using store::Status;
  return {Make(1, Source::kResearcher, "alice", Status::kDone, 10, 1),
          Make(2, Source::kEngine, kEngineName, Status::kDone, 30, 2, {{25, 5}}),
          Make(3, Source::kResearcher, "alice", Status::kDone, 20, 3, {{30, 5}}),
          Make(4, Source::kEngine, kEngineName, Status::kDone, 25, 4, {{35, 10}}),
          Make(5, Source::kResearcher, "bob", Status::kDone, 40, 5, {{30, 10}}),
          Make(6, Source::kEngine, kEngineName, Status::kFailed),
          Make(7, Source::kEngine, kEngineName, Status::kProposed, {}, 0, {{33, 4}}),
          Make(8, Source::kResearcher, "alice", Status::kDone, 35, 6),
          Make(9, Source::kImport, "notebook", Status::kDone, 5, 0)};
}

TEST(Compare, CountsBestsImprovementsAndCalibrationPerLoop) {
  const Comparison c = Compare(ParseSpec(Ba122Spec()), Dataset());
  EXPECT_EQ(c.objective, "jc");
  EXPECT_EQ(c.num_measured, 7);
  ExpectClose(*c.best, 40, 0, 0);
  EXPECT_EQ(*c.best_id, 5);
  ASSERT_EQ(c.loops.size(), 4u);
  const LoopStats& engine = c.loops[0];
  const LoopStats& alice = c.loops[1];
  const LoopStats& bob = c.loops[2];
  const LoopStats& notebook = c.loops[3];
  EXPECT_EQ(engine.label, "engine");
  EXPECT_EQ(alice.label, "alice");
  EXPECT_EQ(bob.label, "bob");
  EXPECT_EQ(notebook.label, "notebook");
  EXPECT_EQ(notebook.source, store::Source::kImport);

  EXPECT_EQ(engine.num_experiments, 4);
  EXPECT_EQ(engine.num_measured, 2);
  EXPECT_EQ(engine.num_failed, 1);
  EXPECT_EQ(engine.num_pending, 1);
  ExpectClose(*engine.best, 30, 0, 0);
  EXPECT_EQ(*engine.best_id, 2);
  EXPECT_EQ(engine.best_n, 1);
  EXPECT_EQ(engine.best_campaign_n, 3);
  EXPECT_EQ(engine.best_at, "2026-01-01T00:00:02.000Z");
  EXPECT_EQ(engine.num_improved, 1);
  ExpectClose(engine.improved_share, 0.5, 1e-15);
  ASSERT_EQ(engine.curve.size(), 2u);
  EXPECT_EQ(engine.curve[1].id, 4);
  EXPECT_EQ(engine.curve[1].campaign_n, 5);
  ExpectClose(engine.curve[1].value, 25, 0, 0);
  ExpectClose(engine.curve[1].best, 30, 0, 0);
  // z = +1 and -1: mean 0, rms 1, both within 2 sd.
  EXPECT_EQ(engine.calibration.count, 2);
  ExpectClose(engine.calibration.mean_z, 0, 0, 1e-15);
  ExpectClose(engine.calibration.rms_z, 1, 1e-15);
  ExpectClose(engine.calibration.within_2sd, 1, 1e-15);

  EXPECT_EQ(alice.num_measured, 3);
  ExpectClose(*alice.best, 35, 0, 0);
  EXPECT_EQ(alice.best_n, 3);
  EXPECT_EQ(alice.best_campaign_n, 7);
  EXPECT_EQ(alice.num_improved, 1);  // #1 only: #3 and #8 never beat the campaign incumbent
  ExpectClose(alice.improved_share, 1.0 / 3.0, 1e-15);
  EXPECT_EQ(alice.calibration.count, 1);
  ExpectClose(alice.calibration.mean_z, -2, 1e-15);
  ExpectClose(alice.calibration.rms_z, 2, 1e-15);

  EXPECT_EQ(bob.best_campaign_n, 6);
  ExpectClose(bob.improved_share, 1, 1e-15);
  EXPECT_EQ(notebook.best_campaign_n, 1);  // the earliest measurement sets the incumbent
  EXPECT_EQ(notebook.num_improved, 1);
}

TEST(Compare, MinimizingFlipsWhatCountsAsBetter) {
  nlohmann::json spec = Ba122Spec();
  spec["objectives"][0]["direction"] = "minimize";
  const Comparison c = Compare(ParseSpec(spec), Dataset());
  ExpectClose(*c.best, 5, 0, 0);
  EXPECT_EQ(*c.best_id, 9);
  // Only the first measurement (#9, 5) improves: nothing later is lower.
  for (const LoopStats& loop : c.loops) {
    EXPECT_EQ(loop.num_improved, loop.label == "notebook" ? 1 : 0) << loop.label;
  }
  EXPECT_THROW(Compare(ParseSpec(spec), Dataset(), "tc"), InputError);
}

TEST(Compare, LogScalePredictionsAreComparedOnTheLogOfTheMeasurement) {
  // Two engine experiments predicted on ln scale: #1 measured e^2 with ln-prediction (1, 0.5):
  // z = (2 - 1)/0.5 = 2; #2 measured e^0 = 1 with (1, 1): z = -1. #3 measured 0 has no ln: skipped.
  std::vector<store::Experiment> data = {
      Make(1, store::Source::kEngine, kEngineName, store::Status::kDone, std::exp(2.0), 1),
      Make(2, store::Source::kEngine, kEngineName, store::Status::kDone, 1.0, 2),
      Make(3, store::Source::kEngine, kEngineName, store::Status::kDone, 0.0, 3)};
  const std::vector<std::pair<double, double>> ln_predictions = {{1, 0.5}, {1, 1}, {0, 1}};
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i].prediction = {{"jc",
                           {{"mean", ln_predictions[i].first},
                            {"stddev", ln_predictions[i].second},
                            {"scale", "log"}}}};
  }
  const Comparison c = Compare(ParseSpec(Ba122Spec()), data);
  ASSERT_EQ(c.loops.size(), 1u);
  const Calibration& cal = c.loops[0].calibration;
  EXPECT_EQ(cal.count, 2);
  ExpectClose(cal.mean_z, 0.5, 1e-12, 0);                        // (2 - 1) / 2
  ExpectClose(cal.rms_z, std::sqrt((4.0 + 1.0) / 2), 1e-12, 0);  // sqrt(mean z^2)
}

TEST(Compare, JsonCarriesTheStableFieldNames) {
  const nlohmann::json j = ToJson(Compare(ParseSpec(Ba122Spec()), Dataset()));
  EXPECT_EQ(j["best_id"], 5);
  EXPECT_EQ(j["loops"][0]["label"], "engine");
  EXPECT_EQ(j["loops"][0]["curve"].size(), 2u);
  EXPECT_EQ(j["loops"][0]["calibration"]["count"], 2);
  EXPECT_EQ(j["loops"][1]["best_campaign_n"], 7);
}

}  // namespace
}  // namespace kyoso::campaign
