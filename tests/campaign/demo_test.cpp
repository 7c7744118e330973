// The demo campaign end to end on a real SQLite file: both loops ran through the use cases, every
// measurement is the simulated lab's value within its noise, and the demo is reproducible.
#include "kyoso/campaign/demo.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kyoso/campaign/virtual_lab.h"
#include "support/expect_close.h"
#include "temp_db.h"

namespace kyoso::campaign {
namespace {

using testing::TempDb;

TEST(RunDemo, RunsBothLoopsOnOneDatabaseWithSimulatedMeasurements) {
  TempDb tmp;
  auto db = tmp.Open();
  const DemoResult result = RunDemo(*db, {.rounds = 2, .engine_batch = 2, .seed = 9});
  // Researchers: 5 temperatures, then 3 hold times; engine: 2 batches of 2.
  ASSERT_EQ(result.steps.size(), 12u);
  const std::vector<store::Experiment> all = List(*db, result.campaign);
  ASSERT_EQ(all.size(), 12u);
  const VirtualSpsLab lab;
  int engine = 0;
  for (const store::Experiment& e : all) {
    EXPECT_EQ(e.status, store::Status::kDone);
    if (e.source == store::Source::kEngine) ++engine;
    const double truth =
        lab.TrueJc({e.params["heating_rate"].get<double>(), e.params["max_temp"].get<double>(),
                    e.params["hold_time"].get<double>()});
    // Noise is 3% (1 sigma): 5 sigma bounds the relative error of 12 draws comfortably.
    EXPECT_LE(std::fabs(e.results.at("jc").value - truth), 0.15 * truth + 1e-9) << e.id;
  }
  EXPECT_EQ(engine, 4);
  // Researchers' second-round proposals were made with a model available: they carry predictions.
  EXPECT_TRUE(all[6].prediction.contains("jc")) << all[6].prediction.dump();
  ASSERT_EQ(result.comparison.loops.size(), 2u);
  EXPECT_EQ(result.comparison.loops[0].label, "engine");
  EXPECT_EQ(result.comparison.loops[1].label, "researchers");
  EXPECT_EQ(result.comparison.num_measured, 12);
  // The demo's reference: the simulated lab's maximum lies on the ridge (~1.0e5 A/cm^2).
  EXPECT_GT(result.lab_max_jc, 9.5e4);
  EXPECT_LT(result.lab_max_jc, 1.05e5);
  // A second demo in the same database is refused, not mixed in.
  try {
    RunDemo(*db, {.rounds = 1});
    FAIL() << "expected store.duplicate_campaign";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "store.duplicate_campaign");
  }
}

TEST(RunDemo, SameSeedGivesTheSameCampaign) {
  TempDb tmp;
  std::vector<nlohmann::json> runs[2];
  for (int k = 0; k < 2; ++k) {
    auto db = tmp.Open("demo" + std::to_string(k) + ".db");
    for (const DemoStep& s : RunDemo(*db, {.rounds = 1, .engine_batch = 2, .seed = 4}).steps) {
      runs[k].push_back({s.params, s.jc});
    }
  }
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(RunDemo, RejectsBadOptions) {
  TempDb tmp;
  auto db = tmp.Open();
  EXPECT_THROW(RunDemo(*db, {.rounds = 0}), InputError);
  EXPECT_TRUE(db->ListCampaigns().empty());
}

}  // namespace
}  // namespace kyoso::campaign
