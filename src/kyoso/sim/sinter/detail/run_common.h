// Pieces of the time loop shared by Run (sinter.cpp) and the axisymmetric run
// (axisymmetric_run.cpp): the sample times, the health check and the per-phase timer.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "kyoso/sim/sinter/observables.h"
#include "kyoso/sim/sinter/sinter.h"

namespace kyoso::sim::sinter::detail {

// The sample times after `start_time`: num_samples evenly spaced up to end_time, or (log
// spacing) geometric in the time since the start, t_k = first · (span/first)^((k−1)/(n−1)), for
// power-law growth (neck radius, grain size) over decades; the last is end_time exactly.
std::vector<double> SampleTimes(const Spec& spec, double start_time);

// The state a run starts from: the checkpoint of Options::restart_path (refused with
// sinter.checkpoint when its grid, geometry or number of order parameters differs from the spec),
// or InitialState(spec).
State StartingState(const Spec& spec, const Options& options);

// A physically sane state: finite, and ρ not far outside [0, 1] (an explicit scheme that has
// lost stability overshoots long before it overflows).
bool Healthy(const State& state);

// The step actually taken towards the next target time (sample or VTK): dt itself, or the rest
// when dt reaches the target (hits_target), or half the rest when dt would leave a sliver.
struct StepToTarget {
  double dt = 0.0;
  bool hits_target = false;
};
StepToTarget ClipStep(double dt, double remaining);

// The accuracy-controlled step of the semi-implicit kernels: Δt·clamp(0.9 Δ*/Δ, 0.5, 1.5) from the
// largest change Δ of the last step (not adapted after a step shortened to hit a target), at most
// max_dt when that is > 0.
double AdaptStep(double adaptive_dt, const StepToTarget& taken, double change, double max_change,
                 double max_dt);

// The Summary message of a run stopped because the fields left their range.
std::string DivergedMessage(const State& state, double dt, double last_good_time);

// Completes the Summary at the end of a run: steps, final time, wall and CPU seconds, updates per
// second (points × (1 + slots) per step), the mass-drift warning.
void FinishSummary(Summary& summary, const State& state, std::int64_t first_step,
                   double wall_seconds, std::clock_t cpu_start);

// One sample's observables, appended to the Series by RecordSample.
struct SampleRow {
  double mass = 0.0;
  double free_energy = 0.0;
  double density = 0.0;
  double shrinkage = 0.0;
  double neck_radius = 0.0;
  int grains = 0;
  double mean_grain_radius = 0.0;
  Areas areas;
  double dt = 0.0;
};
// Appends a sample at state.time (temperature from the schedule for SI specs) and updates the
// run's invariants: mass drift against the first sample, largest relative increase of F between
// consecutive samples.
void RecordSample(const Spec& spec, double time, const SampleRow& row, Series& series,
                  Summary& summary);

// Run for an axisymmetric spec (axisymmetric_run.cpp); Run dispatches here after validating the
// options.
Result RunAxisymmetric(const Spec& spec, const Options& options, ProgressSink* progress);

// Adds the wall and CPU time of its lifetime to one phase of the Summary.
class PhaseTimer {
 public:
  PhaseTimer(Summary& summary, double PhaseSeconds::*phase)
      : summary_(summary),
        phase_(phase),
        wall_start_(std::chrono::steady_clock::now()),
        cpu_start_(std::clock()) {}
  ~PhaseTimer() {
    summary_.phase_wall_seconds.*phase_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
    summary_.phase_cpu_seconds.*phase_ +=
        static_cast<double>(std::clock() - cpu_start_) / CLOCKS_PER_SEC;
  }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

 private:
  Summary& summary_;
  double PhaseSeconds::*phase_;
  std::chrono::steady_clock::time_point wall_start_;
  std::clock_t cpu_start_;
};

}  // namespace kyoso::sim::sinter::detail
