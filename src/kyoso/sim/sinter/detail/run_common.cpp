// Shared pieces of the time loops; see run_common.h.
#include "kyoso/sim/sinter/detail/run_common.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kyoso/sim/sinter/output.h"

namespace kyoso::sim::sinter::detail {

std::vector<double> SampleTimes(const Spec& spec, double start_time) {
  const double end_time = spec.end_time;
  std::vector<double> times;
  if (spec.log_samples && spec.num_samples > 1) {
    const double span = end_time - start_time;
    const double first = spec.first_sample > 0.0 ? std::min(spec.first_sample, span) : 1e-3 * span;
    for (int k = 1; k <= spec.num_samples; ++k) {
      const double e = static_cast<double>(k - 1) / (spec.num_samples - 1);
      times.push_back(k == spec.num_samples ? end_time
                                            : start_time + first * std::pow(span / first, e));
    }
  } else {
    for (int k = 1; k <= spec.num_samples; ++k) {
      times.push_back(start_time + (end_time - start_time) * k / spec.num_samples);
    }
  }
  return times;
}

State StartingState(const Spec& spec, const Options& options) {
  if (options.restart_path.empty()) return InitialState(spec);
  State state = ReadCheckpoint(options.restart_path);
  if (state.grid.dims != spec.grid.dims || state.grid.n != spec.grid.n ||
      state.grid.axisymmetric != spec.grid.axisymmetric ||
      state.num_slots != spec.num_order_parameters ||
      std::fabs(state.grid.dx - spec.grid.dx) > 1e-12 * spec.grid.dx) {
    throw InputError(options.restart_path, "sinter.checkpoint",
                     "the checkpoint's grid, geometry or order-parameter count differs from the "
                     "spec");
  }
  return state;
}

void RecordSample(const Spec& spec, double time, const SampleRow& row, Series& series,
                  Summary& summary) {
  if (!series.time.empty()) {
    const double initial_mass = series.mass.front();
    const double last_energy = series.free_energy.back();
    summary.mass_drift =
        std::max(summary.mass_drift, std::fabs(row.mass - initial_mass) / std::fabs(initial_mass));
    const double scale = std::max(std::fabs(last_energy), 1e-300);
    summary.max_energy_increase =
        std::max(summary.max_energy_increase, (row.free_energy - last_energy) / scale);
  }
  series.time.push_back(time);
  series.temperature.push_back(spec.physical ? spec.model.schedule.TemperatureAt(time) : 0.0);
  series.mass.push_back(row.mass);
  series.free_energy.push_back(row.free_energy);
  series.density.push_back(row.density);
  series.shrinkage.push_back(row.shrinkage);
  series.neck_radius.push_back(row.neck_radius);
  series.grains.push_back(row.grains);
  series.mean_grain_radius.push_back(row.mean_grain_radius);
  series.surface_area.push_back(row.areas.surface);
  series.gb_area.push_back(row.areas.grain_boundary);
  series.dt.push_back(row.dt);
}

bool Healthy(const State& state) {
  if (!state.AllFinite()) return false;
  for (double v : state.rho) {
    if (v < -1.0 || v > 2.0) return false;
  }
  return true;
}

StepToTarget ClipStep(double dt, double remaining) {
  if (dt >= remaining) return {remaining, true};
  if (dt > 0.5 * remaining) return {0.5 * remaining, false};  // two even steps, no sliver
  return {dt, false};
}

double AdaptStep(double adaptive_dt, const StepToTarget& taken, double change, double max_change,
                 double max_dt) {
  if (taken.hits_target && taken.dt < adaptive_dt) return adaptive_dt;
  const double factor = change > 0.0 ? 0.9 * max_change / change : 1.5;
  const double next = taken.dt * std::clamp(factor, 0.5, 1.5);
  return max_dt > 0.0 ? std::min(next, max_dt) : next;
}

std::string DivergedMessage(const State& state, double dt, double last_good_time) {
  std::ostringstream msg;
  msg << "the fields left their physical range at t = " << state.time << " (step " << state.step
      << ", dt = " << dt << "); stopped and kept the last good state at t = " << last_good_time;
  return msg.str();
}

void FinishSummary(Summary& summary, const State& state, std::int64_t first_step,
                   double wall_seconds, std::clock_t cpu_start) {
  if (summary.termination == Termination::kCompleted) summary.message = "reached end_time";
  if (!std::isfinite(summary.dt_min)) summary.dt_min = 0.0;
  summary.steps = state.step - first_step;
  summary.final_time = state.time;
  summary.wall_seconds = wall_seconds;
  summary.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (summary.wall_seconds > 0.0) {
    summary.updates_per_second = static_cast<double>(summary.steps) *
                                 static_cast<double>(state.grid.size()) * (1.0 + state.num_slots) /
                                 summary.wall_seconds;
  }
  if (summary.mass_drift > 1e-10) {
    summary.warnings.push_back("mass drift " + std::to_string(summary.mass_drift) +
                               " exceeds round-off");
  }
}

}  // namespace kyoso::sim::sinter::detail
