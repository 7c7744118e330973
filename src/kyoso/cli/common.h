// What every verb of the `kyoso` command shares: the --db/--json options, printing one JSON
// document or human text, the terminal progress bar, and the single place that maps errors to
// `error[code]: message` (or a JSON error object under --json) and an exit code.
//
// Exit codes: 0 success; 1 runtime failure (I/O, store); 2 bad input (spec, CSV, flags);
// 3 retryable conflict (database busy); 4 internal error.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "kyoso/base/progress.h"

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

// A progress bar on stderr when it is a terminal (and not under --json); silent otherwise.
class TerminalProgress final : public ProgressSink {
 public:
  explicit TerminalProgress(bool enabled);
  ~TerminalProgress() override;
  bool Update(const ProgressEvent& event) override;

 private:
  bool enabled_;
  bool drawn_ = false;
};

// Registration of each verb (one file per verb).
void AddVersionCommand(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);

}  // namespace kyoso::cli
