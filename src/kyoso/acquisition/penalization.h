// Local penalization for batches and pending experiments (González, Dai, Hennig & Lawrence 2016,
// AISTATS, "Batch Bayesian optimization via local penalization"): each already chosen or pending
// point x_j multiplies the acquisition by a penalizer phi_j(x) that is ~0 near x_j and ~1 far from
// it, with a radius set by a Lipschitz constant L of the objective and the gap between x_j's
// predicted value and the incumbent. Applied in log space: log g(a(x)) + sum_j log phi_j(x).
// Equations: docs/methods/acquisition.md §4.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "kyoso/acquisition/acquisition.h"
#include "kyoso/gp/gp.h"

namespace kyoso::acquisition {

struct LipschitzOptions {
  int num_samples = 500;     // random points where ||grad mean|| is evaluated, >= 1
  int num_local_starts = 3;  // best samples polished by bounded L-BFGS, >= 0
  std::uint64_t seed = 0;    // seeds the sample points
};

// L = max over the unit cube of ||grad mu(x)|| (user output units per unit-cube length), estimated
// as in González et al. 2016 §3.2 by sampling and local maximization. Returns 10 when the
// estimate is below 1e-7 (flat mean; the GPyOpt convention).
double EstimateLipschitz(const gp::Posterior& posterior, const LipschitzOptions& options);

struct PenalizationOptions {
  double lipschitz = 0;  // > 0: use this L; <= 0: EstimateLipschitz(posterior, lipschitz_options)
  LipschitzOptions lipschitz_options = {};
};

// The penalized acquisition  log g(base(x)) + sum_j log phi_j(x),  with
//   phi_j(x) = Phi((L ||x - x_j|| - |M - mu(x_j)|) / sd(x_j))     (González et al. 2016, Eq. 4)
// M the incumbent (IncumbentValue(posterior, options)), mu and sd the posterior mean and latent
// standard deviation at x_j, and g the identity for log-scale bases (log EI, log PI) or softplus
// for linear ones (UCB), as in the paper's §3.3. Result scale: kLog.
// `points`: k x d already selected batch points and pending experiments (k may be 0).
class LocalPenalization final : public Acquisition {
 public:
  LocalPenalization(std::unique_ptr<Acquisition> base, const gp::Posterior& posterior,
                    const Eigen::MatrixXd& points, const Options& options,
                    const PenalizationOptions& penalization);
  int dim() const override;
  Scale scale() const override { return Scale::kLog; }
  double Evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const override;
  Eigen::VectorXd EvaluateMany(const Eigen::MatrixXd& x) const override;
  double lipschitz() const { return lipschitz_; }
  // log phi_j(x) summed over the points, with gradient (for tests and diagnostics).
  double LogPenalty(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const;

 private:
  std::unique_ptr<Acquisition> base_;
  Eigen::MatrixXd points_;  // k x d
  Eigen::VectorXd radius_;  // |M - mu(x_j)|, k
  Eigen::VectorXd stddev_;  // sd(x_j), k
  double lipschitz_ = 0;
};

}  // namespace kyoso::acquisition
