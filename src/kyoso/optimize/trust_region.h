// A trust region around the incumbent for the local step of the engine (TuRBO, Eriksson, Pearce,
// Gardner, Turner & Poloczek 2019, "Scalable global optimization via local Bayesian
// optimization", NeurIPS). The engine is stateless between calls, so the region's state (side
// length, success and failure counters, restarts) is not stored but REPLAYED from the ordered
// history of observed values: the same history always gives the same region. Suggest (suggest.h)
// maximizes the acquisition inside the region's box on some slots (docs/methods/optimize.md §7).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace kyoso::optimize {

// TuRBO's constants (Eriksson et al. 2019, §2 and their reference code): side length in units of
// the unit cube, doubled after `success_tolerance` consecutive successes, halved after
// `failure_tolerance` consecutive failures, restarted at `initial_length` below `min_length`.
struct TrustRegionOptions {
  double initial_length = 0.8;       // L_init, > 0
  double min_length = 0.0009765625;  // L_min = 2^-10 (TuRBO: 2^-7); below it: restart, > 0
  double max_length = 1.6;           // L_max, >= initial_length
  int success_tolerance = 3;         // tau_succ, >= 1
  int failure_tolerance = 0;         // tau_fail, >= 0; 0 = automatic ceil(max(4 / q, d / q))
  // An observation is a success when it improves the best value so far by more than this
  // fraction of |best| (TuRBO: 1e-3), >= 0.
  double improvement_fraction = 1e-3;
  // The local model is fitted to the observations inside the region, and at least this many of
  // the nearest ones; 0 = automatic max(num_initial, 4 (D + 1)), D the encoded dimension. >= 0.
  int min_local_points = 0;
  std::vector<std::string> Validate() const;  // every problem, empty when valid
  nlohmann::json ToJson() const;
};

struct TrustRegionState {
  double length = 0;          // current side length L (unit cube)
  int num_successes = 0;      // consecutive successful batches
  int num_failures = 0;       // consecutive failed batches
  int num_restarts = 0;       // times L fell below min_length and was reset
  int num_batches = 0;        // batches replayed
  int failure_tolerance = 0;  // tau_fail used
  nlohmann::json ToJson() const;
};

// Replays the region's state from `values` (chronological observed objective values, oriented so
// that LARGER is better): the first `num_initial` values are the initial design and only set the
// best value; the rest are read in consecutive batches of `batch_size` (the last one may be
// shorter). A batch is a success when its best value beats the best so far by more than
// improvement_fraction * |best|, else a failure (Eriksson et al. 2019, Algorithm 1). `dim` and
// `batch_size` set the automatic failure tolerance.
TrustRegionState ReplayTrustRegion(const std::vector<double>& values, int num_initial, int dim,
                                   int batch_size, const TrustRegionOptions& options);

// The region's box in the encoded cube: centred at `center` (size D), side length
// L * w_k on coordinate k, with w_k = l_k / (prod_j l_j)^(1/m) over the m coordinates in
// `coordinates` (ARD length scales l, so the box has volume L^m), clipped to [0, 1]. Coordinates
// not listed keep [0, 1]. `min_half_width` (size D, or empty) widens a coordinate's half side to at
// least that value (a grid step, so a grid parameter can move). lower/upper: resized to D.
void TrustRegionBox(const Eigen::VectorXd& center, const Eigen::VectorXd& lengthscales,
                    const std::vector<int>& coordinates, double length,
                    const Eigen::VectorXd& min_half_width, Eigen::VectorXd* lower,
                    Eigen::VectorXd* upper);

}  // namespace kyoso::optimize
