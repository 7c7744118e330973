// The Store contract (store.h, records.h), run against one backend: compiled into store_test with
// KYOSO_STORE_TEST_BACKEND="sqlite" and into store_postgres_test with "postgresql", so both
// backends are held to the same assertions. Oracles: the state machine table of records.h, the
// documented history actions, and exact equality of what was written and what is read back
// (doubles inside JSON must round-trip bit for bit).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "store_test_support.h"

#ifndef KYOSO_STORE_TEST_BACKEND
#define KYOSO_STORE_TEST_BACKEND "sqlite"
#endif

namespace kyoso::store {
namespace {

using nlohmann::json;
using testing::ExpectErrorCode;
using testing::FreshDatabase;

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<FreshDatabase>(GetParam());
    store_ = OpenStore(database_->location());
    campaign_ = store_->CreateCampaign({.name = "ba122-sps", .spec = Spec(), .created_by = "ana"});
  }

  static json Spec() {
    return {{"name", "ba122-sps"},
            {"parameters", json::array({{{"name", "max_temp"}, {"type", "continuous"}}})},
            {"objectives", json::array({{{"name", "jc"}, {"direction", "maximize"}}})}};
  }

  static NewExperiment Proposal(double max_temp, Source source = Source::kResearcher,
                                const std::string& proposer = "ana") {
    NewExperiment experiment;
    experiment.params = {{"max_temp", max_temp}, {"atmosphere", "Ar"}};
    experiment.source = source;
    experiment.proposer = proposer;
    experiment.rationale = "coarse 50 degC step";
    return experiment;
  }

  ExperimentId InsertOne(double max_temp = 600) {
    return store_->InsertExperiments(campaign_.id, {Proposal(max_temp)}, "ana").ids.at(0);
  }

  // An experiment brought into `status` through the store's own operations.
  ExperimentId InState(Status status) {
    const ExperimentId id = InsertOne();
    switch (status) {
      case Status::kProposed:
        break;
      case Status::kRunning:
        store_->Start(campaign_.id, id, "ana");
        break;
      case Status::kDone:
        store_->RecordResults(campaign_.id, id, {{"jc", {.value = 1e4}}}, "ana");
        break;
      case Status::kFailed:
        store_->Fail(campaign_.id, id, "ana", "die cracked");
        break;
      case Status::kWithdrawn:
        store_->Withdraw(campaign_.id, id, "ana", "duplicate of #1");
        break;
    }
    return id;
  }

  std::unique_ptr<FreshDatabase> database_;
  std::unique_ptr<Store> store_;
  CampaignRecord campaign_;
};

TEST_P(StoreContract, OpensTheBackendNamedByTheLocation) {
  EXPECT_EQ(store_->Backend(), GetParam());
}

TEST_P(StoreContract, CreatedCampaignReadsBackIdenticallyByIdNameAndList) {
  EXPECT_GE(campaign_.id, 1);
  EXPECT_EQ(campaign_.spec, Spec());
  EXPECT_EQ(store_->GetCampaign(campaign_.id), campaign_);
  EXPECT_EQ(store_->FindCampaign("ba122-sps"), campaign_);
  EXPECT_EQ(store_->FindCampaign("nope"), std::nullopt);
  const CampaignRecord other =
      store_->CreateCampaign({.name = "other", .spec = json::object(), .created_by = "bo"});
  EXPECT_EQ(store_->ListCampaigns(), (std::vector<CampaignRecord>{campaign_, other}));
  const auto events = store_->Events(campaign_.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[0].action, "create_campaign");
  EXPECT_EQ(events[0].experiment_id, std::nullopt);
  EXPECT_EQ(events[0].new_value["spec"], Spec());
}

TEST_P(StoreContract, DuplicateCampaignNameIsRefused) {
  ExpectErrorCode("store.duplicate_campaign", [&] {
    store_->CreateCampaign({.name = "ba122-sps", .spec = json::object(), .created_by = "bo"});
  });
  EXPECT_EQ(store_->ListCampaigns().size(), 1u);
}

// Two creators of one name at once: exactly one campaign, and the loser gets the domain error,
// whether it saw the winner's row before inserting or collided on the UNIQUE index (PostgreSQL).
TEST_P(StoreContract, ConcurrentCreationOfOneNameYieldsOneCampaign) {
  auto other = OpenStore(database_->location(), {.busy_timeout_ms = 20000});
  std::string loser_code = "none";
  std::thread loser;
  store_->Transaction([&](Store& tx) {
    tx.CreateCampaign({.name = "race", .spec = json::object(), .created_by = "ana"});
    loser = std::thread([&] {
      try {
        other->CreateCampaign({.name = "race", .spec = json::object(), .created_by = "bo"});
      } catch (const Error& error) {
        loser_code = error.code();
      }
    });
    // Give the other writer time to block on our lock before we commit.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  });
  loser.join();
  EXPECT_EQ(loser_code, "store.duplicate_campaign");
  EXPECT_EQ(store_->FindCampaign("race")->created_by, "ana");
}

TEST_P(StoreContract, ReopeningKeepsTheSchemaVersionAndData) {
  InsertOne();
  const testing::Snapshot before = testing::TakeSnapshot(*store_);
  auto again = OpenStore(database_->location());
  EXPECT_EQ(again->SchemaVersion(), store_->SchemaVersion());
  EXPECT_EQ(testing::TakeSnapshot(*again), before);
}

TEST_P(StoreContract, DatabaseFromANewerKyosoIsRefused) {
  if (database_->is_sqlite()) {
    store_.reset();
    testing::SqliteExec(database_->location(), "PRAGMA user_version = 99");
  } else {
    pqxx::connection connection(database_->location());
    pqxx::nontransaction session(connection);
    session.exec("UPDATE kyoso_schema SET version = 99");
  }
  ExpectErrorCode("store.schema_too_new", [&] { OpenStore(database_->location()); });
}

TEST_P(StoreContract, UnknownCampaignAndExperimentAreNamed) {
  ExpectErrorCode("store.campaign_not_found", [&] { store_->GetCampaign(99); });
  ExpectErrorCode("store.campaign_not_found",
                  [&] { store_->InsertExperiments(99, {Proposal(600)}, "ana"); });
  ExpectErrorCode("store.campaign_not_found", [&] { store_->Events(99); });
  ExpectErrorCode("store.campaign_not_found", [&] { store_->ListExperiments(99); });
  ExpectErrorCode("store.campaign_not_found", [&] { store_->GetExperiment(99, 1); });
  ExpectErrorCode("store.experiment_not_found", [&] { store_->GetExperiment(campaign_.id, 1); });
  ExpectErrorCode("store.experiment_not_found", [&] { store_->Start(campaign_.id, 7, "ana"); });
  ExpectErrorCode("store.experiment_not_found",
                  [&] { store_->ExperimentHistory(campaign_.id, 7); });
}

TEST_P(StoreContract, BatchInsertReturnsContiguousIdsAndStoresEveryFieldExactly) {
  NewExperiment engine = Proposal(556, Source::kEngine, "kyoso-engine");
  // Doubles that a decimal printer with 15 digits would change: they must come back bit-exact.
  engine.params["heating_rate"] = 0.1 + 0.2;
  engine.prediction = {{"jc", {{"mean", 1.0 / 3.0}, {"stddev", 1e-300}}}, {"acquisition", 2.5}};
  engine.flags = {"violates_constraint"};
  const InsertResult first = store_->InsertExperiments(
      campaign_.id, {engine, Proposal(600), Proposal(650)}, "kyoso-engine", {.new_batch = true});
  EXPECT_EQ(first.ids, (std::vector<ExperimentId>{1, 2, 3}));
  EXPECT_EQ(first.batch_id, 1);
  const InsertResult second =
      store_->InsertExperiments(campaign_.id, {Proposal(700)}, "ana", {.new_batch = true});
  EXPECT_EQ(second.ids, (std::vector<ExperimentId>{4}));
  EXPECT_EQ(second.batch_id, 2);

  const Experiment stored = store_->GetExperiment(campaign_.id, 1);
  EXPECT_EQ(stored.params, engine.params);
  EXPECT_EQ(stored.params["heating_rate"].get<double>(), 0.1 + 0.2);  // bit-exact on purpose
  EXPECT_EQ(stored.prediction, engine.prediction);
  EXPECT_EQ(stored.prediction["jc"]["mean"].get<double>(), 1.0 / 3.0);
  EXPECT_EQ(stored.source, Source::kEngine);
  EXPECT_EQ(stored.proposer, "kyoso-engine");
  EXPECT_EQ(stored.rationale, "coarse 50 degC step");
  EXPECT_EQ(stored.status, Status::kProposed);
  EXPECT_EQ(stored.batch_id, 1);
  EXPECT_EQ(stored.flags, engine.flags);
  EXPECT_EQ(stored.created_at, stored.updated_at);
  const auto history = store_->ExperimentHistory(campaign_.id, 1);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].action, "insert");
  EXPECT_EQ(history[0].new_value, ToJson(stored));
}

TEST_P(StoreContract, ExperimentIdsArePerCampaign) {
  const CampaignRecord other =
      store_->CreateCampaign({.name = "other", .spec = json::object(), .created_by = "bo"});
  EXPECT_EQ(InsertOne(), 1);
  EXPECT_EQ(store_->InsertExperiments(other.id, {Proposal(1)}, "bo").ids.at(0), 1);
  EXPECT_EQ(InsertOne(), 2);
  EXPECT_EQ(store_->GetExperiment(other.id, 1).params["max_temp"], 1.0);
}

TEST_P(StoreContract, ExplicitBatchIdsKeepFreshBatchesFresh) {
  NewExperiment imported = Proposal(600, Source::kImport);
  imported.batch_id = 5;
  store_->InsertExperiments(campaign_.id, {imported}, "ana");
  EXPECT_EQ(
      store_->InsertExperiments(campaign_.id, {Proposal(1)}, "ana", {.new_batch = true}).batch_id,
      6);
}

TEST_P(StoreContract, StatusChangesWriteOldAndNewValuesToHistory) {
  const ExperimentId id = InsertOne();
  const Experiment running = store_->Start(campaign_.id, id, "bo");
  EXPECT_EQ(running.status, Status::kRunning);
  const Experiment failed = store_->Fail(campaign_.id, id, "bo", "die cracked at 650 degC");
  EXPECT_EQ(failed.status, Status::kFailed);
  EXPECT_EQ(failed.reason, "die cracked at 650 degC");
  EXPECT_EQ(store_->GetExperiment(campaign_.id, id), failed);
  const auto history = store_->ExperimentHistory(campaign_.id, id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1].action, "status");
  EXPECT_EQ(history[1].who, "bo");
  EXPECT_EQ(history[1].old_value, "proposed");
  EXPECT_EQ(history[1].new_value, "running");
  EXPECT_EQ(history[2].old_value, "running");
  EXPECT_EQ(history[2].new_value, "failed");
  EXPECT_EQ(history[2].reason, "die cracked at 650 degC");
}

TEST_P(StoreContract, ResultsMoveToDoneAndStampWhoAndWhen) {
  const ExperimentId id = InsertOne();
  const Experiment done = store_->RecordResults(
      campaign_.id, id, {{"jc", {.value = 1.2e4, .uncertainty = 150.0}}}, "bo");
  EXPECT_EQ(done.status, Status::kDone);
  const Measurement& jc = done.results.at("jc");
  EXPECT_EQ(jc.value, 1.2e4);
  EXPECT_EQ(jc.uncertainty, 150.0);
  EXPECT_EQ(jc.by, "bo");
  EXPECT_EQ(jc.at, done.updated_at);
  const auto history = store_->ExperimentHistory(campaign_.id, id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1].action, "result");
  EXPECT_EQ(history[1].field, "results/jc");
  EXPECT_EQ(history[1].old_value, nullptr);
  EXPECT_EQ(history[1].new_value, ToJson(jc));
  EXPECT_EQ(history[2].new_value, "done");
  // A second objective on a done experiment is not a transition.
  const Experiment both =
      store_->RecordResults(campaign_.id, id, {{"density", {.value = 0.97, .by = "cy"}}}, "bo");
  EXPECT_EQ(both.results.at("density").by, "cy");
  EXPECT_EQ(both.results.at("jc"), jc);
  ExpectErrorCode("store.already_measured", [&] {
    store_->RecordResults(campaign_.id, id, {{"jc", {.value = 1}}}, "bo");
  });
}

TEST_P(StoreContract, CorrectionKeepsThePreviousMeasurementInHistory) {
  const ExperimentId id = InState(Status::kDone);
  const Measurement before = store_->GetExperiment(campaign_.id, id).results.at("jc");
  ExpectErrorCode("store.reason_required",
                  [&] { store_->Correct(campaign_.id, id, "jc", {.value = 2e4}, "bo", "  "); });
  ExpectErrorCode("store.not_measured", [&] {
    store_->Correct(campaign_.id, id, "density", {.value = 1}, "bo", "typo");
  });
  const Experiment corrected =
      store_->Correct(campaign_.id, id, "jc", {.value = 2e4}, "bo", "unit typo: kA vs A");
  EXPECT_EQ(corrected.results.at("jc").value, 2e4);
  EXPECT_EQ(corrected.status, Status::kDone);
  const HistoryEntry last = store_->ExperimentHistory(campaign_.id, id).back();
  EXPECT_EQ(last.action, "correct");
  EXPECT_EQ(last.field, "results/jc");
  EXPECT_EQ(last.old_value, ToJson(before));
  EXPECT_EQ(last.new_value, ToJson(corrected.results.at("jc")));
  EXPECT_EQ(last.reason, "unit typo: kA vs A");
}

// A retraction (done -> failed) deletes and overwrites nothing: the measurement stays on the
// record and every earlier history entry is unchanged; one status entry done -> failed with who
// and the reason is appended. Afterwards the experiment is terminal: failing it again, correcting
// it or adding a measurement is refused with store.bad_transition and changes nothing.
TEST_P(StoreContract, RetractingADoneExperimentKeepsItsResultsAndHistory) {
  const ExperimentId id = InState(Status::kDone);
  const Experiment done = store_->GetExperiment(campaign_.id, id);
  const std::vector<HistoryEntry> before = store_->ExperimentHistory(campaign_.id, id);
  ExpectErrorCode("store.reason_required", [&] { store_->Fail(campaign_.id, id, "bo", " "); });
  const Experiment failed = store_->Fail(campaign_.id, id, "bo", "thermocouple read 40 K low");
  EXPECT_EQ(failed.status, Status::kFailed);
  EXPECT_EQ(failed.reason, "thermocouple read 40 K low");
  EXPECT_EQ(failed.results, done.results);
  EXPECT_EQ(failed.params, done.params);
  EXPECT_EQ(store_->GetExperiment(campaign_.id, id), failed);
  const std::vector<HistoryEntry> after = store_->ExperimentHistory(campaign_.id, id);
  ASSERT_EQ(after.size(), before.size() + 1);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
  const HistoryEntry& last = after.back();
  EXPECT_EQ(last.action, "status");
  EXPECT_EQ(last.field, "status");
  EXPECT_EQ(last.who, "bo");
  EXPECT_EQ(last.old_value, "done");
  EXPECT_EQ(last.new_value, "failed");
  EXPECT_EQ(last.reason, "thermocouple read 40 K low");
  EXPECT_EQ(last.at, failed.updated_at);
  ExpectErrorCode("store.bad_transition", [&] { store_->Fail(campaign_.id, id, "cy", "again"); });
  ExpectErrorCode("store.bad_transition", [&] {
    store_->Correct(campaign_.id, id, "jc", {.value = 2e4}, "cy", "re-read the log");
  });
  ExpectErrorCode("store.bad_transition", [&] {
    store_->RecordResults(campaign_.id, id, {{"density", {.value = 0.9}}}, "cy");
  });
  EXPECT_EQ(store_->GetExperiment(campaign_.id, id), failed);
  EXPECT_EQ(store_->ExperimentHistory(campaign_.id, id), after);
  // Only done experiments count as measured for a status filter.
  EXPECT_TRUE(store_->ListExperiments(campaign_.id, {.statuses = {Status::kDone}}).empty());
}

// A retracted experiment (e.g. from a re-imported full CSV export) may be inserted failed with its
// measurements; other non-done statuses still may not carry any.
TEST_P(StoreContract, FailedExperimentsMayBeInsertedWithRetractedResults) {
  NewExperiment retracted = Proposal(600);
  retracted.status = Status::kFailed;
  retracted.reason = "sample cracked after measurement";
  retracted.results["jc"] = {.value = 3e4, .by = "ana", .at = "2026-11-20T10:00:00.000Z"};
  const ExperimentId id = store_->InsertExperiments(campaign_.id, {retracted}, "ana").ids.at(0);
  const Experiment stored = store_->GetExperiment(campaign_.id, id);
  EXPECT_EQ(stored.status, Status::kFailed);
  EXPECT_EQ(stored.results, retracted.results);
  NewExperiment withdrawn = retracted;
  withdrawn.status = Status::kWithdrawn;
  ExpectErrorCode("store.bad_record",
                  [&] { store_->InsertExperiments(campaign_.id, {withdrawn}, "ana"); });
  EXPECT_EQ(store_->ListExperiments(campaign_.id).size(), 1u);
}

TEST_P(StoreContract, PredictionUpdateKeepsTheOldPrediction) {
  const ExperimentId id = InsertOne();
  const json prediction = {{"jc", {{"mean", 1.1e4}, {"stddev", 900.0}}}};
  EXPECT_EQ(store_->SetPrediction(campaign_.id, id, prediction, "kyoso-engine").prediction,
            prediction);
  const json refit = {{"jc", {{"mean", 1.3e4}, {"stddev", 500.0}}}};
  store_->SetPrediction(campaign_.id, id, refit, "kyoso-engine");
  const HistoryEntry last = store_->ExperimentHistory(campaign_.id, id).back();
  EXPECT_EQ(last.action, "prediction");
  EXPECT_EQ(last.old_value, prediction);
  EXPECT_EQ(last.new_value, refit);
}

// Oracle: IsAllowedTransition (records.h diagram, itself pinned by records_test). Each operation
// is tried from each state; refused ones must leave the experiment untouched.
TEST_P(StoreContract, EveryTransitionIsAllowedOrRefusedAsTheStateMachineSays) {
  const Status kStates[] = {Status::kProposed, Status::kRunning, Status::kDone, Status::kFailed,
                            Status::kWithdrawn};
  const Status kTargets[] = {Status::kRunning, Status::kDone, Status::kFailed, Status::kWithdrawn};
  for (Status from : kStates) {
    for (Status to : kTargets) {
      const ExperimentId id = InState(from);
      const Experiment before = store_->GetExperiment(campaign_.id, id);
      auto apply = [&] {
        switch (to) {
          case Status::kRunning:
            return store_->Start(campaign_.id, id, "bo");
          case Status::kDone:
            return store_->RecordResults(campaign_.id, id, {{"other", {.value = 1}}}, "bo");
          case Status::kFailed:
            return store_->Fail(campaign_.id, id, "bo", "furnace down");
          default:
            return store_->Withdraw(campaign_.id, id, "bo", "not needed");
        }
      };
      // Adding an objective to a done experiment is allowed although done -> done is no transition.
      const bool allowed = IsAllowedTransition(from, to) || (from == to && to == Status::kDone);
      SCOPED_TRACE(ToString(from) + " -> " + ToString(to));
      if (allowed) {
        EXPECT_EQ(apply().status, to);
      } else {
        ExpectErrorCode("store.bad_transition", apply);
        EXPECT_EQ(store_->GetExperiment(campaign_.id, id), before);
      }
    }
  }
}

TEST_P(StoreContract, FailAndWithdrawNeedAReason) {
  const ExperimentId id = InsertOne();
  ExpectErrorCode("store.reason_required", [&] { store_->Withdraw(campaign_.id, id, "bo", ""); });
  ExpectErrorCode("store.reason_required", [&] { store_->Fail(campaign_.id, id, "bo", "\t"); });
  NewExperiment withdrawn = Proposal(600);
  withdrawn.status = Status::kWithdrawn;
  ExpectErrorCode("store.reason_required",
                  [&] { store_->InsertExperiments(campaign_.id, {withdrawn}, "bo"); });
  withdrawn.reason = "superseded";
  const ExperimentId kept = store_->InsertExperiments(campaign_.id, {withdrawn}, "bo").ids.at(0);
  EXPECT_EQ(store_->GetExperiment(campaign_.id, kept).reason, "superseded");
  EXPECT_EQ(store_->GetExperiment(campaign_.id, id).status, Status::kProposed);
}

TEST_P(StoreContract, MalformedRecordsAreRefusedWithTheirJsonPath) {
  auto expect_path = [](const std::string& path, auto&& body) {
    try {
      body();
      ADD_FAILURE() << "expected store.bad_record at " << path;
    } catch (const InputError& error) {
      EXPECT_EQ(error.code(), "store.bad_record");
      ASSERT_FALSE(error.issues().empty());
      EXPECT_EQ(error.issues()[0].path, path) << error.what();
    }
  };
  expect_path("/name",
              [&] { store_->CreateCampaign({.spec = json::object(), .created_by = "a"}); });
  expect_path("/spec",
              [&] { store_->CreateCampaign({.name = "x", .spec = 3, .created_by = "a"}); });
  NewExperiment bad = Proposal(600);
  bad.params = json::array();
  expect_path("/experiments/1/params", [&] {
    store_->InsertExperiments(campaign_.id, {Proposal(1), bad}, "ana");
  });
  NewExperiment done_without_results = Proposal(600);
  done_without_results.status = Status::kDone;
  expect_path("/experiments/0/results",
              [&] { store_->InsertExperiments(campaign_.id, {done_without_results}, "ana"); });
  NewExperiment results_while_proposed = Proposal(600);
  results_while_proposed.results["jc"] = {.value = 1};
  expect_path("/experiments/0/results",
              [&] { store_->InsertExperiments(campaign_.id, {results_while_proposed}, "ana"); });
  const ExperimentId id = InsertOne();
  expect_path("/results/jc/value", [&] {
    store_->RecordResults(campaign_.id, id,
                          {{"jc", {.value = std::numeric_limits<double>::quiet_NaN()}}}, "ana");
  });
  expect_path("/results/jc/uncertainty", [&] {
    store_->RecordResults(campaign_.id, id, {{"jc", {.value = 1, .uncertainty = -1.0}}}, "ana");
  });
  expect_path("/results", [&] { store_->RecordResults(campaign_.id, id, {}, "ana"); });
  expect_path("/who", [&] { store_->Start(campaign_.id, id, ""); });
  // Nothing of the refused inserts was stored.
  EXPECT_EQ(store_->ListExperiments(campaign_.id).size(), 1u);
}

TEST_P(StoreContract, ListFiltersByStatusSourceProposerBatchAndPages) {
  store_->InsertExperiments(campaign_.id,
                            {Proposal(556, Source::kEngine, "kyoso-engine"),
                             Proposal(560, Source::kEngine, "kyoso-engine")},
                            "kyoso-engine", {.new_batch = true});  // ids 1, 2, batch 1
  store_->InsertExperiments(campaign_.id, {Proposal(600), Proposal(650, Source::kResearcher, "bo")},
                            "ana");  // ids 3, 4
  store_->Start(campaign_.id, 2, "ana");
  store_->RecordResults(campaign_.id, 3, {{"jc", {.value = 5}}}, "ana");
  auto ids = [&](const ExperimentFilter& filter) {
    std::vector<ExperimentId> out;
    for (const Experiment& e : store_->ListExperiments(campaign_.id, filter)) out.push_back(e.id);
    return out;
  };
  using Ids = std::vector<ExperimentId>;
  EXPECT_EQ(ids({}), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(ids({.statuses = {Status::kProposed}}), (Ids{1, 4}));
  EXPECT_EQ(ids({.statuses = {Status::kRunning, Status::kDone}}), (Ids{2, 3}));
  EXPECT_EQ(ids({.source = Source::kEngine}), (Ids{1, 2}));
  EXPECT_EQ(ids({.proposer = "bo"}), (Ids{4}));
  EXPECT_EQ(ids({.batch_id = 1}), (Ids{1, 2}));
  EXPECT_EQ(ids({.after_id = 1, .limit = 2}), (Ids{2, 3}));
  EXPECT_EQ(ids({.source = Source::kResearcher, .proposer = "ana"}), (Ids{3}));
}

TEST_P(StoreContract, EventsAreContiguousAndReadableSinceACursor) {
  const ExperimentId id = InsertOne();                                     // seq 2
  store_->Start(campaign_.id, id, "ana");                                  // seq 3
  store_->RecordResults(campaign_.id, id, {{"jc", {.value = 1}}}, "ana");  // seq 4, 5
  const auto all = store_->Events(campaign_.id);
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t index = 0; index < all.size(); ++index) {
    EXPECT_EQ(all[index].seq, static_cast<EventSeq>(index + 1));
    EXPECT_EQ(all[index].campaign_id, campaign_.id);
  }
  const auto since = store_->Events(campaign_.id, 3);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0], all[3]);
  EXPECT_EQ(store_->Events(campaign_.id, 1, 2).size(), 2u);
  EXPECT_TRUE(store_->Events(campaign_.id, 5).empty());
}

TEST_P(StoreContract, TransactionCommitsSeveralOperationsTogether) {
  InsertResult batch;
  store_->Transaction([&](Store& tx) {
    batch = tx.InsertExperiments(campaign_.id, {Proposal(556), Proposal(557)}, "kyoso-engine",
                                 {.new_batch = true});
    tx.Transaction([&](Store& nested) {  // nested calls join the outer transaction
      for (ExperimentId id : batch.ids) {
        nested.SetPrediction(campaign_.id, id, {{"jc", {{"mean", 1.0}}}}, "kyoso-engine");
      }
    });
  });
  EXPECT_EQ(batch.ids, (std::vector<ExperimentId>{1, 2}));
  EXPECT_EQ(store_->GetExperiment(campaign_.id, 2).prediction["jc"]["mean"], 1.0);
  EXPECT_EQ(store_->Events(campaign_.id).size(), 5u);
}

TEST_P(StoreContract, TransactionThatThrowsStoresNothing) {
  InsertOne();
  const testing::Snapshot before = testing::TakeSnapshot(*store_);
  EXPECT_THROW(store_->Transaction([&](Store& tx) {
    tx.InsertExperiments(campaign_.id, {Proposal(556)}, "kyoso-engine");
    tx.Start(campaign_.id, 1, "ana");
    throw std::runtime_error("model fit failed");
  }),
               std::runtime_error);
  EXPECT_EQ(testing::TakeSnapshot(*store_), before);
  EXPECT_EQ(InsertOne(), 2);  // the rolled-back id 2 is allocated again: nothing was committed
}

// Suggest reads the experiments, decides, then writes: no other writer may slip in between.
TEST_P(StoreContract, ReadsInsideATransactionHoldTheCampaignAgainstOtherWriters) {
  InsertOne();
  auto other = OpenStore(database_->location(), {.busy_timeout_ms = 50});
  store_->Transaction([&](Store& tx) {
    EXPECT_EQ(tx.ListExperiments(campaign_.id).size(), 1u);
    ExpectErrorCode("store.busy",
                    [&] { other->InsertExperiments(campaign_.id, {Proposal(1)}, "bo"); });
    tx.InsertExperiments(campaign_.id, {Proposal(2)}, "ana");
  });
  // Once committed, the other writer gets through and takes the next id.
  EXPECT_EQ(other->InsertExperiments(campaign_.id, {Proposal(1)}, "bo").ids.at(0), 3);
}

TEST_P(StoreContract, RefusalBeforeAnyWriteLeavesTheTransactionUsable) {
  store_->Transaction([&](Store& tx) {
    EXPECT_THROW(tx.Start(campaign_.id, 42, "ana"), Error);  // not found: nothing written
    tx.InsertExperiments(campaign_.id, {Proposal(556)}, "ana");
  });
  EXPECT_EQ(store_->ListExperiments(campaign_.id).size(), 1u);
}

TEST_P(StoreContract, OperationFailingHalfwayPoisonsTheTransactionEvenIfCaught) {
  InsertOne();  // write steps of an insert: experiment row, history row, counters
  const testing::Snapshot before = testing::TakeSnapshot(*store_);
  auto faulty = OpenStore(database_->location(), {.fail_at_write_step = 2});
  ExpectErrorCode("store.injected_fault", [&] {
    faulty->Transaction([&](Store& tx) {
      try {
        tx.InsertExperiments(campaign_.id, {Proposal(556)}, "ana");  // fails at its 2nd write
      } catch (const Error&) {
        // Swallowed on purpose: the commit must still refuse the half-done insert.
      }
    });
  });
  EXPECT_EQ(testing::TakeSnapshot(*store_), before);
}

INSTANTIATE_TEST_SUITE_P(Backend, StoreContract, ::testing::Values(KYOSO_STORE_TEST_BACKEND));

}  // namespace
}  // namespace kyoso::store
