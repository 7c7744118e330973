// Campaign spec parsing and parameter conversions of spec.h.
#include "kyoso/campaign/spec.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"

namespace kyoso::campaign {
namespace {

bool IsCampaignName(const std::string& name) {
  if (name.empty() || name.size() > 100) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsIdentifier(const std::string& name) {
  if (name.empty()) return false;
  const auto alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

// The keys each object of a spec may have (docs/spec.md), for "did you mean" hints.
const std::vector<std::string>& KeysAt(const std::string& path) {
  static const std::vector<std::string> kRoot = {"name", "description", "parameters", "objectives",
                                                 "constraints"};
  static const std::vector<std::string> kParameter = {"name", "type",  "low",     "high",
                                                      "step", "scale", "choices", "unit"};
  static const std::vector<std::string> kObjective = {"name", "direction", "unit", "scale",
                                                      "noise", "warp"};
  static const std::vector<std::string> kNone;
  const std::size_t slashes = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
  if (slashes == 1) return kRoot;
  if (slashes == 3 && path.starts_with("/parameters/")) return kParameter;
  if (slashes == 3 && path.starts_with("/objectives/")) return kObjective;
  return kNone;
}

// Adds to the issues of a spec what a person needs to fix them: the key a misspelt one most
// likely meant ("units" -> "unit"), and for a bound written with its unit ("low": "10 degC/min")
// that the number goes alone, the unit in "unit".
std::vector<Issue> WithHints(const nlohmann::json& json, std::vector<Issue> issues) {
  for (Issue& issue : issues) {
    if (issue.path.empty() || issue.path[0] != '/') continue;
    const std::string key = issue.path.substr(issue.path.rfind('/') + 1);
    if (issue.code == "spec.unknown_key") {
      const std::string guess = ClosestName(key, KeysAt(issue.path));
      if (!guess.empty()) issue.message += "; did you mean '" + guess + "'?";
    } else if (issue.code == "spec.type" && issue.path.starts_with("/parameters/") &&
               (key == "low" || key == "high" || key == "step")) {
      try {
        if (json.at(nlohmann::json::json_pointer(issue.path)).is_string()) {
          issue.message += " (write the number alone; the unit goes in \"unit\")";
        }
      } catch (const nlohmann::json::exception&) {
        // The path does not resolve: no hint.
      }
    }
  }
  return issues;
}

}  // namespace

std::string ToString(optimize::Direction direction) {
  return direction == optimize::Direction::kMaximize ? "maximize" : "minimize";
}

std::string ToString(ObjectiveScale scale) {
  return scale == ObjectiveScale::kLog ? "log" : "linear";
}

std::vector<double> ToModelScale(const Objective& objective, const std::vector<double>& values,
                                 int* num_floored) {
  if (num_floored != nullptr) *num_floored = 0;
  if (objective.scale == ObjectiveScale::kLinear) return values;
  double smallest_positive = std::numeric_limits<double>::infinity();
  for (double v : values) {
    if (v > 0.0) smallest_positive = std::min(smallest_positive, v);
  }
  std::vector<double> out(values.size(), 0.0);
  if (!std::isfinite(smallest_positive)) {
    if (num_floored != nullptr) *num_floored = static_cast<int>(values.size());
    return out;
  }
  const double floor = smallest_positive / 10.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < floor && num_floored != nullptr) ++*num_floored;
    out[i] = std::log(std::max(values[i], floor));
  }
  return out;
}

nlohmann::json PredictionValueJson(const Objective& objective, double mean, double stddev) {
  nlohmann::json out = {{"mean", mean}, {"stddev", stddev}};
  if (objective.scale == ObjectiveScale::kLog) {
    out["scale"] = "log";
    out["median"] = std::exp(mean);
    out["lower"] = std::exp(mean - 2.0 * stddev);
    out["upper"] = std::exp(mean + 2.0 * stddev);
  }
  return out;
}

int CampaignSpec::ObjectiveIndex(const std::string& objective_name) const {
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    if (objectives[i].name == objective_name) return static_cast<int>(i);
  }
  return -1;
}

bool CampaignSpec::Better(double candidate, double incumbent) const {
  return primary().direction == optimize::Direction::kMaximize ? candidate > incumbent
                                                               : candidate < incumbent;
}

CampaignSpec ParseSpec(const nlohmann::json& json) {
  IssueList issues;
  CampaignSpec spec;
  spec.json = json;
  ObjectReader root(json, "", issues);
  if (std::optional<std::string> name = root.String("name", true)) {
    if (!IsCampaignName(*name)) {
      root.AddIssue("name", "spec.name",
                    "campaign name must be 1-100 characters of letters, digits, '_', '-', '.'");
    }
    spec.name = *name;
  }
  spec.description = root.String("description").value_or("");
  const nlohmann::json* parameters = root.Array("parameters", true);
  const nlohmann::json* constraints = root.Get("constraints");
  if (parameters != nullptr) {
    try {
      spec.space = space::Space::FromJson(*parameters,
                                          constraints ? *constraints : nlohmann::json(nullptr), "");
    } catch (const InputError& e) {
      issues.Append(e.issues());
    }
  }
  // Parameter names straight from the JSON, so a clash is found even when the space has errors.
  std::set<std::string> names;
  if (parameters != nullptr) {
    for (const nlohmann::json& p : *parameters) {
      if (p.is_object() && p.contains("name") && p["name"].is_string()) {
        names.insert(p["name"].get<std::string>());
      }
    }
  }
  if (const nlohmann::json* objectives = root.Array("objectives", true)) {
    if (objectives->empty()) {
      issues.Add("/objectives", "spec.objectives", "at least one objective is required");
    }
    for (std::size_t i = 0; i < objectives->size(); ++i) {
      ObjectReader reader((*objectives)[i], JsonPointer("/objectives", i), issues);
      Objective objective;
      if (std::optional<std::string> name = reader.String("name", true)) {
        if (!IsIdentifier(*name)) {
          reader.AddIssue("name", "spec.name",
                          "objective name must be an identifier ([A-Za-z_][A-Za-z0-9_]*)");
        } else if (!names.insert(*name).second) {
          reader.AddIssue("name", "spec.duplicate_name",
                          "'" + *name + "' is already a parameter or objective name");
        }
        objective.name = *name;
      }
      if (std::optional<std::string> direction =
              reader.Choice("direction", {"maximize", "minimize"}, true)) {
        objective.direction = *direction == "maximize" ? optimize::Direction::kMaximize
                                                       : optimize::Direction::kMinimize;
      }
      objective.unit = reader.String("unit").value_or("");
      if (std::optional<std::string> scale = reader.Choice("scale", {"linear", "log"})) {
        objective.scale = *scale == "log" ? ObjectiveScale::kLog : ObjectiveScale::kLinear;
      }
      if (std::optional<std::string> noise = reader.Choice("noise", {"learned", "none"})) {
        objective.noiseless = *noise == "none";
      }
      if (std::optional<std::string> warp = reader.Choice("warp", {"yeo_johnson", "none"})) {
        objective.warp = *optimize::ParseOutputWarping(*warp);
      }
      reader.CheckNoUnknownKeys();
      spec.objectives.push_back(objective);
    }
  }
  root.CheckNoUnknownKeys();
  if (!issues.empty()) throw InputError(WithHints(json, issues.issues()));
  return spec;
}

std::vector<double> ParamsToRaw(const CampaignSpec& spec, const nlohmann::json& params,
                                const std::string& path) {
  IssueList issues;
  if (!params.is_object()) {
    throw InputError(path, "params.type", "parameters must be an object of name: value");
  }
  const space::Space& space = spec.space;
  std::vector<double> raw(static_cast<std::size_t>(space.num_parameters()), 0.0);
  for (int i = 0; i < space.num_parameters(); ++i) {
    const space::Parameter& p = space.parameter(i);
    const std::string where = JsonPointer(path, p.name);
    const auto it = params.find(p.name);
    if (it == params.end() || it->is_null()) {
      issues.Add(where, "params.missing", "parameter '" + p.name + "' has no value");
      continue;
    }
    if (p.kind == space::ParameterKind::kCategorical) {
      if (it->is_string()) {
        const std::string choice = it->get<std::string>();
        bool found = false;
        for (std::size_t k = 0; k < p.choices.size(); ++k) {
          if (p.choices[k] == choice) {
            raw[static_cast<std::size_t>(i)] = static_cast<double>(k);
            found = true;
          }
        }
        if (!found) {
          std::string list;
          for (const std::string& c : p.choices) list += (list.empty() ? "" : ", ") + c;
          issues.Add(where, "params.unknown_choice",
                     "'" + choice + "' is not a choice of '" + p.name + "' (" + list + ")");
        }
      } else if (it->is_number_integer() && it->get<std::int64_t>() >= 0 &&
                 it->get<std::int64_t>() < static_cast<std::int64_t>(p.choices.size())) {
        raw[static_cast<std::size_t>(i)] = static_cast<double>(it->get<std::int64_t>());
      } else {
        issues.Add(where, "params.type", "expected one of the choices of '" + p.name + "'");
      }
      continue;
    }
    if (!it->is_number()) {
      std::string message = "expected a number for '" + p.name + "', found " + it->dump();
      if (it->is_string() && !p.unit.empty()) {
        message += " (give the number alone, in " + p.unit + ", the unit of the spec)";
      }
      issues.Add(where, "params.type", message);
      continue;
    }
    const double value = it->get<double>();
    if (!std::isfinite(value)) {
      issues.Add(where, "params.not_finite", "value of '" + p.name + "' is not finite");
      continue;
    }
    raw[static_cast<std::size_t>(i)] = value;
  }
  for (auto it = params.begin(); it != params.end(); ++it) {
    if (space.Index(it.key()) < 0) {
      const std::string guess = ClosestName(it.key(), space.names());
      issues.Add(JsonPointer(path, it.key()), "params.unknown",
                 "'" + it.key() + "' is not a parameter of campaign '" + spec.name + "'" +
                     (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
    }
  }
  issues.ThrowIfAny();
  return raw;
}

void CheckRaw(const CampaignSpec& spec, const std::vector<double>& raw, const std::string& path,
              IssueList& issues) {
  const space::Space& space = spec.space;
  for (int i = 0; i < space.num_parameters(); ++i) {
    const space::Parameter& p = space.parameter(i);
    if (p.kind == space::ParameterKind::kCategorical) continue;
    const double value = raw[static_cast<std::size_t>(i)];
    const std::string where = JsonPointer(path, p.name);
    const double tolerance = 1e-9 * std::max(1.0, std::fabs(p.high - p.low));
    if (value < p.low - tolerance || value > p.high + tolerance) {
      issues.Add(where, "params.out_of_bounds",
                 p.name + " = " + space.FormatValue(i, value) + " is outside [" +
                     space.FormatValue(i, p.low) + ", " + space.FormatValue(i, p.high) + "]");
      continue;
    }
    if (p.kind == space::ParameterKind::kInteger || p.kind == space::ParameterKind::kDiscrete) {
      const double snapped = space.SnapValue(i, value);
      if (std::fabs(snapped - value) > 1e-9 * std::max(1.0, std::fabs(value))) {
        issues.Add(where, "params.off_grid",
                   p.name + " = " + space.FormatValue(i, value) +
                       " is not on its grid (nearest: " + space.FormatValue(i, snapped) + ")");
      }
    }
  }
}

std::string ParamsText(const CampaignSpec& spec, const nlohmann::json& params) {
  if (!params.is_object()) return params.dump();
  nlohmann::ordered_json ordered = nlohmann::ordered_json::object();
  for (const space::Parameter& p : spec.space.parameters()) {
    if (const auto it = params.find(p.name); it != params.end()) ordered[p.name] = *it;
  }
  for (auto it = params.begin(); it != params.end(); ++it) {
    if (spec.space.Index(it.key()) < 0) ordered[it.key()] = *it;
  }
  return ordered.dump();
}

nlohmann::json RawToParams(const CampaignSpec& spec, const std::vector<double>& raw) {
  nlohmann::json params = nlohmann::json::object();
  const space::Space& space = spec.space;
  for (int i = 0; i < space.num_parameters(); ++i) {
    const space::Parameter& p = space.parameter(i);
    const double value = raw[static_cast<std::size_t>(i)];
    if (p.kind == space::ParameterKind::kCategorical) {
      const auto k = static_cast<std::size_t>(std::llround(value));
      params[p.name] = k < p.choices.size() ? nlohmann::json(p.choices[k]) : nlohmann::json(value);
    } else if (p.kind != space::ParameterKind::kContinuous && std::fabs(value) < 9e15 &&
               value == std::round(value)) {
      params[p.name] = static_cast<std::int64_t>(std::llround(value));
    } else {
      params[p.name] = value;
    }
  }
  return params;
}

std::pair<std::string, nlohmann::json> ParseAssignment(const std::string& text,
                                                       const std::string& path) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(path, "params.syntax", "expected name=value, found '" + text + "'");
  }
  const std::string name = text.substr(0, eq);
  const std::string value = text.substr(eq + 1);
  // A number when the whole text parses as one (strtod on a copy; never evaluated as code).
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (!value.empty() && end == value.c_str() + value.size() && std::isfinite(number)) {
    return {name, number};
  }
  return {name, value};
}

namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal-string-alignment distance (Levenshtein plus transposition of neighbours), ignoring case.
std::size_t EditDistance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) &&
          Lower(a[i - 2]) == Lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

std::string ClosestName(const std::string& name, const std::vector<std::string>& candidates) {
  // A candidate followed by something that cannot continue an identifier: a unit or a note.
  std::string prefixed;
  for (const std::string& c : candidates) {
    if (name.size() > c.size() && name.compare(0, c.size(), c) == 0) {
      const char next = name[c.size()];
      const bool continues = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                             (next >= '0' && next <= '9') || next == '_';
      if (!continues && c.size() > prefixed.size()) prefixed = c;
    }
  }
  if (!prefixed.empty()) return prefixed;
  // One edit turns "tc" into "jc": short names only match up to case.
  const std::size_t limit = name.size() <= 2 ? 0 : name.size() <= 4 ? 1 : 2;
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const std::size_t distance = EditDistance(name, c);
    if (distance < best_distance) {
      best = c;
      best_distance = distance;
    }
  }
  return best;
}

std::string UnknownObjectiveMessage(const CampaignSpec& spec, const std::string& name) {
  std::vector<std::string> names;
  std::string list;
  for (const Objective& o : spec.objectives) {
    names.push_back(o.name);
    list += (list.empty() ? "" : ", ") + o.name;
  }
  const std::string guess = ClosestName(name, names);
  return "'" + name + "' is not an objective of campaign '" + spec.name + "' (objectives: " + list +
         ")" + (guess.empty() ? "" : "; did you mean '" + guess + "'?");
}

std::string DescribeViolations(const CampaignSpec& spec, const std::vector<double>& raw) {
  std::string out;
  const std::vector<double> snapped = spec.space.Snap(raw);  // as Space::IsFeasible checks it
  for (const space::Constraint& c : spec.space.constraints()) {
    const double slack = c.Slack(snapped);
    if (c.Holds(slack)) continue;
    std::ostringstream text;
    text << "'" << c.text() << "'";
    if (std::isfinite(slack)) text << " (off by " << std::setprecision(6) << slack << ")";
    out += (out.empty() ? "" : "; ") + text.str();
  }
  return out;
}

}  // namespace kyoso::campaign
