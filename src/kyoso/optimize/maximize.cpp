// Acquisition maximization over a mixed, constrained space (maximize.h); method in
// docs/methods/optimize.md §2.
#include "kyoso/optimize/maximize.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <numeric>

#include <LBFGSB.h>

#include "kyoso/base/parallel.h"
#include "kyoso/space/sampling.h"

namespace kyoso::optimize {

namespace {

constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();

double Finite(double value) { return std::isfinite(value) ? value : kMinusInfinity; }

struct Start {
  std::vector<double> raw;
  Eigen::VectorXd encoded;
  double value = kMinusInfinity;
};

// The acquisition on the free numeric coordinates, negated for LBFGS++ (a minimizer). Remembers
// the best point it evaluated, so a failed line search still yields the best value seen.
class Objective {
 public:
  Objective(const acquisition::Acquisition& acquisition, Eigen::VectorXd base,
            const std::vector<int>& vars)
      : acquisition_(acquisition), u_(std::move(base)), vars_(vars), best_u_(u_) {}

  double operator()(const Eigen::VectorXd& z, Eigen::VectorXd& grad) {
    for (std::size_t k = 0; k < vars_.size(); ++k) u_[vars_[k]] = z[static_cast<Eigen::Index>(k)];
    ++num_evaluations_;
    const double value = acquisition_.Evaluate(u_, &gradient_);
    grad.resize(z.size());
    if (!std::isfinite(value) || !gradient_.allFinite()) {
      grad.setZero();
      return std::numeric_limits<double>::max();
    }
    for (std::size_t k = 0; k < vars_.size(); ++k) {
      grad[static_cast<Eigen::Index>(k)] = -gradient_[vars_[k]];
    }
    if (value > best_value_) {
      best_value_ = value;
      best_u_ = u_;
    }
    return -value;
  }

  const Eigen::VectorXd& best_u() const { return best_u_; }
  int num_evaluations() const { return num_evaluations_; }
  double best_value() const { return best_value_; }

 private:
  const acquisition::Acquisition& acquisition_;
  Eigen::VectorXd u_;
  const std::vector<int>& vars_;
  Eigen::VectorXd best_u_;
  Eigen::VectorXd gradient_;
  double best_value_ = kMinusInfinity;
  int num_evaluations_ = 0;
};

class Maximizer {
 public:
  Maximizer(const space::Space& space, const acquisition::Acquisition& acquisition,
            const FixedValues& fixed, const std::set<std::vector<double>>& exclude,
            const MaximizeOptions& options, MaximizeStats& stats)
      : space_(space),
        acquisition_(acquisition),
        fixed_(fixed.empty() ? FixedValues(static_cast<std::size_t>(space.num_parameters()))
                             : fixed),
        exclude_(exclude),
        options_(options),
        stats_(stats) {
    const int dim = space.encoded_dim();
    lower_ = options.lower.size() == dim ? options.lower : Eigen::VectorXd::Zero(dim);
    upper_ = options.upper.size() == dim ? options.upper : Eigen::VectorXd::Ones(dim);
    lower_ = lower_.cwiseMax(0.0).cwiseMin(1.0);
    upper_ = upper_.cwiseMax(lower_).cwiseMin(1.0);
    for (int i = 0; i < space.num_parameters(); ++i) {
      if (fixed_[static_cast<std::size_t>(i)]) continue;
      if (space.parameter(i).kind == space::ParameterKind::kCategorical) {
        categoricals_.push_back(i);
      } else {
        vars_.push_back(space.EncodedOffset(i));
      }
    }
  }

  std::optional<Maximum> Run() {
    std::vector<Start> candidates = Candidates();
    if (candidates.empty()) return std::nullopt;
    std::vector<Start> starts = ChooseStarts(candidates);
    // The L-BFGS runs are independent and only read the acquisition: they run in parallel; their
    // results are snapped, climbed and compared in start order (ties keep the earlier start), so
    // the maximum does not depend on the thread count.
    std::vector<Relaxed> relaxed(starts.size());
    ParallelFor(static_cast<int>(starts.size()), ResolveNumThreads(options_.num_threads),
                [&](int s, int) {
                  const auto index = static_cast<std::size_t>(s);
                  relaxed[index] = Lbfgs(starts[index]);
                });
    std::optional<Start> best;
    for (std::size_t s = 0; s < starts.size(); ++s) {
      Start result = Refine(starts[s], relaxed[s]);
      if (!best || result.value > best->value) best = std::move(result);
    }
    // The best candidate is feasible and not excluded, so it bounds the result from below.
    if (!best || candidates.front().value > best->value) best = candidates.front();
    return Maximum{best->raw, best->encoded, best->value};
  }

 private:
  bool Allowed(const std::vector<double>& raw) const {
    return space_.IsFeasible(raw) && exclude_.count(raw) == 0;
  }

  // Feasible, distinct, non-excluded snapped candidates sorted by decreasing acquisition.
  std::vector<Start> Candidates() {
    const int dim = space_.encoded_dim();
    std::vector<Start> out;
    std::set<std::vector<double>> seen;
    Eigen::VectorXd u(dim);
    std::optional<space::SobolSequence> sobol;
    Eigen::MatrixXd lhs;
    if (dim <= space::SobolMaxDimension()) {
      sobol.emplace(dim, options_.seed);
    } else {
      lhs = space::LatinHypercube(options_.num_candidates, dim, options_.seed, 1);
    }
    const Eigen::VectorXd width = upper_ - lower_;
    const auto num_extra = static_cast<int>(options_.extra_candidates.rows());
    const bool extra_fits = options_.extra_candidates.cols() == dim;
    for (int k = 0; k < options_.num_candidates + num_extra; ++k) {
      if (k >= options_.num_candidates) {
        if (!extra_fits) break;
        u = options_.extra_candidates.row(k - options_.num_candidates).transpose();
        u = u.cwiseMax(lower_).cwiseMin(upper_);
      } else if (sobol) {
        sobol->Next(u.data());
        u = lower_ + width.cwiseProduct(u);
      } else {
        u = lower_ + width.cwiseProduct(lhs.row(k).transpose());
      }
      ++stats_.num_candidates;
      std::vector<double> raw = ApplyFixed(space_, space_.Decode(u), fixed_);
      if (!Allowed(raw) || !seen.insert(raw).second) continue;
      out.push_back({raw, space_.Encode(raw), 0.0});
    }
    stats_.num_feasible_candidates += static_cast<int>(out.size());
    if (out.empty()) return out;
    Eigen::MatrixXd points(static_cast<Eigen::Index>(out.size()), dim);
    for (std::size_t i = 0; i < out.size(); ++i) {
      points.row(static_cast<Eigen::Index>(i)) = out[i].encoded.transpose();
    }
    const Eigen::VectorXd values = acquisition_.EvaluateMany(points);
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i].value = Finite(values[static_cast<Eigen::Index>(i)]);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Start& a, const Start& b) { return a.value > b.value; });
    return out;
  }

  std::vector<int> Combination(const std::vector<double>& raw) const {
    std::vector<int> combo;
    for (int i : categoricals_) combo.push_back(static_cast<int>(raw[static_cast<std::size_t>(i)]));
    return combo;
  }

  std::vector<Start> ChooseStarts(const std::vector<Start>& candidates) {
    std::vector<Start> starts;
    const auto num_restarts = static_cast<std::size_t>(std::max(options_.num_restarts, 0));
    for (std::size_t i = 0; i < candidates.size() && starts.size() < num_restarts; ++i) {
      starts.push_back(candidates[i]);
    }
    // Enumeration: every categorical combination gets a start when there are few of them.
    long long num_combinations = 1;
    for (int i : categoricals_) {
      num_combinations *= space_.GridSize(i);
      if (num_combinations > options_.max_enumerated_combinations) break;
    }
    if (categoricals_.empty() || num_combinations > options_.max_enumerated_combinations) {
      return starts;
    }
    stats_.enumerated_categoricals = true;
    std::set<std::vector<int>> covered;
    for (const Start& s : starts) covered.insert(Combination(s.raw));
    for (long long c = 0; c < num_combinations; ++c) {
      std::vector<int> combo;
      long long rest = c;
      for (int i : categoricals_) {
        combo.push_back(static_cast<int>(rest % space_.GridSize(i)));
        rest /= space_.GridSize(i);
      }
      if (covered.count(combo)) continue;
      const Start* found = nullptr;
      for (const Start& candidate : candidates) {
        if (Combination(candidate.raw) == combo) {
          found = &candidate;
          break;
        }
      }
      if (found != nullptr) {
        starts.push_back(*found);
        covered.insert(combo);
        continue;
      }
      // No candidate has this combination: impose it on the best candidates.
      for (std::size_t k = 0; k < std::min<std::size_t>(candidates.size(), 20); ++k) {
        std::vector<double> raw = candidates[k].raw;
        for (std::size_t j = 0; j < categoricals_.size(); ++j) {
          raw[static_cast<std::size_t>(categoricals_[j])] = combo[j];
        }
        if (!Allowed(raw)) continue;
        Eigen::VectorXd u = space_.Encode(raw);
        starts.push_back({raw, u, Finite(acquisition_.Evaluate(u, nullptr))});
        covered.insert(combo);
        break;
      }
    }
    return starts;
  }

  // The outcome of one L-BFGS run on the continuous relaxation.
  struct Relaxed {
    bool ran = false;
    bool failed = false;  // the line search threw; best_u is the best point evaluated
    int num_evaluations = 0;
    std::optional<Eigen::VectorXd> best_u;
  };

  // Bounded L-BFGS from a start over the free numeric coordinates. Thread-safe: it only reads
  // the acquisition and the options.
  Relaxed Lbfgs(const Start& start) const {
    Relaxed out;
    if (vars_.empty() || options_.max_iterations <= 0) return out;
    out.ran = true;
    Objective objective(acquisition_, start.encoded, vars_);
    Eigen::VectorXd z(static_cast<Eigen::Index>(vars_.size()));
    for (std::size_t k = 0; k < vars_.size(); ++k) {
      z[static_cast<Eigen::Index>(k)] = start.encoded[vars_[k]];
    }
    Eigen::VectorXd lower(z.size());
    Eigen::VectorXd upper(z.size());
    for (std::size_t k = 0; k < vars_.size(); ++k) {
      const auto e = static_cast<Eigen::Index>(k);
      lower[e] = lower_[vars_[k]];
      upper[e] = upper_[vars_[k]];
      z[e] = std::clamp(z[e], lower[e], upper[e]);  // a snapped start may lie just outside
    }
    LBFGSpp::LBFGSBParam<double> param;
    param.max_iterations = options_.max_iterations;
    param.epsilon = 1e-6;
    param.epsilon_rel = 1e-6;
    param.max_linesearch = 30;
    LBFGSpp::LBFGSBSolver<double> solver(param);
    double fx = 0;
    try {
      solver.minimize(objective, z, fx, lower, upper);
    } catch (const std::exception&) {
      out.failed = true;  // the best point evaluated so far is still used
    }
    out.num_evaluations = objective.num_evaluations();
    if (objective.best_value() > kMinusInfinity) out.best_u = objective.best_u();
    return out;
  }

  Start Refine(const Start& start, const Relaxed& relaxed) {
    Start current = start;
    if (relaxed.ran) {
      ++stats_.num_starts;
      if (relaxed.failed) ++stats_.num_failed_starts;
      stats_.num_evaluations += relaxed.num_evaluations;
      if (relaxed.best_u) current = Snapped(start, *relaxed.best_u);
    }
    Climb(current);
    return current.value >= start.value ? current : start;
  }

  // Snaps the relaxed optimum u; if that breaks a constraint, bisects on the segment from the
  // (feasible) start towards u for the last feasible snapped point.
  Start Snapped(const Start& start, const Eigen::VectorXd& u) {
    auto at = [&](double t) {
      const Eigen::VectorXd point = start.encoded + t * (u - start.encoded);
      return ApplyFixed(space_, space_.Decode(point), fixed_);
    };
    std::vector<double> raw = at(1.0);
    if (!space_.IsFeasible(raw)) {
      ++stats_.num_repaired;
      double lo = 0.0;
      double hi = 1.0;
      for (int iteration = 0; iteration < 30; ++iteration) {
        const double mid = 0.5 * (lo + hi);
        (space_.IsFeasible(at(mid)) ? lo : hi) = mid;
      }
      raw = lo > 0.0 ? at(lo) : start.raw;
    }
    Start result{raw, space_.Encode(raw), kMinusInfinity};
    if (exclude_.count(raw) == 0)
      result.value = Finite(acquisition_.Evaluate(result.encoded, nullptr));
    return result;
  }

  // Hill climb over grid neighbours: +-1 step on each free integer/discrete grid, every other
  // choice of each free categorical. Only feasible, non-excluded neighbours are considered, and
  // a grid neighbour only within the search box widened by half a grid step (how far snapping a
  // point of the box can move it), so trust-region slots stay in their region.
  void Climb(Start& current) {
    for (int step = 0; step < options_.max_neighbourhood_steps; ++step) {
      std::vector<std::vector<double>> neighbours;
      for (int i = 0; i < space_.num_parameters(); ++i) {
        const auto ui = static_cast<std::size_t>(i);
        const space::Parameter& p = space_.parameter(i);
        if (fixed_[ui] || p.kind == space::ParameterKind::kContinuous) continue;
        const long long k = space_.GridIndex(i, current.raw[ui]);
        for (long long other = 0; other < space_.GridSize(i); ++other) {
          const bool adjacent = other == k - 1 || other == k + 1;
          if (other == k || (p.kind != space::ParameterKind::kCategorical && !adjacent)) continue;
          std::vector<double> raw = current.raw;
          raw[ui] = space_.GridValue(i, other);
          if (p.kind != space::ParameterKind::kCategorical) {
            const int e = space_.EncodedOffset(i);
            const double u = space_.Encode(raw)[e];
            const double half_step = 0.5 / static_cast<double>(space_.GridSize(i) - 1);
            if (u < lower_[e] - half_step - 1e-12 || u > upper_[e] + half_step + 1e-12) continue;
          }
          if (Allowed(raw)) neighbours.push_back(std::move(raw));
        }
      }
      if (neighbours.empty()) return;
      Eigen::MatrixXd points(static_cast<Eigen::Index>(neighbours.size()), space_.encoded_dim());
      for (std::size_t n = 0; n < neighbours.size(); ++n) {
        points.row(static_cast<Eigen::Index>(n)) = space_.Encode(neighbours[n]).transpose();
      }
      const Eigen::VectorXd values = acquisition_.EvaluateMany(points);
      Eigen::Index best = -1;
      double best_value = current.value;
      for (Eigen::Index n = 0; n < values.size(); ++n) {
        if (Finite(values[n]) > best_value) {
          best_value = values[n];
          best = n;
        }
      }
      if (best < 0) return;
      ++stats_.num_neighbourhood_moves;
      current = {neighbours[static_cast<std::size_t>(best)], points.row(best).transpose(),
                 best_value};
    }
  }

  const space::Space& space_;
  const acquisition::Acquisition& acquisition_;
  FixedValues fixed_;
  const std::set<std::vector<double>>& exclude_;
  const MaximizeOptions& options_;
  MaximizeStats& stats_;
  Eigen::VectorXd lower_;  // search box (encoded), within [0, 1]
  Eigen::VectorXd upper_;
  std::vector<int> vars_;          // encoded coordinates of free numeric parameters
  std::vector<int> categoricals_;  // indices of free categorical parameters
};

}  // namespace

std::vector<double> ApplyFixed(const space::Space& space, std::vector<double> raw,
                               const FixedValues& fixed) {
  for (std::size_t i = 0; i < fixed.size() && i < raw.size(); ++i) {
    if (fixed[i]) raw[i] = space.SnapValue(static_cast<int>(i), *fixed[i]);
  }
  return raw;
}

std::optional<Maximum> MaximizeAcquisition(const space::Space& space,
                                           const acquisition::Acquisition& acquisition,
                                           const FixedValues& fixed,
                                           const std::set<std::vector<double>>& exclude,
                                           const MaximizeOptions& options, MaximizeStats* stats) {
  MaximizeStats local;
  Maximizer maximizer(space, acquisition, fixed, exclude, options, stats ? *stats : local);
  return maximizer.Run();
}

}  // namespace kyoso::optimize
