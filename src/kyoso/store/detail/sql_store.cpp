// The Store logic, written once over detail::Connection and shared by the SQLite and PostgreSQL
// backends. Each write operation: validate its input (no database access), open (or join) the
// write transaction, lock the campaign row and read its counters, read the experiment, check the
// state machine, then write the experiment row, the history entries and the counters, and commit.
// Every INSERT/UPDATE and the COMMIT goes through CountWrite(), the fault-injection point of
// StoreOptions::fail_at_write_step.
#include <cmath>
#include <stdexcept>
#include <utility>

#include "kyoso/base/error.h"
#include "kyoso/store/detail/connection.h"

namespace kyoso::store::detail {

namespace {

using nlohmann::json;

std::int64_t ToInt(const std::optional<std::string>& text) {
  if (!text) throw InternalError("store: unexpected NULL integer column");
  return std::stoll(*text);
}

std::string ToText(const std::optional<std::string>& text) { return text ? *text : std::string(); }

json ToJsonValue(const std::optional<std::string>& text) {
  if (!text) throw InternalError("store: unexpected NULL JSON column");
  return json::parse(*text);
}

Status StatusOf(const std::optional<std::string>& text) {
  const auto status = ParseStatus(ToText(text));
  if (!status) throw InternalError("store: unknown status '" + ToText(text) + "' in database");
  return *status;
}

Source SourceOf(const std::optional<std::string>& text) {
  const auto source = ParseSource(ToText(text));
  if (!source) throw InternalError("store: unknown source '" + ToText(text) + "' in database");
  return *source;
}

Measurement MeasurementFromJson(const json& value) {
  Measurement measurement;
  measurement.value = value.at("value").get<double>();
  if (!value.at("uncertainty").is_null()) {
    measurement.uncertainty = value.at("uncertainty").get<double>();
  }
  measurement.by = value.at("by").get<std::string>();
  measurement.at = value.at("at").get<std::string>();
  return measurement;
}

json ResultsToJson(const std::map<std::string, Measurement>& results) {
  json object = json::object();
  for (const auto& [objective, measurement] : results) object[objective] = ToJson(measurement);
  return object;
}

std::optional<std::int64_t> OptionalInt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return std::stoll(*text);
}

SqlValue OptionalValue(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

constexpr const char* kExperimentColumns =
    "id, campaign_id, params, status, source, proposer, rationale, batch_id, created_at, "
    "updated_at, prediction, results, reason, flags";

Experiment ExperimentFromRow(const SqlRow& row) {
  Experiment experiment;
  experiment.id = ToInt(row[0]);
  experiment.campaign_id = ToInt(row[1]);
  experiment.params = ToJsonValue(row[2]);
  experiment.status = StatusOf(row[3]);
  experiment.source = SourceOf(row[4]);
  experiment.proposer = ToText(row[5]);
  experiment.rationale = ToText(row[6]);
  experiment.batch_id = OptionalInt(row[7]);
  experiment.created_at = ToText(row[8]);
  experiment.updated_at = ToText(row[9]);
  experiment.prediction = ToJsonValue(row[10]);
  const json results = ToJsonValue(row[11]);
  for (auto it = results.begin(); it != results.end(); ++it) {
    experiment.results[it.key()] = MeasurementFromJson(it.value());
  }
  experiment.reason = ToText(row[12]);
  experiment.flags = ToJsonValue(row[13]).get<std::vector<std::string>>();
  return experiment;
}

constexpr const char* kHistoryColumns =
    "seq, campaign_id, experiment_id, at, who, action, field, old_value, new_value, reason";

HistoryEntry HistoryFromRow(const SqlRow& row) {
  HistoryEntry entry;
  entry.seq = ToInt(row[0]);
  entry.campaign_id = ToInt(row[1]);
  entry.experiment_id = OptionalInt(row[2]);
  entry.at = ToText(row[3]);
  entry.who = ToText(row[4]);
  entry.action = ToText(row[5]);
  entry.field = ToText(row[6]);
  entry.old_value = ToJsonValue(row[7]);
  entry.new_value = ToJsonValue(row[8]);
  entry.reason = ToText(row[9]);
  return entry;
}

constexpr const char* kCampaignColumns = "id, name, spec, created_at, created_by";

CampaignRecord CampaignFromRow(const SqlRow& row) {
  return CampaignRecord{.id = ToInt(row[0]),
                        .name = ToText(row[1]),
                        .spec = ToJsonValue(row[2]),
                        .created_at = ToText(row[3]),
                        .created_by = ToText(row[4])};
}

// ---- input validation (store.bad_record, store.reason_required), before any database access ----

void RequireWho(const std::string& who) {
  if (who.empty()) throw InputError("/who", "store.bad_record", "who must not be empty");
}

void RequireReason(const std::string& reason, const std::string& what) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error("store.reason_required", what + " needs a non-empty reason");
  }
}

void CheckMeasurement(const std::string& path, const std::string& objective,
                      const Measurement& measurement, IssueList& issues) {
  if (objective.empty()) issues.Add(path, "store.bad_record", "objective name must not be empty");
  if (!std::isfinite(measurement.value)) {
    issues.Add(path + "/value", "store.bad_record", "measured value must be finite");
  }
  if (measurement.uncertainty &&
      (!std::isfinite(*measurement.uncertainty) || *measurement.uncertainty < 0)) {
    issues.Add(path + "/uncertainty", "store.bad_record",
               "uncertainty must be a finite standard deviation >= 0");
  }
}

// Escapes an objective name for use inside a JSON pointer (RFC 6901).
std::string PointerToken(const std::string& name) {
  std::string token;
  for (char c : name) {
    if (c == '~') {
      token += "~0";
    } else if (c == '/') {
      token += "~1";
    } else {
      token += c;
    }
  }
  return token;
}

void CheckResults(const std::string& path, const std::map<std::string, Measurement>& results,
                  IssueList& issues) {
  for (const auto& [objective, measurement] : results) {
    CheckMeasurement(path + "/" + PointerToken(objective), objective, measurement, issues);
  }
}

Measurement Stamped(Measurement measurement, const std::string& who, const std::string& now) {
  if (measurement.by.empty()) measurement.by = who;
  if (measurement.at.empty()) measurement.at = now;
  return measurement;
}

// One history entry (seq is assigned by AppendHistory).
HistoryEntry Entry(CampaignId campaign, std::optional<ExperimentId> experiment,
                   const std::string& at, const std::string& who, const std::string& action,
                   const std::string& field, json old_value, json new_value,
                   const std::string& reason) {
  HistoryEntry entry;
  entry.campaign_id = campaign;
  entry.experiment_id = experiment;
  entry.at = at;
  entry.who = who;
  entry.action = action;
  entry.field = field;
  entry.old_value = std::move(old_value);
  entry.new_value = std::move(new_value);
  entry.reason = reason;
  return entry;
}

// Counters of one campaign row, read under its lock and written back at the end of an operation.
struct Counters {
  std::int64_t next_experiment = 1;
  std::int64_t next_seq = 1;
  std::int64_t next_batch = 1;
};

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<Connection> connection, const StoreOptions& options)
      : connection_(std::move(connection)), options_(options) {}

  std::string Backend() const override { return connection_->Backend(); }
  int SchemaVersion() override { return connection_->SchemaVersion(); }

  void Transaction(const std::function<void(Store&)>& fn) override {
    Write([&] {
      fn(*this);
      return 0;
    });
  }

  CampaignRecord CreateCampaign(const NewCampaign& campaign) override {
    IssueList issues;
    if (campaign.name.empty()) issues.Add("/name", "store.bad_record", "name must not be empty");
    if (!campaign.spec.is_object()) {
      issues.Add("/spec", "store.bad_record", "spec must be a JSON object");
    }
    if (campaign.created_by.empty()) {
      issues.Add("/created_by", "store.bad_record", "created_by must not be empty");
    }
    issues.ThrowIfAny();
    return Write([&] {
      if (!Query("SELECT id FROM campaigns WHERE name = ?1", {campaign.name}).empty()) {
        throw Error("store.duplicate_campaign",
                    "a campaign named '" + campaign.name + "' already exists");
      }
      const std::string now = NowUtc();
      std::vector<SqlRow> rows;
      try {
        rows = WriteQuery(
            "INSERT INTO campaigns (name, spec, created_at, created_by) VALUES (?1, ?2, ?3, ?4) "
            "RETURNING id",
            {campaign.name, campaign.spec.dump(), now, campaign.created_by});
      } catch (const UniqueViolation&) {
        throw Error("store.duplicate_campaign",
                    "a campaign named '" + campaign.name + "' already exists");
      }
      CampaignRecord record{.id = ToInt(rows.at(0).at(0)),
                            .name = campaign.name,
                            .spec = campaign.spec,
                            .created_at = now,
                            .created_by = campaign.created_by};
      Counters counters = LockCampaign(record.id);
      AppendHistory(counters,
                    Entry(record.id, std::nullopt, now, campaign.created_by, "create_campaign", "",
                          nullptr, {{"name", campaign.name}, {"spec", campaign.spec}}, ""));
      SaveCounters(record.id, counters);
      return record;
    });
  }

  CampaignRecord GetCampaign(CampaignId id) override {
    const auto rows =
        Query(std::string("SELECT ") + kCampaignColumns + " FROM campaigns WHERE id = ?1", {id});
    if (rows.empty()) {
      throw Error("store.campaign_not_found", "no campaign with id " + std::to_string(id));
    }
    return CampaignFromRow(rows[0]);
  }

  std::optional<CampaignRecord> FindCampaign(const std::string& name) override {
    const auto rows = Query(
        std::string("SELECT ") + kCampaignColumns + " FROM campaigns WHERE name = ?1", {name});
    if (rows.empty()) return std::nullopt;
    return CampaignFromRow(rows[0]);
  }

  std::vector<CampaignRecord> ListCampaigns() override {
    std::vector<CampaignRecord> campaigns;
    for (const SqlRow& row :
         Query(std::string("SELECT ") + kCampaignColumns + " FROM campaigns ORDER BY id", {})) {
      campaigns.push_back(CampaignFromRow(row));
    }
    return campaigns;
  }

  InsertResult InsertExperiments(CampaignId campaign, const std::vector<NewExperiment>& experiments,
                                 const std::string& who, const InsertOptions& options) override {
    RequireWho(who);
    IssueList issues;
    for (std::size_t index = 0; index < experiments.size(); ++index) {
      const NewExperiment& experiment = experiments[index];
      const std::string path = "/experiments/" + std::to_string(index);
      if (!experiment.params.is_object()) {
        issues.Add(path + "/params", "store.bad_record", "params must be a JSON object");
      }
      if (experiment.proposer.empty()) {
        issues.Add(path + "/proposer", "store.bad_record", "proposer must not be empty");
      }
      if (experiment.status == Status::kDone && experiment.results.empty()) {
        issues.Add(path + "/results", "store.bad_record", "a done experiment needs results");
      }
      if (experiment.status != Status::kDone && experiment.status != Status::kFailed &&
          !experiment.results.empty()) {
        issues.Add(path + "/results", "store.bad_record",
                   "only a done (or a failed, retracted) experiment may carry results (status "
                   "is " +
                       ToString(experiment.status) + ")");
      }
      CheckResults(path + "/results", experiment.results, issues);
    }
    issues.ThrowIfAny();
    for (const NewExperiment& experiment : experiments) {
      if (experiment.status == Status::kFailed || experiment.status == Status::kWithdrawn) {
        RequireReason(experiment.reason, "a " + ToString(experiment.status) + " experiment");
      }
    }
    return Write([&] {
      Counters counters = LockCampaign(campaign);
      InsertResult result;
      if (options.new_batch) result.batch_id = counters.next_batch++;
      const std::string now = NowUtc();
      for (const NewExperiment& input : experiments) {
        Experiment experiment;
        experiment.id = counters.next_experiment++;
        experiment.campaign_id = campaign;
        experiment.params = input.params;
        experiment.status = input.status;
        experiment.source = input.source;
        experiment.proposer = input.proposer;
        experiment.rationale = input.rationale;
        experiment.batch_id = options.new_batch ? result.batch_id : input.batch_id;
        if (experiment.batch_id && *experiment.batch_id >= counters.next_batch) {
          counters.next_batch = *experiment.batch_id + 1;  // keep fresh batch numbers fresh
        }
        experiment.created_at = now;
        experiment.updated_at = now;
        experiment.prediction = input.prediction;
        for (const auto& [objective, measurement] : input.results) {
          experiment.results[objective] = Stamped(measurement, who, now);
        }
        experiment.reason = input.reason;
        experiment.flags = input.flags;
        Exec(std::string("INSERT INTO experiments (") + kExperimentColumns +
                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
             {experiment.id, campaign, experiment.params.dump(), ToString(experiment.status),
              ToString(experiment.source), experiment.proposer, experiment.rationale,
              OptionalValue(experiment.batch_id), now, now, experiment.prediction.dump(),
              ResultsToJson(experiment.results).dump(), experiment.reason,
              json(experiment.flags).dump()});
        AppendHistory(counters, Entry(campaign, experiment.id, now, who, "insert", "", nullptr,
                                      ToJson(experiment), ""));
        result.ids.push_back(experiment.id);
      }
      SaveCounters(campaign, counters);
      return result;
    });
  }

  Experiment Start(CampaignId campaign, ExperimentId id, const std::string& who) override {
    RequireWho(who);
    return ChangeStatus(campaign, id, Status::kRunning, who, "");
  }

  Experiment Fail(CampaignId campaign, ExperimentId id, const std::string& who,
                  const std::string& reason) override {
    RequireWho(who);
    RequireReason(reason, "fail");
    return ChangeStatus(campaign, id, Status::kFailed, who, reason);
  }

  Experiment Withdraw(CampaignId campaign, ExperimentId id, const std::string& who,
                      const std::string& reason) override {
    RequireWho(who);
    RequireReason(reason, "withdraw");
    return ChangeStatus(campaign, id, Status::kWithdrawn, who, reason);
  }

  Experiment RecordResults(CampaignId campaign, ExperimentId id,
                           const std::map<std::string, Measurement>& results,
                           const std::string& who) override {
    RequireWho(who);
    IssueList issues;
    if (results.empty()) issues.Add("/results", "store.bad_record", "no results given");
    CheckResults("/results", results, issues);
    issues.ThrowIfAny();
    return Write([&] {
      Counters counters = LockCampaign(campaign);
      Experiment experiment = LoadExperiment(campaign, id);
      if (experiment.status != Status::kDone &&
          !IsAllowedTransition(experiment.status, Status::kDone)) {
        throw BadTransition(experiment, Status::kDone);
      }
      for (const auto& [objective, measurement] : results) {
        if (experiment.results.count(objective) != 0) {
          throw Error("store.already_measured", "experiment " + std::to_string(id) +
                                                    " already has a value for '" + objective +
                                                    "'; use correct to change it");
        }
      }
      const std::string now = NowUtc();
      for (const auto& [objective, measurement] : results) {
        const Measurement stamped = Stamped(measurement, who, now);
        experiment.results[objective] = stamped;
        AppendHistory(counters, Entry(campaign, id, now, who, "result", "results/" + objective,
                                      nullptr, ToJson(stamped), ""));
      }
      if (experiment.status != Status::kDone) {
        AppendHistory(counters, StatusEntry(experiment, Status::kDone, who, "", now));
        experiment.status = Status::kDone;
      }
      experiment.updated_at = now;
      SaveExperiment(experiment);
      SaveCounters(campaign, counters);
      return experiment;
    });
  }

  Experiment Correct(CampaignId campaign, ExperimentId id, const std::string& objective,
                     const Measurement& measurement, const std::string& who,
                     const std::string& reason) override {
    RequireWho(who);
    IssueList issues;
    CheckMeasurement("/results/" + PointerToken(objective), objective, measurement, issues);
    issues.ThrowIfAny();
    RequireReason(reason, "correct");
    return Write([&] {
      Counters counters = LockCampaign(campaign);
      Experiment experiment = LoadExperiment(campaign, id);
      if (experiment.status == Status::kFailed) {
        throw Error("store.bad_transition",
                    "experiment " + std::to_string(id) +
                        " is failed: its measurements were retracted and cannot be corrected");
      }
      const auto found = experiment.results.find(objective);
      if (found == experiment.results.end()) {
        throw Error("store.not_measured", "experiment " + std::to_string(id) +
                                              " has no value for '" + objective +
                                              "' to correct; record it with result");
      }
      const std::string now = NowUtc();
      const Measurement stamped = Stamped(measurement, who, now);
      AppendHistory(counters, Entry(campaign, id, now, who, "correct", "results/" + objective,
                                    ToJson(found->second), ToJson(stamped), reason));
      found->second = stamped;
      experiment.updated_at = now;
      SaveExperiment(experiment);
      SaveCounters(campaign, counters);
      return experiment;
    });
  }

  Experiment SetPrediction(CampaignId campaign, ExperimentId id, const json& prediction,
                           const std::string& who) override {
    RequireWho(who);
    return Write([&] {
      Counters counters = LockCampaign(campaign);
      Experiment experiment = LoadExperiment(campaign, id);
      const std::string now = NowUtc();
      AppendHistory(counters, Entry(campaign, id, now, who, "prediction", "prediction",
                                    experiment.prediction, prediction, ""));
      experiment.prediction = prediction;
      experiment.updated_at = now;
      SaveExperiment(experiment);
      SaveCounters(campaign, counters);
      return experiment;
    });
  }

  Experiment GetExperiment(CampaignId campaign, ExperimentId id) override {
    RequireCampaign(campaign);
    return LoadExperiment(campaign, id);
  }

  std::vector<Experiment> ListExperiments(CampaignId campaign,
                                          const ExperimentFilter& filter) override {
    RequireCampaign(campaign);
    std::string sql = std::string("SELECT ") + kExperimentColumns +
                      " FROM experiments WHERE campaign_id = ?1 AND id > ?2";
    std::vector<SqlValue> params = {campaign, filter.after_id};
    auto placeholder = [&](SqlValue value) {
      params.push_back(std::move(value));
      return "?" + std::to_string(params.size());
    };
    if (!filter.statuses.empty()) {
      sql += " AND status IN (";
      for (std::size_t index = 0; index < filter.statuses.size(); ++index) {
        sql += (index ? ", " : "") + placeholder(ToString(filter.statuses[index]));
      }
      sql += ")";
    }
    if (filter.source) sql += " AND source = " + placeholder(ToString(*filter.source));
    if (filter.proposer) sql += " AND proposer = " + placeholder(*filter.proposer);
    if (filter.batch_id) sql += " AND batch_id = " + placeholder(*filter.batch_id);
    sql += " ORDER BY id";
    if (filter.limit > 0) sql += " LIMIT " + placeholder(std::int64_t{filter.limit});
    std::vector<Experiment> experiments;
    for (const SqlRow& row : Query(sql, params)) experiments.push_back(ExperimentFromRow(row));
    return experiments;
  }

  std::vector<HistoryEntry> ExperimentHistory(CampaignId campaign, ExperimentId id) override {
    RequireCampaign(campaign);
    LoadExperiment(campaign, id);  // store.experiment_not_found
    std::vector<HistoryEntry> entries;
    for (const SqlRow& row :
         Query(std::string("SELECT ") + kHistoryColumns +
                   " FROM history WHERE campaign_id = ?1 AND experiment_id = ?2 ORDER BY seq",
               {campaign, id})) {
      entries.push_back(HistoryFromRow(row));
    }
    return entries;
  }

  std::vector<HistoryEntry> Events(CampaignId campaign, EventSeq after_seq, int limit) override {
    RequireCampaign(campaign);
    std::string sql = std::string("SELECT ") + kHistoryColumns +
                      " FROM history WHERE campaign_id = ?1 AND seq > ?2 ORDER BY seq";
    std::vector<SqlValue> params = {campaign, after_seq};
    if (limit > 0) {
      sql += " LIMIT ?3";
      params.push_back(std::int64_t{limit});
    }
    std::vector<HistoryEntry> entries;
    for (const SqlRow& row : Query(sql, params)) entries.push_back(HistoryFromRow(row));
    return entries;
  }

 private:
  // Runs body in the outermost write transaction (opening and committing it when this is the
  // outermost call). An exception rolls everything back. Inside Transaction(fn), an operation that
  // failed after its first write poisons the transaction, so that even if fn catches the error the
  // half-done operation is never committed (the commit rethrows the operation's error). A failure
  // before any write (not found, bad transition) leaves the transaction usable.
  template <class Body>
  auto Write(Body&& body) -> decltype(body()) {
    if (depth_ > 0) {
      ++depth_;
      const int writes_before = num_writes_;
      try {
        auto result = body();
        --depth_;
        return result;
      } catch (const Error& error) {
        --depth_;
        if (num_writes_ != writes_before && !poisoned_) {
          poison_ = Error(error.code(), error.what());
          poisoned_ = true;
        }
        throw;
      } catch (...) {
        --depth_;
        if (num_writes_ != writes_before && !poisoned_) {
          poison_ = Error("store.io", "an operation failed halfway inside a transaction");
          poisoned_ = true;
        }
        throw;
      }
    }
    connection_->BeginWrite();
    depth_ = 1;
    num_writes_ = 0;
    poisoned_ = false;
    try {
      auto result = body();
      if (poisoned_) throw poison_;  // fn swallowed a failed operation: refuse to commit it
      CountWrite();
      connection_->Commit();
      depth_ = 0;
      return result;
    } catch (...) {
      connection_->Rollback();
      depth_ = 0;
      poisoned_ = false;
      throw;
    }
  }

  // The fault-injection point: every INSERT/UPDATE and the COMMIT of a write transaction.
  void CountWrite() {
    ++num_writes_;
    if (options_.fail_at_write_step > 0 && num_writes_ == options_.fail_at_write_step) {
      throw Error("store.injected_fault",
                  "injected fault at write step " + std::to_string(num_writes_));
    }
  }

  std::vector<SqlRow> Query(const std::string& sql, const std::vector<SqlValue>& params) {
    return connection_->Query(sql, params);
  }

  std::vector<SqlRow> WriteQuery(const std::string& sql, const std::vector<SqlValue>& params) {
    CountWrite();
    return connection_->Query(sql, params);
  }

  void Exec(const std::string& sql, const std::vector<SqlValue>& params) {
    WriteQuery(sql, params);
  }

  // Checks that the campaign exists. Inside a write transaction it also locks the campaign row
  // (PostgreSQL), so what fn reads stays true until its commit, as on SQLite, where the write
  // transaction holds the whole database from BEGIN IMMEDIATE on.
  void RequireCampaign(CampaignId campaign) {
    if (depth_ > 0) {
      LockCampaign(campaign);
      return;
    }
    if (Query("SELECT id FROM campaigns WHERE id = ?1", {campaign}).empty()) {
      throw Error("store.campaign_not_found", "no campaign with id " + std::to_string(campaign));
    }
  }

  // Locks the campaign row until the end of the transaction and reads its counters.
  Counters LockCampaign(CampaignId campaign) {
    const auto rows =
        Query("SELECT next_experiment, next_seq, next_batch FROM campaigns WHERE id = ?1" +
                  connection_->ForUpdate(),
              {campaign});
    if (rows.empty()) {
      throw Error("store.campaign_not_found", "no campaign with id " + std::to_string(campaign));
    }
    return Counters{.next_experiment = ToInt(rows[0][0]),
                    .next_seq = ToInt(rows[0][1]),
                    .next_batch = ToInt(rows[0][2])};
  }

  void SaveCounters(CampaignId campaign, const Counters& counters) {
    Exec("UPDATE campaigns SET next_experiment = ?1, next_seq = ?2, next_batch = ?3 WHERE id = ?4",
         {counters.next_experiment, counters.next_seq, counters.next_batch, campaign});
  }

  Experiment LoadExperiment(CampaignId campaign, ExperimentId id) {
    const auto rows = Query(std::string("SELECT ") + kExperimentColumns +
                                " FROM experiments WHERE campaign_id = ?1 AND id = ?2",
                            {campaign, id});
    if (rows.empty()) {
      RequireCampaign(campaign);
      // Name the campaign as people know it and the ids it has (contiguous from 1).
      const auto about =
          Query("SELECT name, next_experiment FROM campaigns WHERE id = ?1", {campaign});
      const std::int64_t last = about.empty() ? 0 : ToInt(about[0][1]) - 1;
      throw Error("store.experiment_not_found",
                  "campaign '" + (about.empty() ? std::to_string(campaign) : ToText(about[0][0])) +
                      "' has no experiment " + std::to_string(id) +
                      (last < 1    ? " (it has no experiments yet)"
                       : last == 1 ? " (it has only experiment 1)"
                                   : " (its experiments are 1-" + std::to_string(last) + ")"));
    }
    return ExperimentFromRow(rows[0]);
  }

  // Writes every mutable column of the experiment row.
  void SaveExperiment(const Experiment& experiment) {
    Exec(
        "UPDATE experiments SET status = ?1, prediction = ?2, results = ?3, reason = ?4, "
        "updated_at = ?5 WHERE campaign_id = ?6 AND id = ?7",
        {ToString(experiment.status), experiment.prediction.dump(),
         ResultsToJson(experiment.results).dump(), experiment.reason, experiment.updated_at,
         experiment.campaign_id, experiment.id});
  }

  void AppendHistory(Counters& counters, HistoryEntry entry) {
    entry.seq = counters.next_seq++;
    Exec(
        "INSERT INTO history (seq, campaign_id, experiment_id, at, who, action, field, "
        "old_value, new_value, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        {entry.seq, entry.campaign_id, OptionalValue(entry.experiment_id), entry.at, entry.who,
         entry.action, entry.field, entry.old_value.dump(), entry.new_value.dump(), entry.reason});
  }

  static Error BadTransition(const Experiment& experiment, Status to) {
    return Error("store.bad_transition", "experiment " + std::to_string(experiment.id) +
                                             " cannot go from " + ToString(experiment.status) +
                                             " to " + ToString(to));
  }

  static HistoryEntry StatusEntry(const Experiment& experiment, Status to, const std::string& who,
                                  const std::string& reason, const std::string& now) {
    return Entry(experiment.campaign_id, experiment.id, now, who, "status", "status",
                 ToString(experiment.status), ToString(to), reason);
  }

  Experiment ChangeStatus(CampaignId campaign, ExperimentId id, Status to, const std::string& who,
                          const std::string& reason) {
    return Write([&] {
      Counters counters = LockCampaign(campaign);
      Experiment experiment = LoadExperiment(campaign, id);
      if (!IsAllowedTransition(experiment.status, to)) throw BadTransition(experiment, to);
      const std::string now = NowUtc();
      AppendHistory(counters, StatusEntry(experiment, to, who, reason, now));
      experiment.status = to;
      if (to == Status::kFailed || to == Status::kWithdrawn) experiment.reason = reason;
      experiment.updated_at = now;
      SaveExperiment(experiment);
      SaveCounters(campaign, counters);
      return experiment;
    });
  }

  std::unique_ptr<Connection> connection_;
  StoreOptions options_;
  int depth_ = 0;       // nesting of Write() calls; > 0 inside a write transaction
  int num_writes_ = 0;  // write steps so far in the current transaction (fault injection)
  bool poisoned_ = false;
  Error poison_{"store.io", ""};
};

}  // namespace

std::unique_ptr<Store> MakeSqlStore(std::unique_ptr<Connection> connection,
                                    const StoreOptions& options) {
  return std::make_unique<SqlStore>(std::move(connection), options);
}

}  // namespace kyoso::store::detail
