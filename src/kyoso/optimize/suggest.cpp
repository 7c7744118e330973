// The engine's front door (suggest.h): validation, initial design, GP fit, batch policies
// (local penalization, kriging believer), one-furnace shared parameters, summaries.
// Method: docs/methods/optimize.md.
#include "kyoso/optimize/suggest.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>

#include "kyoso/acquisition/acquisition.h"
#include "kyoso/acquisition/penalization.h"
#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"
#include "kyoso/base/rng.h"
#include "kyoso/gp/gp.h"
#include "kyoso/optimize/maximize.h"
#include "kyoso/space/sampling.h"

namespace kyoso::optimize {

namespace {

constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Independent seeds of the stages (Rng::Split streams), so changing one stage's draws never shifts
// another's.
enum Stream : std::uint64_t {
  kFitStream = 1,
  kLipschitzStream = 2,
  kInitialStream = 3,
  kSharedStream = 4,
  kAroundBestStream = 5,
  kLocalFitStream = 6,
  kSlotStream = 100,
};

std::uint64_t SeedOf(std::uint64_t seed, std::uint64_t stream) {
  return Rng(seed).Split(stream).NextU64();
}

gp::KernelKind ToGp(KernelKind kind) {
  switch (kind) {
    case KernelKind::kMatern32:
      return gp::KernelKind::kMatern32;
    case KernelKind::kRbf:
      return gp::KernelKind::kRbf;
    case KernelKind::kMatern52:
      break;
  }
  return gp::KernelKind::kMatern52;
}

acquisition::Kind ToAcquisition(AcquisitionKind kind) {
  switch (kind) {
    case AcquisitionKind::kUpperConfidenceBound:
      return acquisition::Kind::kUpperConfidenceBound;
    case AcquisitionKind::kProbabilityOfImprovement:
      return acquisition::Kind::kProbabilityOfImprovement;
    case AcquisitionKind::kExpectedImprovement:
      break;
  }
  return acquisition::Kind::kExpectedImprovement;
}

int NumInitial(const space::Space& space, const SuggestOptions& options) {
  return options.num_initial >= 0 ? options.num_initial : std::max(5, space.num_parameters() + 1);
}

std::vector<Issue> OptionIssues(const space::Space& space, const SuggestOptions& options) {
  IssueList issues;
  if (options.batch_size < 1) {
    issues.Add("/options/batch_size", "suggest.batch_size", "batch_size must be >= 1");
  }
  if (!std::isfinite(options.ucb_beta) || options.ucb_beta < 0) {
    issues.Add("/options/ucb_beta", "suggest.ucb_beta", "ucb_beta must be a finite number >= 0");
  }
  if (options.num_initial < -1) {
    issues.Add("/options/num_initial", "suggest.num_initial",
               "num_initial must be >= 0, or -1 for automatic");
  }
  if (options.num_fit_restarts < 1) {
    issues.Add("/options/num_fit_restarts", "suggest.num_fit_restarts",
               "num_fit_restarts must be >= 1");
  }
  if (options.num_acq_restarts < 0) {
    issues.Add("/options/num_acq_restarts", "suggest.num_acq_restarts",
               "num_acq_restarts must be >= 0");
  }
  if (options.num_candidates < 1) {
    issues.Add("/options/num_candidates", "suggest.num_candidates", "num_candidates must be >= 1");
  }
  if (options.num_incumbent_candidates < 0) {
    issues.Add("/options/num_incumbent_candidates", "suggest.num_incumbent_candidates",
               "num_incumbent_candidates must be >= 0");
  }
  for (const std::string& problem : options.trust_region.Validate()) {
    issues.Add("/options/trust_region", "suggest.trust_region", problem);
  }
  if (options.num_threads < 0) {
    issues.Add("/options/num_threads", "suggest.num_threads",
               "num_threads must be >= 0 (0: every hardware thread)");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < options.shared.size(); ++i) {
    const std::string& name = options.shared[i];
    if (space.Index(name) < 0) {
      issues.Add(JsonPointer("/options/shared", i), "suggest.unknown_shared",
                 "shared parameter '" + name + "' is not a parameter of the space");
    } else if (!seen.insert(name).second) {
      issues.Add(JsonPointer("/options/shared", i), "suggest.duplicate_shared",
                 "shared parameter '" + name + "' is listed twice");
    }
  }
  if (!options.warm_start.is_null() && !options.warm_start.is_object()) {
    issues.Add("/options/warm_start", "suggest.warm_start",
               "warm_start must be an object (a previous summary's \"model\") or null");
  }
  return issues.issues();
}

void CheckPoint(const space::Space& space, const std::vector<double>& params,
                const std::string& path, IssueList& issues) {
  if (static_cast<int>(params.size()) != space.num_parameters()) {
    issues.Add(path, "suggest.dimension",
               "expected " + std::to_string(space.num_parameters()) + " parameter values, got " +
                   std::to_string(params.size()));
    return;
  }
  for (int i = 0; i < space.num_parameters(); ++i) {
    const double v = params[static_cast<std::size_t>(i)];
    const std::string at = JsonPointer(path, static_cast<std::size_t>(i));
    const space::Parameter& p = space.parameter(i);
    if (!std::isfinite(v)) {
      issues.Add(at, "suggest.not_finite", "value of '" + p.name + "' is not a finite number");
      continue;
    }
    if (p.kind == space::ParameterKind::kCategorical) {
      if (v != std::floor(v) || v < 0 || v >= static_cast<double>(p.choices.size())) {
        issues.Add(at, "suggest.out_of_bounds",
                   "'" + p.name + "' must be a choice index in [0, " +
                       std::to_string(p.choices.size() - 1) + "]");
      }
      continue;
    }
    const double slack = 1e-9 * (p.high - p.low);
    if (v < p.low - slack || v > p.high + slack) {
      issues.Add(at, "suggest.out_of_bounds",
                 "value of '" + p.name + "' lies outside [low, high] of the space");
    }
  }
}

void ValidateInput(const space::Space& space, const std::vector<Observation>& observations,
                   const std::vector<std::vector<double>>& pending, const SuggestOptions& options,
                   const std::string& pending_path = "/pending") {
  IssueList issues;
  issues.Append(OptionIssues(space, options));
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const std::string path = JsonPointer("/observations", i);
    CheckPoint(space, observations[i].params, JsonPointer(path, "params"), issues);
    if (!std::isfinite(observations[i].value)) {
      issues.Add(JsonPointer(path, "value"), "suggest.not_finite",
                 "observed value is not a finite number");
    }
  }
  for (std::size_t i = 0; i < pending.size(); ++i) {
    CheckPoint(space, pending[i], JsonPointer(pending_path, i), issues);
  }
  issues.ThrowIfAny();
}

std::optional<gp::Hyperparameters> WarmStart(const nlohmann::json& warm_start) {
  if (!warm_start.is_object()) return std::nullopt;
  if (warm_start.contains("hyperparameters")) {
    return gp::Hyperparameters::FromJson(warm_start["hyperparameters"],
                                         "/options/warm_start/hyperparameters");
  }
  return gp::Hyperparameters::FromJson(warm_start, "/options/warm_start");
}

// A fitted model: the GP on warped outputs and the warp that maps its predictions back.
struct Model {
  gp::Posterior posterior;
  gp::FitSummary fit;
  gp::OutputWarp warp;
};

std::optional<Model> FitModel(const space::Space& space,
                              const std::vector<Observation>& observations,
                              const SuggestOptions& options, ProgressSink* progress,
                              std::uint64_t stream = kFitStream) {
  std::set<std::vector<double>> distinct;
  for (const Observation& o : observations) distinct.insert(space.Snap(o.params));
  if (distinct.size() < 2) return std::nullopt;
  gp::Dataset data;
  data.x.resize(static_cast<Eigen::Index>(observations.size()), space.encoded_dim());
  data.y.resize(static_cast<Eigen::Index>(observations.size()));
  for (std::size_t i = 0; i < observations.size(); ++i) {
    // Clamped: values within the validation slack of a bound must not leave the unit cube.
    data.x.row(static_cast<Eigen::Index>(i)) =
        space.Encode(observations[i].params).cwiseMax(0.0).cwiseMin(1.0).transpose();
    data.y[static_cast<Eigen::Index>(i)] = observations[i].value;
  }
  gp::OutputWarp warp;
  if (options.output_warping == OutputWarping::kYeoJohnson) {
    warp = gp::OutputWarp::Fit(data.y, options.direction == Direction::kMaximize ? 1.0 : -1.0);
    data.y = warp.Forward(data.y);
  }
  gp::FitOptions fit_options;
  fit_options.estimate_mean = options.estimate_mean;
  fit_options.kernel = ToGp(options.kernel);
  fit_options.fixed_noise = options.noiseless;
  fit_options.num_restarts = options.num_fit_restarts;
  // A warm start is one extra start besides the regular ones (prior centre + prior draws) while
  // fits are cheap; above the screening size only the prior centre joins it, which keeps warm
  // fits of large campaigns fast (docs/methods/gp.md §6).
  fit_options.num_warm_restarts =
      data.x.rows() <= fit_options.max_screening_points ? options.num_fit_restarts + 1 : 2;
  fit_options.seed = SeedOf(options.seed, stream);
  fit_options.warm_start = WarmStart(options.warm_start);
  fit_options.num_threads = options.num_threads;
  gp::FitResult fit = gp::Fit(data, fit_options, progress);
  return Model{std::move(fit.posterior), std::move(fit.summary), warp};
}

acquisition::Options AcquisitionOptions(const SuggestOptions& options) {
  acquisition::Options a;
  a.direction = options.direction == Direction::kMaximize ? acquisition::Direction::kMaximize
                                                          : acquisition::Direction::kMinimize;
  a.ucb_beta = options.ucb_beta;
  a.incumbent = options.incumbent == Incumbent::kBestObserved
                    ? acquisition::Incumbent::kBestObserved
                    : acquisition::Incumbent::kBestPosteriorMean;
  return a;
}

struct Slot {
  std::vector<double> raw;
  Eigen::VectorXd encoded;
  double value = kMinusInfinity;  // acquisition as used for this slot
  bool log_scale = true;
};

struct Batch {
  std::vector<Slot> slots;
  double score = kMinusInfinity;  // total acquisition (docs/methods/optimize.md §4)
};

// A base acquisition with its batched values memoized by point (exact encoded coordinates).
struct Cache {
  std::unique_ptr<acquisition::Acquisition> base;
  std::map<std::vector<double>, double> values;
};

class CachedAcquisition final : public acquisition::Acquisition {
 public:
  explicit CachedAcquisition(std::shared_ptr<Cache> cache) : cache_(std::move(cache)) {}
  int dim() const override { return cache_->base->dim(); }
  acquisition::Scale scale() const override { return cache_->base->scale(); }
  double Evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const override {
    return cache_->base->Evaluate(x, gradient);
  }
  Eigen::VectorXd EvaluateMany(const Eigen::MatrixXd& x) const override {
    Eigen::VectorXd values(x.rows());
    std::vector<Eigen::Index> missing;
    std::vector<std::vector<double>> keys(static_cast<std::size_t>(x.rows()));
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      auto& key = keys[static_cast<std::size_t>(i)];
      key.reserve(static_cast<std::size_t>(x.cols()));
      for (Eigen::Index k = 0; k < x.cols(); ++k) key.push_back(x(i, k));
      auto it = cache_->values.find(key);
      if (it == cache_->values.end()) {
        missing.push_back(i);
      } else {
        values[i] = it->second;
      }
    }
    if (!missing.empty()) {
      Eigen::MatrixXd rows(static_cast<Eigen::Index>(missing.size()), x.cols());
      for (std::size_t m = 0; m < missing.size(); ++m) {
        rows.row(static_cast<Eigen::Index>(m)) = x.row(missing[m]);
      }
      const Eigen::VectorXd computed = cache_->base->EvaluateMany(rows);
      for (std::size_t m = 0; m < missing.size(); ++m) {
        values[missing[m]] = computed[static_cast<Eigen::Index>(m)];
        cache_->values.emplace(keys[static_cast<std::size_t>(missing[m])],
                               computed[static_cast<Eigen::Index>(m)]);
      }
    }
    return values;
  }

 private:
  std::shared_ptr<Cache> cache_;
};

double Contribution(const Slot& slot) { return slot.log_scale ? std::exp(slot.value) : slot.value; }

// Where the slots of a batch search (docs/methods/optimize.md §7): the trust-region box around
// the incumbent, which slots use it, and the incumbent's perturbations added to every slot's
// candidates.
struct SearchPlan {
  std::vector<bool> local;  // per slot: maximize inside the trust region first
  Eigen::VectorXd lower;    // trust-region box (encoded cube)
  Eigen::VectorXd upper;
  Eigen::MatrixXd around_best;  // incumbent and its perturbations (encoded rows)
  // The local model of the trust-region slots: fitted to the observations in and nearest to the
  // region (empty: the global posterior is used).
  std::optional<gp::Posterior> local_posterior;
};

// Builds batches slot by slot under a policy; also scores given batches the same way.
class BatchBuilder {
 public:
  BatchBuilder(const space::Space& space, const gp::Posterior& posterior,
               const std::vector<std::vector<double>>& pending, const SuggestOptions& options,
               std::set<std::vector<double>> exclude, double lipschitz, SearchPlan plan)
      : space_(space),
        posterior_(posterior),
        options_(options),
        exclude_(std::move(exclude)),
        lipschitz_(lipschitz),
        plan_(std::move(plan)),
        acquisition_options_(AcquisitionOptions(options)) {
    pending_.resize(static_cast<Eigen::Index>(pending.size()), space.encoded_dim());
    for (std::size_t i = 0; i < pending.size(); ++i) {
      pending_.row(static_cast<Eigen::Index>(i)) =
          space.Encode(pending[i]).cwiseMax(0.0).cwiseMin(1.0).transpose();
    }
    believer_ = posterior_;
    if (options.batch_policy == BatchPolicy::kKrigingBeliever && pending_.rows() > 0) {
      believer_ = Believe(posterior_, pending_);
    }
  }

  // The acquisition of the next slot given the points already in the batch (encoded rows).
  std::unique_ptr<acquisition::Acquisition> SlotAcquisition(const Eigen::MatrixXd& chosen,
                                                            gp::Posterior* believer) const {
    const acquisition::Kind kind = ToAcquisition(options_.acquisition);
    if (options_.batch_policy == BatchPolicy::kKrigingBeliever) {
      return acquisition::Make(kind, *believer, acquisition_options_);
    }
    Eigen::MatrixXd points(pending_.rows() + chosen.rows(), space_.encoded_dim());
    points << pending_, chosen;
    // Local penalization keeps the posterior, so the base acquisition of a candidate is the same
    // in every slot and every shared-value round: it is computed once and cached.
    if (!cached_base_) {
      cached_base_ = std::make_shared<Cache>();
      cached_base_->base = acquisition::Make(kind, posterior_, acquisition_options_);
    }
    auto base = std::make_unique<CachedAcquisition>(cached_base_);
    if (points.rows() == 0) return base;
    acquisition::PenalizationOptions penalization;
    penalization.lipschitz = lipschitz_;
    return std::make_unique<acquisition::LocalPenalization>(std::move(base), posterior_, points,
                                                            acquisition_options_, penalization);
  }

  // Maximizes slot after slot with `fixed` values; stops early when no point is found or the
  // progress sink cancels.
  Batch Build(const FixedValues& fixed, std::uint64_t seed, MaximizeStats& stats,
              ProgressSink* progress, bool* cancelled) const {
    const SearchPlan& plan = plan_;
    Batch batch;
    gp::Posterior believer = believer_;
    // The local model fantasizes pending points and batch-mates (kriging believer) whatever the
    // global batch policy, so local slots neither repeat nor crowd them.
    std::optional<gp::Posterior> local_believer = plan.local_posterior;
    if (local_believer && pending_.rows() > 0) local_believer = Believe(*local_believer, pending_);
    Eigen::MatrixXd chosen(0, space_.encoded_dim());
    std::set<std::vector<double>> exclude = exclude_;
    for (int slot = 0; slot < options_.batch_size; ++slot) {
      auto acquisition = SlotAcquisition(chosen, &believer);
      MaximizeOptions maximize;
      maximize.num_candidates = options_.num_candidates;
      maximize.num_restarts = options_.num_acq_restarts;
      maximize.num_threads = options_.num_threads;
      // One candidate design for the whole batch (the cached base values are reused); the
      // excluded set and the penalties differ from slot to slot.
      maximize.seed = Rng(seed).Split(kSlotStream).NextU64();
      maximize.extra_candidates = plan.around_best;
      std::optional<Maximum> best;
      if (static_cast<std::size_t>(slot) < plan.local.size() &&
          plan.local[static_cast<std::size_t>(slot)]) {
        MaximizeOptions local = maximize;
        local.lower = plan.lower;
        local.upper = plan.upper;
        if (local_believer) {
          auto local_acquisition = acquisition::Make(ToAcquisition(options_.acquisition),
                                                     *local_believer, acquisition_options_);
          best = MaximizeAcquisition(space_, *local_acquisition, fixed, exclude, local, &stats);
        } else {
          best = MaximizeAcquisition(space_, *acquisition, fixed, exclude, local, &stats);
        }
        if (best) ++stats.num_local_slots;
      }
      // A global slot, or a trust region without a feasible new point: the whole space.
      if (!best) best = MaximizeAcquisition(space_, *acquisition, fixed, exclude, maximize, &stats);
      if (!best) break;
      exclude.insert(best->params);
      batch.slots.push_back({best->params, best->encoded, best->value,
                             acquisition->scale() == acquisition::Scale::kLog});
      Append(chosen, best->encoded, &believer);
      if (local_believer) local_believer = Believe(*local_believer, best->encoded.transpose());
      if (progress != nullptr &&
          !progress->Update({"suggest", (slot + 1.0) / options_.batch_size, "batch slot"})) {
        *cancelled = true;
        break;
      }
    }
    batch.score = Score(batch);
    return batch;
  }

  // Proxy batch score for shared values `fixed` (docs/methods/optimize.md §5): the batch is
  // filled greedily, slot by slot, with the best point of `pool` (fixed values imposed, feasible,
  // not excluded) under the slot's acquisition, and its score returned (-inf if none fits).
  double GreedyScore(const FixedValues& fixed, const std::vector<std::vector<double>>& pool) const {
    std::vector<std::vector<double>> points;
    std::set<std::vector<double>> unique;
    for (const auto& raw : pool) {
      std::vector<double> x = ApplyFixed(space_, raw, fixed);
      if (!space_.IsFeasible(x) || exclude_.count(x) > 0 || !unique.insert(x).second) continue;
      points.push_back(std::move(x));
    }
    if (points.empty()) return kMinusInfinity;
    Eigen::MatrixXd u(static_cast<Eigen::Index>(points.size()), space_.encoded_dim());
    for (std::size_t i = 0; i < points.size(); ++i) {
      u.row(static_cast<Eigen::Index>(i)) = space_.Encode(points[i]).transpose();
    }
    gp::Posterior believer = believer_;
    Eigen::MatrixXd chosen(0, space_.encoded_dim());
    std::vector<bool> taken(points.size(), false);
    Batch batch;
    for (int slot = 0; slot < options_.batch_size; ++slot) {
      auto acquisition = SlotAcquisition(chosen, &believer);
      const Eigen::VectorXd values = acquisition->EvaluateMany(u);
      Eigen::Index best = -1;
      for (Eigen::Index i = 0; i < values.size(); ++i) {
        if (taken[static_cast<std::size_t>(i)] || !std::isfinite(values[i])) continue;
        if (best < 0 || values[i] > values[best]) best = i;
      }
      if (best < 0) break;
      taken[static_cast<std::size_t>(best)] = true;
      batch.slots.push_back({points[static_cast<std::size_t>(best)], u.row(best).transpose(),
                             values[best], acquisition->scale() == acquisition::Scale::kLog});
      Append(chosen, u.row(best).transpose(), &believer);
    }
    return Score(batch);
  }

 private:
  static double Score(const Batch& batch) {
    double total = 0;
    for (const Slot& slot : batch.slots) total += Contribution(slot);
    return std::isnan(total) ? kMinusInfinity : total;
  }

  // Kriging believer: condition on the posterior mean at the new points (Ginsbourger et al. 2010).
  static gp::Posterior Believe(const gp::Posterior& posterior, const Eigen::MatrixXd& x) {
    Eigen::VectorXd mean, variance;
    posterior.Predict(x, &mean, &variance);
    return posterior.Condition(x, mean);
  }

  void Append(Eigen::MatrixXd& chosen, const Eigen::VectorXd& u, gp::Posterior* believer) const {
    chosen.conservativeResize(chosen.rows() + 1, Eigen::NoChange);
    chosen.row(chosen.rows() - 1) = u.transpose();
    if (options_.batch_policy == BatchPolicy::kKrigingBeliever) {
      *believer = Believe(*believer, u.transpose());
    }
  }

  const space::Space& space_;
  const gp::Posterior& posterior_;
  const SuggestOptions& options_;
  std::set<std::vector<double>> exclude_;
  double lipschitz_;
  SearchPlan plan_;
  acquisition::Options acquisition_options_;
  Eigen::MatrixXd pending_;
  gp::Posterior believer_;
  mutable std::shared_ptr<Cache> cached_base_;
};

// One-furnace batches: block coordinate ascent on the batch score, alternating the shared values
// (scored over space-filling candidates) and the free values (slot-by-slot maximization).
// docs/methods/optimize.md §5.
Batch SharedBatch(const space::Space& space, const BatchBuilder& builder,
                  const std::vector<int>& shared, const SuggestOptions& options,
                  MaximizeStats& stats, nlohmann::json& trace, ProgressSink* progress,
                  bool* cancelled) {
  const FixedValues none;
  // Round 0: the best single point decides the shared values (the "copy the first point" start).
  Batch first = builder.Build(none, options.seed, stats, nullptr, cancelled);
  if (first.slots.empty()) return first;
  auto shared_of = [&](const std::vector<double>& raw) {
    FixedValues fixed(static_cast<std::size_t>(space.num_parameters()));
    for (int i : shared) fixed[static_cast<std::size_t>(i)] = raw[static_cast<std::size_t>(i)];
    return fixed;
  };
  FixedValues fixed = shared_of(first.slots.front().raw);
  Batch best = builder.Build(fixed, options.seed, stats, progress, cancelled);
  trace.push_back({{"round", 0}, {"score", best.score}});
  constexpr int kRounds = 3;
  constexpr int kSharedCandidates = 64;
  constexpr int kPoolSize = 128;
  // More slots first (a shared value may leave room for fewer feasible points), then score.
  auto better = [](const Batch& a, const Batch& b) {
    return a.slots.size() > b.slots.size() ||
           (a.slots.size() == b.slots.size() && a.score > b.score);
  };
  for (int round = 1; round <= kRounds && !*cancelled; ++round) {
    // Shared step: candidate shared values and a pool of free parts from a scrambled Sobol
    // design; each candidate (and the current values) is scored by the greedy proxy.
    space::SobolSequence sobol(
        space.encoded_dim(),
        SeedOf(options.seed, kSharedStream + static_cast<std::uint64_t>(round)));
    Eigen::VectorXd u(space.encoded_dim());
    std::vector<std::vector<double>> samples;
    for (int c = 0; c < std::max(kSharedCandidates, kPoolSize); ++c) {
      sobol.Next(u.data());
      samples.push_back(space.Decode(u));
    }
    // The pool holds design points only (not the current batch, whose free parts were optimized
    // for the current shared values), so every shared candidate is judged on equal terms.
    const std::vector<std::vector<double>> pool(samples.begin(), samples.begin() + kPoolSize);
    FixedValues best_fixed = fixed;
    double best_score = builder.GreedyScore(fixed, pool);
    std::set<std::vector<double>> tried;
    for (int c = 0; c < kSharedCandidates; ++c) {
      std::vector<double> key;
      for (int i : shared)
        key.push_back(samples[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)]);
      if (!tried.insert(key).second) continue;
      FixedValues candidate = shared_of(samples[static_cast<std::size_t>(c)]);
      const double score = builder.GreedyScore(candidate, pool);
      if (score > best_score) {
        best_score = score;
        best_fixed = candidate;
      }
    }
    if (best_fixed == fixed) break;
    // Free step: rebuild the batch around the new shared values.
    Batch next = builder.Build(best_fixed, options.seed, stats, progress, cancelled);
    trace.push_back({{"round", round}, {"proxy_score", best_score}, {"score", next.score}});
    if (!better(next, best)) break;
    best = std::move(next);
    fixed = best_fixed;
  }
  return best;
}

// Space-filling initial design: greedy maximin over feasible Sobol candidates, away from measured
// and pending points (docs/methods/optimize.md §6).
std::vector<std::vector<double>> InitialDesign(const space::Space& space,
                                               const std::vector<Observation>& observations,
                                               const std::vector<std::vector<double>>& pending,
                                               const std::vector<int>& shared,
                                               const SuggestOptions& options,
                                               const std::set<std::vector<double>>& exclude) {
  std::vector<Eigen::VectorXd> existing;
  for (const Observation& o : observations) existing.push_back(space.Encode(o.params));
  for (const auto& p : pending) existing.push_back(space.Encode(p));
  std::vector<std::vector<double>> chosen;
  std::set<std::vector<double>> taken = exclude;
  FixedValues fixed;
  const int num_candidates = std::max(256, 32 * options.batch_size);
  const space::SampleResult sample = space::SampleFeasible(
      space, num_candidates, SeedOf(options.seed, kInitialStream), space::SamplingMethod::kSobol,
      {}, std::max<long long>(4096, 64LL * num_candidates));
  for (int slot = 0; slot < options.batch_size; ++slot) {
    // Once the first point fixes the shared values, every candidate takes them.
    std::vector<std::vector<double>> candidates;
    for (const auto& raw : sample.points) {
      std::vector<double> x = ApplyFixed(space, raw, fixed);
      if (space.IsFeasible(x) && taken.count(x) == 0) candidates.push_back(std::move(x));
    }
    if (candidates.empty()) break;
    std::size_t best = 0;
    if (!existing.empty()) {
      double best_distance = -1;
      for (std::size_t c = 0; c < candidates.size(); ++c) {
        const Eigen::VectorXd u = space.Encode(candidates[c]);
        double nearest = std::numeric_limits<double>::infinity();
        for (const auto& e : existing) nearest = std::min(nearest, (u - e).squaredNorm());
        if (nearest > best_distance) {
          best_distance = nearest;
          best = c;
        }
      }
    }
    chosen.push_back(candidates[best]);
    taken.insert(candidates[best]);
    existing.push_back(space.Encode(candidates[best]));
    if (slot == 0 && !shared.empty()) {
      fixed.assign(static_cast<std::size_t>(space.num_parameters()), std::nullopt);
      for (int i : shared)
        fixed[static_cast<std::size_t>(i)] = candidates[best][static_cast<std::size_t>(i)];
    }
  }
  return chosen;
}

// The search plan of a model-based suggestion (docs/methods/optimize.md §7): the trust region
// replayed from the ordered observations, centred at the incumbent (best observed point), shaped
// by the ARD length scales of the numeric coordinates and widened to at least one grid step; the
// slots that use it; and Gaussian perturbations of the incumbent (half with standard deviation
// 1e-3, half 1e-2 of the cube) as extra candidates for every slot.
SearchPlan MakeSearchPlan(const space::Space& space, const gp::Posterior& posterior,
                          const std::vector<Observation>& observations, std::size_t num_pending,
                          const SuggestOptions& options, int num_initial, nlohmann::json& used) {
  SearchPlan plan;
  const double sign = options.direction == Direction::kMaximize ? 1.0 : -1.0;
  std::vector<double> values;
  std::size_t best = 0;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    values.push_back(sign * observations[i].value);
    if (values[i] > values[best]) best = i;
  }
  const Eigen::VectorXd center =
      space.Encode(observations[best].params).cwiseMax(0.0).cwiseMin(1.0);
  const int dim = space.encoded_dim();
  Rng rng(SeedOf(options.seed, kAroundBestStream));
  const int num_around = std::max(options.num_incumbent_candidates, 0);
  plan.around_best.resize(num_around + 1, dim);
  plan.around_best.row(0) = center.transpose();
  for (int r = 1; r <= num_around; ++r) {
    const double stddev = r % 2 == 1 ? 1e-3 : 1e-2;
    for (int k = 0; k < dim; ++k) {
      plan.around_best(r, k) = std::clamp(center[k] + stddev * rng.Normal(), 0.0, 1.0);
    }
  }
  nlohmann::json region = {{"mode", ToString(options.local_search)}};
  if (options.local_search != LocalSearch::kOff) {
    const TrustRegionState state = ReplayTrustRegion(values, num_initial, space.num_parameters(),
                                                     options.batch_size, options.trust_region);
    std::vector<int> coordinates;
    Eigen::VectorXd min_half_width = Eigen::VectorXd::Zero(dim);
    for (int i = 0; i < space.num_parameters(); ++i) {
      const space::Parameter& p = space.parameter(i);
      if (p.kind == space::ParameterKind::kCategorical) continue;
      const int k = space.EncodedOffset(i);
      coordinates.push_back(k);
      if (p.kind != space::ParameterKind::kContinuous && space.GridSize(i) > 1) {
        min_half_width[k] = 1.0 / static_cast<double>(space.GridSize(i) - 1);
      }
    }
    TrustRegionBox(center, posterior.lengthscales(), coordinates, state.length, min_half_width,
                   &plan.lower, &plan.upper);
    // Which slots search the region: all (kTrustRegion), or every other one counted from the
    // number of measured and pending experiments (kAlternate).
    const std::size_t first = observations.size() + num_pending;
    bool any_local = false;
    for (int slot = 0; slot < options.batch_size; ++slot) {
      const bool odd = (first + static_cast<std::size_t>(slot)) % 2 == 1;
      const bool local = options.local_search == LocalSearch::kTrustRegion ||
                         (options.local_search == LocalSearch::kAlternate && odd);
      plan.local.push_back(local);
      any_local = any_local || local;
    }
    // Local data: the observations inside the box, at least the num_local nearest in the box's
    // scaled max-norm.
    std::vector<std::pair<double, std::size_t>> distance;
    for (std::size_t i = 0; i < observations.size(); ++i) {
      const Eigen::VectorXd u = space.Encode(observations[i].params).cwiseMax(0.0).cwiseMin(1.0);
      double d = 0;
      for (int k : coordinates) {
        const double half = std::max(0.5 * (plan.upper[k] - plan.lower[k]), 1e-12);
        d = std::max(d, std::abs(u[k] - center[k]) / half);
      }
      distance.emplace_back(d, i);
    }
    std::stable_sort(distance.begin(), distance.end());
    const int min_local = options.trust_region.min_local_points > 0
                              ? options.trust_region.min_local_points
                              : std::max(num_initial, 4 * (space.encoded_dim() + 1));
    const std::size_t num_local =
        std::min(observations.size(), static_cast<std::size_t>(min_local));
    std::vector<Observation> local;
    for (const auto& [d, i] : distance) {
      if (local.size() >= num_local && d > 1.0) break;
      local.push_back(observations[i]);
    }
    region["num_local_points"] = local.size();
    if (any_local && local.size() < observations.size()) {
      SuggestOptions local_options = options;
      local_options.warm_start = posterior.ToJson();
      auto model = FitModel(space, local, local_options, nullptr, kLocalFitStream);
      if (model) {
        plan.local_posterior = model->posterior;
        region["local_model"] = model->posterior.ToJson();
      }
    }
    region["state"] = state.ToJson();
    region["options"] = options.trust_region.ToJson();
    region["center"] = observations[best].params;
    region["lower"] = std::vector<double>(plan.lower.data(), plan.lower.data() + dim);
    region["upper"] = std::vector<double>(plan.upper.data(), plan.upper.data() + dim);
  }
  used = region;
  return plan;
}

nlohmann::json OptionsJson(const SuggestOptions& options) {
  return {{"batch_size", options.batch_size},
          {"direction", options.direction == Direction::kMaximize ? "maximize" : "minimize"},
          {"acquisition", ToString(options.acquisition)},
          {"ucb_beta", options.ucb_beta},
          {"incumbent", ToString(options.incumbent)},
          {"batch_policy", ToString(options.batch_policy)},
          {"shared", options.shared},
          {"num_initial", options.num_initial},
          {"kernel", ToString(options.kernel)},
          {"noiseless", options.noiseless},
          {"output_warping", ToString(options.output_warping)},
          {"estimate_mean", options.estimate_mean},
          {"num_fit_restarts", options.num_fit_restarts},
          {"num_acq_restarts", options.num_acq_restarts},
          {"num_candidates", options.num_candidates},
          {"allow_duplicates", options.allow_duplicates},
          {"local_search", ToString(options.local_search)},
          {"trust_region", options.trust_region.ToJson()},
          {"num_incumbent_candidates", options.num_incumbent_candidates},
          {"seed", options.seed},
          {"warm_start_given", !options.warm_start.is_null()}};
}

}  // namespace

std::string ToString(AcquisitionKind kind) {
  switch (kind) {
    case AcquisitionKind::kExpectedImprovement:
      return "ei";
    case AcquisitionKind::kUpperConfidenceBound:
      return "ucb";
    case AcquisitionKind::kProbabilityOfImprovement:
      return "pi";
  }
  return "?";
}

std::optional<AcquisitionKind> ParseAcquisitionKind(const std::string& text) {
  for (auto kind : {AcquisitionKind::kExpectedImprovement, AcquisitionKind::kUpperConfidenceBound,
                    AcquisitionKind::kProbabilityOfImprovement}) {
    if (ToString(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string ToString(BatchPolicy policy) {
  return policy == BatchPolicy::kLocalPenalization ? "penalization" : "believer";
}

std::optional<BatchPolicy> ParseBatchPolicy(const std::string& text) {
  if (text == "penalization") return BatchPolicy::kLocalPenalization;
  if (text == "believer") return BatchPolicy::kKrigingBeliever;
  return std::nullopt;
}

std::string ToString(KernelKind kind) {
  switch (kind) {
    case KernelKind::kMatern52:
      return "matern52";
    case KernelKind::kMatern32:
      return "matern32";
    case KernelKind::kRbf:
      return "rbf";
  }
  return "?";
}

std::optional<KernelKind> ParseKernelKind(const std::string& text) {
  for (auto kind : {KernelKind::kMatern52, KernelKind::kMatern32, KernelKind::kRbf}) {
    if (ToString(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string ToString(Incumbent incumbent) {
  return incumbent == Incumbent::kBestObserved ? "best_observed" : "best_mean";
}

std::optional<Incumbent> ParseIncumbent(const std::string& text) {
  if (text == "best_observed") return Incumbent::kBestObserved;
  if (text == "best_mean") return Incumbent::kBestPosteriorMean;
  return std::nullopt;
}

std::string ToString(LocalSearch mode) {
  switch (mode) {
    case LocalSearch::kOff:
      return "off";
    case LocalSearch::kTrustRegion:
      return "trust_region";
    case LocalSearch::kAlternate:
      return "alternate";
  }
  return "?";
}

std::optional<LocalSearch> ParseLocalSearch(const std::string& text) {
  for (auto mode : {LocalSearch::kOff, LocalSearch::kTrustRegion, LocalSearch::kAlternate}) {
    if (ToString(mode) == text) return mode;
  }
  return std::nullopt;
}

std::string ToString(OutputWarping warping) {
  return warping == OutputWarping::kYeoJohnson ? "yeo_johnson" : "none";
}

std::optional<OutputWarping> ParseOutputWarping(const std::string& text) {
  for (auto warping : {OutputWarping::kNone, OutputWarping::kYeoJohnson}) {
    if (ToString(warping) == text) return warping;
  }
  return std::nullopt;
}

std::vector<std::string> SuggestOptions::Validate(const space::Space& space) const {
  std::vector<std::string> messages;
  for (const Issue& issue : OptionIssues(space, *this)) {
    messages.push_back(issue.path + ": " + issue.message);
  }
  return messages;
}

nlohmann::json SuggestSummary::ToJson() const {
  return {{"termination", termination},
          {"message", message},
          {"warnings", warnings},
          {"model", model},
          {"used", used},
          {"fit_seconds", fit_seconds},
          {"optimize_seconds", optimize_seconds}};
}

SuggestResult Suggest(const space::Space& space, const std::vector<Observation>& observations,
                      const std::vector<std::vector<double>>& pending,
                      const SuggestOptions& options, ProgressSink* progress) {
  ValidateInput(space, observations, pending, options);
  SuggestResult result;
  SuggestSummary& summary = result.summary;
  summary.used["given"] = OptionsJson(options);
  summary.used["num_observations"] = observations.size();
  summary.used["num_pending"] = pending.size();
  std::vector<int> shared;
  for (const std::string& name : options.shared) shared.push_back(space.Index(name));

  std::set<std::vector<double>> exclude;
  if (!options.allow_duplicates) {
    for (const Observation& o : observations) exclude.insert(space.Snap(o.params));
    for (const auto& p : pending) exclude.insert(space.Snap(p));
  }
  const int num_initial = NumInitial(space, options);
  summary.used["num_initial"] = num_initial;

  const auto fit_start = Clock::now();
  std::optional<Model> model;
  if (static_cast<int>(observations.size()) >= num_initial) {
    model = FitModel(space, observations, options, progress);
  }
  summary.fit_seconds = SecondsSince(fit_start);
  const auto optimize_start = Clock::now();

  if (!model) {
    // Initial design: too few observations (or fewer than two distinct points) for a model.
    auto points = InitialDesign(space, observations, pending, shared, options, exclude);
    for (auto& raw : points) {
      result.points.push_back({std::move(raw), std::nan(""), std::nan(""), std::nan("")});
    }
    summary.used["design"] = "initial";
    summary.used["initial_design"] = "greedy maximin over scrambled Sobol feasible candidates";
    summary.optimize_seconds = SecondsSince(optimize_start);
    const int found = static_cast<int>(result.points.size());
    summary.termination = found == 0                   ? "no_feasible_point"
                          : found < options.batch_size ? "partial"
                                                       : "initial_design";
    summary.message = found == 0
                          ? "no feasible point found for the initial design"
                          : "space-filling initial design (" + std::to_string(observations.size()) +
                                " of " + std::to_string(num_initial) + " initial observations)";
    return result;
  }

  const gp::Posterior& posterior = model->posterior;
  summary.model = posterior.ToJson();
  summary.model["output_warp"] = model->warp.ToJson();
  summary.used["output_warp"] = model->warp.ToJson();
  summary.used["fit"] = model->fit.ToJson();
  summary.used["design"] = "model";
  for (const std::string& w : model->fit.warnings) summary.warnings.push_back("fit: " + w);

  double lipschitz = 0;
  const bool penalize = options.batch_policy == BatchPolicy::kLocalPenalization &&
                        (options.batch_size > 1 || !pending.empty());
  if (penalize) {
    acquisition::LipschitzOptions lipschitz_options;
    lipschitz_options.seed = SeedOf(options.seed, kLipschitzStream);
    lipschitz = acquisition::EstimateLipschitz(posterior, lipschitz_options);
    summary.used["lipschitz"] = lipschitz;
  }
  const acquisition::Options acquisition_options = AcquisitionOptions(options);
  // In user units; EI and PI improve on the warped value (the warp is increasing, so the order of
  // candidates is the same).
  summary.used["incumbent"] =
      model->warp.Inverse(acquisition::IncumbentValue(posterior, acquisition_options));
  summary.used["acquisition"] = ToString(options.acquisition);
  summary.used["batch_policy"] = options.batch_size > 1 || !pending.empty()
                                     ? nlohmann::json(ToString(options.batch_policy))
                                     : nlohmann::json("none (single point, nothing pending)");
  summary.used["kernel"] = ToString(options.kernel);

  SearchPlan plan = MakeSearchPlan(space, posterior, observations, pending.size(), options,
                                   num_initial, summary.used["local_search"]);
  BatchBuilder builder(space, posterior, pending, options, exclude, lipschitz, std::move(plan));
  MaximizeStats stats;
  bool cancelled = false;
  Batch batch;
  nlohmann::json shared_trace = nlohmann::json::array();
  if (shared.empty()) {
    batch = builder.Build({}, options.seed, stats, progress, &cancelled);
  } else {
    batch = SharedBatch(space, builder, shared, options, stats, shared_trace, progress, &cancelled);
    summary.used["shared"] = {{"names", options.shared}, {"rounds", shared_trace}};
  }
  summary.used["batch_acquisition"] = batch.score;
  summary.used["maximize"] = {
      {"num_candidates", stats.num_candidates},
      {"num_feasible_candidates", stats.num_feasible_candidates},
      {"num_lbfgs_starts", stats.num_starts},
      {"num_failed_starts", stats.num_failed_starts},
      {"num_lbfgs_evaluations", stats.num_evaluations},
      {"num_repaired", stats.num_repaired},
      {"num_neighbourhood_moves", stats.num_neighbourhood_moves},
      {"categoricals", stats.enumerated_categoricals ? "enumerated" : "sampled"},
      {"num_local_slots", stats.num_local_slots}};
  // A start whose line search stops early keeps the best point it reached, and the other starts
  // cover for it: counted in used.maximize, not a warning. Only when every start stopped early
  // is the suggestion less well optimized than usual, which is worth a line in the record.
  if (stats.num_starts > 0 && stats.num_failed_starts == stats.num_starts) {
    summary.warnings.push_back(
        "every local search of the acquisition stopped early (numerical trouble); the points are "
        "the best ones they reached");
  }

  if (!batch.slots.empty()) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(batch.slots.size()), space.encoded_dim());
    for (std::size_t s = 0; s < batch.slots.size(); ++s) {
      x.row(static_cast<Eigen::Index>(s)) = batch.slots[s].encoded.transpose();
    }
    Eigen::VectorXd mean, variance;
    posterior.Predict(x, &mean, &variance);
    for (std::size_t s = 0; s < batch.slots.size(); ++s) {
      const auto e = static_cast<Eigen::Index>(s);
      double user_mean = 0;
      double user_stddev = 0;
      model->warp.Moments(mean[e], std::sqrt(std::max(variance[e], 0.0)), &user_mean, &user_stddev);
      result.points.push_back({batch.slots[s].raw, user_mean, user_stddev, batch.slots[s].value});
    }
  }
  summary.optimize_seconds = SecondsSince(optimize_start);
  const int found = static_cast<int>(result.points.size());
  if (cancelled) {
    summary.termination = "cancelled";
    summary.message = "cancelled by the progress sink after " + std::to_string(found) + " point(s)";
  } else if (found == 0) {
    summary.termination = "no_feasible_point";
    summary.message = "no feasible point that is not measured or pending was found";
  } else if (found < options.batch_size) {
    summary.termination = "partial";
    summary.message = "found " + std::to_string(found) + " of " +
                      std::to_string(options.batch_size) + " distinct feasible points";
  } else {
    summary.termination = "converged";
    summary.message = "suggested " + std::to_string(found) + " point(s)";
  }
  return result;
}

std::optional<std::vector<Prediction>> Predict(const space::Space& space,
                                               const std::vector<Observation>& observations,
                                               const std::vector<std::vector<double>>& points,
                                               const SuggestOptions& options) {
  ValidateInput(space, observations, points, options, "/points");
  auto model = FitModel(space, observations, options, nullptr);
  if (!model) return std::nullopt;
  auto acquisition = acquisition::Make(ToAcquisition(options.acquisition), model->posterior,
                                       AcquisitionOptions(options));
  std::vector<Prediction> predictions;
  for (const auto& raw : points) {
    const Eigen::VectorXd u = space.Encode(raw).cwiseMax(0.0).cwiseMin(1.0);
    double mean = 0;
    double variance = 0;
    model->posterior.PredictWithGradient(u, &mean, &variance, nullptr, nullptr);
    double user_mean = 0;
    double user_stddev = 0;
    model->warp.Moments(mean, std::sqrt(std::max(variance, 0.0)), &user_mean, &user_stddev);
    predictions.push_back({user_mean, user_stddev, acquisition->Evaluate(u, nullptr)});
  }
  return predictions;
}

}  // namespace kyoso::optimize
