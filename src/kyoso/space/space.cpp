// Space: validation, JSON spec parsing, grids, encoding/decoding, feasibility (space.h).
#include "kyoso/space/space.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "kyoso/base/json_reader.h"

namespace kyoso::space {

namespace {

// Relative tolerance deciding whether (high - low)/step is an integer (high lies on the grid).
constexpr double kGridTolerance = 1e-9;
// Largest grid a discrete parameter may have (beyond it, use a continuous parameter).
constexpr double kMaxGridSize = 1e9;

bool IsIdentifier(const std::string& name) {
  if (name.empty()) return false;
  auto start = static_cast<unsigned char>(name[0]);
  if (!(std::isalpha(start) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string Path(const std::string& prefix, std::size_t i, const std::string& field) {
  return JsonPointer(JsonPointer(JsonPointer(prefix, "parameters"), i), field);
}

std::string ShortNumber(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.6g", value);
  return buffer;
}

}  // namespace

std::string ToString(ParameterKind kind) {
  switch (kind) {
    case ParameterKind::kContinuous:
      return "continuous";
    case ParameterKind::kInteger:
      return "integer";
    case ParameterKind::kDiscrete:
      return "discrete";
    case ParameterKind::kCategorical:
      return "categorical";
  }
  return "?";
}

std::optional<ParameterKind> ParseParameterKind(std::string_view text) {
  for (auto kind : {ParameterKind::kContinuous, ParameterKind::kInteger, ParameterKind::kDiscrete,
                    ParameterKind::kCategorical}) {
    if (ToString(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string ToString(Scale scale) { return scale == Scale::kLog ? "log" : "linear"; }

std::optional<Scale> ParseScale(std::string_view text) {
  if (text == "linear") return Scale::kLinear;
  if (text == "log") return Scale::kLog;
  return std::nullopt;
}

void Space::Validate(const std::vector<Parameter>& parameters,
                     const std::vector<std::string>& constraint_texts, const std::string& prefix,
                     IssueList& issues, std::vector<Constraint>* constraints) {
  std::set<std::string> seen;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter& p = parameters[i];
    names.push_back(p.name);
    if (!IsIdentifier(p.name)) {
      issues.Add(Path(prefix, i, "name"), "spec.name",
                 "parameter name '" + p.name +
                     "' must be an identifier (letters, digits, '_', not starting with a digit)");
    } else if (!seen.insert(p.name).second) {
      issues.Add(Path(prefix, i, "name"), "spec.duplicate_name",
                 "parameter name '" + p.name + "' is used twice");
    }
    if (p.kind == ParameterKind::kCategorical) {
      if (p.choices.empty()) {
        issues.Add(Path(prefix, i, "choices"), "spec.empty_choices",
                   "categorical parameter '" + p.name + "' needs at least one choice");
      }
      std::set<std::string> choice_set;
      for (std::size_t c = 0; c < p.choices.size(); ++c) {
        if (!choice_set.insert(p.choices[c]).second) {
          issues.Add(JsonPointer(Path(prefix, i, "choices"), c), "spec.duplicate_choice",
                     "choice '" + p.choices[c] + "' is listed twice");
        }
      }
      if (p.scale == Scale::kLog) {
        issues.Add(Path(prefix, i, "scale"), "spec.scale",
                   "a categorical parameter has no log scale");
      }
      continue;
    }
    if (!std::isfinite(p.low) || !std::isfinite(p.high)) {
      issues.Add(Path(prefix, i, std::isfinite(p.low) ? "high" : "low"), "spec.not_finite",
                 "bounds must be finite numbers");
      continue;
    }
    if (!(p.low < p.high)) {
      issues.Add(Path(prefix, i, "high"), "spec.bounds_order",
                 "high (" + ShortNumber(p.high) + ") must exceed low (" + ShortNumber(p.low) +
                     ") for '" + p.name + "'");
      continue;
    }
    if (p.scale == Scale::kLog && !(p.low > 0)) {
      issues.Add(Path(prefix, i, "low"), "spec.log_bounds",
                 "a log-scale parameter needs low > 0, got " + ShortNumber(p.low));
    }
    if (p.kind == ParameterKind::kInteger) {
      if (p.low != std::floor(p.low) || p.high != std::floor(p.high)) {
        issues.Add(Path(prefix, i, p.low != std::floor(p.low) ? "low" : "high"),
                   "spec.integer_bounds", "an integer parameter needs integer bounds");
      }
      if (p.step != 0 && p.step != 1) {
        issues.Add(Path(prefix, i, "step"), "spec.step",
                   "an integer parameter has step 1; use type discrete for another step");
      }
    }
    if (p.kind == ParameterKind::kDiscrete) {
      if (!std::isfinite(p.step) || !(p.step > 0)) {
        issues.Add(Path(prefix, i, "step"), "spec.step",
                   "a discrete parameter needs a finite step > 0, got " + ShortNumber(p.step));
      } else if (p.step > (p.high - p.low) * (1 + kGridTolerance)) {
        issues.Add(Path(prefix, i, "step"), "spec.step",
                   "step " + ShortNumber(p.step) + " exceeds the range " +
                       ShortNumber(p.high - p.low) + " (the grid would hold one value)");
      } else if ((p.high - p.low) / p.step > kMaxGridSize) {
        issues.Add(Path(prefix, i, "step"), "spec.step",
                   "step " + ShortNumber(p.step) +
                       " gives more than 1e9 grid values; use a "
                       "continuous parameter");
      }
    }
    if (p.kind == ParameterKind::kContinuous && p.step != 0) {
      issues.Add(Path(prefix, i, "step"), "spec.step",
                 "a continuous parameter has no step; use type discrete");
    }
  }
  for (std::size_t j = 0; j < constraint_texts.size(); ++j) {
    const std::string path = JsonPointer(JsonPointer(prefix, "constraints"), j);
    try {
      Constraint c = Constraint::Parse(constraint_texts[j], names, path);
      for (int v : c.variables()) {
        if (parameters[static_cast<std::size_t>(v)].kind == ParameterKind::kCategorical) {
          issues.Add(path, "constraint.categorical",
                     "constraint uses categorical parameter '" +
                         parameters[static_cast<std::size_t>(v)].name +
                         "'; constraints are over numeric parameters only");
        }
      }
      if (constraints != nullptr) constraints->push_back(std::move(c));
    } catch (const InputError& error) {
      issues.Append(error.issues());
    }
  }
}

Space Space::Create(std::vector<Parameter> parameters, std::vector<std::string> constraint_texts) {
  IssueList issues;
  Space space;
  Validate(parameters, constraint_texts, "", issues, &space.constraints_);
  issues.ThrowIfAny();
  space.parameters_ = std::move(parameters);
  space.constraint_texts_ = std::move(constraint_texts);
  int offset = 0;
  for (Parameter& p : space.parameters_) {
    space.offsets_.push_back(offset);
    long long grid = 0;
    bool high_on_grid = true;
    switch (p.kind) {
      case ParameterKind::kContinuous:
        break;
      case ParameterKind::kInteger:
        p.step = 1;
        grid = static_cast<long long>(p.high - p.low) + 1;
        break;
      case ParameterKind::kDiscrete: {
        const double ratio = (p.high - p.low) / p.step;
        const double nearest = std::round(ratio);
        high_on_grid = std::abs(ratio - nearest) <= kGridTolerance * std::max(1.0, ratio);
        grid = static_cast<long long>(high_on_grid ? nearest : std::floor(ratio)) + 1;
        break;
      }
      case ParameterKind::kCategorical:
        grid = static_cast<long long>(p.choices.size());
        break;
    }
    space.grid_sizes_.push_back(grid);
    space.high_on_grid_.push_back(high_on_grid);
    offset += p.kind == ParameterKind::kCategorical ? static_cast<int>(p.choices.size()) : 1;
  }
  space.encoded_dim_ = offset;
  return space;
}

Space Space::FromJson(const nlohmann::json& parameters, const nlohmann::json& constraints,
                      const std::string& path_prefix) {
  IssueList issues;
  std::vector<Parameter> params;
  std::vector<std::string> texts;
  const std::string params_path = JsonPointer(path_prefix, "parameters");
  if (!parameters.is_array()) {
    issues.Add(params_path, "spec.type",
               std::string("expected an array of parameters, found ") + parameters.type_name());
  } else {
    if (parameters.empty()) {
      issues.Add(params_path, "spec.empty", "a space needs at least one parameter");
    }
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      ObjectReader reader(parameters[i], JsonPointer(params_path, i), issues);
      Parameter p;
      p.name = reader.String("name", true).value_or("");
      auto type = reader.Choice("type", {"continuous", "integer", "discrete", "categorical"}, true);
      p.kind = type ? *ParseParameterKind(*type) : ParameterKind::kContinuous;
      const bool categorical = p.kind == ParameterKind::kCategorical;
      const std::size_t before = issues.size();
      if (categorical) {
        if (const nlohmann::json* choices = reader.Array("choices", true)) {
          for (std::size_t c = 0; c < choices->size(); ++c) {
            if (!(*choices)[c].is_string()) {
              issues.Add(JsonPointer(reader.PathOf("choices"), c), "spec.type",
                         "expected a string choice");
            } else {
              p.choices.push_back((*choices)[c].get<std::string>());
            }
          }
        }
      } else {
        p.low = reader.Number("low", true).value_or(0.0);
        p.high = reader.Number("high", true).value_or(1.0);
        p.step = reader.Number("step", p.kind == ParameterKind::kDiscrete).value_or(0.0);
      }
      if (auto scale = reader.Choice("scale", {"linear", "log"})) p.scale = *ParseScale(*scale);
      p.unit = reader.String("unit").value_or("");
      reader.CheckNoUnknownKeys();
      // Skip the semantic checks of a parameter whose fields did not even read (a placeholder
      // [0, 1] on a linear scale, so no second, spurious issue such as spec.log_bounds follows).
      if (issues.size() > before && !categorical) {
        p.low = 0;
        p.high = 1;
        p.step = p.kind == ParameterKind::kDiscrete ? 0.5 : 0;
        p.scale = Scale::kLinear;
      }
      params.push_back(std::move(p));
    }
  }
  const std::string constraints_path = JsonPointer(path_prefix, "constraints");
  if (!constraints.is_null()) {
    if (!constraints.is_array()) {
      issues.Add(constraints_path, "spec.type",
                 std::string("expected an array of strings, found ") + constraints.type_name());
    } else {
      for (std::size_t j = 0; j < constraints.size(); ++j) {
        if (!constraints[j].is_string()) {
          issues.Add(JsonPointer(constraints_path, j), "spec.type", "expected a string");
          texts.emplace_back("0 <= 0");  // keeps the numbering of later constraints
        } else {
          texts.push_back(constraints[j].get<std::string>());
        }
      }
    }
  }
  Validate(params, texts, path_prefix, issues, nullptr);
  issues.ThrowIfAny();
  return Create(std::move(params), std::move(texts));
}

nlohmann::json Space::ToJson() const {
  nlohmann::json params = nlohmann::json::array();
  for (const Parameter& p : parameters_) {
    nlohmann::json j = {{"name", p.name}, {"type", ToString(p.kind)}};
    if (p.kind == ParameterKind::kCategorical) {
      j["choices"] = p.choices;
    } else {
      j["low"] = p.low;
      j["high"] = p.high;
      if (p.kind == ParameterKind::kDiscrete) j["step"] = p.step;
      if (p.scale == Scale::kLog) j["scale"] = "log";
    }
    if (!p.unit.empty()) j["unit"] = p.unit;
    params.push_back(std::move(j));
  }
  return {{"parameters", params}, {"constraints", constraint_texts_}};
}

std::vector<std::string> Space::names() const {
  std::vector<std::string> result;
  for (const Parameter& p : parameters_) result.push_back(p.name);
  return result;
}

int Space::Index(std::string_view name) const {
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (parameters_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void Space::CheckSize(std::size_t size) const {
  if (size != parameters_.size()) {
    throw InputError("", "space.dimension",
                     "expected " + std::to_string(parameters_.size()) + " parameter values, got " +
                         std::to_string(size));
  }
}

Eigen::VectorXd Space::Encode(const std::vector<double>& raw) const {
  CheckSize(raw.size());
  Eigen::VectorXd u = Eigen::VectorXd::Zero(encoded_dim_);
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Parameter& p = parameters_[i];
    const int o = offsets_[i];
    if (p.kind == ParameterKind::kCategorical) {
      const long long k = GridIndex(static_cast<int>(i), raw[i]);
      u[o + static_cast<int>(k)] = 1.0;
    } else if (p.scale == Scale::kLog) {
      u[o] = (std::log(raw[i]) - std::log(p.low)) / (std::log(p.high) - std::log(p.low));
    } else {
      u[o] = (raw[i] - p.low) / (p.high - p.low);
    }
  }
  return u;
}

std::vector<double> Space::Decode(const Eigen::VectorXd& u) const {
  if (u.size() != encoded_dim_) {
    throw InputError("", "space.dimension",
                     "expected an encoded vector of size " + std::to_string(encoded_dim_) +
                         ", got " + std::to_string(u.size()));
  }
  std::vector<double> raw(parameters_.size());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Parameter& p = parameters_[i];
    const int o = offsets_[i];
    if (p.kind == ParameterKind::kCategorical) {
      int best = 0;
      for (int c = 1; c < static_cast<int>(p.choices.size()); ++c) {
        if (u[o + c] > u[o + best]) best = c;
      }
      raw[i] = best;
      continue;
    }
    const double t = std::clamp(std::isnan(u[o]) ? 0.0 : u[o], 0.0, 1.0);
    // The box ends map to the bounds exactly: exp(log(high)) can round below `high`, and the
    // optimizer often ends on a face, so a suggestion would show 59.999999999999986 for 60.
    double x = t == 0.0 ? p.low
               : t == 1.0
                   ? p.high
                   : (p.scale == Scale::kLog
                          ? std::exp(std::log(p.low) + t * (std::log(p.high) - std::log(p.low)))
                          : p.low + t * (p.high - p.low));
    raw[i] = SnapValue(static_cast<int>(i), x);
  }
  return raw;
}

double Space::SnapValue(int i, double value) const {
  const Parameter& p = parameter(i);
  if (p.kind == ParameterKind::kContinuous) {
    if (std::isnan(value)) return value;
    return std::clamp(value, p.low, p.high);
  }
  return GridValue(i, GridIndex(i, value));
}

std::vector<double> Space::Snap(const std::vector<double>& raw) const {
  CheckSize(raw.size());
  std::vector<double> result(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) result[i] = SnapValue(static_cast<int>(i), raw[i]);
  return result;
}

long long Space::GridSize(int i) const { return grid_sizes_[static_cast<std::size_t>(i)]; }

double Space::GridValue(int i, long long k) const {
  const Parameter& p = parameter(i);
  const long long size = GridSize(i);
  k = std::clamp(k, 0LL, std::max(size - 1, 0LL));
  switch (p.kind) {
    case ParameterKind::kContinuous:
      return p.low;
    case ParameterKind::kInteger:
      return p.low + static_cast<double>(k);
    case ParameterKind::kDiscrete:
      if (k == size - 1 && high_on_grid_[static_cast<std::size_t>(i)]) return p.high;
      return p.low + static_cast<double>(k) * p.step;
    case ParameterKind::kCategorical:
      return static_cast<double>(k);
  }
  return p.low;
}

long long Space::GridIndex(int i, double value) const {
  const Parameter& p = parameter(i);
  const long long size = GridSize(i);
  if (size <= 0 || std::isnan(value)) return 0;
  double position = value;
  if (p.kind == ParameterKind::kInteger || p.kind == ParameterKind::kDiscrete) {
    position = (value - p.low) / p.step;
  }
  position = std::clamp(std::round(position), 0.0, static_cast<double>(size - 1));
  return static_cast<long long>(position);
}

std::vector<double> Space::ConstraintSlacks(const std::vector<double>& raw) const {
  CheckSize(raw.size());
  std::vector<double> slacks;
  slacks.reserve(constraints_.size());
  for (const Constraint& c : constraints_) slacks.push_back(c.Slack(raw));
  return slacks;
}

bool Space::IsFeasible(const std::vector<double>& raw) const {
  if (raw.size() != parameters_.size()) return false;
  for (double v : raw) {
    if (!std::isfinite(v)) return false;
  }
  const std::vector<double> snapped = Snap(raw);
  for (const Constraint& c : constraints_) {
    if (!c.IsSatisfied(snapped)) return false;
  }
  return true;
}

std::string Space::FormatValue(int i, double value) const {
  const Parameter& p = parameter(i);
  if (p.kind == ParameterKind::kCategorical) {
    const long long k = GridIndex(i, value);
    return k < static_cast<long long>(p.choices.size()) ? p.choices[static_cast<std::size_t>(k)]
                                                        : ShortNumber(value);
  }
  std::string text = ShortNumber(value);
  if (!p.unit.empty()) text += " " + p.unit;
  return text;
}

std::string Space::Format(const std::vector<double>& raw) const {
  CheckSize(raw.size());
  std::string text;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (i > 0) text += ", ";
    text += parameters_[i].name + " = " + FormatValue(static_cast<int>(i), raw[i]);
  }
  return text;
}

}  // namespace kyoso::space
