// The engine's front door: given a search space, the experiments measured so far and those still
// pending, suggest the next batch. A pure function of (space, data, options, seed): it fits the GP
// surrogate on the unit-cube encoding, builds the acquisition, applies the batch policy and the
// one-furnace (shared-parameter) rule, maximizes over the space, rounds to grids and checks every
// constraint. The campaign's suggest use case and the benchmarks call only this header.
//
// Values are "raw" parameter values in the user's units, one double per parameter in space order;
// a categorical parameter's value is the index of its choice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/base/progress.h"
#include "kyoso/optimize/trust_region.h"
#include "kyoso/space/space.h"

namespace kyoso::optimize {

enum class Direction { kMinimize, kMaximize };
enum class AcquisitionKind {
  kExpectedImprovement,
  kUpperConfidenceBound,
  kProbabilityOfImprovement
};
enum class BatchPolicy { kLocalPenalization, kKrigingBeliever };
enum class KernelKind { kMatern52, kMatern32, kRbf };
// The incumbent f* that EI and PI improve on (acquisition::Incumbent).
enum class Incumbent {
  kBestObserved,       // best observed value
  kBestPosteriorMean,  // best posterior mean at the observed points (robust to lucky outliers)
};
// The transform of the measured values before the GP sees them (docs/methods/gp.md §8).
enum class OutputWarping {
  kNone,        // the GP models the values as measured (after standardization)
  kYeoJohnson,  // Yeo-Johnson power transform fitted by maximum likelihood (gp::OutputWarp)
};
// Where each batch slot maximizes the acquisition (docs/methods/optimize.md §7).
enum class LocalSearch {
  kOff,          // every slot over the whole space
  kTrustRegion,  // every slot inside the replayed trust region around the incumbent
  kAlternate,    // slots alternate between the trust region and the whole space
};

std::string ToString(AcquisitionKind kind);  // "ei", "ucb", "pi"
std::optional<AcquisitionKind> ParseAcquisitionKind(const std::string& text);
std::string ToString(BatchPolicy policy);  // "penalization", "believer"
std::optional<BatchPolicy> ParseBatchPolicy(const std::string& text);
std::string ToString(KernelKind kind);  // "matern52", "matern32", "rbf"
std::optional<KernelKind> ParseKernelKind(const std::string& text);
std::string ToString(Incumbent incumbent);  // "best_observed", "best_mean"
std::optional<Incumbent> ParseIncumbent(const std::string& text);
std::string ToString(LocalSearch mode);  // "off", "trust_region", "alternate"
std::optional<LocalSearch> ParseLocalSearch(const std::string& text);
std::string ToString(OutputWarping warping);  // "none", "yeo_johnson"
std::optional<OutputWarping> ParseOutputWarping(const std::string& text);

// One finished experiment: raw parameter values and the measured objective (single objective).
struct Observation {
  std::vector<double> params;
  double value = 0;
};

struct SuggestOptions {
  int batch_size = 1;  // q >= 1 suggestions
  Direction direction = Direction::kMaximize;
  AcquisitionKind acquisition = AcquisitionKind::kExpectedImprovement;
  double ucb_beta = 2.0;                                // UCB/LCB: mean +- sqrt(beta) * stddev
  Incumbent incumbent = Incumbent::kBestPosteriorMean;  // f* of EI and PI
  BatchPolicy batch_policy = BatchPolicy::kKrigingBeliever;
  std::vector<std::string> shared;  // parameter names identical across the batch
  int num_initial = -1;             // below this many observations: space-filling design;
                                    // -1 = automatic (max(5, d + 1))
  KernelKind kernel = KernelKind::kMatern52;
  bool noiseless = false;  // fix a tiny noise instead of learning it
  // Warp the measured values before fitting; predictions are reported back in user units.
  OutputWarping output_warping = OutputWarping::kYeoJohnson;
  // The GP's constant mean: generalized least squares (true) or the sample mean (false).
  bool estimate_mean = true;
  int num_fit_restarts = 4;       // multi-start L-BFGS restarts for hyperparameters
  int num_acq_restarts = 10;      // multi-start L-BFGS restarts for the acquisition
  int num_candidates = 1000;      // space-filling candidates scored before local search
  bool allow_duplicates = false;  // allow measured/pending points to be suggested again
  LocalSearch local_search = LocalSearch::kAlternate;  // global vs trust-region slots
  TrustRegionOptions trust_region = {};                // its replayed state's constants
  int num_incumbent_candidates = 20;  // perturbations of the incumbent added to the candidates
  std::uint64_t seed = 0;             // every random choice derives from this
  nlohmann::json warm_start;          // hyperparameters of a previous fit (Summary "model")
  int num_threads = 0;  // threads for fit and acquisition restarts (0: every hardware thread);
                        // the suggestions are identical for every value
  std::vector<std::string> Validate(const space::Space& space) const;  // all problems, empty = ok
};

struct SuggestedPoint {
  std::vector<double> params;  // raw values, on grids, feasible
  double mean = 0;             // predicted objective, user units (NaN in the initial design)
  double stddev = 0;           // predictive standard deviation of the latent objective
  double acquisition = 0;      // acquisition value at the point (as used for ranking)
};

// What the engine believed and did: stored with every proposal so it stays auditable.
struct SuggestSummary {
  std::string termination;  // "converged", "initial_design", "no_feasible_point",
                            // "cancelled", "partial" (fewer points than asked)
  std::string message;
  std::vector<std::string> warnings;  // jitter added, restarts failed, fallbacks
  nlohmann::json model;               // kernel, hyperparameters (raw and in user units), noise,
                                      // log marginal likelihood, jitter; reusable as warm_start
  nlohmann::json used;                // given vs used: acquisition, batch policy, kernel, ...
  double fit_seconds = 0;
  double optimize_seconds = 0;
  nlohmann::json ToJson() const;
};

struct SuggestResult {
  std::vector<SuggestedPoint> points;  // may be fewer than batch_size (see summary.termination)
  SuggestSummary summary;
};

// Suggests options.batch_size new experiments. `pending` are proposed or running experiments
// without results (raw values); they are neither repeated nor crowded. Throws InputError for
// inconsistent input (dimension mismatch, NaN/inf values, unknown shared names); numerical
// outcomes (no feasible point, cancellation) are reported in the summary.
SuggestResult Suggest(const space::Space& space, const std::vector<Observation>& observations,
                      const std::vector<std::vector<double>>& pending,
                      const SuggestOptions& options, ProgressSink* progress = nullptr);

// The model's prediction for arbitrary points (e.g. a researcher's proposal), fitted exactly as
// Suggest would; the acquisition is evaluated against the same incumbent. Empty when there are too
// few observations to fit a model (fewer than 2 distinct points).
struct Prediction {
  double mean = 0;
  double stddev = 0;
  double acquisition = 0;
};
std::optional<std::vector<Prediction>> Predict(const space::Space& space,
                                               const std::vector<Observation>& observations,
                                               const std::vector<std::vector<double>>& points,
                                               const SuggestOptions& options);

}  // namespace kyoso::optimize
