// The campaign use cases on a real SQLite file in a temporary directory: init/open, suggest
// (initial design, then model-based with predictions, pending points, determinism), researcher
// proposals with the model's prediction, the state machine with history, and best.
#include "kyoso/campaign/campaign.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "kyoso/campaign/demo.h"
#include "kyoso/campaign/virtual_lab.h"
#include "kyoso/gp/gp.h"
#include "support/expect_close.h"
#include "temp_db.h"

namespace kyoso::campaign {
namespace {

using kyoso::testing::ExpectClose;
using testing::TempDb;

std::string CodeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

// The location of the first issue of an InputError ("no error" when fn does not throw one).
std::string PathOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.issues().empty() ? "" : e.issues().front().path;
  }
  return "no error";
}

store::Measurement Value(double value) {
  store::Measurement m;
  m.value = value;
  return m;
}

// Adds and measures a researcher experiment with the noiseless virtual lab.
store::Experiment AddMeasured(store::Store& db, const Campaign& c, double rate, double temp,
                              double hold) {
  const VirtualSpsLab lab;
  Proposal p;
  p.params = {{"heating_rate", rate}, {"max_temp", temp}, {"hold_time", hold}};
  p.by = "alice";
  p.results = {{"jc", Value(lab.TrueJc({rate, temp, hold}))}};
  return AddProposal(db, c, p).experiment;
}

TEST(Init, CreatesTheCampaignAndOpenFindsItByNameOrAsTheOnlyOne) {
  TempDb tmp;
  auto db = tmp.Open();
  EXPECT_EQ(CodeOf([&] { Open(*db, ""); }), "campaign.none");
  const Campaign c = Init(*db, Ba122Spec("a"), "alice");
  EXPECT_EQ(c.record.name, "a");
  EXPECT_EQ(Open(*db, "").id(), c.id());
  Init(*db, Ba122Spec("b"), "alice");
  EXPECT_EQ(CodeOf([&] { Open(*db, ""); }), "campaign.ambiguous");
  EXPECT_EQ(Open(*db, "b").spec.name, "b");
  EXPECT_EQ(CodeOf([&] { Open(*db, "c"); }), "campaign.not_found");
  // Located by the concept, not by a CLI flag: the same error reaches HTTP clients.
  EXPECT_EQ(PathOf([&] { Open(*db, "c"); }), "campaign");
  EXPECT_EQ(CodeOf([&] { Init(*db, Ba122Spec("a"), "bob"); }), "store.duplicate_campaign");
  nlohmann::json bad = Ba122Spec("d");
  bad["objectives"][0]["direction"] = "sideways";
  EXPECT_EQ(CodeOf([&] { Init(*db, bad, "bob"); }), "spec.choice");
  EXPECT_EQ(db->ListCampaigns().size(), 2u);  // the bad spec wrote nothing
}

TEST(Suggest, WithNoDataStoresAnInitialDesignAsOneEngineBatch) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  const SuggestOutcome out = Suggest(*db, c, {.batch_size = 4, .seed = 7});
  ASSERT_EQ(out.experiments.size(), 4u);
  EXPECT_EQ(out.summary.termination, "initial_design");
  ASSERT_TRUE(out.batch_id.has_value());
  for (const store::Experiment& e : out.experiments) {
    EXPECT_EQ(e.source, store::Source::kEngine);
    EXPECT_EQ(e.proposer, kEngineName);
    EXPECT_EQ(e.status, store::Status::kProposed);
    EXPECT_EQ(e.batch_id, out.batch_id);
    // The stored parameters are valid for the spec: in bounds and on the 1 degC grid.
    IssueList issues;
    CheckRaw(c.spec, ParamsToRaw(c.spec, e.params), "/params", issues);
    EXPECT_TRUE(issues.empty()) << FormatIssues(issues.issues());
    EXPECT_TRUE(e.params["max_temp"].is_number_integer());
    EXPECT_TRUE(e.prediction.contains("summary"));
  }
  EXPECT_EQ(List(*db, c).size(), 4u);
}

TEST(Suggest, AfterDataStoresPredictionsAndAvoidsPendingPoints) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  for (double temp : {500.0, 550.0, 600.0, 650.0, 700.0}) AddMeasured(*db, c, 50, temp, 5);
  AddMeasured(*db, c, 50, 600, 20);
  const SuggestOutcome first = Suggest(*db, c, {.batch_size = 2, .seed = 3});
  ASSERT_EQ(first.experiments.size(), 2u);
  EXPECT_EQ(first.num_observations, 6);
  EXPECT_EQ(first.num_pending, 0);
  for (const store::Experiment& e : first.experiments) {
    const nlohmann::json& p = e.prediction["jc"];
    ASSERT_TRUE(p.is_object()) << e.prediction.dump();
    EXPECT_TRUE(std::isfinite(p["mean"].get<double>()));
    EXPECT_GT(p["stddev"].get<double>(), 0.0);
    EXPECT_TRUE(e.prediction["acquisition"].is_number());
  }
  // The first batch is pending now: a second suggestion sees it and does not repeat it.
  const SuggestOutcome second = Suggest(*db, c, {.batch_size = 2, .seed = 3});
  EXPECT_EQ(second.num_pending, 2);
  std::set<std::string> seen;
  for (const auto* out : {&first, &second}) {
    for (const store::Experiment& e : out->experiments) {
      EXPECT_TRUE(seen.insert(e.params.dump()).second) << "repeated " << e.params.dump();
    }
  }
  EXPECT_NE(first.batch_id, second.batch_id);
}

TEST(Suggest, TheObjectivesWarpSettingReachesTheEngineAndIsRecorded) {
  // "warp": "none" turns the engine's Yeo-Johnson output warp off (docs/spec.md); the summary
  // stored with the proposal says which warp the model used, so it can be rebuilt.
  for (const std::string warp : {"none", "yeo_johnson"}) {
    TempDb tmp;
    auto db = tmp.Open();
    nlohmann::json spec = Ba122Spec();
    spec["objectives"][0]["warp"] = warp;
    const Campaign c = Init(*db, spec, "alice");
    for (double temp : {500.0, 550.0, 600.0, 650.0, 700.0, 575.0}) AddMeasured(*db, c, 50, temp, 5);
    const SuggestOutcome out = Suggest(*db, c, {.batch_size = 1, .seed = 3});
    ASSERT_EQ(out.experiments.size(), 1u);
    SCOPED_TRACE(warp);
    EXPECT_EQ(out.summary.used["given"]["output_warping"], warp);
    EXPECT_EQ(out.summary.used["output_warp"]["kind"], warp);
    EXPECT_EQ(out.summary.model["output_warp"]["kind"], warp);
  }
}

TEST(Suggest, NoiselessObjectiveFixesTheNoiseAtTheFloor) {
  // "noise": "none" (a deterministic lab or simulator): the engine does not learn a noise
  // variance but fixes it at the floor, 1e-8 of the standardized output variance
  // (gp::FitOptions::noise_variance_floor), i.e. 1e-8 times the sample variance of the modelled
  // values, here ln(jc) (docs/methods/gp.md §3).
  TempDb tmp;
  auto db = tmp.Open();
  nlohmann::json spec = Ba122Spec();
  spec["objectives"][0]["scale"] = "log";
  spec["objectives"][0]["noise"] = "none";
  const Campaign c = Init(*db, spec, "alice");
  std::vector<double> ln_jc;
  for (double temp : {500.0, 550.0, 600.0, 650.0, 700.0}) {
    ln_jc.push_back(std::log(AddMeasured(*db, c, 50, temp, 5).results.at("jc").value));
  }
  ln_jc.push_back(std::log(AddMeasured(*db, c, 50, 600, 20).results.at("jc").value));
  const SuggestOutcome out = Suggest(*db, c, {.batch_size = 1, .seed = 3});
  ASSERT_EQ(out.experiments.size(), 1u);
  EXPECT_EQ(out.summary.used["given"]["noiseless"], true);
  // The modelled values are ln(jc) through the reported output warp (docs/methods/gp.md §8).
  const gp::OutputWarp warp = gp::OutputWarp::FromJson(out.summary.model["output_warp"]);
  for (double& v : ln_jc) v = warp.Forward(v);
  double mean = 0;
  for (double v : ln_jc) mean += v / static_cast<double>(ln_jc.size());
  double variance = 0;
  for (double v : ln_jc)
    variance += (v - mean) * (v - mean) / static_cast<double>(ln_jc.size() - 1);
  ExpectClose(out.summary.model["noise_variance"].get<double>(), 1e-8 * variance, 1e-9, 0);
}

TEST(Suggest, LogScaleObjectiveModelsTheLogarithmAndStoresTheMedian) {
  TempDb tmp;
  auto db = tmp.Open();
  nlohmann::json spec = Ba122Spec();
  spec["objectives"][0]["scale"] = "log";
  const Campaign c = Init(*db, spec, "alice");
  std::vector<double> jc;
  for (double temp : {500.0, 550.0, 600.0, 650.0, 700.0}) {
    const store::Experiment e = AddMeasured(*db, c, 50, temp, 5);
    jc.push_back(e.results.at("jc").value);
  }
  // The engine sees ln(jc) (all values of the virtual lab are positive: no floor).
  const EngineData data = BuildEngineData(c.spec, db->ListExperiments(c.id()));
  ASSERT_EQ(data.observations.size(), jc.size());
  for (std::size_t i = 0; i < jc.size(); ++i) {
    ExpectClose(data.observations[i].value, std::log(jc[i]), 1e-15, 0);
  }
  EXPECT_EQ(data.num_floored, 0);
  const SuggestOutcome out = Suggest(*db, c, {.batch_size = 1, .seed = 3});
  ASSERT_EQ(out.experiments.size(), 1u);
  const nlohmann::json& p = out.experiments[0].prediction["jc"];
  EXPECT_EQ(p["scale"], "log");
  // Oracle: median = exp(mean of ln jc); the band is exp(mean -+ 2 sd).
  const double mean = p["mean"].get<double>();
  const double sd = p["stddev"].get<double>();
  ExpectClose(p["median"].get<double>(), std::exp(mean), 1e-12, 0);
  ExpectClose(p["upper"].get<double>(), std::exp(mean + 2 * sd), 1e-12, 0);
  // A prediction of ln(jc) lies within the measured decades, not at the scale of jc itself.
  EXPECT_GT(mean, std::log(*std::min_element(jc.begin(), jc.end())) - 5.0);
  EXPECT_LT(mean, std::log(*std::max_element(jc.begin(), jc.end())) + 5.0);
}

TEST(Suggest, SameDataAndSeedGiveTheSameSuggestionsInAnotherDatabase) {
  TempDb tmp;
  std::vector<nlohmann::json> params[2];
  for (int k = 0; k < 2; ++k) {
    auto db = tmp.Open("db" + std::to_string(k) + ".db");
    const Campaign c = Init(*db, Ba122Spec(), "alice");
    for (double temp : {500.0, 550.0, 600.0, 650.0, 700.0}) AddMeasured(*db, c, 50, temp, 5);
    for (const store::Experiment& e : Suggest(*db, c, {.batch_size = 3}).experiments) {
      params[k].push_back(e.params);
    }
  }
  EXPECT_EQ(params[0], params[1]);  // default seed derived from the database state
}

TEST(Suggest, RecomputesWhenAnotherWriterChangesTheDataWhileTheEngineThinks) {
  // A second connection (as another process would) adds a researcher's proposal while the engine
  // is optimizing; the stored batch must be computed on the new data (it sees 1 pending point).
  TempDb tmp;
  auto db = tmp.Open();
  auto other = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  for (double temp : {500.0, 550.0, 600.0, 650.0, 700.0}) AddMeasured(*db, c, 50, temp, 5);
  int interruptions = 0;
  FunctionProgress progress([&](const ProgressEvent&) {
    if (interruptions++ == 0) {
      Proposal p;
      p.by = "bob";
      p.params = {{"heating_rate", 30}, {"max_temp", 575}, {"hold_time", 10}};
      AddProposal(*other, c, p);
    }
    return true;
  });
  const SuggestOutcome out = Suggest(*db, c, {.batch_size = 2, .seed = 1}, &progress);
  EXPECT_GE(interruptions, 2);  // the engine ran again after the change
  EXPECT_EQ(out.num_pending, 1);
  EXPECT_EQ(out.experiments.size(), 2u);
  EXPECT_EQ(List(*db, c).size(), 8u);  // 5 measured + bob's + the batch, nothing lost
}

// Ctrl-C in `kyoso suggest` cancels through the progress sink: a batch cut short is not the one
// asked for, so nothing is stored.
TEST(Suggest, ACancelledSuggestionStoresNothing) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  for (double temp : {500.0, 550.0, 600.0, 650.0, 700.0, 620.0}) AddMeasured(*db, c, 50, temp, 5);
  const std::size_t before = List(*db, c).size();
  int num_events = 0;
  FunctionProgress cancel([&](const ProgressEvent&) {
    ++num_events;
    return false;
  });
  SuggestRequest request;
  request.batch_size = 3;
  request.seed = 4;
  const SuggestOutcome out = Suggest(*db, c, request, &cancel);
  EXPECT_GT(num_events, 0);
  EXPECT_EQ(out.summary.termination, "cancelled");
  EXPECT_TRUE(out.experiments.empty());
  EXPECT_FALSE(out.batch_id.has_value());
  EXPECT_EQ(List(*db, c).size(), before);
}

TEST(Suggest, RejectsBadRequestsBeforeWriting) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  EXPECT_EQ(CodeOf([&] { Suggest(*db, c, {.batch_size = 0}); }), "suggest.batch");
  EXPECT_EQ(PathOf([&] { Suggest(*db, c, {.batch_size = 0}); }), "batch");
  EXPECT_EQ(CodeOf([&] { Suggest(*db, c, {.batch_size = kMaxBatchSize + 1}); }), "suggest.batch");
  EXPECT_EQ(CodeOf([&] { Suggest(*db, c, {.shared = {"pressure"}}); }), "suggest.options");
  EXPECT_TRUE(List(*db, c).empty());
}

// One batch limit for every shell (docs/cli.md, docs/http-api.md): 1..1000, checked without
// suggesting anything. Oracle: the documented limit and message.
TEST(SuggestRequest, BatchLimitIsOneConstantWithOneMessage) {
  const CampaignSpec spec = ParseSpec(Ba122Spec());
  EXPECT_EQ(kMaxBatchSize, 1000);
  EXPECT_EQ(BatchSizeMessage(), "batch must be between 1 and 1000");
  EXPECT_EQ(CheckBatchSize(1), "");
  EXPECT_EQ(CheckBatchSize(1000), "");
  EXPECT_EQ(CheckBatchSize(0), BatchSizeMessage());
  EXPECT_EQ(CheckBatchSize(1001), BatchSizeMessage());
  EXPECT_EQ(CheckBatchSize(std::int64_t{1} << 40), BatchSizeMessage());  // no int overflow
  EXPECT_TRUE(SuggestRequest{.batch_size = kMaxBatchSize}.Issues(spec).empty());
  const std::vector<Issue> issues = SuggestRequest{.batch_size = kMaxBatchSize + 1}.Issues(spec);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "batch");
  EXPECT_EQ(issues[0].code, "suggest.batch");
  EXPECT_EQ(issues[0].message, BatchSizeMessage());
  const std::vector<Issue> shared =
      SuggestRequest{.batch_size = 2, .shared = {"max_temp", "pressure"}}.Issues(spec);
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0].path, "shared/1");
  EXPECT_EQ(shared[0].code, "suggest.options");
}

TEST(AddProposal, StoresTheModelsPredictionOnceAModelCanBeFitted) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  Proposal p;
  p.params = {{"heating_rate", 50}, {"max_temp", 600}, {"hold_time", 5}};
  p.by = "bob";
  p.rationale = "the paper's schedule";
  const AddOutcome none = AddProposal(*db, c, p);
  EXPECT_TRUE(none.experiment.prediction.is_null());  // no data: no model
  EXPECT_EQ(none.experiment.source, store::Source::kResearcher);
  EXPECT_EQ(none.experiment.proposer, "bob");
  EXPECT_EQ(none.experiment.rationale, "the paper's schedule");
  for (double temp : {500.0, 550.0, 650.0, 700.0}) AddMeasured(*db, c, 50, temp, 5);
  AddMeasured(*db, c, 50, 600, 20);
  p.params["max_temp"] = 575;
  const AddOutcome with = AddProposal(*db, c, p);
  ASSERT_TRUE(with.experiment.prediction.contains("jc")) << with.experiment.prediction.dump();
  EXPECT_GT(with.experiment.prediction["jc"]["stddev"].get<double>(), 0.0);
  EXPECT_EQ(with.experiment.prediction["summary"]["num_observations"], 5);
}

TEST(AddProposal, RejectsInvalidParametersAndFlagsConstraintViolations) {
  TempDb tmp;
  auto db = tmp.Open();
  nlohmann::json spec = Ba122Spec();
  spec["constraints"] = {"max_temp - 20*hold_time <= 600"};
  const Campaign c = Init(*db, spec, "alice");
  Proposal p;
  p.by = "bob";
  p.params = {{"heating_rate", 50}, {"max_temp", 600.5}, {"hold_time", 5}};
  EXPECT_EQ(CodeOf([&] { AddProposal(*db, c, p); }), "params.off_grid");
  p.params = {{"heating_rate", 500}, {"max_temp", 600}, {"hold_time", 5}};
  EXPECT_EQ(CodeOf([&] { AddProposal(*db, c, p); }), "params.out_of_bounds");
  p.params = {{"heating_rate", 50}, {"max_temp", 600}};
  EXPECT_EQ(CodeOf([&] { AddProposal(*db, c, p); }), "params.missing");
  p.params = {{"heating_rate", 50}, {"max_temp", 650}, {"hold_time", 1}};  // 650 - 20 > 600
  p.by = "";
  EXPECT_EQ(CodeOf([&] { AddProposal(*db, c, p); }), "campaign.who_required");
  EXPECT_TRUE(List(*db, c).empty());
  p.by = "bob";
  const AddOutcome out = AddProposal(*db, c, p);
  EXPECT_EQ(out.experiment.flags, std::vector<std::string>({"violates_constraint"}));
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_EQ(out.warnings[0].code, "campaign.violates_constraint");
}

// Revise = the researcher's edit of a proposal before it runs: only the changed values are given,
// the others are kept; the original stays in the record, withdrawn with a reason naming its
// replacement; nothing is written when the new values are invalid or the original already ran.
TEST(Revise, KeepsTheOriginalWithdrawnAndTheUnchangedValues) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  SuggestRequest request;
  request.batch_size = 2;
  request.seed = 3;
  const std::vector<store::Experiment> engine = Suggest(*db, c, request).experiments;
  Proposal changes;
  changes.by = "bob";
  changes.params = {{"max_temp", 600}};
  changes.rationale = "our furnace tops out at 600";
  const ReviseOutcome out = Revise(*db, c, engine[0].id, changes);
  EXPECT_EQ(out.experiment.id, 3);
  EXPECT_EQ(out.experiment.source, store::Source::kResearcher);
  EXPECT_EQ(out.experiment.proposer, "bob");
  EXPECT_EQ(out.experiment.params["max_temp"], 600);
  EXPECT_EQ(out.experiment.params["heating_rate"], engine[0].params["heating_rate"]);
  EXPECT_EQ(out.experiment.params["hold_time"], engine[0].params["hold_time"]);
  EXPECT_EQ(
      out.experiment.rationale.rfind("our furnace tops out at 600 [revised from #1 by engine", 0),
      0u)
      << out.experiment.rationale;
  EXPECT_EQ(out.replaces.status, store::Status::kWithdrawn);
  EXPECT_EQ(out.replaces.params, engine[0].params);  // the engine's original is kept
  EXPECT_EQ(out.replaces.reason, "revised by bob before running; replaced by #3");
  // Invalid new values, an unknown id, or an original that is no longer proposed: nothing written.
  changes.params = {{"max_temp", 900}};
  EXPECT_EQ(CodeOf([&] { Revise(*db, c, engine[1].id, changes); }), "params.out_of_bounds");
  EXPECT_EQ(CodeOf([&] { Revise(*db, c, 99, changes); }), "store.experiment_not_found");
  changes.params = {{"max_temp", 610}};
  EXPECT_EQ(CodeOf([&] { Revise(*db, c, engine[0].id, changes); }), "revise.bad_transition");
  EXPECT_EQ(List(*db, c).size(), 3u);
  EXPECT_EQ(db->GetExperiment(c.id(), engine[1].id).status, store::Status::kProposed);
}

TEST(Lifecycle, StartResultCorrectFailWithdrawKeepEveryChangeInHistory) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  Proposal p;
  p.by = "bob";
  p.params = {{"heating_rate", 50}, {"max_temp", 600}, {"hold_time", 5}};
  const store::ExperimentId a = AddProposal(*db, c, p).experiment.id;
  p.params["max_temp"] = 610;
  const store::ExperimentId b = AddProposal(*db, c, p).experiment.id;
  p.params["max_temp"] = 620;
  const store::ExperimentId d = AddProposal(*db, c, p).experiment.id;

  EXPECT_EQ(Start(*db, c, a, "carol").status, store::Status::kRunning);
  EXPECT_EQ(CodeOf([&] {
              RecordResults(*db, c, a, {{"tc", Value(1)}}, "carol");
            }),
            "campaign.unknown_objective");
  EXPECT_EQ(CodeOf([&] { RecordResults(*db, c, a, {}, "carol"); }), "campaign.no_results");
  EXPECT_EQ(RecordResults(*db, c, a, {{"jc", Value(9.5e4)}}, "carol").status, store::Status::kDone);
  EXPECT_EQ(CodeOf([&] { Start(*db, c, a, "carol"); }), "store.bad_transition");
  const store::Experiment corrected =
      Correct(*db, c, a, "jc", Value(9.7e4), "carol", "calibration of the probe");
  ExpectClose(corrected.results.at("jc").value, 9.7e4, 0, 0);
  EXPECT_EQ(CodeOf([&] { Fail(*db, c, b, "carol", ""); }), "store.reason_required");
  EXPECT_EQ(Fail(*db, c, b, "carol", "die cracked").reason, "die cracked");
  EXPECT_EQ(Withdraw(*db, c, d, "bob", "superseded").status, store::Status::kWithdrawn);

  const ExperimentDetail detail = Show(*db, c, a);
  std::vector<std::string> actions;
  for (const store::HistoryEntry& h : detail.history) actions.push_back(h.action);
  // insert, proposed->running, result, running->done (order within one write may vary: sort-free
  // check of the multiset), then the correction keeping the old value.
  EXPECT_EQ(actions.front(), "insert");
  EXPECT_EQ(actions.back(), "correct");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "status"), 2);
  EXPECT_EQ(detail.history.back().old_value["value"], 9.5e4);
  EXPECT_EQ(detail.history.back().reason, "calibration of the probe");
}

TEST(Best, ReturnsDoneExperimentsBestFirstForTheObjectivesDirection) {
  TempDb tmp;
  auto db = tmp.Open();
  nlohmann::json spec = Ba122Spec();
  spec["objectives"].push_back({{"name", "porosity"}, {"direction", "minimize"}});
  const Campaign c = Init(*db, spec, "alice");
  EXPECT_TRUE(Best(*db, c).empty());
  const double jc[] = {3e4, 9e4, 6e4};
  const double porosity[] = {0.02, 0.05, 0.01};
  for (int i = 0; i < 3; ++i) {
    Proposal p;
    p.by = "bob";
    p.params = {{"heating_rate", 50}, {"max_temp", 560 + 20 * i}, {"hold_time", 5}};
    p.results = {{"jc", Value(jc[i])}, {"porosity", Value(porosity[i])}};
    AddProposal(*db, c, p);
  }
  const std::vector<store::Experiment> top = Best(*db, c, "", 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].id, 2);
  EXPECT_EQ(top[1].id, 3);
  EXPECT_EQ(Best(*db, c, "porosity", 1).front().id, 3);
  EXPECT_EQ(CodeOf([&] { Best(*db, c, "tc", 1); }), "campaign.unknown_objective");
}

// Oracle for a retraction (done -> failed): the engine must behave exactly as if the point had
// never been measured. Database A measures five points plus a bogus one (in the middle, so ids
// shift) and then retracts it; database B measures only the five. With the same seed both give
// bit-identical suggestions and predictions. Database C keeps the bogus point: its suggestion
// differs, so the comparison can fail when a retracted point still reaches the model.
TEST(Fail, RetractedMeasurementIsIgnoredByTheEngineAsIfNeverMeasured) {
  TempDb tmp;
  const double temps[] = {500, 550, 600, 650, 700};
  std::vector<nlohmann::json> params[3];
  std::vector<nlohmann::json> predictions[3];
  int observations[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    auto db = tmp.Open("db" + std::to_string(k) + ".db");
    const Campaign c = Init(*db, Ba122Spec(), "alice");
    for (int i = 0; i < 5; ++i) {
      AddMeasured(*db, c, 50, temps[i], 5);
      if (i == 2 && k != 1) {
        // A misread thermocouple: a jc far above anything the lab measures.
        Proposal bogus;
        bogus.by = "bob";
        bogus.params = {{"heating_rate", 20}, {"max_temp", 520}, {"hold_time", 40}};
        bogus.results = {{"jc", Value(9e5)}};
        const store::ExperimentId id = AddProposal(*db, c, bogus).experiment.id;
        if (k == 0) {
          const store::Experiment failed = Fail(*db, c, id, "carol", "thermocouple 40 K off");
          EXPECT_EQ(failed.status, store::Status::kFailed);
          ExpectClose(failed.results.at("jc").value, 9e5, 0, 0);  // kept, not deleted
        }
      }
    }
    const SuggestOutcome out = Suggest(*db, c, {.batch_size = 2, .seed = 11});
    observations[k] = out.num_observations;
    for (const store::Experiment& e : out.experiments) {
      params[k].push_back(e.params);
      predictions[k].push_back(e.prediction["jc"]);
    }
  }
  EXPECT_EQ(observations[0], 5);
  EXPECT_EQ(observations[1], 5);
  EXPECT_EQ(observations[2], 6);
  EXPECT_EQ(params[0], params[1]);
  EXPECT_EQ(predictions[0], predictions[1]);
  EXPECT_NE(predictions[0], predictions[2]);
}

TEST(Fail, RetractingTheBestExperimentRemovesItFromBestAndKeepsItsHistory) {
  TempDb tmp;
  auto db = tmp.Open();
  const Campaign c = Init(*db, Ba122Spec(), "alice");
  const store::Experiment low = AddMeasured(*db, c, 50, 500, 5);
  const store::Experiment high = AddMeasured(*db, c, 50, 600, 5);
  ASSERT_GT(high.results.at("jc").value, low.results.at("jc").value);
  ASSERT_EQ(Best(*db, c).front().id, high.id);
  Fail(*db, c, high.id, "carol", "sample cracked during the field measurement");
  const std::vector<store::Experiment> best = Best(*db, c, "", 5);
  ASSERT_EQ(best.size(), 1u);
  EXPECT_EQ(best.front().id, low.id);
  const ExperimentDetail detail = Show(*db, c, high.id);
  EXPECT_EQ(detail.experiment.status, store::Status::kFailed);
  EXPECT_EQ(detail.experiment.results, high.results);
  const store::HistoryEntry& last = detail.history.back();
  EXPECT_EQ(last.old_value, "done");
  EXPECT_EQ(last.new_value, "failed");
  EXPECT_EQ(last.who, "carol");
  EXPECT_EQ(last.reason, "sample cracked during the field measurement");
  // Re-failing is refused with the state machine's error; nothing changes.
  EXPECT_EQ(CodeOf([&] { Fail(*db, c, high.id, "carol", "again"); }), "store.bad_transition");
  EXPECT_EQ(Show(*db, c, high.id).history, detail.history);
  // Only measured (done) experiments are observations.
  EXPECT_EQ(BuildEngineData(c.spec, List(*db, c)).observations.size(), 1u);
}

TEST(ParseResults, ReadsValuesWithUncertaintyAndNamesBadOnes) {
  const CampaignSpec spec = ParseSpec(Ba122Spec());
  const auto results = ParseResults(spec, {"jc=1.2e4+-300"}, "carol");
  ExpectClose(results.at("jc").value, 1.2e4, 0, 0);
  ExpectClose(*results.at("jc").uncertainty, 300, 0, 0);
  EXPECT_EQ(results.at("jc").by, "carol");
  EXPECT_EQ(CodeOf([&] { ParseResults(spec, {"jc=abc"}, "c"); }), "params.type");
  EXPECT_EQ(CodeOf([&] { ParseResults(spec, {"tc=3"}, "c"); }), "campaign.unknown_objective");
  EXPECT_EQ(CodeOf([&] { ParseResults(spec, {"jc"}, "c"); }), "params.syntax");
}

}  // namespace
}  // namespace kyoso::campaign
