// What every verb of the `kyoso` command shares: the --db/--json options, printing one JSON
// document or human text, the terminal progress bar, and the single place that maps errors to
// `error[code]: message` (or a JSON error object under --json) and an exit code.
//
// Exit codes: 0 success; 1 runtime failure (I/O, store); 2 bad input (spec, CSV, flags);
// 3 retryable conflict (database busy); 4 internal error.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "kyoso/base/progress.h"
#include "kyoso/store/store.h"

namespace kyoso::campaign {
struct CampaignSpec;
struct Comparison;
}  // namespace kyoso::campaign

namespace kyoso::cli {

struct CommonOptions {
  std::string db = "kyoso.db";  // database file (SQLite) or postgresql:// URL
  bool json = false;            // print exactly one JSON document on stdout
};

// Adds --db and --json to a verb.
void AddCommonOptions(CLI::App& verb, CommonOptions& options);

// Prints `document` (pretty when stdout is a terminal) followed by a newline.
void PrintJson(const nlohmann::json& document);

// Runs `body`, mapping any exception to stderr and an exit code. Returns the exit code.
int RunGuarded(const CommonOptions& options, const std::function<void()>& body);

// Ctrl-C (SIGINT) for long verbs: after CatchInterrupt(), the first Ctrl-C only sets a flag that
// TerminalProgress reports as a cancellation, so the work stops at its next progress point and
// nothing half-done is stored; a second Ctrl-C ends the program at once (default action).
void CatchInterrupt();
bool Interrupted();

// A progress bar on stderr when it is a terminal (and not under --json); silent otherwise. Either
// way it cancels the work once Interrupted().
class TerminalProgress final : public ProgressSink {
 public:
  explicit TerminalProgress(bool enabled);
  ~TerminalProgress() override;
  bool Update(const ProgressEvent& event) override;

 private:
  bool enabled_;
  bool drawn_ = false;
};

// ---- shared by the campaign verbs (defined in campaign_cmd.cpp) ----
// --db, --json, --campaign NAME (optional when the database has one campaign) and, when
// `with_by`, --by NAME (who is acting; default: $USER, else "unknown").
struct CampaignOptions {
  CommonOptions common;
  std::string campaign;
  std::string by;
};
void AddCampaignOptions(CLI::App& verb, CampaignOptions& options, bool with_by = true);
// Opens (creating if needed) the database named by --db.
std::unique_ptr<store::Store> OpenDatabase(const CommonOptions& options);
// The acting user's name: `by` when given, else $USER, else "unknown".
std::string WhoOrUser(const std::string& by);
// Reads a whole file; throws kyoso::Error "cli.io" when it cannot.
std::string ReadFileText(const std::string& path);
// One experiment as a line of text, its parameters and objectives in the order of the campaign's
// spec (as researchers wrote it, not alphabetical): "#7 done engine kyoso-engine: heating_rate=49.8
// max_temp=556 hold_time=32.5 | jc=1.2e4 (predicted jc ...)".
std::string DescribeExperiment(const campaign::CampaignSpec& spec,
                               const store::Experiment& experiment);
// The `compare` table (compare_cmd.cpp), also printed by the demo.
void PrintComparison(const campaign::Comparison& comparison);

// Registration of each verb (one file per verb).
void AddVersionCommand(CLI::App& app, int& exit_code);
void AddInitCommand(CLI::App& app, int& exit_code);
void AddCampaignsCommand(CLI::App& app, int& exit_code);
void AddSuggestCommand(CLI::App& app, int& exit_code);
void AddAddCommand(CLI::App& app, int& exit_code);
void AddStartCommand(CLI::App& app, int& exit_code);
void AddResultCommand(CLI::App& app, int& exit_code);
void AddFailCommand(CLI::App& app, int& exit_code);
void AddWithdrawCommand(CLI::App& app, int& exit_code);
void AddCorrectCommand(CLI::App& app, int& exit_code);
void AddReviseCommand(CLI::App& app, int& exit_code);
void AddListCommand(CLI::App& app, int& exit_code);
void AddShowCommand(CLI::App& app, int& exit_code);
void AddBestCommand(CLI::App& app, int& exit_code);
void AddImportCommand(CLI::App& app, int& exit_code);
void AddExportCommand(CLI::App& app, int& exit_code);
void AddCompareCommand(CLI::App& app, int& exit_code);
void AddDemoCommand(CLI::App& app, int& exit_code);
void AddMagnetCommand(CLI::App& app, int& exit_code);
void AddSinterCommand(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);

}  // namespace kyoso::cli
