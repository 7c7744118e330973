// Fault injection over every write path of the store (SQLite's own testing habit, STYLE.md
// "Nothing lost"): for k = 1, 2, ... the k-th write step (INSERT/UPDATE/COMMIT) of the operation
// fails; each time the store must throw a clean kyoso::Error, the database must pass its integrity
// check and hold exactly what it held before. The first k past the operation's last step lets it
// succeed, which must change the database. The paths run in order on one database (each success
// is the next path's starting state). Run on both backends like sql_store_test.cpp.
#include "store_test_support.h"

#ifndef KYOSO_STORE_TEST_BACKEND
#define KYOSO_STORE_TEST_BACKEND "sqlite"
#endif

namespace kyoso::store {
namespace {

using nlohmann::json;

NewExperiment Proposal(double max_temp) {
  NewExperiment experiment;
  experiment.params = {{"max_temp", max_temp}};
  experiment.proposer = "ana";
  return experiment;
}

struct WritePath {
  std::string name;
  std::function<void(Store&)> operation;
  int num_steps;  // write steps of the operation: rows written + counters + commit
};

class FaultInjection : public ::testing::TestWithParam<std::string> {
 protected:
  // Base state: campaign 1 with experiments 1 (proposed), 2 (running), 3 (done, jc = 1e4).
  void SetUp() override {
    database_ = std::make_unique<testing::FreshDatabase>(GetParam());
    auto store = OpenStore(database_->location());
    campaign_ =
        store->CreateCampaign({.name = "c", .spec = json::object(), .created_by = "ana"}).id;
    store->InsertExperiments(campaign_, {Proposal(550), Proposal(600), Proposal(650)}, "ana");
    store->Start(campaign_, 2, "ana");
    store->RecordResults(campaign_, 3, {{"jc", {.value = 1e4}}}, "ana");
  }

  // Fails each write step of `path` in turn; returns the number of steps it has.
  int FailEachStepInTurn(const WritePath& path) {
    auto observer = OpenStore(database_->location());
    const testing::Snapshot before = testing::TakeSnapshot(*observer);
    for (int step = 1; step < 100; ++step) {
      auto faulty = OpenStore(database_->location(), {.fail_at_write_step = step});
      try {
        path.operation(*faulty);
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), "store.injected_fault") << path.name << " step " << step;
        if (database_->is_sqlite()) {
          EXPECT_EQ(testing::SqliteIntegrity(database_->location()), "ok") << path.name;
        }
        EXPECT_EQ(testing::TakeSnapshot(*observer), before)
            << path.name << ": failing write step " << step << " left a trace";
        continue;
      }
      EXPECT_NE(testing::TakeSnapshot(*observer), before) << path.name << " changed nothing";
      return step - 1;
    }
    ADD_FAILURE() << path.name << " never succeeded";
    return 0;
  }

  std::unique_ptr<testing::FreshDatabase> database_;
  CampaignId campaign_ = 0;
};

TEST_P(FaultInjection, EveryWriteStepOfEveryOperationRollsBackCleanly) {
  const CampaignId c = campaign_;
  const std::vector<WritePath> paths = {
      // create: campaign row, history, counters, commit
      {"CreateCampaign",
       [](Store& s) { s.CreateCampaign({.name = "d", .spec = json::object(), .created_by = "a"}); },
       4},
      // insert 3: 3 x (row, history), counters, commit
      {"InsertExperiments",
       [c](Store& s) {
         s.InsertExperiments(c, {Proposal(1), Proposal(2), Proposal(3)}, "ana",
                             {.new_batch = true});
       },
       8},
      {"Start", [c](Store& s) { s.Start(c, 1, "bo"); }, 4},
      // 2 results + status entry, experiment row, counters, commit
      {"RecordResults",
       [c](Store& s) {
         s.RecordResults(c, 2, {{"jc", {.value = 2e4}}, {"rho", {.value = 3}}}, "bo");
       },
       6},
      {"Correct", [c](Store& s) { s.Correct(c, 3, "jc", {.value = 1.1e4}, "bo", "typo"); }, 4},
      {"Fail", [c](Store& s) { s.Fail(c, 1, "bo", "die cracked"); }, 4},  // running since Start
      {"Withdraw", [c](Store& s) { s.Withdraw(c, 4, "bo", "duplicate"); }, 4},  // inserted above
      // retraction of the done experiment 3: status entry, row, counters, commit
      {"Retract", [c](Store& s) { s.Fail(c, 3, "bo", "thermocouple 40 K off"); }, 4},
      {"SetPrediction",
       [c](Store& s) {
         s.SetPrediction(c, 1, {{"jc", 1}}, "engine");
       },
       4},
      // suggest's shape: a batch and its predictions in one transaction
      {"Transaction",
       [c](Store& s) {
         s.Transaction([c](Store& tx) {
           const auto ids = tx.InsertExperiments(c, {Proposal(5), Proposal(6)}, "engine").ids;
           for (ExperimentId id : ids) tx.SetPrediction(c, id, {{"jc", id}}, "engine");
         });
       },
       12},
  };
  for (const WritePath& path : paths) {
    EXPECT_EQ(FailEachStepInTurn(path), path.num_steps) << path.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Backend, FaultInjection, ::testing::Values(KYOSO_STORE_TEST_BACKEND));

}  // namespace
}  // namespace kyoso::store
