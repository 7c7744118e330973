// The campaign API over a real server and a real SQLite file: every route's happy path, each
// error class on the wire (400 with JSON paths, 404, 409, 503 busy with nothing written, 401 with
// nothing written), revise keeping the engine's original, CSV import all-or-nothing, and the model
// views' invariants.
#include "kyoso/server/api.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/expect_close.h"
#include "test_server.h"

namespace kyoso::server {
namespace {

using nlohmann::json;
using testing::RunningServer;

constexpr char kToken[] = "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";

const json kSpec = json::parse(R"({
  "name": "sps",
  "parameters": [
    {"name": "heating_rate", "type": "continuous", "low": 10, "high": 100, "unit": "degC/min"},
    {"name": "max_temp", "type": "discrete", "low": 500, "high": 700, "step": 1, "unit": "degC"},
    {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "unit": "min", "scale": "log"}
  ],
  "objectives": [{"name": "jc", "direction": "maximize", "unit": "A/cm^2"}],
  "constraints": ["max_temp - 20*hold_time <= 600"]
})");

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = ::testing::TempDir() + "kyoso_api_" + std::to_string(::getpid()) + "_" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    std::remove(db_.c_str());
    ApiOptions options;
    options.db = db_;
    options.store.busy_timeout_ms = 200;
    options.max_loo = 20;
    server_ =
        std::make_unique<RunningServer>(ServerOptions{}, Authenticator::SingleToken("kato", kToken),
                                        [&](Server& s) { RegisterCampaignApi(s, options); });
  }
  void TearDown() override {
    server_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_ + suffix).c_str());
  }

  struct Answer {
    int status;
    json body;
    std::string text;
    std::string retry_after;
  };
  Answer Call(const std::string& method, const std::string& path, const json& body = nullptr,
              bool auth = true) {
    auto client = server_->Client();
    httplib::Headers headers;
    if (auth) headers.emplace("Authorization", std::string("Bearer ") + kToken);
    httplib::Result r =
        method == "GET"
            ? client.Get(path, headers)
            : client.Post(path, headers, body.is_null() ? "" : body.dump(), "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    Answer a{r->status, nullptr, r->body, r->get_header_value("Retry-After")};
    if (r->get_header_value("Content-Type").find("json") != std::string::npos) {
      a.body = json::parse(r->body);
    }
    return a;
  }
  // Creates the campaign and six measured researcher experiments.
  void Seed() {
    ASSERT_EQ(Call("POST", "/api/campaigns", kSpec).status, 201);
    AddSeedExperiments();
  }
  void AddSeedExperiments() {
    const double rows[][4] = {{20, 550, 5, 11000},  {50, 600, 5, 21000}, {80, 650, 10, 15000},
                              {35, 575, 20, 18500}, {65, 620, 3, 19500}, {50, 556, 32, 23000}};
    for (const auto& row : rows) {
      const json body = {
          {"params", {{"heating_rate", row[0]}, {"max_temp", row[1]}, {"hold_time", row[2]}}},
          {"results", {{"jc", row[3]}}},
          {"rationale", "seed"}};
      ASSERT_EQ(Call("POST", "/api/campaigns/sps/experiments", body).status, 201);
    }
  }
  std::size_t NumExperiments() {
    return Call("GET", "/api/campaigns/sps/experiments").body["experiments"].size();
  }

  std::string db_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(ApiTest, CreatesListsAndShowsCampaigns) {
  const Answer created = Call("POST", "/api/campaigns", kSpec);
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body["campaign"]["name"], "sps");
  EXPECT_EQ(created.body["campaign"]["created_by"], "kato");
  const Answer list = Call("GET", "/api/campaigns");
  ASSERT_EQ(list.body["campaigns"].size(), 1u);
  EXPECT_EQ(list.body["campaigns"][0]["num_experiments"], 0);
  const Answer one = Call("GET", "/api/campaigns/sps");
  EXPECT_EQ(one.body["campaign"]["space"]["parameters"].size(), 3u);
  EXPECT_EQ(one.body["campaign"]["objectives"][0]["direction"], "maximize");
  EXPECT_EQ(Call("POST", "/api/campaigns", kSpec).status, 409);  // duplicate name
  EXPECT_EQ(Call("GET", "/api/campaigns/nope").status, 404);
}

TEST_F(ApiTest, BadSpecsAnswer400WithEveryJsonPathAndWriteNothing) {
  json spec = kSpec;
  spec["parameters"][0]["high"] = 5;  // below low
  spec["constraints"][0] = "max_temp - 20*hold_tme <= 600";
  const Answer bad = Call("POST", "/api/campaigns", spec);
  ASSERT_EQ(bad.status, 400);
  std::set<std::string> paths;
  for (const auto& issue : bad.body["error"]["issues"]) paths.insert(issue["path"]);
  EXPECT_TRUE(paths.count("/parameters/0/high") || paths.count("/parameters/0/low")) << bad.text;
  EXPECT_TRUE(paths.count("/constraints/0")) << bad.text;
  EXPECT_EQ(Call("GET", "/api/campaigns").body["campaigns"].size(), 0u);

  // The as-you-type check answers 200 with the constraint parser's line:col message.
  const Answer check = Call("POST", "/api/spec/check", spec);
  ASSERT_EQ(check.status, 200);
  EXPECT_FALSE(check.body["ok"].get<bool>());
  bool found = false;
  for (const auto& issue : check.body["issues"]) {
    if (issue["path"] == "/constraints/0") {
      found = true;
      EXPECT_EQ(issue["code"], "constraint.unknown_name");
      EXPECT_EQ(issue["message"].get<std::string>().rfind("1:15:", 0), 0u) << issue["message"];
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(Call("POST", "/api/spec/check", kSpec).body["ok"].get<bool>());
}

TEST_F(ApiTest, UnauthenticatedWritesAre401AndChangeNothing) {
  EXPECT_EQ(Call("POST", "/api/campaigns", kSpec, false).status, 401);
  EXPECT_EQ(Call("GET", "/api/campaigns").body["campaigns"].size(), 0u);
}

TEST_F(ApiTest, ExperimentLifecycleAndErrorStatuses) {
  Seed();
  const Answer added =
      Call("POST", "/api/campaigns/sps/experiments",
           {{"params", {{"heating_rate", 45}, {"max_temp", 590}, {"hold_time", 8}}},
            {"rationale", "between the two best"}});
  ASSERT_EQ(added.status, 201) << added.text;
  const json e = added.body["experiment"];
  EXPECT_EQ(e["status"], "proposed");
  EXPECT_EQ(e["source"], "researcher");
  EXPECT_EQ(e["proposer"], "kato");
  EXPECT_GT(e["prediction"]["jc"]["stddev"].get<double>(), 0);  // predicted at proposal time
  const std::string base = "/api/campaigns/sps/experiments/" + std::to_string(e["id"].get<int>());

  EXPECT_EQ(Call("POST", base + "/start").body["experiment"]["status"], "running");
  EXPECT_EQ(Call("POST", base + "/start").status, 409);  // running -> running refused
  const Answer fail_no_reason = Call("POST", base + "/fail", json::object());
  EXPECT_EQ(fail_no_reason.status, 400);
  EXPECT_EQ(fail_no_reason.body["error"]["issues"][0]["path"], "/reason");
  const Answer bad_result = Call("POST", base + "/result", {{"results", {{"jc", "high"}}}});
  EXPECT_EQ(bad_result.status, 400);
  EXPECT_EQ(bad_result.body["error"]["issues"][0]["path"], "/results/jc");
  const Answer done = Call("POST", base + "/result",
                           {{"results", {{"jc", {{"value", 22000}, {"uncertainty", 400}}}}}});
  ASSERT_EQ(done.status, 200) << done.text;
  EXPECT_EQ(done.body["experiment"]["status"], "done");
  EXPECT_EQ(Call("POST", base + "/result", {{"results", {{"jc", 1}}}}).status, 409);
  EXPECT_EQ(Call("POST", base + "/withdraw", {{"reason", "late"}}).status, 409);
  const Answer corrected =
      Call("POST", base + "/correct",
           {{"objective", "jc"}, {"value", 21500}, {"reason", "recalibrated"}});
  ASSERT_EQ(corrected.status, 200) << corrected.text;
  kyoso::testing::ExpectClose(corrected.body["experiment"]["results"]["jc"]["value"], 21500, 0, 0);

  const Answer shown = Call("GET", base);
  std::vector<std::string> actions;
  for (const auto& h : shown.body["experiment"]["history"]) actions.push_back(h["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"insert", "status", "result", "status", "correct"}));
  const json last = shown.body["experiment"]["history"].back();
  kyoso::testing::ExpectClose(last["old"]["value"], 22000, 0, 0);  // the old value is kept
  EXPECT_EQ(last["who"], "kato");
  EXPECT_EQ(last["reason"], "recalibrated");

  EXPECT_EQ(Call("GET", "/api/campaigns/sps/experiments/999").status, 404);
  const Answer best = Call("GET", "/api/campaigns/sps/best?count=2");
  ASSERT_EQ(best.body["experiments"].size(), 2u);
  kyoso::testing::ExpectClose(best.body["experiments"][0]["results"]["jc"]["value"], 23000, 0, 0);
  // The document of `kyoso best --json` (docs/cli.md): objective, the best one, the list.
  EXPECT_EQ(best.body["objective"], "jc");
  EXPECT_EQ(best.body["experiment"], best.body["experiments"][0]);
  EXPECT_EQ(Call("GET", "/api/campaigns/sps/experiments?status=done").body["experiments"].size(),
            7u);
  EXPECT_EQ(Call("GET", "/api/campaigns/sps/experiments?status=nope").status, 400);
}

// POST .../fail on a done experiment retracts its measurement: failed with the reason, values and
// history kept, no longer the best; failing it again is 409 store.bad_transition and changes
// nothing. Oracle: the seed rows of AddSeedExperiments (23000 is the best, 21000 the next).
TEST_F(ApiTest, FailOnADoneExperimentRetractsItsMeasurement) {
  Seed();
  const Answer best = Call("GET", "/api/campaigns/sps/best");
  const int id = best.body["experiment"]["id"];
  kyoso::testing::ExpectClose(best.body["experiment"]["results"]["jc"]["value"], 23000, 0, 0);
  const std::string base = "/api/campaigns/sps/experiments/" + std::to_string(id);
  const Answer blank = Call("POST", base + "/fail", {{"reason", "  "}});
  EXPECT_EQ(blank.status, 400);
  EXPECT_EQ(blank.body["error"]["issues"][0]["path"], "/reason");
  const Answer retracted = Call("POST", base + "/fail", {{"reason", "sample cracked"}});
  ASSERT_EQ(retracted.status, 200) << retracted.text;
  EXPECT_EQ(retracted.body["experiment"]["status"], "failed");
  EXPECT_EQ(retracted.body["experiment"]["reason"], "sample cracked");
  EXPECT_EQ(retracted.body["experiment"]["results"], best.body["experiment"]["results"]);
  const Answer again = Call("POST", base + "/fail", {{"reason", "twice"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["error"]["code"], "store.bad_transition");
  const Answer correct =
      Call("POST", base + "/correct", {{"objective", "jc"}, {"value", 1}, {"reason", "x"}});
  EXPECT_EQ(correct.status, 409);
  const json history = Call("GET", base).body["experiment"]["history"];
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back()["old"], "done");
  EXPECT_EQ(history.back()["new"], "failed");
  EXPECT_EQ(history.back()["who"], "kato");
  EXPECT_EQ(history.back()["reason"], "sample cracked");
  const Answer next = Call("GET", "/api/campaigns/sps/best");
  kyoso::testing::ExpectClose(next.body["experiment"]["results"]["jc"]["value"], 21000, 0, 0);
  EXPECT_EQ(Call("GET", "/api/campaigns/sps/experiments?status=failed").body["experiments"].size(),
            1u);
}

// The batch limit is the campaign's (campaign::kMaxBatchSize) with the same message as the CLI;
// the UI reads it from GET /api/campaigns/NAME. 1000 passes the check (the request is refused for
// its acquisition only), so no 1000-point suggestion is computed.
TEST_F(ApiTest, SuggestBatchLimitIsTheCampaignsAndNamesTheField) {
  Seed();
  const json limits = Call("GET", "/api/campaigns/sps").body["campaign"]["limits"]["batch"];
  EXPECT_EQ(limits["min"], 1);
  EXPECT_EQ(limits["max"], 1000);
  EXPECT_EQ(limits["message"], "batch must be between 1 and 1000");
  const Answer over = Call("POST", "/api/campaigns/sps/suggest", {{"batch", 1001}});
  ASSERT_EQ(over.status, 400);
  ASSERT_EQ(over.body["error"]["issues"].size(), 1u);
  EXPECT_EQ(over.body["error"]["issues"][0]["path"], "/batch");
  EXPECT_EQ(over.body["error"]["issues"][0]["code"], "suggest.batch");
  EXPECT_EQ(over.body["error"]["issues"][0]["message"], limits["message"]);
  const Answer edge =
      Call("POST", "/api/campaigns/sps/suggest", {{"batch", 1000}, {"acquisition", "xx"}});
  ASSERT_EQ(edge.status, 400);
  ASSERT_EQ(edge.body["error"]["issues"].size(), 1u) << edge.text;
  EXPECT_EQ(edge.body["error"]["issues"][0]["path"], "/acquisition");
  const Answer shared = Call("POST", "/api/campaigns/sps/suggest", {{"shared", {"pressure"}}});
  ASSERT_EQ(shared.status, 400);
  EXPECT_EQ(shared.body["error"]["issues"][0]["path"], "/shared/0");
  EXPECT_EQ(NumExperiments(), 6u);
}

TEST_F(ApiTest, SuggestStoresTheBatchAndReviseKeepsTheEnginesOriginal) {
  Seed();
  const Answer bad = Call("POST", "/api/campaigns/sps/suggest",
                          {{"batch", 0},
                           {"acquisition", "xx"},
                           {"local_search", "sideways"},
                           {"batch_policy", "crowd"}});
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["issues"].size(), 4u);
  EXPECT_EQ(NumExperiments(), 6u);

  const Answer s = Call("POST", "/api/campaigns/sps/suggest",
                        {{"batch", 2},
                         {"seed", 3},
                         {"local_search", "trust_region"},
                         {"batch_policy", "penalization"}});
  ASSERT_EQ(s.status, 200) << s.text;
  // The request's step mode and batch policy reach the engine: its summary records them.
  EXPECT_EQ(s.body["summary"]["used"]["local_search"]["mode"], "trust_region");
  EXPECT_EQ(s.body["summary"]["used"]["batch_policy"], "penalization");
  ASSERT_EQ(s.body["experiments"].size(), 2u);
  const json first = s.body["experiments"][0];
  EXPECT_EQ(first["source"], "engine");
  EXPECT_EQ(first["status"], "proposed");
  EXPECT_GE(first["prediction"]["jc"]["stddev"].get<double>(), 0);
  EXPECT_NE(first["rationale"].get<std::string>().find("requested by kato"), std::string::npos);
  EXPECT_TRUE(s.body["summary"].contains("termination"));
  // The document of `kyoso suggest --json` (docs/cli.md) plus the num_* names.
  EXPECT_EQ(s.body["observations"], 6);
  EXPECT_EQ(s.body["num_observations"], 6);
  EXPECT_EQ(s.body["pending"], 0);
  EXPECT_EQ(s.body["num_pending"], 0);
  for (const auto& e : s.body["experiments"]) {  // every suggestion satisfies the constraint
    EXPECT_LE(e["params"]["max_temp"].get<double>() - 20 * e["params"]["hold_time"].get<double>(),
              600 + 1e-9);
  }

  const int id = first["id"];
  json params = first["params"];
  params["max_temp"] = 600;
  params["hold_time"] = 5;
  const Answer revised =
      Call("POST", "/api/campaigns/sps/experiments/" + std::to_string(id) + "/revise",
           {{"params", params}, {"rationale", "our furnace tops out at 600"}});
  ASSERT_EQ(revised.status, 201) << revised.text;
  EXPECT_EQ(revised.body["experiment"]["source"], "researcher");
  EXPECT_EQ(revised.body["experiment"]["proposer"], "kato");
  EXPECT_EQ(revised.body["replaces"]["status"], "withdrawn");
  EXPECT_EQ(revised.body["replaces"]["source"], "engine");
  EXPECT_EQ(revised.body["replaces"]["params"], first["params"]);  // the original is kept
  const std::string reason = revised.body["replaces"]["reason"];
  EXPECT_NE(
      reason.find("replaced by #" + std::to_string(revised.body["experiment"]["id"].get<int>())),
      std::string::npos);
  // Only a proposed experiment can be revised; a bad body writes nothing.
  const std::size_t before = NumExperiments();
  EXPECT_EQ(Call("POST", "/api/campaigns/sps/experiments/" + std::to_string(id) + "/revise",
                 {{"params", params}})
                .status,
            409);
  params["max_temp"] = 9999;
  const int other = s.body["experiments"][1]["id"];
  const Answer out_of_bounds =
      Call("POST", "/api/campaigns/sps/experiments/" + std::to_string(other) + "/revise",
           {{"params", params}});
  EXPECT_EQ(out_of_bounds.status, 400);
  EXPECT_EQ(NumExperiments(), before);
  EXPECT_EQ(Call("GET", "/api/campaigns/sps/experiments/" + std::to_string(other))
                .body["experiment"]["status"],
            "proposed");
}

TEST_F(ApiTest, CsvImportIsAllOrNothingAndExportRoundTrips) {
  ASSERT_EQ(Call("POST", "/api/campaigns", kSpec).status, 201);
  const Answer bad =
      Call("POST", "/api/campaigns/sps/import",
           {{"csv", "heating_rate,max_temp,hold_time,jc\n20,550,5,1\n30,abc,5,2\n"}});
  ASSERT_EQ(bad.status, 400);
  EXPECT_NE(bad.body["error"]["issues"][0]["path"].get<std::string>().find("line 3"),
            std::string::npos)
      << bad.text;
  EXPECT_EQ(NumExperiments(), 0u);
  const Answer good =
      Call("POST", "/api/campaigns/sps/import",
           {{"csv", "heating_rate,max_temp,hold_time,jc\n20,550,5,1\n30,560,5,2\n"}});
  ASSERT_EQ(good.status, 201) << good.text;
  EXPECT_EQ(good.body["imported"], 2);
  EXPECT_EQ(good.body["layout"], "boxvia");
  // The same file again: 400 csv.duplicate_row, nothing written; "duplicates": "skip" imports
  // only the new row.
  const Answer twice =
      Call("POST", "/api/campaigns/sps/import",
           {{"csv", "heating_rate,max_temp,hold_time,jc\n20,550,5,1\n30,560,5,2\n"}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.body["error"]["code"], "csv.duplicate_row");
  EXPECT_EQ(NumExperiments(), 2u);
  const Answer skip = Call("POST", "/api/campaigns/sps/import",
                           {{"csv", "heating_rate,max_temp,hold_time,jc\n20,550,5,1\n40,570,5,3\n"},
                            {"duplicates", "skip"}});
  ASSERT_EQ(skip.status, 201) << skip.text;
  EXPECT_EQ(skip.body["imported"], 1);
  EXPECT_EQ(skip.body["skipped_lines"], json({2}));
  EXPECT_EQ(NumExperiments(), 3u);
  const Answer csv = Call("GET", "/api/campaigns/sps/export?format=boxvia");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.text.rfind("heating_rate,max_temp,hold_time,jc", 0), 0u) << csv.text;
  EXPECT_EQ(Call("GET", "/api/campaigns/sps/export?format=xml").status, 400);
  const Answer compare = Call("GET", "/api/campaigns/sps/compare");
  ASSERT_EQ(compare.status, 200);
  EXPECT_EQ(compare.body["measured"], 3);
}

TEST_F(ApiTest, ALockedDatabaseAnswers503WithRetryAfterAndWritesNothing) {
  ASSERT_EQ(Call("POST", "/api/campaigns", kSpec).status, 201);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const Answer busy =
      Call("POST", "/api/campaigns/sps/experiments",
           {{"params", {{"heating_rate", 45}, {"max_temp", 590}, {"hold_time", 8}}}});
  EXPECT_EQ(busy.status, 503) << busy.text;
  EXPECT_EQ(busy.body["error"]["code"], "store.busy");
  EXPECT_EQ(busy.retry_after, "1");
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(NumExperiments(), 0u);
}

TEST_F(ApiTest, ModelViewsHaveConsistentShapesAndInvariants) {
  ASSERT_EQ(Call("POST", "/api/campaigns", kSpec).status, 201);
  const json slice_request = {{"x", "heating_rate"}, {"num", 25}};
  const Answer empty = Call("POST", "/api/campaigns/sps/model/slice", slice_request);
  EXPECT_EQ(empty.status, 409);
  EXPECT_EQ(empty.body["error"]["code"], "model.insufficient_data");
  AddSeedExperiments();

  const Answer slice = Call("POST", "/api/campaigns/sps/model/slice", slice_request);
  ASSERT_EQ(slice.status, 200) << slice.text;
  const json& xs = slice.body["x"]["values"];
  ASSERT_EQ(xs.size(), 25u);
  kyoso::testing::ExpectClose(xs.front(), 10, 1e-12, 0);
  kyoso::testing::ExpectClose(xs.back(), 100, 1e-12, 0);
  ASSERT_EQ(slice.body["mean"].size(), 25u);
  for (const auto& sd : slice.body["stddev"]) EXPECT_GE(sd.get<double>(), 0);
  // Fixed defaults to the best experiment (#6: 556 degC, 32 min), which lies on the slice.
  EXPECT_EQ(slice.body["fixed"]["max_temp"], 556);
  bool best_on_slice = false;
  for (const auto& point : slice.body["data"]) {
    if (point["id"] == 6) {
      best_on_slice = true;
      kyoso::testing::ExpectClose(point["distance"], 0, 0, 1e-12);
    } else {
      EXPECT_GT(point["distance"].get<double>(), 0);
    }
  }
  EXPECT_TRUE(best_on_slice);

  const Answer grid = Call("POST", "/api/campaigns/sps/model/grid",
                           {{"x", "heating_rate"}, {"y", "max_temp"}, {"num", 7}});
  ASSERT_EQ(grid.status, 200) << grid.text;
  ASSERT_EQ(grid.body["mean"].size(), 7u);     // rows: y
  ASSERT_EQ(grid.body["mean"][0].size(), 7u);  // columns: x
  const Answer stacked = Call(
      "POST", "/api/campaigns/sps/model/grid",
      {{"x", "heating_rate"}, {"y", "max_temp"}, {"z", "hold_time"}, {"num", 5}, {"num_z", 3}});
  ASSERT_EQ(stacked.status, 200) << stacked.text;
  ASSERT_EQ(stacked.body["slices"].size(), 3u);
  kyoso::testing::ExpectClose(stacked.body["slices"][2]["z"], 60, 1e-12, 0);
  const Answer same =
      Call("POST", "/api/campaigns/sps/model/grid", {{"x", "max_temp"}, {"y", "max_temp"}});
  EXPECT_EQ(same.status, 400);
  EXPECT_EQ(same.body["error"]["issues"][0]["path"], "/y");

  const Answer diag = Call("GET", "/api/campaigns/sps/model/diagnostics");
  ASSERT_EQ(diag.status, 200) << diag.text;
  ASSERT_EQ(diag.body["length_scales"].size(), 3u);
  for (const auto& s : diag.body["length_scales"]) {
    kyoso::testing::ExpectClose(s["relevance"].get<double>() * s["lengthscale"].get<double>(), 1,
                                1e-12, 0);
  }
  ASSERT_EQ(diag.body["loo"].size(), 6u);
  kyoso::testing::ExpectClose(diag.body["loo"][1]["observed"], 21000, 0, 0);

  const Answer predicted = Call("POST", "/api/campaigns/sps/predict",
                                {{"points",
                                  {{{"heating_rate", 50}, {"max_temp", 556}, {"hold_time", 32}},
                                   {{"heating_rate", 50}, {"max_temp", 700}, {"hold_time", 1}}}}});
  ASSERT_EQ(predicted.status, 200) << predicted.text;
  EXPECT_TRUE(predicted.body["predictions"][0]["feasible"].get<bool>());
  EXPECT_FALSE(predicted.body["predictions"][1]["feasible"].get<bool>());  // 700 - 20 > 600
  const Answer bad_point = Call("POST", "/api/campaigns/sps/predict",
                                {{"points", {{{"heating_rate", 50}, {"max_temp", 556}}}}});
  EXPECT_EQ(bad_point.status, 400);
  EXPECT_EQ(bad_point.body["error"]["issues"][0]["path"].get<std::string>().rfind("/points/0", 0),
            0u);
}

}  // namespace
}  // namespace kyoso::server
