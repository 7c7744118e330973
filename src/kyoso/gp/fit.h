// Hyperparameter fitting: maximum a posteriori estimation of the GP hyperparameters by multi-start
// bounded L-BFGS (LBFGS++ LBFGSBSolver) on the log parameters with analytic gradients of the log
// marginal likelihood plus log prior, on standardized outputs. A previous fit's hyperparameters
// warm-start the search (fewer restarts and iterations). Expected numerical outcomes (iteration
// limit, failed restarts, jitter) are reported in FitSummary, never thrown.
// See docs/methods/gp.md §3-6.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/base/progress.h"
#include "kyoso/gp/data.h"
#include "kyoso/gp/kernel.h"
#include "kyoso/gp/posterior.h"

namespace kyoso::gp {

struct FitOptions {
  KernelKind kernel = KernelKind::kMatern52;  // covariance kernel
  bool fixed_noise = false;  // noiseless data: noise fixed at noise_variance_floor, not learned
  // The GP's constant prior mean: true = estimated by generalized least squares and profiled out
  // of the likelihood (ordinary kriging, docs/methods/gp.md §3.1); false = the sample mean of y
  // (the standardized outputs have mean 0). The sample mean is biased toward wherever the optimizer
  // sampled densely; the GLS estimate down-weights correlated (clustered) points.
  bool estimate_mean = true;
  double noise_variance_floor = 1e-8;  // lower bound of the noise variance (standardized y), > 0
  int num_restarts = 4;       // cold fit: L-BFGS starts (prior median + random prior draws), >= 1
  int num_warm_restarts = 1;  // warm fit: starts incl. the warm start and the prior centre (both
                              // always run; the rest: prior draws), >= 1
  std::uint64_t seed = 0;     // seeds the random starts
  std::optional<Hyperparameters> warm_start =
      std::nullopt;              // previous fit; ignored (warning) if its dim differs
  int max_iterations = 100;      // L-BFGS iterations per start (cold), >= 1
  int max_warm_iterations = 10;  // L-BFGS iterations of the warm start, >= 1
  // A start stops when the projected gradient of the per-point negative log posterior has
  // infinity norm <= gradient_tolerance * max(1, ||theta||), or when that objective changed by
  // less than 1e-6 (relative) over 3 iterations. Log hyperparameters are uncertain by
  // O(1/sqrt(n)) anyway, so 1e-3 (an error of ~0.1% in a length scale) is ample. > 0.
  double gradient_tolerance = 1e-3;
  // Starts are screened on a random subset of at most this many points when n exceeds it, and
  // only the best start is polished on all points (docs/methods/gp.md §6); 0 disables screening.
  int max_screening_points = 300;
  // Threads for the independent starts, and for the O(n^3) linear algebra of an evaluation on
  // all points (the polish after screening); 0 = every hardware thread. Results are identical
  // for every value (kyoso/base/parallel.h), so it is left out of ToJson(). >= 0.
  int num_threads = 0;
  std::vector<std::string> Validate() const;  // every problem, empty when valid
  nlohmann::json ToJson() const;
};

enum class FitTermination {
  kConverged,      // the best start met the gradient tolerance
  kMaxIterations,  // the best start hit its iteration limit (the model is still usable)
  kCancelled,      // the progress sink asked to stop; best hyperparameters so far are used
  kFailed,         // every start failed; the posterior uses the prior-median hyperparameters
};
std::string ToString(FitTermination termination);  // "converged", "max_iterations", ...

// What the fit did and what it found (Ceres Solver::Summary style); stored with proposals.
struct FitSummary {
  FitTermination termination = FitTermination::kFailed;
  std::string message;
  std::vector<std::string> warnings;   // jitter escalations, failed restarts, ignored warm start
  double log_marginal_likelihood = 0;  // at the chosen hyperparameters (standardized y)
  double log_posterior = 0;            // log marginal likelihood + log prior
  int num_starts = 0;                  // L-BFGS starts run
  int num_failed_starts = 0;           // starts that threw or returned non-finite values
  int num_iterations = 0;              // L-BFGS iterations summed over starts
  int num_evaluations = 0;             // likelihood + gradient evaluations summed over starts
  double seconds = 0;                  // wall time of Fit()
  bool warm_started = false;           // a warm start was used
  double jitter = 0;                   // jitter of the final Cholesky (standardized scale)
  nlohmann::json given;                // options as given (FitOptions::ToJson)
  nlohmann::json used;                 // what was used: kernel, noise learned/fixed, starts, ...
  nlohmann::json ToJson() const;
};

struct FitResult {
  Posterior posterior;
  FitSummary summary;
};

// Fits the hyperparameters to `data` and returns the posterior. Throws InputError for invalid data
// (see ValidateDataset) or options (code gp.options, one issue per FitOptions::Validate message).
// `progress` gets stage "fit" events per start, always on the calling thread, and may cancel
// (starts that have not begun are skipped).
FitResult Fit(const Dataset& data, const FitOptions& options, ProgressSink* progress = nullptr);

}  // namespace kyoso::gp
