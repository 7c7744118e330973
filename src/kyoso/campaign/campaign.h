// The campaign module's front header: the use cases every shell (CLI, HTTP server, Python) calls,
// as free functions over a store::Store. Each use case validates its input at the boundary, then
// performs ONE store transaction, so what the engine decided is in the database before anyone sees
// it (DESIGN.md, "The flow of one campaign").
//
// Experiment states (enforced by the store, see store/records.h and docs/cli.md):
//
//   proposed ──start──► running ──result──► done ──correct──► done (old value kept in history)
//      │  └─────────────result──────────────►▲ │
//      │                                       └──fail (reason)──► failed (retraction, below)
//      ├──fail (reason)──► failed        running ──fail/withdraw (reason)──► failed/withdrawn
//      └──withdraw (reason)──► withdrawn
//
// Retraction: Fail on a done experiment (the measurement turned out invalid) keeps its results in
// the record and the history, but only done experiments are observations, so Suggest,
// BuildEngineData, Best and the analytics ignore it from then on, exactly as if it had never been
// measured. failed and withdrawn are terminal; a failed experiment cannot be corrected.
//
// Errors (InputError unless noted; codes are stable): campaign.none (no campaign in the database),
// campaign.ambiguous (several campaigns and no name given), campaign.not_found,
// campaign.unknown_objective, campaign.no_results, params.* (spec.h), suggest.options, plus the
// suggest.batch (batch size outside 1..kMaxBatchSize), store's codes (store.h) which pass through
// unchanged.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/base/error.h"
#include "kyoso/base/progress.h"
#include "kyoso/campaign/spec.h"
#include "kyoso/optimize/suggest.h"
#include "kyoso/store/store.h"

namespace kyoso::campaign {

// The proposer name recorded for engine suggestions.
inline constexpr const char* kEngineName = "kyoso-engine";

// The largest batch one suggestion may ask for (batch sizes are 1..kMaxBatchSize). The single
// source of this limit: `kyoso suggest --batch`, the HTTP API's "batch" and the web UI's batch
// input (which reads it from GET /api/campaigns/NAME, "limits") all check against it.
inline constexpr int kMaxBatchSize = 1000;
// The one message every shell shows for a batch size out of range ("batch must be between 1 and
// 1000"); CheckBatchSize returns it for a bad size, and "" for a good one. Error code:
// suggest.batch, located at the shell's field (--batch, /batch, "batch").
std::string BatchSizeMessage();
std::string CheckBatchSize(std::int64_t batch_size);

// An open campaign: its stored record and parsed spec.
struct Campaign {
  store::CampaignRecord record;
  CampaignSpec spec;
  store::CampaignId id() const { return record.id; }
};

// Creates a campaign from a spec (validated first; spec errors name their JSON path).
Campaign Init(store::Store& store, const nlohmann::json& spec, const std::string& who);
// Opens the campaign called `name`; with an empty name, the only campaign of the database.
Campaign Open(store::Store& store, const std::string& name);

struct SuggestRequest {
  int batch_size = 1;  // q in 1..kMaxBatchSize
  optimize::AcquisitionKind acquisition = optimize::AcquisitionKind::kExpectedImprovement;
  std::vector<std::string> shared = {};  // parameters identical across the batch (one run)
  // Global model steps vs trust-region steps around the best experiment (docs/methods/optimize.md
  // §7): alternate (default), off (global only) or trust_region (local only).
  optimize::LocalSearch local_search = optimize::LocalSearch::kAlternate;
  // How a batch's slots are kept apart (docs/methods/optimize.md §3): kriging believer (default)
  // or local penalization (the BOXVIA method).
  optimize::BatchPolicy batch_policy = optimize::BatchPolicy::kKrigingBeliever;
  std::optional<std::uint64_t> seed = {};  // default: derived from the number of experiments, so a
                                           // database state always gives the same suggestion
  std::string proposer = kEngineName;
  std::string rationale = {};  // default: "<acquisition> batch of <q> (<termination>)"
  // Who asked for the batch (the proposer is the engine): appended to the rationale as
  // " (requested by NAME)" when not empty.
  std::string requested_by = {};
  // Every problem with its location and code: "batch" (suggest.batch), "shared/K" and "proposer"
  // (suggest.options). Suggest throws them as one InputError.
  std::vector<Issue> Issues(const CampaignSpec& spec) const;
};

struct SuggestOutcome {
  std::vector<store::Experiment> experiments;  // the stored proposals, in engine order
  optimize::SuggestSummary summary;
  std::optional<std::int64_t> batch_id;
  std::uint64_t seed = 0;  // the seed used
  int num_observations = 0;
  int num_pending = 0;
};

// Reads the experiments, builds observations (done experiments with the primary objective) and
// pending points (proposed/running), asks optimize::Suggest, and stores the proposals (source
// engine, prediction with summary, one new batch id) in one transaction. If another writer changed
// the campaign's data while the engine was thinking, it recomputes (up to 3 times). With fewer
// points than the engine's threshold the proposals are its initial space-filling design. When
// `progress` cancels (Ctrl-C in the CLI), nothing is stored: no experiments, and
// summary.termination is "cancelled".
SuggestOutcome Suggest(store::Store& store, const Campaign& campaign, const SuggestRequest& request,
                       ProgressSink* progress = nullptr);

// A researcher's proposal, or a finished experiment when `results` is not empty.
struct Proposal {
  nlohmann::json params = nlohmann::json::object();   // name -> number or choice name
  std::map<std::string, store::Measurement> results;  // objective -> measurement
  std::string by;                                     // the researcher, non-empty
  std::string rationale;
};

struct AddOutcome {
  store::Experiment experiment;
  std::vector<Issue> warnings;  // e.g. campaign.violates_constraint (stored with a flag)
};

// Validates the parameters (all present, in bounds, on their grids), stores the model's prediction
// for them when a model can be fitted (optimize::Predict on the current data), and inserts the
// experiment (status proposed, or done with its results). A constraint violation is stored with the
// flag "violates_constraint" and reported as a warning, never silently.
AddOutcome AddProposal(store::Store& store, const Campaign& campaign, const Proposal& proposal);

// Revises a proposed experiment before it is run (the web UI's "edit a suggested row", `kyoso
// revise`): in ONE transaction, the original's parameters with `changes.params` laid over them
// (only the changed values need to be given) become a new proposal by `changes.by` (source
// researcher, with the model's prediction, rationale naming the original), and the original is
// withdrawn with the reason "revised by WHO before running; replaced by #N", so what was first
// proposed stays in the record and its history. Throws revise.bad_transition (store error, not
// input) when the original is not proposed, and AddProposal's errors for the new values.
struct ReviseOutcome {
  store::Experiment experiment;  // the new proposal
  store::Experiment replaces;    // the original, now withdrawn
  std::vector<Issue> warnings;   // e.g. campaign.violates_constraint for the new values
};
ReviseOutcome Revise(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                     const Proposal& changes);

// Thin, validated wrappers over the store's transitions (objective names are checked first).
store::Experiment Start(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                        const std::string& who);
store::Experiment RecordResults(store::Store& store, const Campaign& campaign,
                                store::ExperimentId id,
                                const std::map<std::string, store::Measurement>& results,
                                const std::string& who);
store::Experiment Fail(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                       const std::string& who, const std::string& reason);
store::Experiment Withdraw(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                           const std::string& who, const std::string& reason);
store::Experiment Correct(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                          const std::string& objective, const store::Measurement& measurement,
                          const std::string& who, const std::string& reason);

std::vector<store::Experiment> List(store::Store& store, const Campaign& campaign,
                                    const store::ExperimentFilter& filter = {});

struct ExperimentDetail {
  store::Experiment experiment;
  std::vector<store::HistoryEntry> history;  // ordered by seq
};
ExperimentDetail Show(store::Store& store, const Campaign& campaign, store::ExperimentId id);

// The best done experiments for `objective` (default: the primary), best first, at most `count`.
// Empty when nothing is measured.
std::vector<store::Experiment> Best(store::Store& store, const Campaign& campaign,
                                    const std::string& objective = "", int count = 1);

// Parses "obj=value" or "obj=value+-sigma" assignments into measurements (objective names checked).
std::map<std::string, store::Measurement> ParseResults(const CampaignSpec& spec,
                                                       const std::vector<std::string>& texts,
                                                       const std::string& who);

// The experiment as scripts see it (docs/cli.md): the store's JSON plus "acquisition" at the top
// level; the engine summary inside "prediction" is dropped unless `with_summary`.
nlohmann::json ExperimentJson(const store::Experiment& experiment, bool with_summary = false);
nlohmann::json CampaignJson(const store::CampaignRecord& record);

// Observations and pending points of a campaign as the engine sees them (exposed for tests and the
// server's model views): done experiments with a finite result of objective `objective` (index;
// 0 = the primary one the engine optimizes), and proposed/running ones. Observation values are on
// the objective's model scale (ToModelScale in spec.h); ids and sources are the observations'.
struct EngineData {
  std::vector<optimize::Observation> observations;
  std::vector<store::ExperimentId> ids;
  std::vector<store::Source> sources;
  std::vector<std::vector<double>> pending;
  int num_floored = 0;  // log scale: results <= one tenth of the smallest positive one, floored
};
EngineData BuildEngineData(const CampaignSpec& spec, const std::vector<store::Experiment>& all,
                           int objective = 0);

// The engine options every model of objective `objective` (index) is built with: its direction
// and noise setting. Suggestions, the predictions stored with researchers' proposals and the
// server's model views all start from these, so they describe the same model.
optimize::SuggestOptions ModelOptions(const CampaignSpec& spec, int objective = 0);

}  // namespace kyoso::campaign
