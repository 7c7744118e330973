// Model views of model_views.h over optimize::Predict and gp::Fit.
#include "kyoso/server/model_views.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/gp/gp.h"
#include "kyoso/optimize/suggest.h"

namespace kyoso::server {
namespace {

struct Common {
  int objective = 0;
  optimize::SuggestOptions options;
  campaign::EngineData data;  // the objective's measured experiments on its model scale
  std::vector<double> fixed;  // raw values of every parameter
};

// Reads objective, acquisition and fixed values shared by every view.
Common ReadCommon(const campaign::CampaignSpec& spec,
                  const std::vector<store::Experiment>& experiments, ObjectReader& reader) {
  Common common;
  IssueList& issues = reader.issues();
  if (auto name = reader.String("objective")) {
    common.objective = spec.ObjectiveIndex(*name);
    if (common.objective < 0) {
      reader.AddIssue("objective", "request.unknown_objective", "no objective '" + *name + "'");
      common.objective = 0;
    }
  }
  const campaign::Objective& objective =
      spec.objectives[static_cast<std::size_t>(common.objective)];
  common.options = campaign::ModelOptions(spec, common.objective);
  common.options.seed = 0;
  if (auto text = reader.String("acquisition")) {
    if (auto kind = optimize::ParseAcquisitionKind(*text)) {
      common.options.acquisition = *kind;
    } else {
      reader.AddIssue("acquisition", "request.acquisition", "expected one of ei, ucb, pi");
    }
  }
  common.data = campaign::BuildEngineData(spec, experiments, common.objective);

  // Default fixed point: the best measured experiment, else the middle of every range.
  const space::Space& space = spec.space;
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < common.data.observations.size(); ++i) {
    const double v = common.data.observations[i].value;
    if (!best) {
      best = i;
    } else {
      const double b = common.data.observations[*best].value;
      if (objective.direction == optimize::Direction::kMaximize ? v > b : v < b) best = i;
    }
  }
  if (best) {
    common.fixed = common.data.observations[*best].params;
  } else {
    for (int i = 0; i < space.num_parameters(); ++i) {
      const space::Parameter& p = space.parameter(i);
      const double middle = p.kind == space::ParameterKind::kCategorical ? 0
                            : p.scale == space::Scale::kLog              ? std::sqrt(p.low * p.high)
                                                                         : 0.5 * (p.low + p.high);
      common.fixed.push_back(space.SnapValue(i, middle));
    }
  }
  if (const nlohmann::json* fixed = reader.Get("fixed")) {
    if (!fixed->is_object()) {
      reader.AddIssue("fixed", "request.type", "expected an object {parameter: value}");
    } else {
      for (const auto& [name, value] : fixed->items()) {
        const int i = space.Index(name);
        const std::string path = JsonPointer(reader.PathOf("fixed"), name);
        if (i < 0) {
          issues.Add(path, "params.unknown", "no parameter '" + name + "'");
          continue;
        }
        const space::Parameter& p = space.parameter(i);
        if (p.kind == space::ParameterKind::kCategorical && value.is_string()) {
          const auto it = std::find(p.choices.begin(), p.choices.end(), value.get<std::string>());
          if (it == p.choices.end()) {
            issues.Add(path, "params.unknown_choice", "not a choice of " + name);
          } else {
            common.fixed[static_cast<std::size_t>(i)] = static_cast<double>(it - p.choices.begin());
          }
        } else if (value.is_number() && std::isfinite(value.get<double>())) {
          common.fixed[static_cast<std::size_t>(i)] = space.SnapValue(i, value.get<double>());
        } else {
          issues.Add(path, "params.type", "expected a number");
        }
      }
    }
  }
  return common;
}

int ReadAxis(const space::Space& space, ObjectReader& reader, const std::string& key,
             bool required) {
  const std::optional<std::string> name = reader.String(key, required);
  if (!name) return -1;
  const int i = space.Index(*name);
  if (i < 0) reader.AddIssue(key, "request.unknown_parameter", "no parameter '" + *name + "'");
  return i;
}

int ReadCount(ObjectReader& reader, const std::string& key, int fallback, int low, int high) {
  const std::optional<std::int64_t> value = reader.Integer(key);
  if (!value) return fallback;
  if (*value < low || *value > high) {
    reader.AddIssue(key, "request.range",
                    "must be between " + std::to_string(low) + " and " + std::to_string(high));
    return fallback;
  }
  return static_cast<int>(*value);
}

// Axis values of parameter i: the grid when it has at most `num` values, else `num` values evenly
// spaced (geometrically on a log scale) and snapped to the grid, duplicates removed.
std::vector<double> AxisValues(const space::Space& space, int i, int num) {
  const space::Parameter& p = space.parameter(i);
  std::vector<double> values;
  const long long grid = space.GridSize(i);
  if (grid > 0 && grid <= num) {
    for (long long k = 0; k < grid; ++k) values.push_back(space.GridValue(i, k));
    return values;
  }
  for (int k = 0; k < num; ++k) {
    const double t = static_cast<double>(k) / (num - 1);
    const double v = p.scale == space::Scale::kLog
                         ? std::exp(std::log(p.low) + t * (std::log(p.high) - std::log(p.low)))
                         : p.low + t * (p.high - p.low);
    const double snapped = space.SnapValue(i, v);
    if (values.empty() || snapped != values.back()) values.push_back(snapped);
  }
  return values;
}

nlohmann::json AxisJson(const space::Space& space, int i, const std::vector<double>& values) {
  const space::Parameter& p = space.parameter(i);
  nlohmann::json axis = {{"name", p.name},
                         {"unit", p.unit},
                         {"kind", space::ToString(p.kind)},
                         {"scale", space::ToString(p.scale)}};
  if (p.kind == space::ParameterKind::kCategorical) {
    nlohmann::json labels = nlohmann::json::array();
    for (double v : values) labels.push_back(p.choices[static_cast<std::size_t>(v)]);
    axis["values"] = labels;
  } else {
    axis["values"] = values;
    axis["low"] = p.low;
    axis["high"] = p.high;
  }
  return axis;
}

nlohmann::json FixedJson(const campaign::CampaignSpec& spec, const std::vector<double>& fixed) {
  return campaign::RawToParams(spec, fixed);
}

std::vector<optimize::Prediction> PredictOrThrow(const Common& common, const space::Space& space,
                                                 const std::vector<std::vector<double>>& points) {
  auto predictions = optimize::Predict(space, common.data.observations, points, common.options);
  if (!predictions) {
    throw Error("model.insufficient_data",
                "the model needs at least 2 distinct measured experiments (have " +
                    std::to_string(common.data.observations.size()) + ")");
  }
  return *predictions;
}

// Distance, in the unit-cube encoding, between an observation and the slice, over the parameters
// that are held fixed (the plotted ones excluded). 0 = on the slice.
double DistanceToSlice(const space::Space& space, const std::vector<double>& point,
                       const std::vector<double>& fixed, const std::vector<int>& plotted) {
  const Eigen::VectorXd a = space.Encode(point);
  const Eigen::VectorXd b = space.Encode(fixed);
  double sum = 0;
  for (int i = 0; i < space.num_parameters(); ++i) {
    if (std::find(plotted.begin(), plotted.end(), i) != plotted.end()) continue;
    const int begin = space.EncodedOffset(i);
    const int end =
        i + 1 < space.num_parameters() ? space.EncodedOffset(i + 1) : space.encoded_dim();
    for (int k = begin; k < end; ++k) sum += (a(k) - b(k)) * (a(k) - b(k));
  }
  return std::sqrt(sum);
}

nlohmann::json DataJson(const campaign::CampaignSpec& spec, const Common& common,
                        const std::vector<int>& plotted) {
  nlohmann::json data = nlohmann::json::array();
  for (std::size_t k = 0; k < common.data.observations.size(); ++k) {
    const optimize::Observation& o = common.data.observations[k];
    data.push_back({{"id", common.data.ids[k]},
                    {"params", campaign::RawToParams(spec, o.params)},
                    {"value", o.value},
                    {"source", store::ToString(common.data.sources[k])},
                    {"distance", DistanceToSlice(spec.space, o.params, common.fixed, plotted)}});
  }
  return data;
}

nlohmann::json Column(const std::vector<optimize::Prediction>& p, std::size_t begin,
                      std::size_t count, double optimize::Prediction::*field) {
  nlohmann::json values = nlohmann::json::array();
  for (std::size_t k = begin; k < begin + count; ++k) {
    const double v = p[k].*field;
    values.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
  }
  return values;
}

nlohmann::json Rows(const std::vector<optimize::Prediction>& p, std::size_t begin,
                    std::size_t num_rows, std::size_t num_cols,
                    double optimize::Prediction::*field) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t r = 0; r < num_rows; ++r) {
    rows.push_back(Column(p, begin + r * num_cols, num_cols, field));
  }
  return rows;
}

nlohmann::json Header(const campaign::CampaignSpec& spec, const Common& common) {
  const campaign::Objective& objective =
      spec.objectives[static_cast<std::size_t>(common.objective)];
  return {{"objective",
           {{"name", objective.name},
            {"unit", objective.unit},
            {"direction", campaign::ToString(objective.direction)},
            {"scale", campaign::ToString(objective.scale)}}},
          {"acquisition_kind", optimize::ToString(common.options.acquisition)},
          {"num_observations", common.data.observations.size()},
          {"fixed", FixedJson(spec, common.fixed)}};
}

}  // namespace

nlohmann::json ModelSlice(const campaign::CampaignSpec& spec,
                          const std::vector<store::Experiment>& experiments,
                          const nlohmann::json& request) {
  IssueList issues;
  ObjectReader reader(request, "", issues);
  Common common = ReadCommon(spec, experiments, reader);
  const int x = ReadAxis(spec.space, reader, "x", true);
  const int num = ReadCount(reader, "num", 100, 2, 400);
  reader.CheckNoUnknownKeys();
  issues.ThrowIfAny();

  const std::vector<double> xs = AxisValues(spec.space, x, num);
  std::vector<std::vector<double>> points;
  for (double v : xs) {
    std::vector<double> point = common.fixed;
    point[static_cast<std::size_t>(x)] = v;
    points.push_back(std::move(point));
  }
  const auto p = PredictOrThrow(common, spec.space, points);
  nlohmann::json out = Header(spec, common);
  out["x"] = AxisJson(spec.space, x, xs);
  out["mean"] = Column(p, 0, p.size(), &optimize::Prediction::mean);
  out["stddev"] = Column(p, 0, p.size(), &optimize::Prediction::stddev);
  out["acquisition"] = Column(p, 0, p.size(), &optimize::Prediction::acquisition);
  out["data"] = DataJson(spec, common, {x});
  return out;
}

nlohmann::json ModelGrid(const campaign::CampaignSpec& spec,
                         const std::vector<store::Experiment>& experiments,
                         const nlohmann::json& request) {
  IssueList issues;
  ObjectReader reader(request, "", issues);
  Common common = ReadCommon(spec, experiments, reader);
  const int x = ReadAxis(spec.space, reader, "x", true);
  const int y = ReadAxis(spec.space, reader, "y", true);
  const int z = ReadAxis(spec.space, reader, "z", false);
  const int num = ReadCount(reader, "num", 30, 2, 80);
  const int num_z = ReadCount(reader, "num_z", 5, 1, 12);
  reader.CheckNoUnknownKeys();
  if (x >= 0 && x == y) reader.AddIssue("y", "request.same_axis", "x and y must differ");
  if (z >= 0 && (z == x || z == y)) {
    reader.AddIssue("z", "request.same_axis", "z must differ from x and y");
  }
  issues.ThrowIfAny();

  const std::vector<double> xs = AxisValues(spec.space, x, num);
  const std::vector<double> ys = AxisValues(spec.space, y, num);
  std::vector<double> zs;
  if (z >= 0) {
    zs = AxisValues(spec.space, z, num_z);
  } else {
    // No third axis: one slice, whose z value is never read (the loop below skips it).
    zs.push_back(0.0);
  }
  std::vector<std::vector<double>> points;
  for (double vz : zs) {
    for (double vy : ys) {
      for (double vx : xs) {
        std::vector<double> point = common.fixed;
        point[static_cast<std::size_t>(x)] = vx;
        point[static_cast<std::size_t>(y)] = vy;
        if (z >= 0) point[static_cast<std::size_t>(z)] = vz;
        points.push_back(std::move(point));
      }
    }
  }
  const auto p = PredictOrThrow(common, spec.space, points);
  nlohmann::json out = Header(spec, common);
  out["x"] = AxisJson(spec.space, x, xs);
  out["y"] = AxisJson(spec.space, y, ys);
  const std::size_t per_slice = xs.size() * ys.size();
  nlohmann::json slices = nlohmann::json::array();
  for (std::size_t s = 0; s < zs.size(); ++s) {
    nlohmann::json slice = {
        {"mean", Rows(p, s * per_slice, ys.size(), xs.size(), &optimize::Prediction::mean)},
        {"stddev", Rows(p, s * per_slice, ys.size(), xs.size(), &optimize::Prediction::stddev)},
        {"acquisition",
         Rows(p, s * per_slice, ys.size(), xs.size(), &optimize::Prediction::acquisition)}};
    if (z >= 0) slice["z"] = AxisJson(spec.space, z, {zs[s]})["values"][0];
    slices.push_back(std::move(slice));
  }
  if (z >= 0) {
    out["z"] = AxisJson(spec.space, z, zs);
    out["slices"] = slices;
  } else {
    out["mean"] = slices[0]["mean"];
    out["stddev"] = slices[0]["stddev"];
    out["acquisition"] = slices[0]["acquisition"];
  }
  std::vector<int> plotted = {x, y};
  if (z >= 0) plotted.push_back(z);
  out["data"] = DataJson(spec, common, plotted);
  return out;
}

nlohmann::json ModelDiagnostics(const campaign::CampaignSpec& spec,
                                const std::vector<store::Experiment>& experiments,
                                const nlohmann::json& request, int max_loo) {
  IssueList issues;
  ObjectReader reader(request, "", issues);
  Common common = ReadCommon(spec, experiments, reader);
  reader.CheckNoUnknownKeys();
  issues.ThrowIfAny();
  const space::Space& space = spec.space;
  const auto& obs = common.data.observations;
  if (obs.size() < 2) {
    throw Error("model.insufficient_data",
                "the model needs at least 2 measured experiments (have " +
                    std::to_string(obs.size()) + ")");
  }
  nlohmann::json out = Header(spec, common);

  // Length scales: the same kernel family as the engine's default, fitted on the unit-cube
  // encoding (gp::Fit standardizes y itself).
  gp::Dataset data;
  data.x.resize(static_cast<Eigen::Index>(obs.size()), space.encoded_dim());
  data.y.resize(static_cast<Eigen::Index>(obs.size()));
  for (std::size_t k = 0; k < obs.size(); ++k) {
    data.x.row(static_cast<Eigen::Index>(k)) = space.Encode(obs[k].params).transpose();
    data.y(static_cast<Eigen::Index>(k)) = obs[k].value;
  }
  gp::FitOptions fit_options;
  fit_options.seed = 0;
  fit_options.fixed_noise = common.options.noiseless;
  const gp::FitResult fit = gp::Fit(data, fit_options);
  const Eigen::VectorXd& log_ls = fit.posterior.hyperparameters().log_lengthscales;
  nlohmann::json scales = nlohmann::json::array();
  for (int i = 0; i < space.num_parameters(); ++i) {
    const space::Parameter& p = space.parameter(i);
    const int begin = space.EncodedOffset(i);
    const int end =
        i + 1 < space.num_parameters() ? space.EncodedOffset(i + 1) : space.encoded_dim();
    double ls = std::numeric_limits<double>::infinity();  // a one-hot block: its shortest scale
    for (int k = begin; k < end; ++k) ls = std::min(ls, std::exp(log_ls(k)));
    nlohmann::json entry = {{"name", p.name},
                            {"unit", p.unit},
                            {"lengthscale", ls},
                            {"relevance", 1.0 / ls},
                            {"scale", space::ToString(p.scale)}};
    if (p.kind != space::ParameterKind::kCategorical) {
      // One unit-cube length scale spans ls*(high-low) user units (a factor of
      // (high/low)^ls on a log scale).
      if (p.scale == space::Scale::kLog) {
        entry["lengthscale_factor"] = std::pow(p.high / p.low, ls);
      } else {
        entry["lengthscale_user"] = ls * (p.high - p.low);
      }
    }
    scales.push_back(entry);
  }
  out["length_scales"] = scales;
  out["fit"] = fit.summary.ToJson();

  // Leave-one-out with refit: point k predicted by the engine's model fitted on the others.
  nlohmann::json loo = nlohmann::json::array();
  const std::size_t n = obs.size();
  const std::size_t count = std::min<std::size_t>(n, static_cast<std::size_t>(max_loo));
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t k = count == n ? j : j * (n - 1) / (count - 1);
    std::vector<optimize::Observation> rest;
    for (std::size_t m = 0; m < n; ++m) {
      if (m != k) rest.push_back(obs[m]);
    }
    const auto p = optimize::Predict(space, rest, {obs[k].params}, common.options);
    if (!p) continue;
    loo.push_back({{"id", common.data.ids[k]},
                   {"source", store::ToString(common.data.sources[k])},
                   {"observed", obs[k].value},
                   {"mean", (*p)[0].mean},
                   {"stddev", (*p)[0].stddev}});
  }
  out["loo"] = loo;
  out["num_loo"] = loo.size();
  return out;
}

nlohmann::json PredictPoints(const campaign::CampaignSpec& spec,
                             const std::vector<store::Experiment>& experiments,
                             const nlohmann::json& request) {
  IssueList issues;
  ObjectReader reader(request, "", issues);
  Common common = ReadCommon(spec, experiments, reader);
  std::vector<std::vector<double>> points;
  if (const nlohmann::json* list = reader.Array("points", true)) {
    for (std::size_t k = 0; k < list->size(); ++k) {
      const std::string path = JsonPointer("/points", k);
      try {
        std::vector<double> raw = campaign::ParamsToRaw(spec, (*list)[k], path);
        campaign::CheckRaw(spec, raw, path, issues);
        points.push_back(std::move(raw));
      } catch (const InputError& e) {
        issues.Append(e.issues());
      }
    }
  }
  reader.CheckNoUnknownKeys();
  issues.ThrowIfAny();
  nlohmann::json out = Header(spec, common);
  const campaign::Objective& objective =
      spec.objectives[static_cast<std::size_t>(common.objective)];
  auto predictions =
      optimize::Predict(spec.space, common.data.observations, points, common.options);
  if (!predictions) {
    out["predictions"] = nullptr;
    out["message"] = "no model yet: at least 2 distinct measured experiments are needed";
    return out;
  }
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t k = 0; k < predictions->size(); ++k) {
    const optimize::Prediction& p = (*predictions)[k];
    nlohmann::json entry = {
        {objective.name, campaign::PredictionValueJson(objective, p.mean, p.stddev)},
        {"acquisition",
         std::isfinite(p.acquisition) ? nlohmann::json(p.acquisition) : nlohmann::json(nullptr)}};
    entry["feasible"] = spec.space.IsFeasible(points[k]);
    list.push_back(entry);
  }
  out["predictions"] = list;
  return out;
}

}  // namespace kyoso::server
