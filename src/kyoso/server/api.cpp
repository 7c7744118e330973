// Campaign routes of api.h.
#include "kyoso/server/api.h"

#include <cmath>
#include <memory>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/campaign/compare.h"
#include "kyoso/campaign/csv.h"
#include "kyoso/campaign/spec.h"
#include "kyoso/server/model_views.h"

namespace kyoso::server {
namespace {

constexpr char kCampaign[] = "/api/campaigns/([A-Za-z0-9_.-]+)";
constexpr char kExperiment[] = "/api/campaigns/([A-Za-z0-9_.-]+)/experiments/([0-9]+)";

// One connection per request: a Store object belongs to one thread (store.h), and requests run on
// the pool's threads. Opening a SQLite file is cheap next to any use case.
std::unique_ptr<store::Store> Open(const ApiOptions& options) {
  return store::OpenStore(options.db, options.store);
}

store::ExperimentId ExperimentIdParam(const ApiRequest& request) {
  const std::string text = request.PathParam(2);
  if (text.size() > 15) throw Error("store.experiment_not_found", "no experiment #" + text);
  return std::stoll(text);
}

nlohmann::json ExperimentsJson(const std::vector<store::Experiment>& experiments) {
  nlohmann::json list = nlohmann::json::array();
  for (const store::Experiment& e : experiments) list.push_back(campaign::ExperimentJson(e));
  return list;
}

nlohmann::json IssuesJson(const std::vector<Issue>& issues) {
  nlohmann::json list = nlohmann::json::array();
  for (const Issue& issue : issues) {
    list.push_back({{"path", issue.path}, {"code", issue.code}, {"message", issue.message}});
  }
  return list;
}

// {"jc": 1.2e4} or {"jc": {"value": 1.2e4, "uncertainty": 300}} -> measurements.
std::map<std::string, store::Measurement> ReadMeasurements(const nlohmann::json* object,
                                                           const std::string& path,
                                                           const std::string& who,
                                                           IssueList& issues) {
  std::map<std::string, store::Measurement> results;
  if (object == nullptr) return results;
  if (!object->is_object()) {
    issues.Add(path, "request.type", "expected an object {objective: value}");
    return results;
  }
  for (const auto& [name, value] : object->items()) {
    const std::string item_path = JsonPointer(path, name);
    store::Measurement m;
    m.by = who;
    if (value.is_number()) {
      m.value = value.get<double>();
    } else if (value.is_object()) {
      ObjectReader reader(value, item_path, issues);
      m.value = reader.Number("value", true).value_or(0);
      m.uncertainty = reader.Number("uncertainty");
      reader.CheckNoUnknownKeys();
    } else {
      issues.Add(item_path, "request.type", "expected a number or {\"value\", \"uncertainty\"}");
      continue;
    }
    if (!std::isfinite(m.value)) issues.Add(item_path, "request.not_finite", "not a finite number");
    if (m.uncertainty && !(*m.uncertainty >= 0)) {
      issues.Add(item_path + "/uncertainty", "request.range", "uncertainty must be >= 0");
    }
    results[name] = m;
  }
  return results;
}

std::string RequiredReason(ObjectReader& reader) {
  std::string reason = reader.String("reason", true).value_or("");
  if (reader.Has("reason") && reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    reader.AddIssue("reason", "request.reason_required", "a reason is required");
  }
  return reason;
}

nlohmann::json DetailJson(const campaign::ExperimentDetail& detail) {
  nlohmann::json json = campaign::ExperimentJson(detail.experiment, true);
  nlohmann::json history = nlohmann::json::array();
  for (const store::HistoryEntry& entry : detail.history) history.push_back(store::ToJson(entry));
  json["history"] = history;
  return json;
}

}  // namespace

void RegisterCampaignApi(Server& server, const ApiOptions& options) {
  const ApiOptions o = options;
  // Open (create, migrate) the store once now, so a bad --db fails at start-up, not per request.
  Open(o);

  server.AddRoute(
      Method::kGet, "/api/campaigns", "list campaigns (kyoso campaigns)", [o](const ApiRequest&) {
        auto store = Open(o);
        nlohmann::json list = nlohmann::json::array();
        for (const store::CampaignRecord& record : store->ListCampaigns()) {
          nlohmann::json json = campaign::CampaignJson(record);
          const auto all = store->ListExperiments(record.id);
          nlohmann::json counts = nlohmann::json::object();
          for (const store::Experiment& e : all) {
            counts[store::ToString(e.status)] = counts.value(store::ToString(e.status), 0) + 1;
          }
          json["num_experiments"] = all.size();
          json["counts"] = counts;
          list.push_back(json);
        }
        return ApiResponse::Json({{"campaigns", list}});
      });

  server.AddRoute(Method::kPost, "/api/campaigns", "create a campaign from a spec (kyoso init)",
                  [o](const ApiRequest& request) {
                    const nlohmann::json spec = request.JsonBody();
                    auto store = Open(o);
                    const campaign::Campaign c = campaign::Init(*store, spec, request.user());
                    return ApiResponse::Json({{"campaign", campaign::CampaignJson(c.record)}}, 201);
                  });

  server.AddRoute(Method::kPost, "/api/spec/check",
                  "validate a campaign spec as typed; 200 with every issue (constraints with "
                  "line:col)",
                  [](const ApiRequest& request) {
                    const nlohmann::json spec = request.JsonBody();
                    try {
                      campaign::ParseSpec(spec);
                      return ApiResponse::Json({{"ok", true}, {"issues", nlohmann::json::array()}});
                    } catch (const InputError& e) {
                      return ApiResponse::Json({{"ok", false}, {"issues", IssuesJson(e.issues())}});
                    }
                  });

  server.AddRoute(Method::kGet, kCampaign, "a campaign: record, spec and parsed space",
                  [o](const ApiRequest& request) {
                    auto store = Open(o);
                    const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
                    nlohmann::json json = campaign::CampaignJson(c.record);
                    json["space"] = c.spec.space.ToJson();
                    nlohmann::json objectives = nlohmann::json::array();
                    for (const campaign::Objective& obj : c.spec.objectives) {
                      objectives.push_back({{"name", obj.name},
                                            {"direction", campaign::ToString(obj.direction)},
                                            {"unit", obj.unit}});
                    }
                    json["objectives"] = objectives;
                    // Limits the UI's inputs use, so they agree with the server's checks.
                    json["limits"] = {{"batch",
                                       {{"min", 1},
                                        {"max", campaign::kMaxBatchSize},
                                        {"message", campaign::BatchSizeMessage()}}}};
                    return ApiResponse::Json({{"campaign", json}});
                  });

  server.AddRoute(
      Method::kPost, std::string(kCampaign) + "/suggest",
      "ask the engine for a batch and store it (kyoso suggest): {batch, acquisition, local_search, "
      "batch_policy, shared, seed}",
      [o](const ApiRequest& request) {
        const nlohmann::json body = request.JsonBody();
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        IssueList issues;
        ObjectReader reader(body, "", issues);
        campaign::SuggestRequest req;
        if (auto batch = reader.Integer("batch")) {
          // The campaign's limit (kMaxBatchSize) and message, as the CLI and the web UI.
          if (const std::string problem = campaign::CheckBatchSize(*batch); !problem.empty()) {
            reader.AddIssue("batch", "suggest.batch", problem);
          } else {
            req.batch_size = static_cast<int>(*batch);
          }
        }
        if (auto text = reader.String("acquisition")) {
          if (auto kind = optimize::ParseAcquisitionKind(*text)) {
            req.acquisition = *kind;
          } else {
            reader.AddIssue("acquisition", "request.acquisition", "expected one of ei, ucb, pi");
          }
        }
        if (auto text = reader.String("local_search")) {
          if (auto mode = optimize::ParseLocalSearch(*text)) {
            req.local_search = *mode;
          } else {
            reader.AddIssue("local_search", "request.local_search",
                            "expected one of alternate, off, trust_region");
          }
        }
        if (auto text = reader.String("batch_policy")) {
          if (auto policy = optimize::ParseBatchPolicy(*text)) {
            req.batch_policy = *policy;
          } else {
            reader.AddIssue("batch_policy", "request.batch_policy",
                            "expected one of believer, penalization");
          }
        }
        if (const nlohmann::json* shared = reader.Array("shared")) {
          for (std::size_t k = 0; k < shared->size(); ++k) {
            if ((*shared)[k].is_string()) {
              req.shared.push_back((*shared)[k].get<std::string>());
            } else {
              issues.Add(JsonPointer("/shared", k), "request.type", "expected a parameter name");
            }
          }
        }
        if (auto seed = reader.Integer("seed")) {
          if (*seed < 0) {
            reader.AddIssue("seed", "request.range", "seed must be >= 0");
          } else {
            req.seed = static_cast<std::uint64_t>(*seed);
          }
        }
        // The store records the engine as proposer and "who" of a suggestion; the person who
        // asked is kept in the rationale, as `kyoso suggest --by` does.
        req.rationale = reader.String("rationale").value_or("");
        req.requested_by = request.user();
        reader.CheckNoUnknownKeys();
        for (const Issue& issue : req.Issues(c.spec)) {
          issues.Add("/" + issue.path, issue.code, issue.message);  // "batch" -> "/batch"
        }
        issues.ThrowIfAny();
        const campaign::SuggestOutcome outcome = campaign::Suggest(*store, c, req);
        return ApiResponse::Json(
            {{"experiments", ExperimentsJson(outcome.experiments)},
             {"summary", outcome.summary.ToJson()},
             {"batch_id", outcome.batch_id ? nlohmann::json(*outcome.batch_id) : nullptr},
             {"seed", outcome.seed},
             // Both spellings, so the document is that of `kyoso suggest --json` (docs/cli.md).
             {"observations", outcome.num_observations},
             {"pending", outcome.num_pending},
             {"num_observations", outcome.num_observations},
             {"num_pending", outcome.num_pending}});
      });

  server.AddRoute(Method::kGet, std::string(kCampaign) + "/experiments",
                  "list experiments (kyoso list); filters: status, source, proposer, batch",
                  [o](const ApiRequest& request) {
                    auto store = Open(o);
                    const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
                    store::ExperimentFilter filter;
                    IssueList issues;
                    if (auto status = request.Query("status")) {
                      if (auto s = store::ParseStatus(*status)) {
                        filter.statuses.push_back(*s);
                      } else {
                        issues.Add("?status", "request.status",
                                   "'" + *status + "' is not one of " + store::StatusNames());
                      }
                    }
                    if (auto source = request.Query("source")) {
                      filter.source = store::ParseSource(*source);
                      if (!filter.source) {
                        issues.Add("?source", "request.source",
                                   "'" + *source + "' is not one of " + store::SourceNames());
                      }
                    }
                    if (auto proposer = request.Query("proposer")) filter.proposer = *proposer;
                    if (auto batch = request.Query("batch")) {
                      try {
                        filter.batch_id = std::stoll(*batch);
                      } catch (const std::exception&) {
                        issues.Add("?batch", "request.type", "batch must be an integer");
                      }
                    }
                    issues.ThrowIfAny();
                    return ApiResponse::Json(
                        {{"experiments", ExperimentsJson(campaign::List(*store, c, filter))}});
                  });

  server.AddRoute(
      Method::kPost, std::string(kCampaign) + "/experiments",
      "a researcher's proposal or finished experiment (kyoso add): {params, results, rationale}",
      [o](const ApiRequest& request) {
        const nlohmann::json body = request.JsonBody();
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        IssueList issues;
        ObjectReader reader(body, "", issues);
        campaign::Proposal proposal;
        if (const nlohmann::json* params = reader.Get("params", true)) proposal.params = *params;
        proposal.results =
            ReadMeasurements(reader.Get("results"), "/results", request.user(), issues);
        proposal.rationale = reader.String("rationale").value_or("");
        proposal.by = request.user();
        reader.CheckNoUnknownKeys();
        issues.ThrowIfAny();
        const campaign::AddOutcome outcome = campaign::AddProposal(*store, c, proposal);
        return ApiResponse::Json({{"experiment", campaign::ExperimentJson(outcome.experiment)},
                                  {"warnings", IssuesJson(outcome.warnings)}},
                                 201);
      });

  server.AddRoute(
      Method::kGet, kExperiment, "one experiment with its history (kyoso show)",
      [o](const ApiRequest& request) {
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        return ApiResponse::Json(
            {{"experiment", DetailJson(campaign::Show(*store, c, ExperimentIdParam(request)))}});
      });

  server.AddRoute(
      Method::kPost, std::string(kExperiment) + "/start", "proposed -> running (kyoso start)",
      [o](const ApiRequest& request) {
        request.JsonBody();  // may be empty; a malformed body is still a 400
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        return ApiResponse::Json(
            {{"experiment", campaign::ExperimentJson(campaign::Start(
                                *store, c, ExperimentIdParam(request), request.user()))}});
      });

  server.AddRoute(
      Method::kPost, std::string(kExperiment) + "/result",
      "record measurements (kyoso result): {results: {objective: value}}",
      [o](const ApiRequest& request) {
        const nlohmann::json body = request.JsonBody();
        IssueList issues;
        ObjectReader reader(body, "", issues);
        auto results =
            ReadMeasurements(reader.Get("results", true), "/results", request.user(), issues);
        reader.CheckNoUnknownKeys();
        if (reader.Has("results") && results.empty() && issues.empty()) {
          reader.AddIssue("results", "request.empty", "no results given");
        }
        issues.ThrowIfAny();
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        return ApiResponse::Json(
            {{"experiment", campaign::ExperimentJson(campaign::RecordResults(
                                *store, c, ExperimentIdParam(request), results, request.user()))}});
      });

  for (const char* verb : {"fail", "withdraw"}) {
    const std::string name = verb;
    server.AddRoute(Method::kPost, std::string(kExperiment) + "/" + name,
                    "mark " + name + (name == "fail" ? "ed" : "n") + " with a reason (kyoso " +
                        name + "): {reason}",
                    [o, name](const ApiRequest& request) {
                      const nlohmann::json body = request.JsonBody();
                      IssueList issues;
                      ObjectReader reader(body, "", issues);
                      const std::string reason = RequiredReason(reader);
                      reader.CheckNoUnknownKeys();
                      issues.ThrowIfAny();
                      auto store = Open(o);
                      const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
                      const store::ExperimentId id = ExperimentIdParam(request);
                      const store::Experiment e =
                          name == "fail"
                              ? campaign::Fail(*store, c, id, request.user(), reason)
                              : campaign::Withdraw(*store, c, id, request.user(), reason);
                      return ApiResponse::Json({{"experiment", campaign::ExperimentJson(e)}});
                    });
  }

  server.AddRoute(
      Method::kPost, std::string(kExperiment) + "/correct",
      "correct a measurement, keeping the old one in history (kyoso correct): "
      "{objective, value, uncertainty, reason}",
      [o](const ApiRequest& request) {
        const nlohmann::json body = request.JsonBody();
        IssueList issues;
        ObjectReader reader(body, "", issues);
        const std::string objective = reader.String("objective", true).value_or("");
        store::Measurement m;
        m.value = reader.Number("value", true).value_or(0);
        m.uncertainty = reader.Number("uncertainty");
        m.by = request.user();
        const std::string reason = RequiredReason(reader);
        reader.CheckNoUnknownKeys();
        issues.ThrowIfAny();
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        return ApiResponse::Json({{"experiment", campaign::ExperimentJson(campaign::Correct(
                                                     *store, c, ExperimentIdParam(request),
                                                     objective, m, request.user(), reason))}});
      });

  server.AddRoute(
      Method::kPost, std::string(kExperiment) + "/revise",
      "edit a proposed experiment: new researcher proposal + original withdrawn, one transaction",
      [o](const ApiRequest& request) {
        const nlohmann::json body = request.JsonBody();
        IssueList issues;
        ObjectReader reader(body, "", issues);
        const nlohmann::json* params = reader.Get("params", true);
        const std::string rationale = reader.String("rationale").value_or("");
        reader.CheckNoUnknownKeys();
        issues.ThrowIfAny();
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        campaign::Proposal changes;
        changes.params = *params;
        changes.rationale = rationale;
        changes.by = request.user();
        const campaign::ReviseOutcome outcome =
            campaign::Revise(*store, c, ExperimentIdParam(request), changes);
        return ApiResponse::Json({{"experiment", campaign::ExperimentJson(outcome.experiment)},
                                  {"replaces", campaign::ExperimentJson(outcome.replaces)},
                                  {"warnings", IssuesJson(outcome.warnings)}},
                                 201);
      });

  server.AddRoute(
      Method::kGet, std::string(kCampaign) + "/best",
      "best measured experiments (kyoso best); ?objective=&count=", [o](const ApiRequest& request) {
        int count = 1;
        if (auto text = request.Query("count")) {
          try {
            count = std::stoi(*text);
          } catch (const std::exception&) {
            count = 0;
          }
          if (count < 1 || count > 1000) {
            throw InputError("?count", "request.range", "count must be 1..1000");
          }
        }
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        std::string objective = request.Query("objective").value_or("");
        if (objective.empty()) objective = c.spec.primary().name;
        const nlohmann::json best = ExperimentsJson(campaign::Best(*store, c, objective, count));
        // The document of `kyoso best --json`: the objective, the best one and the list.
        return ApiResponse::Json(
            {{"objective", objective},
             {"experiment", best.empty() ? nlohmann::json(nullptr) : best.front()},
             {"experiments", best}});
      });

  server.AddRoute(
      Method::kGet, std::string(kCampaign) + "/compare",
      "the researcher and engine loops side by side (kyoso compare); ?objective=",
      [o](const ApiRequest& request) {
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        return ApiResponse::Json(campaign::ToJson(campaign::Compare(
            c.spec, campaign::List(*store, c), request.Query("objective").value_or(""))));
      });

  server.AddRoute(Method::kGet, std::string(kCampaign) + "/export",
                  "CSV export (kyoso export); ?format=boxvia|full", [o](const ApiRequest& request) {
                    const std::string format = request.Query("format").value_or("full");
                    const auto layout = campaign::ParseCsvLayout(format);
                    if (!layout) {
                      throw InputError("?format", "request.format", "format is boxvia or full");
                    }
                    auto store = Open(o);
                    const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
                    return ApiResponse::Text(campaign::ExportCsv(*store, c, *layout),
                                             "text/csv; charset=utf-8",
                                             c.record.name + "-" + format + ".csv");
                  });

  server.AddRoute(
      Method::kPost, std::string(kCampaign) + "/import",
      "CSV import, all or nothing (kyoso import): {csv, layout, duplicates}",
      [o](const ApiRequest& request) {
        const nlohmann::json body = request.JsonBody();
        IssueList issues;
        ObjectReader reader(body, "", issues);
        const std::string csv = reader.String("csv", true).value_or("");
        campaign::ImportOptions import;
        import.by = request.user();
        if (auto text = reader.String("layout")) {
          import.layout = campaign::ParseCsvLayout(*text);
          if (!import.layout) {
            reader.AddIssue("layout", "request.format", "layout is boxvia or full");
          }
        }
        if (auto text = reader.String("duplicates")) {
          if (auto duplicates = campaign::ParseDuplicateRows(*text)) {
            import.duplicates = *duplicates;
          } else {
            reader.AddIssue("duplicates", "request.choice", "duplicates is refuse, skip or import");
          }
        }
        reader.CheckNoUnknownKeys();
        issues.ThrowIfAny();
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        const campaign::ImportOutcome outcome = campaign::ImportCsv(*store, c, csv, import);
        return ApiResponse::Json({{"layout", campaign::ToString(outcome.layout)},
                                  {"ids", outcome.ids},
                                  {"imported", outcome.ids.size()},
                                  {"skipped_lines", outcome.skipped_lines},
                                  {"warnings", IssuesJson(outcome.warnings)}},
                                 201);
      });

  server.AddRoute(Method::kGet, std::string(kCampaign) + "/events",
                  "history of the campaign after ?after=SEQ (for refreshing views)",
                  [o](const ApiRequest& request) {
                    store::EventSeq after = 0;
                    if (auto text = request.Query("after")) {
                      try {
                        after = std::stoll(*text);
                      } catch (const std::exception&) {
                        throw InputError("?after", "request.type", "after must be an integer");
                      }
                    }
                    auto store = Open(o);
                    const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
                    nlohmann::json list = nlohmann::json::array();
                    for (const auto& entry : store->Events(c.id(), after, 1000)) {
                      list.push_back(store::ToJson(entry));
                    }
                    return ApiResponse::Json({{"events", list}});
                  });

  // Model views: the model is refitted from the store on each request (pure functions of the data).
  using View = nlohmann::json (*)(const campaign::CampaignSpec&,
                                  const std::vector<store::Experiment>&, const nlohmann::json&);
  const std::vector<std::tuple<std::string, std::string, View>> views = {
      {"predict", "model prediction for parameter sets: {points, acquisition, objective}",
       &PredictPoints},
      {"model/slice", "1-D slice of mean, stddev, acquisition: {x, fixed, num, objective}",
       &ModelSlice},
      {"model/grid", "2-D (stacked) grids of mean, stddev, acquisition: {x, y, z, fixed, num}",
       &ModelGrid},
  };
  for (const auto& [path, summary, view] : views) {
    server.AddRoute(Method::kPost, std::string(kCampaign) + "/" + path, summary,
                    [o, view = view](const ApiRequest& request) {
                      const nlohmann::json body = request.JsonBody();
                      auto store = Open(o);
                      const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
                      return ApiResponse::Json(view(c.spec, campaign::List(*store, c), body));
                    });
  }
  server.AddRoute(
      Method::kGet, std::string(kCampaign) + "/model/diagnostics",
      "length scales and leave-one-out predictions; ?objective=", [o](const ApiRequest& request) {
        nlohmann::json body = nlohmann::json::object();
        if (auto objective = request.Query("objective")) body["objective"] = *objective;
        auto store = Open(o);
        const campaign::Campaign c = campaign::Open(*store, request.PathParam(1));
        return ApiResponse::Json(
            ModelDiagnostics(c.spec, campaign::List(*store, c), body, o.max_loo));
      });
}

}  // namespace kyoso::server
