// Maximizing an acquisition over a mixed, constrained search space: the step between the
// acquisition (a function on the unit cube) and a suggestion (a feasible point on the grids).
// Space-filling candidates (scrambled Sobol) are snapped to grids, filtered (feasible, not
// excluded) and scored; the best start multi-start bounded L-BFGS (LBFGS++) on the continuous
// relaxation of the numeric coordinates with analytic gradients; the result is snapped, pulled
// back into the feasible set if snapping broke a constraint, and improved by a hill climb over its
// grid neighbours (k +- 1 on integer/discrete grids, every other choice of a categorical).
// Categoricals: their combinations are enumerated when few (every combination gets a start),
// otherwise sampled by the candidates and exchanged in the neighbourhood search.
// Equations and choices: docs/methods/optimize.md.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include <Eigen/Core>

#include "kyoso/acquisition/acquisition.h"
#include "kyoso/space/space.h"

namespace kyoso::optimize {

struct MaximizeOptions {
  int num_candidates = 1000;             // space-filling candidates scored, >= 1
  int num_restarts = 10;                 // best candidates refined by L-BFGS, >= 0
  int max_iterations = 50;               // L-BFGS iterations per start
  int max_enumerated_combinations = 32;  // enumerate categorical combinations up to this many
  int max_neighbourhood_steps = 25;      // hill-climb steps over grid neighbours
  std::uint64_t seed = 0;                // scrambles the candidate sequence
  // Search box in the encoded cube (e.g. a trust region): candidates are drawn in [lower, upper]
  // and L-BFGS is bounded by it. Both empty (default) = the unit cube; otherwise both of size
  // encoded_dim with 0 <= lower <= upper <= 1. Snapping to grids may leave the box by up to half a
  // grid step; feasibility and exclusion are checked as usual.
  Eigen::VectorXd lower;
  Eigen::VectorXd upper;
  // Extra candidate points (rows, encoded, any number): scored with the space-filling ones and
  // used as starts when they rank among the best (e.g. the incumbent and small perturbations of
  // it, as BoTorch's sample_around_best). Points outside the box are clamped into it.
  Eigen::MatrixXd extra_candidates;
  int num_threads = 0;  // threads for the L-BFGS starts (0: every hardware thread); the result
                        // is identical for every value
};

// Counters of one maximization (for the Summary).
struct MaximizeStats {
  int num_candidates = 0;  // candidates drawn
  int num_feasible_candidates = 0;
  int num_starts = 0;         // L-BFGS starts run
  int num_failed_starts = 0;  // starts whose L-BFGS threw (the best point seen is still used)
  int num_evaluations = 0;    // acquisition evaluations with gradient (L-BFGS)
  int num_repaired = 0;       // snapped optima pulled back to feasibility
  int num_neighbourhood_moves = 0;
  bool enumerated_categoricals = false;
  int num_local_slots = 0;  // batch slots maximized inside a trust region (set by Suggest)
};

struct Maximum {
  std::vector<double> params;  // raw, on grids, feasible, not excluded
  Eigen::VectorXd encoded;     // space.Encode(params)
  double value = 0;            // acquisition at `encoded`
};

// Parameters fixed to a raw value (shared batch values); nullopt entries are free.
using FixedValues = std::vector<std::optional<double>>;

// The best feasible point found, or nullopt when no feasible, non-excluded point was found.
// The L-BFGS starts run on options.num_threads threads and call acquisition.Evaluate
// concurrently, so Evaluate must be thread-safe (a const function of its arguments, no mutable
// caches); EvaluateMany is only called from the calling thread.
// `fixed` has one entry per parameter (or is empty: all free); `exclude` holds snapped raw points
// that must not be returned (measured, pending, already in the batch).
std::optional<Maximum> MaximizeAcquisition(const space::Space& space,
                                           const acquisition::Acquisition& acquisition,
                                           const FixedValues& fixed,
                                           const std::set<std::vector<double>>& exclude,
                                           const MaximizeOptions& options,
                                           MaximizeStats* stats = nullptr);

// Snapped raw point with `fixed` values applied.
std::vector<double> ApplyFixed(const space::Space& space, std::vector<double> raw,
                               const FixedValues& fixed);

}  // namespace kyoso::optimize
