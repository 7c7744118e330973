// Scenario tests of the `kyoso` command (docs/cli.md): each test runs the real binary in a fresh
// temporary directory, as a script would, and checks exit codes, the one JSON document on stdout
// and the error codes on stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json Json() const { return nlohmann::json::parse(out); }
  nlohmann::json Error() const { return nlohmann::json::parse(err); }
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("kyoso_cli_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `kyoso ARGS...` in the test directory (fixed test arguments, quoted for the shell).
  Outcome Kyoso(const std::vector<std::string>& args) {
    std::string command = "cd " + Quote(dir_.string()) + " && " + Quote(KYOSO_BINARY);
    for (const std::string& a : args) command += " " + Quote(a);
    command += " >out.txt 2>err.txt";
    const int status = std::system(command.c_str());
    Outcome run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = Read("out.txt");
    run.err = Read("err.txt");
    return run;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  void InitBa122() {
    Write("spec.json", R"({"name": "ba122-sps", "parameters": [
      {"name": "heating_rate", "type": "continuous", "low": 10, "high": 100, "unit": "degC/min"},
      {"name": "max_temp", "type": "discrete", "low": 500, "high": 700, "step": 1, "unit": "degC"},
      {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "scale": "log", "unit": "min"}],
      "objectives": [{"name": "jc", "direction": "maximize", "unit": "A/cm^2"}],
      "constraints": ["max_temp - 20*hold_time <= 600"]})");
    const Outcome run = Kyoso({"init", "spec.json", "--json", "--by", "alice"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  // Expects a failure with `exit_code` and, under --json, a JSON error object with `code`.
  void ExpectError(const std::vector<std::string>& args, int exit_code, const std::string& code) {
    const Outcome run = Kyoso(args);
    EXPECT_EQ(run.exit_code, exit_code) << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
    nlohmann::json error;
    ASSERT_NO_THROW(error = run.Error()) << run.err;
    EXPECT_EQ(error["error"]["code"], code) << run.err;
  }

  fs::path dir_;
};

TEST_F(Cli, InitThenCampaignsListsItAsJson) {
  InitBa122();
  const Outcome run = Kyoso({"campaigns", "--json"});
  ASSERT_EQ(run.exit_code, 0);
  const nlohmann::json j = run.Json();
  ASSERT_EQ(j["campaigns"].size(), 1u);
  EXPECT_EQ(j["campaigns"][0]["name"], "ba122-sps");
  EXPECT_EQ(j["campaigns"][0]["created_by"], "alice");
  EXPECT_TRUE(fs::exists(dir_ / "kyoso.db"));  // the default --db
}

TEST_F(Cli, TheWholeLoopFromSuggestToCompare) {
  InitBa122();
  // The engine's initial design, stored with ids.
  Outcome run = Kyoso({"suggest", "--batch", "2", "--seed", "1", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = run.Json();
  ASSERT_EQ(j["experiments"].size(), 2u);
  EXPECT_EQ(j["experiments"][0]["id"], 1);
  EXPECT_EQ(j["experiments"][1]["id"], 2);
  EXPECT_EQ(j["experiments"][0]["source"], "engine");
  EXPECT_TRUE(j["experiments"][0]["params"].contains("max_temp"));
  EXPECT_TRUE(j["experiments"][0].contains("acquisition"));
  EXPECT_EQ(j["summary"]["termination"], "initial_design");
  // A researcher's finished experiment and proposal.
  run = Kyoso({"add", "--by", "bob", "--set", "heating_rate=50", "--set", "max_temp=600", "--set",
               "hold_time=5", "--result", "jc=1.0e5", "--note", "paper schedule", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  j = run.Json();
  EXPECT_EQ(j["experiment"]["id"], 3);
  EXPECT_EQ(j["experiment"]["status"], "done");
  EXPECT_EQ(j["experiment"]["source"], "researcher");
  EXPECT_EQ(j["experiment"]["proposer"], "bob");
  EXPECT_EQ(j["experiment"]["rationale"], "paper schedule");
  EXPECT_EQ(j["experiment"]["params"]["max_temp"], 600);
  // Outcome the engine's two.
  for (const std::string id : {"1", "2"}) {
    EXPECT_EQ(Kyoso({"start", id, "--by", "lab"}).exit_code, 0);
  }
  run = Kyoso({"result", "1", "jc=2.5e4", "--by", "lab", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Json()["experiment"]["results"]["jc"]["value"], 2.5e4);
  EXPECT_EQ(Kyoso({"fail", "2", "--reason", "die cracked"}).exit_code, 0);
  run = Kyoso({"correct", "1", "jc=2.6e4", "--reason", "probe recalibrated", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // list: every experiment with status/source/proposer/params/results.
  run = Kyoso({"list", "--json"});
  ASSERT_EQ(run.exit_code, 0);
  j = run.Json();
  ASSERT_EQ(j["experiments"].size(), 3u);
  EXPECT_EQ(j["experiments"][0]["status"], "done");
  EXPECT_EQ(j["experiments"][0]["results"]["jc"]["value"], 2.6e4);
  EXPECT_EQ(j["experiments"][1]["status"], "failed");
  EXPECT_EQ(j["experiments"][1]["reason"], "die cracked");
  run = Kyoso({"list", "--status", "failed", "--json"});
  EXPECT_EQ(run.Json()["experiments"].size(), 1u);
  // show: history keeps the corrected value.
  run = Kyoso({"show", "1", "--json"});
  ASSERT_EQ(run.exit_code, 0);
  j = run.Json()["experiment"];
  ASSERT_GE(j["history"].size(), 4u);
  EXPECT_EQ(j["history"].back()["action"], "correct");
  EXPECT_EQ(j["history"].back()["old"]["value"], 2.5e4);
  // The human history reads as changes: "status  proposed -> running", "correct jc  old -> new".
  run = Kyoso({"show", "1"});
  EXPECT_NE(run.out.find("  lab  status  proposed -> running\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  correct jc  25000 -> 26000  (probe recalibrated)\n"), std::string::npos)
      << run.out;
  // best and compare.
  run = Kyoso({"best", "--json"});
  EXPECT_EQ(run.Json()["experiment"]["id"], 3);
  run = Kyoso({"compare", "--json"});
  ASSERT_EQ(run.exit_code, 0);
  j = run.Json();
  EXPECT_EQ(j["measured"], 2);
  EXPECT_EQ(j["best_id"], 3);
  EXPECT_EQ(j["loops"][0]["label"], "engine");
  EXPECT_EQ(j["loops"][1]["label"], "bob");
  // Two measurements are below the engine's initial-design threshold (max(5, d + 1)): the next
  // batch is still space filling, and it avoids the pending proposals.
  run = Kyoso({"suggest", "--json", "--seed", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Json()["summary"]["termination"], "initial_design");
  EXPECT_EQ(run.Json()["experiments"][0]["id"], 4);
}

// `kyoso fail` on a done experiment retracts it: failed with the reason, the value kept and shown
// as retracted, the history entry done -> failed with who and why, `best` skips it, a second
// `fail` is refused with the state machine's error, and a full export re-imports it as retracted.
TEST_F(Cli, FailOnADoneExperimentRetractsItsResult) {
  InitBa122();
  for (const std::string row : {"max_temp=600|jc=1.0e5", "max_temp=550|jc=5.0e4"}) {
    const std::size_t bar = row.find('|');
    const Outcome run =
        Kyoso({"add", "--by", "bob", "--set", "heating_rate=50", "--set", row.substr(0, bar),
               "--set", "hold_time=5", "--result", row.substr(bar + 1), "--json"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  ExpectError({"fail", "1", "--json"}, 1, "store.reason_required");
  Outcome run = Kyoso({"fail", "1", "--reason", "thermocouple read 40 K low", "--by", "carol"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("retracted #1 failed researcher bob:", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("| retracted jc=100000"), std::string::npos) << run.out;
  run = Kyoso({"list", "--json"});
  nlohmann::json j = run.Json()["experiments"][0];
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["reason"], "thermocouple read 40 K low");
  EXPECT_EQ(j["results"]["jc"]["value"], 1.0e5);
  run = Kyoso({"show", "1"});
  EXPECT_NE(run.out.find("  carol  status  done -> failed  (thermocouple read 40 K low)\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("| retracted jc=100000"), std::string::npos) << run.out;
  run = Kyoso({"best", "--json"});
  EXPECT_EQ(run.Json()["experiment"]["id"], 2);
  EXPECT_EQ(run.Json()["experiments"].size(), 1u);
  ExpectError({"fail", "1", "--reason", "again", "--json"}, 1, "store.bad_transition");
  ExpectError({"correct", "1", "jc=9e4", "--reason", "re-read", "--json"}, 1,
              "store.bad_transition");
  // The full export keeps the retracted value; importing it elsewhere keeps it retracted.
  ASSERT_EQ(Kyoso({"export", "--format", "full", "-o", "full.csv"}).exit_code, 0);
  EXPECT_NE(Read("full.csv").find("\n1,failed,researcher,bob,"), std::string::npos)
      << Read("full.csv");
  ASSERT_EQ(Kyoso({"init", "spec.json", "--db", "copy.db"}).exit_code, 0);
  run = Kyoso({"import", "full.csv", "--db", "copy.db", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  j = Kyoso({"list", "--db", "copy.db", "--json"}).Json()["experiments"][0];
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["results"]["jc"]["value"], 1.0e5);
  EXPECT_EQ(Kyoso({"best", "--db", "copy.db", "--json"}).Json()["experiment"]["id"], 2);
  // boxvia holds observations only.
  run = Kyoso({"export", "--format", "boxvia", "--json"});
  EXPECT_EQ(run.Json()["rows"], 1);
}

// The batch limit is the campaign's (1..1000) with its message, located at --batch. 1000 passes
// the check: the request then fails on another option, so nothing is suggested.
TEST_F(Cli, SuggestBatchLimitIsTheCampaignsAndNamesTheFlag) {
  InitBa122();
  ExpectError({"suggest", "--batch", "1001", "--json"}, 2, "suggest.batch");
  Outcome run = Kyoso({"suggest", "--batch", "1001", "--json"});
  const nlohmann::json issue = run.Error()["error"]["issues"][0];
  EXPECT_EQ(issue["path"], "--batch");
  EXPECT_EQ(issue["message"], "batch must be between 1 and 1000");
  run = Kyoso({"suggest", "--batch", "0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "error[suggest.batch]: --batch: batch must be between 1 and 1000\n");
  run = Kyoso({"suggest", "--batch", "1000", "--shared", "pressure", "--json"});
  EXPECT_EQ(run.exit_code, 2);
  const nlohmann::json issues = run.Error()["error"]["issues"];
  ASSERT_EQ(issues.size(), 1u) << run.err;
  EXPECT_EQ(issues[0]["code"], "suggest.options");
  EXPECT_EQ(Kyoso({"list", "--json"}).Json()["experiments"].size(), 0u);
}

// Human output and CSV follow the spec's order of parameters and objectives, not the alphabetical
// order of JSON objects. The spec is ordered against the alphabet on purpose (z, a, m; y, c).
TEST_F(Cli, HumanOutputAndCsvListParametersAndObjectivesInSpecOrder) {
  Write("spec.json", R"({"name": "order", "parameters": [
      {"name": "zeta_pressure", "type": "continuous", "low": 0, "high": 10},
      {"name": "alpha_ratio", "type": "continuous", "low": 0, "high": 1},
      {"name": "mid_temp", "type": "discrete", "low": 500, "high": 700, "step": 1}],
      "objectives": [{"name": "yield", "direction": "maximize"},
                     {"name": "cost", "direction": "minimize"}]})");
  ASSERT_EQ(Kyoso({"init", "spec.json"}).exit_code, 0);
  const std::vector<std::string> order = {
      "zeta_pressure=", "alpha_ratio=", "mid_temp=", "yield=", "cost="};
  // Every name of `order` appears in `line`, each after the previous one.
  const auto expect_in_order = [&](const std::string& line, std::size_t count) {
    std::size_t at = 0;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t found = line.find(order[k], at);
      ASSERT_NE(found, std::string::npos) << order[k] << " missing or out of order in: " << line;
      at = found;
    }
  };
  Outcome run =
      Kyoso({"add", "--by", "bob", "--set", "mid_temp=600", "--set", "alpha_ratio=0.5", "--set",
             "zeta_pressure=2.5", "--result", "cost=3", "--result", "yield=0.8"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("zeta_pressure=2.5 alpha_ratio=0.5 mid_temp=600 | yield=0.8 | cost=3"),
            std::string::npos)
      << run.out;
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"list"},
                                               {"show", "1"},
                                               {"best"},
                                               {"best", "--objective", "cost"}}) {
    run = Kyoso(verb);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    expect_in_order(run.out.substr(0, run.out.find('\n')), 5);
  }
  run = Kyoso({"suggest", "--batch", "2", "--seed", "4"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.out);
  int num_proposals = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  #", 0) != 0) continue;
    ++num_proposals;
    expect_in_order(line, 3);
  }
  EXPECT_EQ(num_proposals, 2) << run.out;
  ASSERT_EQ(Kyoso({"export", "--format", "boxvia", "-o", "b.csv"}).exit_code, 0);
  EXPECT_EQ(Read("b.csv"), "zeta_pressure,alpha_ratio,mid_temp,yield,cost\n2.5,0.5,600,0.8,3\n");
  ASSERT_EQ(Kyoso({"export", "--format", "full", "-o", "f.csv"}).exit_code, 0);
  const std::string header = Read("f.csv").substr(0, Read("f.csv").find('\n'));
  EXPECT_NE(header.find(",zeta_pressure,alpha_ratio,mid_temp,yield,yield_uncertainty,"),
            std::string::npos)
      << header;
  EXPECT_LT(header.find(",yield_at,"), header.find(",cost,")) << header;
  // A revision names the original's values in spec order in its rationale.
  run = Kyoso({"revise", "3", "--set", "mid_temp=610", "--by", "bob", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string rationale = run.Json()["experiment"]["rationale"];
  EXPECT_LT(rationale.find("\"zeta_pressure\""), rationale.find("\"alpha_ratio\"")) << rationale;
  EXPECT_LT(rationale.find("\"alpha_ratio\""), rationale.find("\"mid_temp\"")) << rationale;
}

TEST_F(Cli, ExportThenImportIntoAFreshDatabaseRoundTrips) {
  InitBa122();
  Write("in.csv",
        "heating_rate,max_temp,hold_time,jc\n50,550,5,9554\n50,600,5,101076\n25,600,5,87151\n");
  Outcome run = Kyoso({"import", "in.csv", "--by", "notebook", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Json()["imported"], 3);
  EXPECT_EQ(run.Json()["layout"], "boxvia");
  run = Kyoso({"export", "--format", "boxvia", "-o", "out.csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Read("out.csv"),
            "heating_rate,max_temp,hold_time,jc\n50,550,5,9554\n50,600,5,101076\n25,600,5,87151\n");
  EXPECT_EQ(Kyoso({"export", "--format", "full", "-o", "full.csv"}).exit_code, 0);
  ASSERT_EQ(Kyoso({"init", "spec.json", "--db", "copy.db"}).exit_code, 0);
  run = Kyoso({"import", "full.csv", "--db", "copy.db", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Json()["layout"], "full");
  run = Kyoso({"export", "--format", "boxvia", "--db", "copy.db", "--json"});
  EXPECT_EQ(run.Json()["csv"], Read("out.csv"));
  EXPECT_EQ(run.Json()["rows"], 3);
  // The same file imported twice is refused (docs/csv.md); --duplicates skip imports only the
  // rows that are new.
  ExpectError({"import", "in.csv", "--json"}, 2, "csv.duplicate_row");
  Write("grown.csv",
        "heating_rate,max_temp,hold_time,jc\n50,550,5,9554\n50,600,5,101076\n25,600,5,87151\n"
        "50,650,5,20918\n");
  run = Kyoso({"import", "grown.csv", "--duplicates", "skip", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Json()["imported"], 1);
  EXPECT_EQ(run.Json()["skipped_lines"], nlohmann::json({2, 3, 4}));
  ExpectError({"import", "grown.csv", "--duplicates", "maybe", "--json"}, 2, "cli.bad_option");
}

TEST_F(Cli, ErrorsHaveStableCodesAndExitCodes) {
  // No campaign yet.
  ExpectError({"list", "--json"}, 2, "campaign.none");
  // A spec with a bad JSON path and a JSON syntax error.
  Write("bad.json", R"({"name": "x", "parameters": [{"name": "t", "type": "continuous",
    "low": 5, "high": 1}], "objectives": [{"name": "jc", "direction": "maximize"}]})");
  const Outcome bad = Kyoso({"init", "bad.json", "--json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.Error()["error"]["issues"][0]["path"].get<std::string>().rfind("/parameters/0", 0),
            0u);
  Write("syntax.json", "{\"name\": }");
  ExpectError({"init", "syntax.json", "--json"}, 2, "json.syntax");
  ExpectError({"init", "missing.json", "--json"}, 1, "cli.io");
  InitBa122();
  ExpectError({"init", "spec.json", "--json"}, 1, "store.duplicate_campaign");
  ExpectError({"list", "--campaign", "nope", "--json"}, 2, "campaign.not_found");
  ExpectError({"list", "--status", "todo", "--json"}, 2, "cli.bad_option");
  EXPECT_NE(Kyoso({"list", "--status", "todo"})
                .err.find("'todo' is not one of proposed, running, done, failed, withdrawn"),
            std::string::npos);
  ExpectError({"suggest", "--acquisition", "magic", "--json"}, 2, "cli.bad_option");
  ExpectError({"suggest", "--local-search", "magic", "--json"}, 2, "cli.bad_option");
  ExpectError({"suggest", "--batch-policy", "magic", "--json"}, 2, "cli.bad_option");
  ExpectError({"add", "--by", "bob", "--set", "heating_rate=50", "--set", "max_temp=600.5", "--set",
               "hold_time=5", "--json"},
              2, "params.off_grid");
  ExpectError({"add", "--by", "bob", "--set", "heating_rate=500", "--set", "max_temp=600", "--set",
               "hold_time=5", "--json"},
              2, "params.out_of_bounds");
  ExpectError({"add", "--by", "bob", "--set", "pressure=5", "--set", "heating_rate=50", "--set",
               "max_temp=600", "--set", "hold_time=5", "--json"},
              2, "params.unknown");
  ASSERT_EQ(Kyoso({"add", "--by", "bob", "--set", "heating_rate=50", "--set", "max_temp=600",
                   "--set", "hold_time=5"})
                .exit_code,
            0);
  ExpectError({"result", "1", "tc=5", "--json"}, 2, "campaign.unknown_objective");
  ExpectError({"result", "1", "jc=abc", "--json"}, 2, "params.type");
  ExpectError({"withdraw", "1", "--json"}, 1, "store.reason_required");
  ExpectError({"start", "7", "--json"}, 1, "store.experiment_not_found");
  // The campaign by its name, and the ids it has.
  EXPECT_EQ(Kyoso({"result", "7", "jc=5"}).err,
            "error[store.experiment_not_found]: campaign 'ba122-sps' has no experiment 7 (it has "
            "only experiment 1)\n");
  ASSERT_EQ(Kyoso({"result", "1", "jc=5e4"}).exit_code, 0);
  ExpectError({"start", "1", "--json"}, 1, "store.bad_transition");
  ExpectError({"result", "1", "jc=6e4", "--json"}, 1, "store.already_measured");
  ExpectError({"correct", "1", "jc=6e4", "--json"}, 1, "store.reason_required");
  Write("bad.csv", "heating_rate,max_temp,hold_time,jc\n50,600,5,1e5\n50,abc,5,1e5\n");
  const Outcome csv = Kyoso({"import", "bad.csv", "--json"});
  EXPECT_EQ(csv.exit_code, 2);
  EXPECT_EQ(csv.Error()["error"]["code"], "csv.non_numeric");
  EXPECT_EQ(csv.Error()["error"]["issues"][0]["path"], "line 3, column max_temp");
  EXPECT_EQ(Kyoso({"list", "--json"}).Json()["experiments"].size(), 1u);  // nothing imported
  // Without --json: `error[code]: message` on stderr.
  const Outcome text = Kyoso({"start", "1"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.err.rfind("error[store.bad_transition]: ", 0), 0u) << text.err;
}

// A log-scale objective's prediction is of ln(value) (docs/spec.md): the human output shows the
// value's median exp(mean) and its 2-sigma range in the objective's unit, not the ln mean (which
// read "predicted jc 10.9" next to "jc=98000"). Parameters read with six significant digits.
TEST_F(Cli, HumanOutputShowsALogScalePredictionInTheObjectivesUnit) {
  Write("spec.json", R"({"name": "ba122-sps", "parameters": [
    {"name": "heating_rate", "type": "continuous", "low": 10, "high": 100},
    {"name": "max_temp", "type": "discrete", "low": 500, "high": 700, "step": 1},
    {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "scale": "log"}],
    "objectives": [{"name": "jc", "direction": "maximize", "scale": "log"}]})");
  ASSERT_EQ(Kyoso({"init", "spec.json"}).exit_code, 0);
  Write("in.csv",
        "heating_rate,max_temp,hold_time,jc\n50,500,5,22\n50,550,5,9554\n50,600,5,101076\n"
        "50,650,5,20918\n50,600,10,90284\n25,600,5,87151\n");
  ASSERT_EQ(Kyoso({"import", "in.csv"}).exit_code, 0);
  ASSERT_EQ(Kyoso({"suggest", "--seed", "3"}).exit_code, 0);
  const nlohmann::json e = Kyoso({"show", "7", "--json"}).Json()["experiment"];
  const double mean = e["prediction"]["jc"]["mean"].get<double>();
  const double stddev = e["prediction"]["jc"]["stddev"].get<double>();
  ASSERT_EQ(e["prediction"]["jc"]["scale"], "log");
  const auto g6 = [](double v) {
    std::ostringstream out;
    out << std::setprecision(6) << v;
    return out.str();
  };
  const std::string expected = "(predicted jc " + g6(std::exp(mean)) + ", 2σ range " +
                               g6(std::exp(mean - 2 * stddev)) + "-" +
                               g6(std::exp(mean + 2 * stddev)) + ")";
  const Outcome show = Kyoso({"show", "7"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find(expected), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find("predicted jc " + g6(mean)), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("heating_rate=" + g6(e["params"]["heating_rate"].get<double>()) + " "),
            std::string::npos)
      << show.out;
}

TEST_F(Cli, SharedParametersMakeOneFurnaceBatch) {
  // --shared: the whole batch shares peak temperature and hold time (one SPS run), while the
  // heating rate may differ; --acquisition ucb is recorded with each proposal.
  InitBa122();
  Write("in.csv",
        "heating_rate,max_temp,hold_time,jc\n50,500,5,22\n50,550,5,9554\n50,600,5,101076\n"
        "50,650,5,20918\n50,600,10,90284\n25,600,5,87151\n");
  ASSERT_EQ(Kyoso({"import", "in.csv"}).exit_code, 0);
  const Outcome run =
      Kyoso({"suggest", "--batch", "3", "--acquisition", "ucb", "--shared", "max_temp,hold_time",
             "--seed", "4", "--local-search", "off", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json j = run.Json();
  EXPECT_EQ(j["summary"]["used"]["local_search"]["mode"], "off");
  EXPECT_EQ(j["summary"]["used"]["batch_policy"], "believer");  // the default
  ASSERT_EQ(j["experiments"].size(), 3u);
  EXPECT_EQ(j["summary"]["termination"], "converged");
  EXPECT_EQ(j["observations"], 6);
  EXPECT_EQ(j["num_observations"], 6);  // the HTTP API's name for it (docs/http-api.md)
  EXPECT_EQ(j["num_pending"], 0);
  for (const nlohmann::json& e : j["experiments"]) {
    EXPECT_EQ(e["params"]["max_temp"], j["experiments"][0]["params"]["max_temp"]);
    EXPECT_EQ(e["params"]["hold_time"], j["experiments"][0]["params"]["hold_time"]);
    EXPECT_EQ(e["prediction"]["acquisition_kind"], "ucb");
    EXPECT_GT(e["prediction"]["jc"]["stddev"].get<double>(), 0.0);
    EXPECT_EQ(e["batch_id"], j["batch_id"]);
  }
  ExpectError({"suggest", "--shared", "pressure", "--json"}, 2, "suggest.options");
  // --by names who asked in the rationale (the proposer stays the engine), as the HTTP API does.
  const Outcome asked = Kyoso({"suggest", "--by", "maria", "--seed", "5", "--json"});
  ASSERT_EQ(asked.exit_code, 0) << asked.err;
  const nlohmann::json e = asked.Json()["experiments"][0];
  EXPECT_EQ(e["proposer"], "kyoso-engine");
  EXPECT_EQ(e["rationale"], "ei batch of 1 (" +
                                asked.Json()["summary"]["termination"].get<std::string>() +
                                ") (requested by maria)");
}

// `kyoso revise`: a researcher edits the engine's proposal before running it (as the web UI's
// "edit a suggested row"), giving only the changed values.
TEST_F(Cli, ReviseReplacesAProposalAndWithdrawsTheOriginal) {
  InitBa122();
  ASSERT_EQ(Kyoso({"suggest", "--batch", "2", "--seed", "1"}).exit_code, 0);
  const Outcome run = Kyoso({"revise", "1", "--set", "max_temp=600", "--set", "hold_time=5", "--by",
                             "bob", "--note", "furnace limit", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json j = run.Json();
  EXPECT_EQ(j["experiment"]["id"], 3);
  EXPECT_EQ(j["experiment"]["proposer"], "bob");
  EXPECT_EQ(j["experiment"]["params"]["max_temp"], 600);
  EXPECT_EQ(j["experiment"]["params"]["heating_rate"], j["replaces"]["params"]["heating_rate"]);
  EXPECT_EQ(j["replaces"]["status"], "withdrawn");
  EXPECT_EQ(j["replaces"]["reason"], "revised by bob before running; replaced by #3");
  // Only a proposed experiment can be revised; a bad value writes nothing.
  ExpectError({"revise", "1", "--set", "max_temp=610", "--json"}, 1, "revise.bad_transition");
  ExpectError({"revise", "2", "--set", "max_temp=900", "--json"}, 2, "params.out_of_bounds");
  EXPECT_EQ(Kyoso({"list", "--json"}).Json()["experiments"].size(), 3u);
  const Outcome text = Kyoso({"revise", "2", "--set", "max_temp=590", "--by", "bob"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.rfind("added #4 proposed researcher bob:", 0), 0u) << text.out;
  EXPECT_NE(text.out.find("withdrew #2 withdrawn engine kyoso-engine:"), std::string::npos);
}

TEST_F(Cli, AddWarnsAboutAConstraintViolationButKeepsTheRecord) {
  InitBa122();
  const Outcome run = Kyoso({"add", "--by", "bob", "--set", "heating_rate=50", "--set",
                             "max_temp=650", "--set", "hold_time=1", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json j = run.Json();
  EXPECT_EQ(j["experiment"]["flags"][0], "violates_constraint");
  EXPECT_EQ(j["warnings"][0]["code"], "campaign.violates_constraint");
  // It names the constraint and the amount: 650 - 20*1 - 600 = 30.
  EXPECT_EQ(j["warnings"][0]["message"],
            "the proposal violates 'max_temp - 20*hold_time <= 600' (off by 30); it is stored with "
            "the flag violates_constraint");
}

TEST_F(Cli, DemoSaysTheLabIsSimulatedAndLeavesAUsableDatabase) {
  const Outcome run = Kyoso({"demo", "--db", "demo.db", "--rounds", "1", "--batch", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("THE LAB IS SIMULATED"), std::string::npos);
  EXPECT_NE(run.out.find("kyoso suggest --db demo.db"), std::string::npos);
  // The compare legend says what "improved" counts: measurements, not experiments.
  EXPECT_NE(run.out.find("improved: share of the loop's measurements that beat"), std::string::npos)
      << run.out;
  const Outcome list = Kyoso({"list", "--db", "demo.db", "--json"});
  EXPECT_EQ(list.Json()["experiments"].size(), 7u);  // 5 researcher + 2 engine
  const Outcome json = Kyoso({"demo", "--db", "demo2.db", "--rounds", "1", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.Json()["simulated"], true);
  EXPECT_EQ(json.Json()["compare"]["loops"].size(), 2u);
  // Running it again on the same database is refused with a clear code.
  const Outcome again = Kyoso({"demo", "--db", "demo.db", "--json"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.Error()["error"]["code"], "store.duplicate_campaign");
  // Without --json it says so before printing anything else, and how to get a fresh demo.
  const Outcome text = Kyoso({"demo", "--db", "demo.db"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_TRUE(text.out.empty()) << text.out;
  EXPECT_NE(text.err.find("use another --db (or delete the file)"), std::string::npos) << text.err;
}

}  // namespace

TEST_F(Cli, UsageErrorsAreOneJsonErrorObjectUnderJson) {
  // A flag CLI11 rejects (an ID that is not a number) still gives the JSON error shape and exit 2.
  ExpectError({"start", "seven", "--json"}, 2, "cli.usage");
  ExpectError({"list", "--no-such-flag", "--json"}, 2, "cli.usage");
  // Without --json: the `error[code]: message` line of every other error, pointing to the help.
  Outcome run = Kyoso({"list", "--no-such-flag"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("error[cli.usage]: ", 0), 0u) << run.err;
  EXPECT_NE(run.err.find("--no-such-flag"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("`kyoso list --help`"), std::string::npos) << run.err;
  // A misspelt verb is named as such, with the verb that was meant (CLI11 alone said "A
  // subcommand is required").
  run = Kyoso({"resutl", "3", "jc=5"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "error[cli.usage]: 'resutl' is not a kyoso command; did you mean 'result'? (`kyoso "
            "--help` lists them)\n");
  ExpectError({"sugest", "--json"}, 2, "cli.usage");
  EXPECT_NE(Kyoso({"sugest", "--json"}).err.find("did you mean 'suggest'?"), std::string::npos);
}

TEST_F(Cli, MagnetReportsUnreadableSpecAndBadSpecPaths) {
  ExpectError({"magnet", "missing.json", "--json"}, 1, "io.read");
  Write("bad.json", R"({"bodies": [{"name": "a", "shape": "disc", "radius": "-1 mm",
    "z_min": 0, "z_max": "1 mm"}], "material": {"jc": {"model": "constant", "jc0": 1e8},
    "n": 20}, "protocol": {"kind": "fcm", "field": "1 T", "ramp_rate": "0.01 T/s"}})");
  const Outcome run = Kyoso({"magnet", "bad.json", "--json"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  bool found = false;
  const nlohmann::json error = run.Error();
  for (const auto& issue : error["error"]["issues"]) {
    found = found || issue["path"] == "/bodies/0/radius";
  }
  EXPECT_TRUE(found) << run.err;
}
