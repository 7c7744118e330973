// Trust-region replay and box (trust_region.h); method in docs/methods/optimize.md §7.
#include "kyoso/optimize/trust_region.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kyoso::optimize {

std::vector<std::string> TrustRegionOptions::Validate() const {
  std::vector<std::string> problems;
  if (!(initial_length > 0) || !std::isfinite(initial_length)) {
    problems.push_back("initial_length must be a finite number > 0");
  }
  if (!(min_length > 0) || !std::isfinite(min_length)) {
    problems.push_back("min_length must be a finite number > 0");
  }
  if (!(max_length >= initial_length) || !std::isfinite(max_length)) {
    problems.push_back("max_length must be finite and >= initial_length");
  }
  if (success_tolerance < 1) problems.push_back("success_tolerance must be >= 1");
  if (failure_tolerance < 0) problems.push_back("failure_tolerance must be >= 0 (0 = automatic)");
  if (!(improvement_fraction >= 0) || !std::isfinite(improvement_fraction)) {
    problems.push_back("improvement_fraction must be a finite number >= 0");
  }
  if (min_local_points < 0) problems.push_back("min_local_points must be >= 0 (0 = automatic)");
  return problems;
}

nlohmann::json TrustRegionOptions::ToJson() const {
  return {{"initial_length", initial_length},
          {"min_length", min_length},
          {"max_length", max_length},
          {"success_tolerance", success_tolerance},
          {"failure_tolerance", failure_tolerance},
          {"improvement_fraction", improvement_fraction},
          {"min_local_points", min_local_points}};
}

nlohmann::json TrustRegionState::ToJson() const {
  return {{"length", length},
          {"num_successes", num_successes},
          {"num_failures", num_failures},
          {"num_restarts", num_restarts},
          {"num_batches", num_batches},
          {"failure_tolerance", failure_tolerance}};
}

TrustRegionState ReplayTrustRegion(const std::vector<double>& values, int num_initial, int dim,
                                   int batch_size, const TrustRegionOptions& options) {
  TrustRegionState state;
  state.length = options.initial_length;
  const int q = std::max(batch_size, 1);
  // Eriksson et al. 2019: tau_fail = ceil(max(4 / q, d / q)).
  state.failure_tolerance =
      options.failure_tolerance > 0
          ? options.failure_tolerance
          : static_cast<int>(std::ceil(std::max(4.0, static_cast<double>(dim)) / q));
  const auto n = values.size();
  const std::size_t first = std::min(n, static_cast<std::size_t>(std::max(num_initial, 0)));
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < first; ++i) best = std::max(best, values[i]);
  for (std::size_t start = first; start < n; start += static_cast<std::size_t>(q)) {
    const std::size_t end = std::min(n, start + static_cast<std::size_t>(q));
    double batch_best = -std::numeric_limits<double>::infinity();
    for (std::size_t i = start; i < end; ++i) batch_best = std::max(batch_best, values[i]);
    ++state.num_batches;
    const bool success =
        !std::isfinite(best) || batch_best > best + options.improvement_fraction * std::abs(best);
    best = std::max(best, batch_best);
    if (success) {
      ++state.num_successes;
      state.num_failures = 0;
    } else {
      state.num_successes = 0;
      ++state.num_failures;
    }
    if (state.num_successes == options.success_tolerance) {
      state.length = std::min(2.0 * state.length, options.max_length);
      state.num_successes = 0;
    } else if (state.num_failures == state.failure_tolerance) {
      state.length /= 2.0;
      state.num_failures = 0;
    }
    if (state.length < options.min_length) {
      state.length = options.initial_length;
      state.num_successes = 0;
      state.num_failures = 0;
      ++state.num_restarts;
    }
  }
  return state;
}

void TrustRegionBox(const Eigen::VectorXd& center, const Eigen::VectorXd& lengthscales,
                    const std::vector<int>& coordinates, double length,
                    const Eigen::VectorXd& min_half_width, Eigen::VectorXd* lower,
                    Eigen::VectorXd* upper) {
  const Eigen::Index dim = center.size();
  lower->setZero(dim);
  upper->setOnes(dim);
  if (coordinates.empty()) return;
  // Geometric mean of the listed length scales, in log space for stability.
  double mean_log = 0;
  for (int k : coordinates) mean_log += std::log(lengthscales[k]);
  mean_log /= static_cast<double>(coordinates.size());
  for (int k : coordinates) {
    double half = 0.5 * length * std::exp(std::log(lengthscales[k]) - mean_log);
    if (min_half_width.size() == dim) half = std::max(half, min_half_width[k]);
    (*lower)[k] = std::clamp(center[k] - half, 0.0, 1.0);
    (*upper)[k] = std::clamp(center[k] + half, 0.0, 1.0);
  }
}

}  // namespace kyoso::optimize
