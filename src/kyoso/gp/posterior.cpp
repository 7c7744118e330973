// The GP posterior: prediction, gradients, conditioning and leave-one-out (see posterior.h and
// docs/methods/gp.md §5).
#include "kyoso/gp/posterior.h"

#include <algorithm>
#include <cmath>

#include "kyoso/base/error.h"
#include "kyoso/gp/detail/cholesky.h"
#include "kyoso/gp/detail/kernel_impl.h"

namespace kyoso::gp {

struct Posterior::State {
  Dataset data;  // y in user units
  KernelKind kernel = KernelKind::kMatern52;
  Hyperparameters hyper;
  OutputScaling scaling;
  Eigen::VectorXd lengthscales;
  double signal_variance = 1;  // standardized scale
  double noise_variance = 0;   // standardized scale
  Eigen::MatrixXd z;           // scaled training points, d x n
  Eigen::MatrixXd lower;       // Cholesky factor of K + (noise + jitter) I (lower triangle)
  Eigen::VectorXd alpha;       // K^-1 y_standardized
  double jitter = 0;
};

namespace {

void CheckHyperparameters(const Hyperparameters& h, int dim) {
  if (h.dim() != dim) {
    throw InputError("/hyperparameters/log_lengthscales", "data.dimension",
                     "hyperparameters have " + std::to_string(h.dim()) +
                         " length scales but the data have " + std::to_string(dim) + " dimensions");
  }
  if (!h.Pack().allFinite()) {
    throw InputError("/hyperparameters", "gp.hyperparameters_not_finite",
                     "hyperparameters must be finite numbers");
  }
}

// The latent-function covariance block between scaled points za (d x m) and zb (d x n), with
// unit signal variance.
Eigen::MatrixXd Correlations(KernelKind kind, const Eigen::MatrixXd& za,
                             const Eigen::MatrixXd& zb) {
  const int d = static_cast<int>(za.rows());
  Eigen::MatrixXd c(za.cols(), zb.cols());
  detail::VisitKernel(kind, [&](auto tag) {
    using P = detail::Profile<tag()>;
    for (Eigen::Index j = 0; j < zb.cols(); ++j) {
      for (Eigen::Index i = 0; i < za.cols(); ++i) {
        c(i, j) = P::Value(detail::ScaledDistance(&za(0, i), &zb(0, j), d));
      }
    }
  });
  return c;
}

}  // namespace

Posterior::Posterior() = default;
Posterior::Posterior(std::shared_ptr<const State> state) : state_(std::move(state)) {}

const Posterior::State& Posterior::state() const {
  if (!state_) throw InternalError("gp::Posterior used before it was built");
  return *state_;
}

Posterior Posterior::Create(const Dataset& data, KernelKind kernel, const Hyperparameters& h,
                            const OutputScaling& scaling) {
  ValidateDataset(data);
  CheckHyperparameters(h, data.dim());
  const Eigen::VectorXd lengthscales = h.log_lengthscales.array().exp();
  const Eigen::MatrixXd z = detail::ScaledTransposed(data.x, lengthscales);
  Eigen::MatrixXd k = std::exp(h.log_signal_variance) * Correlations(kernel, z, z);
  k.diagonal().array() += std::exp(h.log_noise_variance);
  detail::CholeskyResult chol = detail::RobustCholesky(std::move(k));
  if (!chol.ok) {
    throw InternalError("GP covariance matrix is not positive definite even with jitter");
  }
  return FromFactor(data, kernel, h, scaling, std::move(chol.lower), chol.jitter);
}

Posterior Posterior::FromFactor(const Dataset& data, KernelKind kernel, const Hyperparameters& h,
                                const OutputScaling& scaling, Eigen::MatrixXd lower,
                                double jitter) {
  ValidateDataset(data);
  CheckHyperparameters(h, data.dim());
  if (lower.rows() != data.num_points() || lower.cols() != data.num_points()) {
    throw InternalError("Posterior::FromFactor: the factor does not match the data");
  }
  auto state = std::make_shared<State>();
  state->data = data;
  state->kernel = kernel;
  state->hyper = h;
  state->scaling = scaling;
  state->lengthscales = h.log_lengthscales.array().exp();
  state->signal_variance = std::exp(h.log_signal_variance);
  state->noise_variance = std::exp(h.log_noise_variance);
  state->z = detail::ScaledTransposed(data.x, state->lengthscales);
  state->lower = std::move(lower);
  state->lower.triangularView<Eigen::StrictlyUpper>().setZero();
  state->jitter = jitter;
  const Eigen::VectorXd ys = (data.y.array() - scaling.mean) / scaling.stddev;
  state->alpha = state->lower.triangularView<Eigen::Lower>().solve(ys);
  state->lower.triangularView<Eigen::Lower>().transpose().solveInPlace(state->alpha);
  return Posterior(std::move(state));
}

int Posterior::dim() const { return state_ ? state_->data.dim() : 0; }
int Posterior::num_points() const { return state_ ? state_->data.num_points() : 0; }
KernelKind Posterior::kernel() const { return state().kernel; }
const Hyperparameters& Posterior::hyperparameters() const { return state().hyper; }
const OutputScaling& Posterior::scaling() const { return state().scaling; }
const Dataset& Posterior::data() const { return state().data; }
double Posterior::jitter() const { return state().jitter; }

double Posterior::noise_variance() const {
  const State& s = state();
  return s.scaling.stddev * s.scaling.stddev * s.noise_variance;
}

double Posterior::signal_variance() const {
  const State& s = state();
  return s.scaling.stddev * s.scaling.stddev * s.signal_variance;
}

Eigen::VectorXd Posterior::lengthscales() const { return state().lengthscales; }

void Posterior::Predict(const Eigen::MatrixXd& x, Eigen::VectorXd* mean,
                        Eigen::VectorXd* variance) const {
  const State& s = state();
  if (x.cols() != dim()) {
    throw InputError("/x", "data.dimension",
                     "prediction points have " + std::to_string(x.cols()) + " columns, expected " +
                         std::to_string(dim()));
  }
  const Eigen::MatrixXd zx = detail::ScaledTransposed(x, s.lengthscales);
  // K_*^T (n x m), standardized scale (R&W Eqs. 2.25-2.26).
  Eigen::MatrixXd kt = s.signal_variance * Correlations(s.kernel, s.z, zx);
  const double scale = s.scaling.stddev;
  if (mean != nullptr) {
    *mean = (kt.transpose() * s.alpha).array() * scale + s.scaling.mean;
  }
  if (variance != nullptr) {
    s.lower.triangularView<Eigen::Lower>().solveInPlace(kt);  // V = L^-1 K_*^T
    const Eigen::VectorXd reduction = kt.colwise().squaredNorm().transpose();
    *variance = ((s.signal_variance - reduction.array()).max(0.0)) * scale * scale;
  }
}

void Posterior::PredictWithGradient(const Eigen::VectorXd& x, double* mean, double* variance,
                                    Eigen::VectorXd* dmean, Eigen::VectorXd* dvariance) const {
  const State& s = state();
  const int d = dim();
  if (x.size() != d) {
    throw InputError("/x", "data.dimension",
                     "prediction point has " + std::to_string(x.size()) + " values, expected " +
                         std::to_string(d));
  }
  const Eigen::Index n = s.z.cols();
  const Eigen::VectorXd zx = x.array() / s.lengthscales.array();
  Eigen::VectorXd k(n);
  Eigen::VectorXd q(n);
  detail::VisitKernel(s.kernel, [&](auto tag) {
    using P = detail::Profile<tag()>;
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto [value, qr] = P::ValueAndQ(detail::ScaledDistance(zx.data(), &s.z(0, i), d));
      k(i) = s.signal_variance * value;
      q(i) = s.signal_variance * qr;
    }
  });
  const double scale = s.scaling.stddev;
  // d k_i / d x = -q_i (x - x_i) / l^2  (kernel_impl.h), so for weights w:
  // sum_i w_i dk_i/dx = -(x sum_i q_i w_i - X^T (q o w)) / l^2, with X^T (q o w) = l o (Z (q o w)).
  auto weighted_gradient = [&](const Eigen::VectorXd& w) -> Eigen::VectorXd {
    const Eigen::VectorXd qw = q.cwiseProduct(w);
    const Eigen::VectorXd zqw = s.z * qw;  // d
    return -((zx * qw.sum() - zqw).array() / s.lengthscales.array()).matrix();
  };
  if (mean != nullptr) *mean = k.dot(s.alpha) * scale + s.scaling.mean;
  if (dmean != nullptr) *dmean = weighted_gradient(s.alpha) * scale;
  if (variance != nullptr || dvariance != nullptr) {
    Eigen::VectorXd v = s.lower.triangularView<Eigen::Lower>().solve(k);
    const double var_std = s.signal_variance - v.squaredNorm();
    if (variance != nullptr) *variance = std::max(var_std, 0.0) * scale * scale;
    if (dvariance != nullptr) {
      if (var_std <= 0) {
        dvariance->setZero(d);
      } else {
        s.lower.triangularView<Eigen::Lower>().transpose().solveInPlace(v);  // K^-1 k
        *dvariance = -2.0 * weighted_gradient(v) * scale * scale;
      }
    }
  }
}

Posterior Posterior::Condition(const Eigen::MatrixXd& x_new, const Eigen::VectorXd& y_new) const {
  const State& s = state();
  const Dataset extra{x_new, y_new};
  ValidateDataset(extra, dim());
  auto next = std::make_shared<State>(s);
  const Eigen::Index n = s.z.cols();
  const Eigen::Index m = x_new.rows();
  next->data.x.conservativeResize(n + m, Eigen::NoChange);
  next->data.x.bottomRows(m) = x_new;
  next->data.y.conservativeResize(n + m);
  next->data.y.tail(m) = y_new;
  const Eigen::MatrixXd z_new = detail::ScaledTransposed(x_new, s.lengthscales);
  next->z.conservativeResize(Eigen::NoChange, n + m);
  next->z.rightCols(m) = z_new;
  // Block Cholesky: [K B; B^T C] = [L 0; S^T L22][L^T S; 0 L22^T], S = L^-1 B,
  // L22 L22^T = C - S^T S (docs/methods/gp.md §5.3).
  Eigen::MatrixXd cross = s.signal_variance * Correlations(s.kernel, s.z, z_new);  // B, n x m
  s.lower.triangularView<Eigen::Lower>().solveInPlace(cross);                      // S
  Eigen::MatrixXd corner = s.signal_variance * Correlations(s.kernel, z_new, z_new);
  corner.diagonal().array() += s.noise_variance + s.jitter;
  corner.noalias() -= cross.transpose() * cross;
  detail::CholeskyResult chol = detail::RobustCholesky(std::move(corner));
  if (!chol.ok) {
    throw InternalError("GP covariance matrix is not positive definite after conditioning");
  }
  next->jitter = std::max(s.jitter, chol.jitter);
  Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n + m, n + m);
  lower.topLeftCorner(n, n) = s.lower;
  lower.bottomLeftCorner(m, n) = cross.transpose();
  lower.bottomRightCorner(m, m) = chol.lower.triangularView<Eigen::Lower>();
  next->lower = std::move(lower);
  const Eigen::VectorXd ys = (next->data.y.array() - s.scaling.mean) / s.scaling.stddev;
  next->alpha = next->lower.triangularView<Eigen::Lower>().solve(ys);
  next->lower.triangularView<Eigen::Lower>().transpose().solveInPlace(next->alpha);
  return Posterior(std::move(next));
}

void Posterior::LeaveOneOut(Eigen::VectorXd* mean, Eigen::VectorXd* variance) const {
  const State& s = state();
  Eigen::MatrixXd linv = s.lower;
  detail::InvertLowerInPlace(linv);
  // [K^-1]_ii = sum_j (L^-1)_ji^2 over the lower triangle.
  const Eigen::VectorXd kinv_diagonal =
      Eigen::MatrixXd(linv.triangularView<Eigen::Lower>()).colwise().squaredNorm().transpose();
  const double scale = s.scaling.stddev;
  if (mean != nullptr) {
    *mean = s.data.y.array() - (s.alpha.array() / kinv_diagonal.array()) * scale;  // R&W Eq. 5.12
  }
  if (variance != nullptr) *variance = kinv_diagonal.array().inverse() * scale * scale;
}

nlohmann::json Posterior::ToJson() const {
  const State& s = state();
  nlohmann::json scales = nlohmann::json::array();
  for (double v : s.lengthscales) scales.push_back(v);
  return {{"kernel", ToString(s.kernel)},         {"dim", dim()},
          {"num_points", num_points()},           {"lengthscales", scales},
          {"signal_variance", signal_variance()}, {"noise_variance", noise_variance()},
          {"output_scaling", s.scaling.ToJson()}, {"jitter", s.jitter},
          {"hyperparameters", s.hyper.ToJson()}};
}

}  // namespace kyoso::gp
