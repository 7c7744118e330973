// The search space of a campaign: typed parameters (continuous on a linear or log scale, integer,
// discrete with a step, categorical), their exact grids, the encoding to the unit cube the GP is
// fitted on (categoricals one-hot) and back, and the constraints every suggestion must satisfy.
// Front header of the `space` module (with constraint.h and sampling.h). Flow: spec JSON ->
// Space::FromJson -> Encode -> gp/acquisition/optimize -> Decode (snaps to grids) -> IsFeasible.
//
// "Raw" values are one double per parameter, in space order, in the user's units; a categorical
// parameter's raw value is the index of its choice. See docs/methods/space.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "kyoso/base/error.h"
#include "kyoso/space/constraint.h"

namespace kyoso::space {

enum class ParameterKind { kContinuous, kInteger, kDiscrete, kCategorical };
std::string ToString(ParameterKind kind);  // "continuous", "integer", "discrete", "categorical"
std::optional<ParameterKind> ParseParameterKind(std::string_view text);

enum class Scale { kLinear, kLog };
std::string ToString(Scale scale);  // "linear", "log"
std::optional<Scale> ParseScale(std::string_view text);

struct Parameter {
  std::string name;  // an identifier [A-Za-z_][A-Za-z0-9_]*, unique in the space
  ParameterKind kind = ParameterKind::kContinuous;
  double low = 0;  // bounds in `unit` (not used by categoricals)
  double high = 1;
  double step = 0;                     // discrete: grid spacing (> 0); integer: 1; otherwise 0
  Scale scale = Scale::kLinear;        // log: the encoding (and sampling) is uniform in log(x)
  std::vector<std::string> choices{};  // categorical: the named choices (raw value = index)
  std::string unit{};                  // display only, e.g. "degC/min"
};

class Space {
 public:
  Space() = default;

  // Validates every parameter and constraint and throws one InputError listing every issue, at
  // "/parameters/i/<field>" and "/constraints/j". Codes: spec.name, spec.duplicate_name,
  // spec.bounds_order, spec.not_finite, spec.log_bounds, spec.integer_bounds, spec.step,
  // spec.empty_choices, spec.duplicate_choice, spec.scale, constraint.* (see constraint.h) and
  // constraint.categorical (a constraint may not use a categorical parameter's index).
  static Space Create(std::vector<Parameter> parameters, std::vector<std::string> constraint_texts);

  // Parses the spec format of docs (DESIGN.md): `parameters` is an array of objects with keys
  // name, type (continuous|integer|discrete|categorical), low, high, step, scale (linear|log),
  // unit, choices; `constraints` is an array of strings (or null). Issue paths are prefixed with
  // `path_prefix` ("" gives "/parameters/2/low"). Unknown keys are reported (spec.unknown_key).
  static Space FromJson(const nlohmann::json& parameters, const nlohmann::json& constraints,
                        const std::string& path_prefix = "");
  // {"parameters": [...], "constraints": [...]}, accepted back by FromJson.
  nlohmann::json ToJson() const;

  const std::vector<Parameter>& parameters() const { return parameters_; }
  const Parameter& parameter(int i) const { return parameters_[static_cast<std::size_t>(i)]; }
  int num_parameters() const { return static_cast<int>(parameters_.size()); }
  std::vector<std::string> names() const;
  // Dimension of the encoding: 1 per parameter, plus (choices - 1) per categorical.
  int encoded_dim() const { return encoded_dim_; }
  // First encoded coordinate of parameter i (its one-hot block starts there for a categorical).
  int EncodedOffset(int i) const { return offsets_[static_cast<std::size_t>(i)]; }
  // Index of the parameter called `name`, -1 when absent.
  int Index(std::string_view name) const;
  const std::vector<Constraint>& constraints() const { return constraints_; }

  // Raw -> unit cube: (x - low)/(high - low), or with log(x) for log scale; categoricals one-hot.
  // Values outside the bounds map outside [0, 1]. Throws InputError "space.dimension" on a size
  // mismatch.
  Eigen::VectorXd Encode(const std::vector<double>& raw) const;
  // Unit cube -> raw, clipped to [0, 1] then snapped: integers/discrete to the nearest grid value,
  // categoricals to the argmax of their block (lowest index on ties). Exact on grids:
  // Decode(Encode(x)) == x for every x on the grid.
  std::vector<double> Decode(const Eigen::VectorXd& u) const;
  // Clamps to the bounds and rounds to the grid / nearest choice index.
  std::vector<double> Snap(const std::vector<double>& raw) const;
  double SnapValue(int i, double value) const;

  // Grids: number of values (0 for a continuous parameter) and the k-th value, computed as
  // low + k*step without accumulation (integer: step 1; categorical: k). `high` is a grid value
  // only when (high - low)/step is an integer within a relative 1e-9; the last value is then
  // returned as `high` exactly.
  long long GridSize(int i) const;
  double GridValue(int i, long long k) const;
  // Position of `value` on the grid of parameter i (nearest k, clamped).
  long long GridIndex(int i, double value) const;

  // Every constraint holds after snapping `raw` (and raw has the right size and finite values).
  bool IsFeasible(const std::vector<double>& raw) const;
  // g_j(raw) for each constraint, evaluated on `raw` as given (no snapping); <= 0 is satisfied.
  std::vector<double> ConstraintSlacks(const std::vector<double>& raw) const;

  // "heating_rate = 42.5 degC/min, atmosphere = Ar" (six significant digits).
  std::string Format(const std::vector<double>& raw) const;
  std::string FormatValue(int i, double value) const;

 private:
  static void Validate(const std::vector<Parameter>& parameters,
                       const std::vector<std::string>& constraint_texts, const std::string& prefix,
                       IssueList& issues, std::vector<Constraint>* constraints);
  void CheckSize(std::size_t size) const;

  std::vector<Parameter> parameters_;
  std::vector<std::string> constraint_texts_;
  std::vector<Constraint> constraints_;
  std::vector<int> offsets_;
  std::vector<long long> grid_sizes_;
  std::vector<bool> high_on_grid_;
  int encoded_dim_ = 0;
};

}  // namespace kyoso::space
