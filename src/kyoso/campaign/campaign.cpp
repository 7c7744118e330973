// The campaign use cases of campaign.h.
#include "kyoso/campaign/campaign.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "kyoso/base/json_reader.h"

namespace kyoso::campaign {
namespace {

void RequireObjective(const CampaignSpec& spec, const std::string& objective,
                      const std::string& path) {
  if (spec.ObjectiveIndex(objective) < 0) {
    throw InputError(path, "campaign.unknown_objective", UnknownObjectiveMessage(spec, objective));
  }
}

// What the engine's view of a campaign depends on: ids, statuses, parameters and primary results.
// Suggest compares it before and after thinking to detect a concurrent change.
nlohmann::json EngineSnapshot(const CampaignSpec& spec, const std::vector<store::Experiment>& all) {
  nlohmann::json snapshot = nlohmann::json::array();
  for (const store::Experiment& e : all) {
    const auto it = e.results.find(spec.primary().name);
    snapshot.push_back(
        {e.id, store::ToString(e.status), e.params,
         it == e.results.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second.value)});
  }
  return snapshot;
}

optimize::SuggestOptions EngineOptions(const CampaignSpec& spec, const SuggestRequest& request,
                                       std::uint64_t seed) {
  optimize::SuggestOptions options = ModelOptions(spec);
  options.batch_size = request.batch_size;
  options.acquisition = request.acquisition;
  options.shared = request.shared;
  options.local_search = request.local_search;
  options.batch_policy = request.batch_policy;
  options.seed = seed;
  return options;
}

nlohmann::json PredictionJson(const CampaignSpec& spec, double mean, double stddev,
                              double acquisition, optimize::AcquisitionKind kind,
                              nlohmann::json summary) {
  nlohmann::json prediction = nlohmann::json::object();
  if (std::isfinite(mean)) {
    prediction[spec.primary().name] = PredictionValueJson(spec.primary(), mean, stddev);
    prediction["acquisition"] =
        std::isfinite(acquisition) ? nlohmann::json(acquisition) : nlohmann::json(nullptr);
  } else {
    prediction["acquisition"] = nullptr;  // initial design: no model yet
  }
  prediction["acquisition_kind"] = optimize::ToString(kind);
  prediction["summary"] = std::move(summary);
  return prediction;
}

std::string DefaultWho(const std::string& who) { return who.empty() ? "unknown" : who; }

}  // namespace

Campaign Init(store::Store& store, const nlohmann::json& spec_json, const std::string& who) {
  Campaign campaign;
  campaign.spec = ParseSpec(spec_json);
  campaign.record = store.CreateCampaign({campaign.spec.name, spec_json, DefaultWho(who)});
  return campaign;
}

Campaign Open(store::Store& store, const std::string& name) {
  store::CampaignRecord record;
  if (name.empty()) {
    std::vector<store::CampaignRecord> all = store.ListCampaigns();
    if (all.empty()) {
      throw InputError("campaign", "campaign.none",
                       "the database has no campaign yet; create one with `kyoso init SPEC.json`");
    }
    if (all.size() > 1) {
      std::string list;
      for (const store::CampaignRecord& r : all) list += (list.empty() ? "" : ", ") + r.name;
      throw InputError(
          "campaign", "campaign.ambiguous",
          "the database has several campaigns (" + list + "); choose one with --campaign NAME");
    }
    record = all.front();
  } else {
    std::optional<store::CampaignRecord> found = store.FindCampaign(name);
    if (!found) {
      throw InputError("campaign", "campaign.not_found", "no campaign named '" + name + "'");
    }
    record = *found;
  }
  Campaign campaign;
  campaign.record = record;
  campaign.spec = ParseSpec(record.spec);
  return campaign;
}

std::string BatchSizeMessage() {
  return "batch must be between 1 and " + std::to_string(kMaxBatchSize);
}

std::string CheckBatchSize(std::int64_t batch_size) {
  return batch_size >= 1 && batch_size <= kMaxBatchSize ? std::string() : BatchSizeMessage();
}

std::vector<Issue> SuggestRequest::Issues(const CampaignSpec& spec) const {
  std::vector<Issue> issues;
  if (const std::string problem = CheckBatchSize(batch_size); !problem.empty()) {
    issues.push_back({"batch", "suggest.batch", problem});
  }
  for (std::size_t k = 0; k < shared.size(); ++k) {
    if (spec.space.Index(shared[k]) < 0) {
      issues.push_back({"shared/" + std::to_string(k), "suggest.options",
                        "shared parameter '" + shared[k] + "' is not a parameter of the campaign"});
    }
  }
  if (proposer.empty()) {
    issues.push_back({"proposer", "suggest.options", "proposer must not be empty"});
  }
  return issues;
}

optimize::SuggestOptions ModelOptions(const CampaignSpec& spec, int objective_index) {
  const Objective& objective = spec.objectives.at(static_cast<std::size_t>(objective_index));
  optimize::SuggestOptions options;
  options.direction = objective.direction;
  options.noiseless = objective.noiseless;
  options.output_warping = objective.warp;
  return options;
}

EngineData BuildEngineData(const CampaignSpec& spec, const std::vector<store::Experiment>& all,
                           int objective_index) {
  const Objective& objective = spec.objectives.at(static_cast<std::size_t>(objective_index));
  EngineData data;
  std::vector<double> measured;
  for (const store::Experiment& e : all) {
    if (e.status == store::Status::kDone) {
      const auto it = e.results.find(objective.name);
      if (it == e.results.end() || !std::isfinite(it->second.value)) continue;
      data.observations.push_back(
          {ParamsToRaw(spec, e.params, "/experiments/" + std::to_string(e.id) + "/params"),
           it->second.value});
      data.ids.push_back(e.id);
      data.sources.push_back(e.source);
      measured.push_back(it->second.value);
    } else if (e.status == store::Status::kProposed || e.status == store::Status::kRunning) {
      data.pending.push_back(
          ParamsToRaw(spec, e.params, "/experiments/" + std::to_string(e.id) + "/params"));
    }
  }
  const std::vector<double> modelled = ToModelScale(objective, measured, &data.num_floored);
  for (std::size_t i = 0; i < modelled.size(); ++i) data.observations[i].value = modelled[i];
  return data;
}

SuggestOutcome Suggest(store::Store& store, const Campaign& campaign, const SuggestRequest& request,
                       ProgressSink* progress) {
  const CampaignSpec& spec = campaign.spec;
  {
    IssueList issues;
    issues.Append(request.Issues(spec));
    issues.ThrowIfAny();
  }
  // Computes the proposals for one view of the experiments (no writes).
  const auto think = [&](const std::vector<store::Experiment>& all, SuggestOutcome& outcome) {
    const EngineData data = BuildEngineData(spec, all);
    // A database state always maps to the same default seed: 0x9E3779B97F4A7C15 (the golden
    // ratio increment of SplitMix64) times one more than the number of experiments.
    outcome.seed = request.seed.value_or(0x9E3779B97F4A7C15ULL * (all.size() + 1));
    outcome.num_observations = static_cast<int>(data.observations.size());
    outcome.num_pending = static_cast<int>(data.pending.size());
    const optimize::SuggestOptions options = EngineOptions(spec, request, outcome.seed);
    IssueList issues;
    for (const std::string& problem : options.Validate(spec.space)) {
      issues.Add("", "suggest.options", problem);
    }
    issues.ThrowIfAny();
    optimize::SuggestResult result =
        optimize::Suggest(spec.space, data.observations, data.pending, options, progress);
    if (data.num_floored > 0) {
      result.summary.warnings.push_back(
          std::to_string(data.num_floored) + " result(s) of '" + spec.primary().name +
          "' below one tenth of the smallest positive one were modelled at that floor (log scale)");
    }
    outcome.summary = result.summary;
    std::vector<store::NewExperiment> proposals;
    // A cancelled batch is not what was asked for: store none of its points.
    if (result.summary.termination == "cancelled") return proposals;
    const nlohmann::json summary_json = result.summary.ToJson();
    for (const optimize::SuggestedPoint& point : result.points) {
      store::NewExperiment e;
      e.params = RawToParams(spec, point.params);
      e.status = store::Status::kProposed;
      e.source = store::Source::kEngine;
      e.proposer = request.proposer;
      e.rationale = request.rationale.empty()
                        ? optimize::ToString(request.acquisition) + " batch of " +
                              std::to_string(request.batch_size) + " (" +
                              result.summary.termination + ")"
                        : request.rationale;
      if (!request.requested_by.empty())
        e.rationale += " (requested by " + request.requested_by + ")";
      e.prediction = PredictionJson(spec, point.mean, point.stddev, point.acquisition,
                                    request.acquisition, summary_json);
      proposals.push_back(std::move(e));
    }
    return proposals;
  };
  const auto store_proposals = [&](store::Store& tx, const std::vector<store::NewExperiment>& all,
                                   SuggestOutcome& outcome) {
    if (all.empty()) return;
    const store::InsertResult inserted =
        tx.InsertExperiments(campaign.id(), all, request.proposer, {.new_batch = true});
    outcome.batch_id = inserted.batch_id;
    for (store::ExperimentId id : inserted.ids) {
      outcome.experiments.push_back(tx.GetExperiment(campaign.id(), id));
    }
  };
  // Optimistic: think outside the write transaction (a fit may take a while and must not hold the
  // database's write lock), then store only if nobody changed what the engine saw. After two
  // conflicts, think inside the transaction.
  constexpr int kOptimisticAttempts = 2;
  for (int attempt = 0; attempt < kOptimisticAttempts; ++attempt) {
    const std::vector<store::Experiment> all = store.ListExperiments(campaign.id());
    const nlohmann::json snapshot = EngineSnapshot(spec, all);
    SuggestOutcome outcome;
    const std::vector<store::NewExperiment> proposals = think(all, outcome);
    bool changed = false;
    store.Transaction([&](store::Store& tx) {
      changed = EngineSnapshot(spec, tx.ListExperiments(campaign.id())) != snapshot;
      if (!changed) store_proposals(tx, proposals, outcome);
    });
    if (!changed) return outcome;
  }
  SuggestOutcome outcome;
  store.Transaction([&](store::Store& tx) {
    outcome = SuggestOutcome{};
    store_proposals(tx, think(tx.ListExperiments(campaign.id()), outcome), outcome);
  });
  return outcome;
}

AddOutcome AddProposal(store::Store& store, const Campaign& campaign, const Proposal& proposal) {
  const CampaignSpec& spec = campaign.spec;
  if (proposal.by.empty()) {
    throw InputError("--by", "campaign.who_required", "a researcher's proposal needs --by NAME");
  }
  std::vector<double> raw = ParamsToRaw(spec, proposal.params, "/params");
  {
    IssueList issues;
    CheckRaw(spec, raw, "/params", issues);
    for (const auto& [objective, measurement] : proposal.results) {
      if (spec.ObjectiveIndex(objective) < 0) {
        issues.Add(JsonPointer("/results", objective), "campaign.unknown_objective",
                   UnknownObjectiveMessage(spec, objective));
      }
      (void)measurement;
    }
    issues.ThrowIfAny();
  }
  AddOutcome outcome;
  store::NewExperiment e;
  e.params = RawToParams(spec, raw);
  e.source = store::Source::kResearcher;
  e.proposer = proposal.by;
  e.rationale = proposal.rationale;
  if (!proposal.results.empty()) {
    e.status = store::Status::kDone;
    e.results = proposal.results;
  }
  if (!spec.space.IsFeasible(raw)) {
    e.flags.push_back("violates_constraint");
    outcome.warnings.push_back({"/params", "campaign.violates_constraint",
                                "the proposal violates " + DescribeViolations(spec, raw) +
                                    "; it is stored with the flag violates_constraint"});
  }
  store.Transaction([&](store::Store& tx) {
    const EngineData data = BuildEngineData(spec, tx.ListExperiments(campaign.id()));
    optimize::SuggestOptions options = ModelOptions(spec);
    options.seed = 0x9E3779B97F4A7C15ULL * (data.observations.size() + 1);
    std::optional<std::vector<optimize::Prediction>> predicted =
        optimize::Predict(spec.space, data.observations, {raw}, options);
    if (predicted && !predicted->empty()) {
      const optimize::Prediction& p = predicted->front();
      e.prediction = PredictionJson(
          spec, p.mean, p.stddev, p.acquisition, options.acquisition,
          {{"termination", "predict"},
           {"num_observations", data.observations.size()},
           {"message", "model fitted on the data at proposal time, as Suggest would"}});
    }
    const store::InsertResult inserted = tx.InsertExperiments(campaign.id(), {e}, proposal.by);
    outcome.experiment = tx.GetExperiment(campaign.id(), inserted.ids.front());
  });
  return outcome;
}

ReviseOutcome Revise(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                     const Proposal& changes) {
  if (!changes.params.is_object()) {
    throw InputError("/params", "params.type", "parameters must be an object of name: value");
  }
  ReviseOutcome outcome;
  store.Transaction([&](store::Store& tx) {
    const store::Experiment original = tx.GetExperiment(campaign.id(), id);
    if (original.status != store::Status::kProposed) {
      throw Error("revise.bad_transition", "only a proposed experiment can be revised; #" +
                                               std::to_string(id) + " is " +
                                               store::ToString(original.status));
    }
    Proposal proposal = changes;
    proposal.params = original.params;
    for (auto it = changes.params.begin(); it != changes.params.end(); ++it) {
      proposal.params[it.key()] = *it;
    }
    proposal.results.clear();
    proposal.rationale = (changes.rationale.empty() ? std::string("revised") : changes.rationale) +
                         " [revised from #" + std::to_string(id) + " by " +
                         store::ToString(original.source) + " " + original.proposer + ": " +
                         ParamsText(campaign.spec, original.params) + "]";
    const AddOutcome added = AddProposal(tx, campaign, proposal);
    outcome.experiment = added.experiment;
    outcome.warnings = added.warnings;
    outcome.replaces = Withdraw(tx, campaign, id, changes.by,
                                "revised by " + changes.by + " before running; replaced by #" +
                                    std::to_string(added.experiment.id));
  });
  return outcome;
}

store::Experiment Start(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                        const std::string& who) {
  return store.Start(campaign.id(), id, DefaultWho(who));
}

store::Experiment RecordResults(store::Store& store, const Campaign& campaign,
                                store::ExperimentId id,
                                const std::map<std::string, store::Measurement>& results,
                                const std::string& who) {
  if (results.empty()) {
    throw InputError("results", "campaign.no_results", "give at least one objective=value");
  }
  for (const auto& [objective, measurement] : results) {
    RequireObjective(campaign.spec, objective, JsonPointer("/results", objective));
    (void)measurement;
  }
  return store.RecordResults(campaign.id(), id, results, DefaultWho(who));
}

store::Experiment Fail(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                       const std::string& who, const std::string& reason) {
  return store.Fail(campaign.id(), id, DefaultWho(who), reason);
}

store::Experiment Withdraw(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                           const std::string& who, const std::string& reason) {
  return store.Withdraw(campaign.id(), id, DefaultWho(who), reason);
}

store::Experiment Correct(store::Store& store, const Campaign& campaign, store::ExperimentId id,
                          const std::string& objective, const store::Measurement& measurement,
                          const std::string& who, const std::string& reason) {
  RequireObjective(campaign.spec, objective, JsonPointer("/results", objective));
  return store.Correct(campaign.id(), id, objective, measurement, DefaultWho(who), reason);
}

std::vector<store::Experiment> List(store::Store& store, const Campaign& campaign,
                                    const store::ExperimentFilter& filter) {
  return store.ListExperiments(campaign.id(), filter);
}

ExperimentDetail Show(store::Store& store, const Campaign& campaign, store::ExperimentId id) {
  ExperimentDetail detail;
  detail.experiment = store.GetExperiment(campaign.id(), id);
  detail.history = store.ExperimentHistory(campaign.id(), id);
  return detail;
}

std::vector<store::Experiment> Best(store::Store& store, const Campaign& campaign,
                                    const std::string& objective_name, int count) {
  const CampaignSpec& spec = campaign.spec;
  const std::string name = objective_name.empty() ? spec.primary().name : objective_name;
  RequireObjective(spec, name, "objective");
  const Objective& objective = spec.objectives[static_cast<std::size_t>(spec.ObjectiveIndex(name))];
  std::vector<store::Experiment> done;
  store::ExperimentFilter filter;
  filter.statuses = {store::Status::kDone};
  for (store::Experiment& e : store.ListExperiments(campaign.id(), filter)) {
    const auto it = e.results.find(name);
    if (it != e.results.end() && std::isfinite(it->second.value)) done.push_back(std::move(e));
  }
  const bool maximize = objective.direction == optimize::Direction::kMaximize;
  std::stable_sort(done.begin(), done.end(),
                   [&](const store::Experiment& a, const store::Experiment& b) {
                     const double va = a.results.at(name).value;
                     const double vb = b.results.at(name).value;
                     return maximize ? va > vb : va < vb;
                   });
  if (count >= 0 && done.size() > static_cast<std::size_t>(count)) {
    done.resize(static_cast<std::size_t>(count));
  }
  return done;
}

std::map<std::string, store::Measurement> ParseResults(const CampaignSpec& spec,
                                                       const std::vector<std::string>& texts,
                                                       const std::string& who) {
  std::map<std::string, store::Measurement> results;
  IssueList issues;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    const std::string path = "results[" + std::to_string(i) + "]";
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      issues.Add(path, "params.syntax", "expected objective=value, found '" + text + "'");
      continue;
    }
    const std::string name = text.substr(0, eq);
    std::string value = text.substr(eq + 1);
    std::string sigma;
    if (const std::size_t pm = value.find("+-"); pm != std::string::npos) {
      sigma = value.substr(pm + 2);
      value = value.substr(0, pm);
    }
    if (spec.ObjectiveIndex(name) < 0) {
      issues.Add(path, "campaign.unknown_objective", UnknownObjectiveMessage(spec, name));
      continue;
    }
    const auto parse = [](const std::string& s, double& out) {
      char* end = nullptr;
      out = std::strtod(s.c_str(), &end);
      return !s.empty() && end == s.c_str() + s.size() && std::isfinite(out);
    };
    store::Measurement m;
    m.by = who;
    if (!parse(value, m.value)) {
      const std::string& unit =
          spec.objectives[static_cast<std::size_t>(spec.ObjectiveIndex(name))].unit;
      issues.Add(
          path, "params.type",
          "'" + value + "' is not a finite number" +
              (unit.empty() ? std::string()
                            : " (give the number alone, in " + unit +
                                  ", the objective's unit; 1.2e4+-300 adds an uncertainty)"));
      continue;
    }
    if (!sigma.empty()) {
      double u = 0;
      if (!parse(sigma, u) || u < 0) {
        issues.Add(path, "params.type", "uncertainty '" + sigma + "' is not a number >= 0");
        continue;
      }
      m.uncertainty = u;
    }
    if (results.contains(name)) {
      issues.Add(path, "params.duplicate", "objective '" + name + "' is given twice");
      continue;
    }
    results[name] = m;
  }
  issues.ThrowIfAny();
  return results;
}

nlohmann::json ExperimentJson(const store::Experiment& experiment, bool with_summary) {
  nlohmann::json json = store::ToJson(experiment);
  nlohmann::json& prediction = json["prediction"];
  json["acquisition"] = nullptr;
  if (prediction.is_object()) {
    if (prediction.contains("acquisition")) json["acquisition"] = prediction["acquisition"];
    if (!with_summary) prediction.erase("summary");
  }
  return json;
}

nlohmann::json CampaignJson(const store::CampaignRecord& record) { return store::ToJson(record); }

}  // namespace kyoso::campaign
