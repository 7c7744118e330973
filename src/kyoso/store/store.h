// The store module's front header: the Store interface through which every use case (campaign,
// CLI, server) reads and writes a campaign database, and OpenStore, which picks the backend from a
// location (a file path -> SQLite, a postgresql:// URL -> PostgreSQL). Persistence only: no
// Bayesian logic, no CSV, no spec validation (those live in the campaign module).
//
// Guarantees, for both backends:
//   * every write operation is one transaction; it writes its history entries (old -> new) in the
//     same transaction, so a failed write leaves the database exactly as it was;
//   * Transaction(fn) groups several operations into one transaction (e.g. suggest stores a batch
//     and its predictions atomically);
//   * experiment ids and history sequence numbers are allocated per campaign inside the write
//     transaction under the campaign's lock: contiguous from 1, no duplicate, never reused, no
//     lost update with concurrent writer processes;
//   * nothing is deleted; a correction keeps the previous measurement in the history.
// Experiment state machine and record types: see records.h.
//
// Errors (kyoso::Error unless noted; codes are stable):
//   store.bad_location       OpenStore: empty location or malformed URL
//   store.io                 cannot open/read/write the database (message has the backend's text)
//   store.schema_too_new     the database was written by a newer kyoso (schema version above ours)
//   store.busy               another writer held the lock past busy_timeout_ms; RETRYABLE (the CLI
//                            maps codes ending in ".busy" to exit code 3)
//   store.duplicate_campaign CreateCampaign: the name is taken
//   store.campaign_not_found an operation named a campaign id/name that does not exist
//   store.experiment_not_found an operation named an experiment id not in the campaign
//   store.bad_transition     the state machine refuses the change (e.g. Start on a done experiment)
//   store.reason_required    Fail, Withdraw, Correct (and inserting failed/withdrawn) need a reason
//   store.already_measured   RecordResults on an objective that has a value (use Correct)
//   store.not_measured       Correct on an objective that has no value yet
//   store.bad_record (InputError, path = JSON pointer into the record) malformed input record:
//                            empty campaign name, spec/params not an object, non-finite value,
//                            negative uncertainty, empty objective name, empty `who`
//   store.injected_fault     only with StoreOptions::fail_at_write_step (tests)
//
// Threading: one Store object per thread (it owns one connection). Several processes or Store
// objects may share one database file; that is what the locking above is for.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/store/records.h"

namespace kyoso::store {

struct StoreOptions {
  // How long a writer waits for another writer's lock before store.busy (SQLite busy_timeout;
  // PostgreSQL lock_timeout). Milliseconds, >= 0.
  int busy_timeout_ms = 5000;
  // Testing only (fault injection): when k > 0, the k-th write statement (INSERT/UPDATE, and the
  // COMMIT, counted from 1 within each outermost write transaction) fails with
  // store.injected_fault, so a test can fail each write step of each operation in turn and check
  // that the transaction rolled back. 0 = off.
  int fail_at_write_step = 0;
  std::vector<std::string> Validate() const;  // every problem; empty = ok
};

// A campaign to create.
struct NewCampaign {
  std::string name{};     // non-empty, unique in the database
  nlohmann::json spec{};  // JSON object (validated by the campaign module before it gets here)
  std::string created_by{};
};

// An experiment to insert. The store assigns id, campaign_id, created_at and updated_at.
struct NewExperiment {
  nlohmann::json params = nlohmann::json::object();  // object: name -> number or string
  Status status = Status::kProposed;  // initial status (import and `add` of a finished experiment
                                      // may insert kDone with results, or kFailed with a reason,
                                      // and with results when they were retracted)
  Source source = Source::kResearcher;
  std::string proposer{};  // non-empty
  std::string rationale{};
  std::optional<std::int64_t> batch_id{};        // ignored when InsertOptions::new_batch
  nlohmann::json prediction{};                   // null when none
  std::map<std::string, Measurement> results{};  // kDone: non-empty; kFailed: optional (retracted
                                                 // measurements, e.g. a re-imported export);
                                                 // other statuses: none
  std::string reason{};                          // required for kFailed / kWithdrawn
  std::vector<std::string> flags{};              // e.g. "violates_constraint"
};

struct InsertOptions {
  // Allocate a fresh per-campaign batch number (1, 2, ...) and give it to every inserted
  // experiment (suggest's batches); otherwise each keeps NewExperiment::batch_id.
  bool new_batch = false;
};

struct InsertResult {
  std::vector<ExperimentId> ids{};         // in input order, contiguous
  std::optional<std::int64_t> batch_id{};  // the allocated batch number when new_batch
};

// Filters for ListExperiments; unset fields do not filter. Results are ordered by id.
struct ExperimentFilter {
  std::vector<Status> statuses{};  // any of these; empty = all
  std::optional<Source> source{};
  std::optional<std::string> proposer{};
  std::optional<std::int64_t> batch_id{};
  ExperimentId after_id = 0;  // only ids > after_id (paging)
  int limit = 0;              // at most this many; 0 = no limit
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string Backend() const = 0;
  // Schema version of the open database (equals the newest migration after OpenStore).
  virtual int SchemaVersion() = 0;

  // Runs fn(*this) in ONE write transaction: every operation fn calls on this store joins it; if
  // fn throws, everything is rolled back and the exception propagates. Nested calls join the
  // outermost transaction. Reads inside fn see a state no other writer can change before the
  // commit (SQLite: the transaction holds the database's write lock from its start; PostgreSQL:
  // the first operation naming a campaign locks that campaign's row until the commit), so a use
  // case may read, decide, then write. An operation that fails after its first write poisons the
  // transaction: the commit then rethrows that error even if fn caught it. Throws store.busy when
  // the lock is not obtained in time.
  virtual void Transaction(const std::function<void(Store&)>& fn) = 0;

  // ---- campaigns ----
  // Creates a campaign and its "create_campaign" history entry (seq 1).
  // Errors: store.duplicate_campaign, store.bad_record.
  virtual CampaignRecord CreateCampaign(const NewCampaign& campaign) = 0;
  virtual CampaignRecord GetCampaign(CampaignId id) = 0;  // store.campaign_not_found
  virtual std::optional<CampaignRecord> FindCampaign(const std::string& name) = 0;
  virtual std::vector<CampaignRecord> ListCampaigns() = 0;  // ordered by id

  // ---- experiments: writes (each writes history in the same transaction) ----
  // Inserts all experiments in ONE transaction (all or nothing) with one "insert" history entry
  // each; returns their ids in input order. Errors: store.campaign_not_found, store.bad_record,
  // store.reason_required.
  virtual InsertResult InsertExperiments(CampaignId campaign,
                                         const std::vector<NewExperiment>& experiments,
                                         const std::string& who,
                                         const InsertOptions& options = {}) = 0;
  // proposed -> running.
  virtual Experiment Start(CampaignId campaign, ExperimentId id, const std::string& who) = 0;
  // Records measurements of objectives not measured yet; proposed/running -> done (a done
  // experiment may receive further objectives). One "result" entry per objective, plus a "status"
  // entry when the status changes. Errors: store.bad_transition (failed/withdrawn),
  // store.already_measured, store.bad_record (empty map, non-finite value).
  virtual Experiment RecordResults(CampaignId campaign, ExperimentId id,
                                   const std::map<std::string, Measurement>& results,
                                   const std::string& who) = 0;
  // Replaces the measurement of a measured objective of a done experiment; the previous one stays
  // in history. Errors: store.not_measured, store.reason_required, store.bad_record,
  // store.bad_transition (the experiment is failed: its measurements were retracted).
  virtual Experiment Correct(CampaignId campaign, ExperimentId id, const std::string& objective,
                             const Measurement& measurement, const std::string& who,
                             const std::string& reason) = 0;
  // proposed/running -> failed; reason required and kept in Experiment::reason. Also done ->
  // failed: a RETRACTION of an invalid measurement; the results stay in Experiment::results and in
  // the history (nothing deleted or overwritten), but a failed experiment is no observation.
  // Errors: store.bad_transition (already failed, or withdrawn), store.reason_required.
  virtual Experiment Fail(CampaignId campaign, ExperimentId id, const std::string& who,
                          const std::string& reason) = 0;
  // proposed/running -> withdrawn; reason required and kept in Experiment::reason.
  virtual Experiment Withdraw(CampaignId campaign, ExperimentId id, const std::string& who,
                              const std::string& reason) = 0;
  // Replaces the stored prediction (any status); history keeps the old one.
  virtual Experiment SetPrediction(CampaignId campaign, ExperimentId id,
                                   const nlohmann::json& prediction, const std::string& who) = 0;

  // ---- experiments: reads ----
  virtual Experiment GetExperiment(CampaignId campaign, ExperimentId id) = 0;  // not_found codes
  virtual std::vector<Experiment> ListExperiments(CampaignId campaign,
                                                  const ExperimentFilter& filter = {}) = 0;
  // The experiment's history entries, ordered by seq.
  virtual std::vector<HistoryEntry> ExperimentHistory(CampaignId campaign, ExperimentId id) = 0;
  // The campaign's event log: entries with seq > after_seq, ordered by seq, at most `limit`
  // (0 = all). A reader polls with the last seq it saw; because seq is allocated under the
  // campaign's lock in commit order, no committed entry is ever skipped.
  virtual std::vector<HistoryEntry> Events(CampaignId campaign, EventSeq after_seq = 0,
                                           int limit = 0) = 0;
};

// Opens (creating if needed) and migrates the database at `location`:
//   "path/to/file.db" (any path, also ":memory:") -> SQLite (WAL, foreign keys, busy timeout);
//   "postgresql://user@host:port/db" or "postgres://..." -> PostgreSQL (libpq URL syntax).
// Errors: store.bad_location, store.io, store.schema_too_new, store.busy.
std::unique_ptr<Store> OpenStore(const std::string& location, const StoreOptions& options = {});

}  // namespace kyoso::store
