// Acquisition functions: what the optimizer maximizes over the unit cube to choose the next
// experiment from a GP posterior. Expected improvement in the numerically stable log form of
// Ament et al. 2023, upper/lower confidence bound, and log probability of improvement, each with
// an analytic gradient; local penalization (acquisition/penalization.h) turns any of them into a
// batch policy. Values are always "larger is better", whichever direction the objective has.
// Equations and references: docs/methods/acquisition.md. Front header of the module.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "kyoso/gp/gp.h"

namespace kyoso::acquisition {

enum class Kind { kExpectedImprovement, kUpperConfidenceBound, kProbabilityOfImprovement };
std::string ToString(Kind kind);  // "ei", "ucb", "pi"
std::optional<Kind> ParseKind(const std::string& text);

enum class Direction { kMinimize, kMaximize };
std::string ToString(Direction direction);  // "minimize", "maximize"
std::optional<Direction> ParseDirection(const std::string& text);

// How the incumbent (best value so far) of EI and PI is chosen.
enum class Incumbent {
  kBestObserved,       // best observed y (user units): the classic choice (Jones et al. 1998)
  kBestPosteriorMean,  // best posterior mean over the training points: robust to noisy outliers
};

// Whether Evaluate() returns the acquisition itself or its natural logarithm; local penalization
// multiplies penalties onto a positive transform of it (docs/methods/acquisition.md §4).
enum class Scale { kLinear, kLog };

struct Options {
  Direction direction = Direction::kMaximize;  // of the objective
  double ucb_beta = 2.0;                       // UCB/LCB: mean +- sqrt(beta) * stddev, >= 0
  Incumbent incumbent = Incumbent::kBestObserved;
  std::optional<double> best_value = std::nullopt;  // overrides the incumbent (user units)
  // Latent variances below min_variance_fraction * (output stddev)^2 are clamped (noiseless data
  // at training points) so values and gradients stay finite. > 0.
  double min_variance_fraction = 1e-12;
  std::vector<std::string> Validate() const;  // every problem, empty when valid
};

// An acquisition to MAXIMIZE over x in the unit cube [0, 1]^d.
class Acquisition {
 public:
  virtual ~Acquisition() = default;
  virtual int dim() const = 0;
  virtual Scale scale() const = 0;
  // Value at x (size d); when `gradient` is non-null it is resized to d and filled with d/dx.
  virtual double Evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const = 0;
  // Values at the rows of x (m x d), for scoring candidates; uses one batched prediction.
  virtual Eigen::VectorXd EvaluateMany(const Eigen::MatrixXd& x) const = 0;
};

// Builds an acquisition over `posterior` (copied; copies are cheap). Throws InputError
// (code acquisition.options) when options.Validate() reports problems.
//   kExpectedImprovement:        log EI (Scale::kLog), Ament et al. 2023, Eq. 9
//   kUpperConfidenceBound:       mean + sqrt(beta) sd (maximize) or -(mean - sqrt(beta) sd)
//                                (minimize: LCB, negated), Srinivas et al. 2010 (Scale::kLinear)
//   kProbabilityOfImprovement:   log PI = log Phi(z) (Scale::kLog), Kushner 1964
std::unique_ptr<Acquisition> Make(Kind kind, const gp::Posterior& posterior,
                                  const Options& options);

// The incumbent f* that EI and PI improve on, in user units (see Incumbent, Options::best_value).
double IncumbentValue(const gp::Posterior& posterior, const Options& options);

// Numerically stable pieces, exposed for tests (docs/methods/acquisition.md §1-2).
// log h(z) with h(z) = phi(z) + z Phi(z): log EI = log h(z) + log sd (Ament et al. 2023, Eq. 9,
// log_h with erfcx below z = -1 and its asymptotic form below -1/sqrt(eps)).
double LogH(double z);
// d/dz log h(z) = Phi(z) / h(z).
double LogHDerivative(double z);
// log Phi(z), stable for very negative z (via erfcx), and its derivative phi(z) / Phi(z).
double LogNormalCdf(double z);
double LogNormalCdfDerivative(double z);

}  // namespace kyoso::acquisition
