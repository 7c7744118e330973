// A campaign spec: name, search space (parameters and constraints, parsed by the space module) and
// objectives. Parsed from JSON with every problem reported at its JSON pointer (docs/spec.md), and
// the conversions between the store's parameter objects ({"max_temp": 556, "atmosphere": "Ar"})
// and the engine's raw vectors (one double per parameter, categorical = choice index).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/optimize/suggest.h"
#include "kyoso/space/space.h"

namespace kyoso::campaign {

// The scale on which the engine models an objective. kLog: the GP is fitted to ln(value), for
// quantities that span decades (a critical current density); means and standard deviations of
// predictions are then those of ln(value), and the value's median is exp(mean).
enum class ObjectiveScale { kLinear, kLog };

struct Objective {
  std::string name;  // identifier, unique among objectives and parameters
  optimize::Direction direction = optimize::Direction::kMaximize;
  std::string unit;  // display only, e.g. "A/cm^2"
  ObjectiveScale scale = ObjectiveScale::kLinear;
  // "noise": "learned" (default: measurement noise is a GP hyperparameter) or "none" (repeated
  // measurements agree, e.g. a deterministic simulator: a tiny fixed noise, docs/methods/gp.md §3).
  bool noiseless = false;
  // "warp": "yeo_johnson" (default: the engine warps the modelled values by a Yeo-Johnson power
  // transform fitted to them, docs/methods/gp.md §8) or "none" (the GP models them as they are).
  optimize::OutputWarping warp = optimize::OutputWarping::kYeoJohnson;
};

std::string ToString(optimize::Direction direction);  // "minimize", "maximize"
std::string ToString(ObjectiveScale scale);           // "linear", "log"

// Measured values of one objective -> the values the engine models, in the same order. Linear:
// unchanged. Log: ln(max(v, floor)) with floor = one tenth of the smallest positive value among
// `values`, so a measurement <= 0 (a sample that did not superconduct at all) stays the worst one
// by a decade instead of becoming -infinity; if no value is positive every entry is 0 (no
// information). `num_floored` (optional) receives the number of values raised to the floor.
std::vector<double> ToModelScale(const Objective& objective, const std::vector<double>& values,
                                 int* num_floored = nullptr);

// One prediction of an objective as stored and served: {"mean", "stddev"} of the modelled value;
// on a log scale also "scale": "log", "median" = exp(mean) and the 2-sigma band "lower" =
// exp(mean - 2 stddev), "upper" = exp(mean + 2 stddev) in the objective's own unit.
nlohmann::json PredictionValueJson(const Objective& objective, double mean, double stddev);

struct CampaignSpec {
  std::string name;  // [A-Za-z0-9_.-]+, unique in a database
  std::string description;
  space::Space space;
  std::vector<Objective> objectives;  // non-empty; the first is the one the engine optimizes
  nlohmann::json json;                // the spec as given (stored verbatim)

  const Objective& primary() const { return objectives.front(); }
  // Index of the objective called `name`, -1 when absent.
  int ObjectiveIndex(const std::string& name) const;
  // True when `candidate` is better than `incumbent` for the primary objective's direction.
  bool Better(double candidate, double incumbent) const;
};

// Parses and validates a spec object. Throws one InputError listing every issue at its JSON pointer
// ("/name", "/parameters/1/step", "/objectives/0/direction", "/constraints/0"). Codes: spec.*,
// constraint.* (from the space module) and spec.duplicate_name (an objective named like a
// parameter or another objective).
CampaignSpec ParseSpec(const nlohmann::json& spec);

// Converts a parameter object to raw values in space order. Every parameter must be present with a
// number (categorical: one of its choices, or its index); unknown names are errors. Values are NOT
// snapped or bounds-checked here (see CheckParams). Issues at `path`/<name>:
// params.missing, params.unknown, params.type, params.unknown_choice, params.not_finite.
std::vector<double> ParamsToRaw(const CampaignSpec& spec, const nlohmann::json& params,
                                const std::string& path = "/params");

// Checks raw values against bounds and grids: params.out_of_bounds, params.off_grid (a discrete or
// integer value more than 1e-9 relative off its grid). Adds issues at `path`/<name>.
void CheckRaw(const CampaignSpec& spec, const std::vector<double>& raw, const std::string& path,
              IssueList& issues);

// Raw values -> parameter object: integer/discrete values on an integral grid as JSON integers,
// continuous values as numbers, categoricals as their choice names.
nlohmann::json RawToParams(const CampaignSpec& spec, const std::vector<double>& raw);

// The parameter object as compact JSON text with its keys in the spec's order (a JSON object
// prints alphabetically), then any key the spec does not name: {"heating_rate":50,"max_temp":600,
// "hold_time":5}. For human-readable text such as a revision's rationale.
std::string ParamsText(const CampaignSpec& spec, const nlohmann::json& params);

// Parses "name=value" into a parameter value (number or, for a categorical, a choice name).
// Throws InputError (params.syntax) without '='.
std::pair<std::string, nlohmann::json> ParseAssignment(const std::string& text,
                                                       const std::string& path);

// For "did you mean" hints: the name among `candidates` that `name` most likely meant, or "" when
// none is close. Close means a case-insensitive edit distance (insert, delete, substitute, swap of
// two neighbours) of 0 for names of 1-2 characters, 1 for 3-4 and 2 for longer ones, or `name`
// being a candidate followed by a unit or note ("heating_rate (K/min)", "jc [A/cm^2]").
std::string ClosestName(const std::string& name, const std::vector<std::string>& candidates);

// The constraints `raw` violates, for a warning: "'max_temp - 20*hold_time <= 600' (off by 30)",
// the amount g(raw) of space::Constraint::Slack; several are joined by "; ". Empty when every
// constraint holds.
std::string DescribeViolations(const CampaignSpec& spec, const std::vector<double>& raw);

// "'Jc' is not an objective of campaign 'ba122-sps' (objectives: jc); did you mean 'jc'?": the
// message of campaign.unknown_objective wherever an objective is named.
std::string UnknownObjectiveMessage(const CampaignSpec& spec, const std::string& name);

}  // namespace kyoso::campaign
