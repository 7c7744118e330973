// Pieces of the time loop shared by Run (sinter.cpp) and the axisymmetric run
// (axisymmetric_run.cpp): the sample times, the health check and the per-phase timer.
#pragma once

#include <chrono>
#include <ctime>
#include <vector>

#include "kyoso/sim/sinter/sinter.h"

namespace kyoso::sim::sinter::detail {

// The sample times after `start_time`: num_samples evenly spaced up to end_time, or (log
// spacing) geometric in the time since the start, t_k = first · (span/first)^((k−1)/(n−1)), for
// power-law growth (neck radius, grain size) over decades; the last is end_time exactly.
std::vector<double> SampleTimes(const Spec& spec, double start_time);

// A physically sane state: finite, and ρ not far outside [0, 1] (an explicit scheme that has
// lost stability overshoots long before it overflows).
bool Healthy(const State& state);

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
