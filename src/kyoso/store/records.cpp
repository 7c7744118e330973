// Enum names, timestamps and JSON forms of the store's records (records.h).
#include "kyoso/store/records.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace kyoso::store {

std::string ToString(Status status) {
  switch (status) {
    case Status::kProposed:
      return "proposed";
    case Status::kRunning:
      return "running";
    case Status::kDone:
      return "done";
    case Status::kFailed:
      return "failed";
    case Status::kWithdrawn:
      return "withdrawn";
  }
  return "unknown";
}

namespace {
constexpr Status kStatuses[] = {Status::kProposed, Status::kRunning, Status::kDone, Status::kFailed,
                                Status::kWithdrawn};
constexpr Source kSources[] = {Source::kEngine, Source::kResearcher, Source::kImport};

template <class Enum, std::size_t N>
std::string JoinNames(const Enum (&values)[N]) {
  std::string out;
  for (Enum value : values) out += (out.empty() ? "" : ", ") + ToString(value);
  return out;
}
}  // namespace

std::optional<Status> ParseStatus(const std::string& text) {
  for (Status status : kStatuses) {
    if (ToString(status) == text) return status;
  }
  return std::nullopt;
}

std::string StatusNames() { return JoinNames(kStatuses); }

bool IsAllowedTransition(Status from, Status to) {
  switch (from) {
    case Status::kProposed:
      return to == Status::kRunning || to == Status::kDone || to == Status::kFailed ||
             to == Status::kWithdrawn;
    case Status::kRunning:
      return to == Status::kDone || to == Status::kFailed || to == Status::kWithdrawn;
    case Status::kDone:
      return to == Status::kFailed;  // a retraction; done is never reverted otherwise
    case Status::kFailed:
    case Status::kWithdrawn:
      return false;
  }
  return false;
}

std::string ToString(Source source) {
  switch (source) {
    case Source::kEngine:
      return "engine";
    case Source::kResearcher:
      return "researcher";
    case Source::kImport:
      return "import";
  }
  return "unknown";
}

std::optional<Source> ParseSource(const std::string& text) {
  for (Source source : kSources) {
    if (ToString(source) == text) return source;
  }
  return std::nullopt;
}

std::string SourceNames() { return JoinNames(kSources); }

std::string NowUtc() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

nlohmann::json ToJson(const Measurement& measurement) {
  nlohmann::json json = {
      {"value", measurement.value}, {"by", measurement.by}, {"at", measurement.at}};
  json["uncertainty"] =
      measurement.uncertainty ? nlohmann::json(*measurement.uncertainty) : nlohmann::json(nullptr);
  return json;
}

nlohmann::json ToJson(const Experiment& experiment) {
  nlohmann::json results = nlohmann::json::object();
  for (const auto& [objective, measurement] : experiment.results) {
    results[objective] = ToJson(measurement);
  }
  return {{"id", experiment.id},
          {"campaign_id", experiment.campaign_id},
          {"params", experiment.params},
          {"status", ToString(experiment.status)},
          {"source", ToString(experiment.source)},
          {"proposer", experiment.proposer},
          {"rationale", experiment.rationale},
          {"batch_id",
           experiment.batch_id ? nlohmann::json(*experiment.batch_id) : nlohmann::json(nullptr)},
          {"created_at", experiment.created_at},
          {"updated_at", experiment.updated_at},
          {"prediction", experiment.prediction},
          {"results", results},
          {"reason", experiment.reason},
          {"flags", experiment.flags}};
}

nlohmann::json ToJson(const HistoryEntry& entry) {
  return {{"seq", entry.seq},
          {"experiment_id",
           entry.experiment_id ? nlohmann::json(*entry.experiment_id) : nlohmann::json(nullptr)},
          {"at", entry.at},
          {"who", entry.who},
          {"action", entry.action},
          {"field", entry.field},
          {"old", entry.old_value},
          {"new", entry.new_value},
          {"reason", entry.reason}};
}

nlohmann::json ToJson(const CampaignRecord& campaign) {
  return {{"id", campaign.id},
          {"name", campaign.name},
          {"spec", campaign.spec},
          {"created_at", campaign.created_at},
          {"created_by", campaign.created_by}};
}

}  // namespace kyoso::store
