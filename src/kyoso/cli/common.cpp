// Shared CLI plumbing of common.h.
#include "kyoso/cli/common.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "kyoso/base/error.h"

namespace kyoso::cli {

void AddCommonOptions(CLI::App& verb, CommonOptions& options) {
  verb.add_option("--db", options.db, "Database: SQLite file path or postgresql:// URL")
      ->capture_default_str();
  verb.add_flag("--json", options.json, "Print exactly one JSON document on stdout");
}

void PrintJson(const nlohmann::json& document) {
  const bool pretty = isatty(STDOUT_FILENO) != 0;
  std::cout << document.dump(pretty ? 2 : -1) << std::endl;
}

namespace {

void ReportError(const CommonOptions& options, const std::string& code, const std::string& message,
                 const std::vector<Issue>& issues) {
  if (options.json) {
    nlohmann::json error = {{"code", code}, {"message", message}};
    nlohmann::json list = nlohmann::json::array();
    for (const Issue& issue : issues) {
      list.push_back({{"path", issue.path}, {"code", issue.code}, {"message", issue.message}});
    }
    error["issues"] = list;
    std::cerr << nlohmann::json{{"error", error}}.dump() << std::endl;
    return;
  }
  if (issues.empty()) {
    std::cerr << "error[" << code << "]: " << message << std::endl;
    return;
  }
  for (const Issue& issue : issues) {
    std::cerr << "error[" << issue.code << "]: ";
    if (!issue.path.empty()) std::cerr << issue.path << ": ";
    std::cerr << issue.message << std::endl;
  }
}

}  // namespace

int RunGuarded(const CommonOptions& options, const std::function<void()>& body) {
  try {
    body();
    return 0;
  } catch (const InputError& e) {
    ReportError(options, e.code(), e.what(), e.issues());
    return 2;
  } catch (const InternalError& e) {
    ReportError(options, e.code(), e.what(), {});
    return 4;
  } catch (const Error& e) {
    ReportError(options, e.code(), e.what(), {});
    return e.code().ends_with(".busy") ? 3 : 1;
  } catch (const std::exception& e) {
    ReportError(options, "runtime", e.what(), {});
    return 1;
  }
}

namespace {

// The shell's only process-wide state: set from the signal handler, read by TerminalProgress.
volatile std::sig_atomic_t interrupted = 0;

extern "C" void OnInterrupt(int) {
  interrupted = 1;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program
}

}  // namespace

void CatchInterrupt() { std::signal(SIGINT, OnInterrupt); }

bool Interrupted() { return interrupted != 0; }

TerminalProgress::TerminalProgress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}

TerminalProgress::~TerminalProgress() {
  if (drawn_) std::fputc('\n', stderr);
}

bool TerminalProgress::Update(const ProgressEvent& event) {
  if (Interrupted()) return false;
  if (!enabled_) return true;
  constexpr int kWidth = 30;
  std::string bar;
  if (event.fraction >= 0) {
    const int filled = static_cast<int>(event.fraction * kWidth + 0.5);
    bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    bar += std::to_string(static_cast<int>(event.fraction * 100 + 0.5)) + "% ";
  }
  std::fprintf(stderr, "\r\033[K%s: %s%s", event.stage.c_str(), bar.c_str(), event.message.c_str());
  std::fflush(stderr);
  drawn_ = true;
  return true;
}

}  // namespace kyoso::cli
