// The value types the store persists: campaigns, experiments with their measurements and the
// model's prediction at proposal time, and the append-only history. Persistence only: nothing here
// knows a spec's meaning (objectives, bounds, constraints are the campaign module's business).
// Every record is a regular value (copyable, comparable with ==) so tests can compare a database
// before and after an operation field by field. Every member has a default initializer, so call
// sites may use designated initializers that omit fields ({.value = 1.2e4}) without tripping GCC
// 12's -Wmissing-field-initializers.
//
// Experiment state machine (enforced by every Store backend, refused with store.bad_transition):
//
//                Start                 RecordResults
//   proposed -----------> running ------------------------> done <-+
//    |  |  |               |    |                           ^ | |  | Correct (the old
//    |  |  +---------------|----|---------------------------+ | +--+ measurement stays
//    |  |   RecordResults  |    |                             |      in history)
//    |  |                  |    +--Fail-----+                 | Fail (retraction: the
//    |  +--Fail-----------------------------+--> failed <-----+ measurement was invalid)
//    |                     +--Withdraw--+       (failed: reason required)
//    +--Withdraw------------------------+------> withdrawn   (reason required)
//
// done is never reverted to proposed/running; failed and withdrawn are terminal (never change
// again, and a failed experiment's measurements can no longer be corrected). Failing a done
// experiment RETRACTS its measurements: they stay in Experiment::results and in the history
// (nothing is deleted or overwritten), but only done experiments are observations, so the model,
// `best` and the analytics no longer use them. Nothing is ever deleted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kyoso::store {

using CampaignId = std::int64_t;    // database-wide campaign number, >= 1
using ExperimentId = std::int64_t;  // per campaign: 1, 2, 3, ... contiguous, never reused
using EventSeq = std::int64_t;      // per campaign history sequence: 1, 2, 3, ... contiguous

enum class Status { kProposed, kRunning, kDone, kFailed, kWithdrawn };
std::string ToString(Status status);  // "proposed", "running", "done", "failed", "withdrawn"
std::optional<Status> ParseStatus(const std::string& text);
// Every status name, in the order above, joined by ", " (for messages and help texts).
std::string StatusNames();
// True when the state machine above allows from -> to (from == to is never allowed).
bool IsAllowedTransition(Status from, Status to);

enum class Source { kEngine, kResearcher, kImport };
std::string ToString(Source source);  // "engine", "researcher", "import"
std::optional<Source> ParseSource(const std::string& text);
// Every source name joined by ", ": "engine, researcher, import".
std::string SourceNames();

// UTC now as ISO-8601 with milliseconds, e.g. "2026-11-20T23:38:00.123Z". Every timestamp the
// store writes has this form, so timestamps sort as strings.
std::string NowUtc();

struct CampaignRecord {
  CampaignId id = 0;
  std::string name{};        // unique in the database
  nlohmann::json spec{};     // the campaign spec as given (JSON object), stored verbatim
  std::string created_at{};  // UTC ISO-8601 with ms
  std::string created_by{};
  bool operator==(const CampaignRecord&) const = default;
};

// One measured objective value.
struct Measurement {
  double value = 0;                     // finite, in the objective's unit
  std::optional<double> uncertainty{};  // one standard deviation, same unit, >= 0
  std::string by{};                     // who measured; empty on input = the operation's `who`
  std::string at{};                     // UTC ISO-8601 with ms; empty on input = now
  bool operator==(const Measurement&) const = default;
};

struct Experiment {
  ExperimentId id = 0;  // per campaign, contiguous from 1, never reused
  CampaignId campaign_id = 0;
  nlohmann::json params{};  // object: parameter name -> value (number; categorical as string)
  Status status = Status::kProposed;
  Source source = Source::kResearcher;
  std::string proposer{};                  // who proposed: a researcher's name or the engine's name
  std::string rationale{};                 // free text, may be empty
  std::optional<std::int64_t> batch_id{};  // per campaign batch number (see InsertOptions)
  std::string created_at{};                // UTC ISO-8601 with ms
  std::string updated_at{};                // last change of any field
  // The model's view at proposal time, e.g. {"jc":{"mean":..,"stddev":..},"acquisition":..,
  // "summary":{...}}; null when no model could be fitted. Opaque to the store.
  nlohmann::json prediction{};
  std::map<std::string, Measurement> results{};  // objective name -> current measurement
  std::string reason{};                          // why it failed / was withdrawn; empty otherwise
  std::vector<std::string> flags{};              // e.g. "violates_constraint"; set at insert
  bool operator==(const Experiment&) const = default;
};

// One append-only history entry: "who did what, when, old -> new, why".
// Actions and their fields (stable strings; tests and the UI key on them):
//   "create_campaign"  experiment_id empty; field ""; new_value {"name","spec"}
//   "insert"           field ""; new_value the inserted experiment as ToJson(Experiment)
//   "status"           field "status"; old/new "proposed"/"running"/...; reason for fail/withdraw
//   "result"           field "results/<objective>"; old null; new ToJson(Measurement)
//   "correct"          field "results/<objective>"; old/new ToJson(Measurement); reason required
//   "prediction"       field "prediction"; old/new prediction JSON
struct HistoryEntry {
  EventSeq seq = 0;  // per campaign, contiguous from 1
  CampaignId campaign_id = 0;
  std::optional<ExperimentId> experiment_id{};  // empty for campaign-level events
  std::string at{};                             // UTC ISO-8601 with ms
  std::string who{};
  std::string action{};
  std::string field{};
  nlohmann::json old_value{};  // null when there was none
  nlohmann::json new_value{};
  std::string reason{};  // may be empty
  bool operator==(const HistoryEntry&) const = default;
};

// JSON forms (stable field names; the CLI and the HTTP API print these, extra fields may be added):
//   Measurement  {"value","uncertainty"(or null),"by","at"}
//   Experiment   {"id","campaign_id","params","status","source","proposer","rationale",
//                 "batch_id"(or null),"created_at","updated_at","prediction","results":{obj:
//                 Measurement},"reason","flags"}
//   HistoryEntry {"seq","experiment_id"(or null),"at","who","action","field","old","new","reason"}
//   CampaignRecord {"id","name","spec","created_at","created_by"}
nlohmann::json ToJson(const Measurement& measurement);
nlohmann::json ToJson(const Experiment& experiment);
nlohmann::json ToJson(const HistoryEntry& entry);
nlohmann::json ToJson(const CampaignRecord& campaign);

}  // namespace kyoso::store
