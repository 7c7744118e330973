// Front header of sim/sinter, the phase-field solid-state sintering simulator (Wang 2006 model in
// conservative form, Biswas et al. 2018 physical units). A run is a use case:
//   Spec spec = ParseSpec(json);                       // every input problem at a JSON pointer
//   Result result = Run(spec, {.num_threads = 2}, &progress);
// Result holds the time series of the observables, the final state and a Summary (termination,
// invariants, steps, given vs used time step). Writers (output.h) save CSV, VTK and checkpoints.
// Methods and validation: docs/methods/sinter.md; user guide: docs/sinter.md.
#pragma once

#include <string>
#include <vector>

#include "kyoso/base/progress.h"
#include "kyoso/sim/sinter/pfhub.h"
#include "kyoso/sim/sinter/spec.h"
#include "kyoso/sim/sinter/state.h"

namespace kyoso::sim::sinter {

// Time series, one entry per sample (units: the spec's length/time units).
struct Series {
  std::vector<double> time;
  std::vector<double> temperature;  // K (SI specs), 0 in model units
  std::vector<double> mass;         // ∫ρ dV
  std::vector<double> free_energy;  // discrete F (observables.h)
  std::vector<double> density;      // mean ρ in the control volume
  std::vector<double> shrinkage;    // 1 − mean(d/d0) over initial contacts
  std::vector<double> neck_radius;  // mean over contacts, from the {ρ ≥ ½} cross-section
  std::vector<int> grains;          // number of tracked grains
  std::vector<double> mean_grain_radius;
  std::vector<double> surface_area;
  std::vector<double> gb_area;
  std::vector<double> dt;  // step in force at the sample
};

// Seconds spent in the parts of the time loop, summed over the run (this process; on several
// MPI ranks each rank reports its own). Together with Summary::wall_seconds they show where a
// run's time goes, e.g. how much of a several-rank run is not decomposed.
struct PhaseSeconds {
  double step = 0.0;         // kernel steps, including the rigid-body forces and velocities
  double all_gather = 0.0;   // assembling the whole fields on every rank (several ranks only)
  double tracking = 0.0;     // grain tracking: flood fill, ids, remapping
  double observables = 0.0;  // the observables of the samples
  double health = 0.0;       // the health checks (every 50 steps and at samples)
};

enum class Termination { kCompleted, kCancelled, kDiverged, kWallTime };
const char* ToString(Termination termination);

struct Summary {
  Termination termination = Termination::kCompleted;
  std::string message;
  std::vector<std::string> warnings;
  KernelKind kernel = KernelKind::kFiniteDifference;
  std::int64_t steps = 0;
  double final_time = 0.0;
  double dt_given = 0.0;  // spec's dt (0: adaptive)
  double dt_min = 0.0;    // smallest and largest step used
  double dt_max = 0.0;
  double stable_dt = 0.0;            // stable limit at the start (before the safety factor)
  double mass_drift = 0.0;           // max |M(t) − M(0)| / M(0) over samples
  double max_energy_increase = 0.0;  // max relative increase of F between samples (≥ 0)
  int remaps = 0;                    // grains moved to another slot
  int initial_grains = 0;
  int final_grains = 0;
  int num_ranks = 1;  // MPI ranks the kernel was decomposed over (Options::communicator)
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;         // CPU time of this process (all its threads) during the run
  PhaseSeconds phase_wall_seconds;  // wall time per phase
  PhaseSeconds phase_cpu_seconds;   // CPU time per phase (std::clock: all threads of the process)
  double updates_per_second = 0.0;  // scalar-field updates (points × (1 + slots)) per second
};

struct Result {
  Summary summary;
  Series series;
  State state;  // the final state (the last good one if the run diverged)
};

// Runs the simulation. Throws InputError for an invalid spec/options combination; numerical
// outcomes (blow-up, cancellation) are reported in the Summary.
Result Run(const Spec& spec, const Options& options, ProgressSink* progress = nullptr);

// The initial state of a spec (structures, slots).
State InitialState(const Spec& spec);

}  // namespace kyoso::sim::sinter
