// Loop analytics of compare.h.
#include "kyoso/campaign/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "kyoso/base/error.h"

namespace kyoso::campaign {
namespace {

int SourceRank(store::Source source) {
  switch (source) {
    case store::Source::kEngine:
      return 0;
    case store::Source::kResearcher:
      return 1;
    case store::Source::kImport:
      return 2;
  }
  return 3;
}

nlohmann::json Optional(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

Comparison Compare(const CampaignSpec& spec, const std::vector<store::Experiment>& experiments,
                   const std::string& objective_name) {
  const std::string name = objective_name.empty() ? spec.primary().name : objective_name;
  const int index = spec.ObjectiveIndex(name);
  if (index < 0) {
    throw InputError("objective", "campaign.unknown_objective",
                     UnknownObjectiveMessage(spec, name));
  }
  Comparison out;
  out.objective = name;
  out.direction = spec.objectives[static_cast<std::size_t>(index)].direction;
  const bool maximize = out.direction == optimize::Direction::kMaximize;
  const auto better = [maximize](double a, double b) { return maximize ? a > b : a < b; };

  // Loops keyed by (source rank, label).
  std::map<std::pair<int, std::string>, LoopStats> loops;
  const auto loop_of = [&loops](const store::Experiment& e) -> LoopStats& {
    const std::string label = e.source == store::Source::kEngine ? "engine" : e.proposer;
    LoopStats& loop = loops[{SourceRank(e.source), label}];
    loop.label = label;
    loop.source = e.source;
    return loop;
  };
  struct Measured {
    const store::Experiment* experiment;
    double value;
    std::string at;
  };
  std::vector<Measured> measured;
  for (const store::Experiment& e : experiments) {
    LoopStats& loop = loop_of(e);
    ++loop.num_experiments;
    switch (e.status) {
      case store::Status::kFailed:
        ++loop.num_failed;
        break;
      case store::Status::kWithdrawn:
        ++loop.num_withdrawn;
        break;
      case store::Status::kProposed:
      case store::Status::kRunning:
        ++loop.num_pending;
        break;
      case store::Status::kDone:
        break;
    }
    if (e.status != store::Status::kDone) continue;
    const auto it = e.results.find(name);
    if (it == e.results.end() || !std::isfinite(it->second.value)) continue;
    measured.push_back({&e, it->second.value, it->second.at});
  }
  std::stable_sort(measured.begin(), measured.end(), [](const Measured& a, const Measured& b) {
    return std::tie(a.at, a.experiment->id) < std::tie(b.at, b.experiment->id);
  });

  std::optional<double> incumbent;
  int campaign_n = 0;
  for (const Measured& m : measured) {
    ++campaign_n;
    const store::Experiment& e = *m.experiment;
    LoopStats& loop = loop_of(e);
    ++loop.num_measured;
    if (!incumbent || better(m.value, *incumbent)) {
      incumbent = m.value;
      out.best = m.value;
      out.best_id = e.id;
      ++loop.num_improved;
    }
    if (!loop.best || better(m.value, *loop.best)) {
      loop.best = m.value;
      loop.best_id = e.id;
      loop.best_n = loop.num_measured;
      loop.best_campaign_n = campaign_n;
      loop.best_at = m.at;
    }
    loop.curve.push_back({loop.num_measured, campaign_n, e.id, m.value, *loop.best});
    // Calibration against the prediction at proposal time.
    if (e.prediction.is_object() && e.prediction.contains(name) && e.prediction[name].is_object()) {
      const nlohmann::json& p = e.prediction[name];
      const nlohmann::json mean = p.value("mean", nlohmann::json());
      const nlohmann::json stddev = p.value("stddev", nlohmann::json());
      // A log-scale prediction is of ln(value); a value <= 0 has no z on that scale.
      const bool log_scale = p.value("scale", std::string("linear")) == "log";
      const bool comparable = !log_scale || m.value > 0.0;
      if (mean.is_number() && stddev.is_number() && stddev.get<double>() > 0 && comparable) {
        const double observed = log_scale ? std::log(m.value) : m.value;
        const double z = (observed - mean.get<double>()) / stddev.get<double>();
        Calibration& c = loop.calibration;
        // Running sums: mean_z and rms_z hold sums until the final pass below.
        ++c.count;
        c.mean_z += z;
        c.rms_z += z * z;
        if (std::fabs(z) <= 2.0) c.within_2sd += 1.0;
      }
    }
  }
  out.num_measured = campaign_n;
  for (auto& [key, loop] : loops) {
    Calibration& c = loop.calibration;
    if (c.count > 0) {
      c.mean_z /= c.count;
      c.rms_z = std::sqrt(c.rms_z / c.count);
      c.within_2sd /= c.count;
    }
    loop.improved_share =
        loop.num_measured > 0 ? static_cast<double>(loop.num_improved) / loop.num_measured : 0.0;
    out.loops.push_back(loop);
  }
  return out;
}

nlohmann::json ToJson(const Comparison& comparison) {
  nlohmann::json loops = nlohmann::json::array();
  for (const LoopStats& loop : comparison.loops) {
    nlohmann::json curve = nlohmann::json::array();
    for (const CurvePoint& p : loop.curve) {
      curve.push_back({{"n", p.n},
                       {"campaign_n", p.campaign_n},
                       {"id", p.id},
                       {"value", p.value},
                       {"best", p.best}});
    }
    loops.push_back(
        {{"label", loop.label},
         {"source", store::ToString(loop.source)},
         {"experiments", loop.num_experiments},
         {"measured", loop.num_measured},
         {"failed", loop.num_failed},
         {"withdrawn", loop.num_withdrawn},
         {"pending", loop.num_pending},
         {"best", Optional(loop.best)},
         {"best_id", loop.best_id ? nlohmann::json(*loop.best_id) : nlohmann::json(nullptr)},
         {"best_n", loop.best_n},
         {"best_campaign_n", loop.best_campaign_n},
         {"best_at", loop.best_at},
         {"improved", loop.num_improved},
         {"improved_share", loop.improved_share},
         {"calibration",
          {{"count", loop.calibration.count},
           {"mean_z", loop.calibration.mean_z},
           {"rms_z", loop.calibration.rms_z},
           {"within_2sd", loop.calibration.within_2sd}}},
         {"curve", curve}});
  }
  return {{"objective", comparison.objective},
          {"direction", ToString(comparison.direction)},
          {"measured", comparison.num_measured},
          {"best", Optional(comparison.best)},
          {"best_id",
           comparison.best_id ? nlohmann::json(*comparison.best_id) : nlohmann::json(nullptr)},
          {"loops", loops}};
}

}  // namespace kyoso::campaign
