// Log marginal likelihood with analytic gradients, and the hyperprior (see likelihood.h and
// docs/methods/gp.md §3-4).
#include "kyoso/gp/likelihood.h"

#include <cmath>
#include <numbers>

#include "kyoso/gp/detail/cholesky.h"
#include "kyoso/gp/detail/kernel_impl.h"

namespace kyoso::gp {
namespace {

constexpr double kLogTwoPi = 1.8378770664093453;  // log(2 pi)

// log density of Normal(mean, stddev) at v and its derivative with respect to v.
double LogNormalDensity(double v, double mean, double stddev, double* derivative) {
  const double u = (v - mean) / stddev;
  if (derivative != nullptr) *derivative = -u / stddev;
  return -0.5 * u * u - std::log(stddev) - 0.5 * kLogTwoPi;
}

constexpr double kSignalPriorMean = 0.0;
constexpr double kSignalPriorStddev = 1.0;

}  // namespace

double LengthscalePriorLocation(int dim) {
  return 0.5 * std::log(static_cast<double>(std::max(dim, 1))) - std::numbers::sqrt2;
}

double LogPrior(const Hyperparameters& h, bool learn_noise, Eigen::VectorXd* gradient) {
  const int d = h.dim();
  const double location = LengthscalePriorLocation(d);
  const double scale = kLengthscalePriorStddev;
  if (gradient != nullptr) gradient->setZero(d + 2);
  double total = 0;
  double derivative = 0;
  for (int k = 0; k < d; ++k) {
    total += LogNormalDensity(h.log_lengthscales(k), location, scale, &derivative);
    if (gradient != nullptr) (*gradient)(k) = derivative;
  }
  total +=
      LogNormalDensity(h.log_signal_variance, kSignalPriorMean, kSignalPriorStddev, &derivative);
  if (gradient != nullptr) (*gradient)(d) = derivative;
  if (learn_noise) {
    total +=
        LogNormalDensity(h.log_noise_variance, kNoisePriorMean, kNoisePriorStddev, &derivative);
    if (gradient != nullptr) (*gradient)(d + 1) = derivative;
  }
  return total;
}

LikelihoodValue LogMarginalLikelihood(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      KernelKind kernel, const Hyperparameters& h,
                                      bool with_gradient) {
  LikelihoodValue result;
  const Eigen::Index n = x.rows();
  const int d = static_cast<int>(x.cols());
  const Eigen::VectorXd lengthscales = h.log_lengthscales.array().exp();
  const double signal_variance = std::exp(h.log_signal_variance);
  const double noise_variance = std::exp(h.log_noise_variance);
  const Eigen::MatrixXd z = detail::ScaledTransposed(x, lengthscales);  // d x n

  // Lower triangles of the correlation C and of q(r) (kernel_impl.h); K = sf2 C + sn2 I.
  Eigen::MatrixXd correlation(n, n);
  Eigen::MatrixXd q;
  if (with_gradient) q.resize(n, n);
  detail::VisitKernel(kernel, [&](auto tag) {
    using P = detail::Profile<tag()>;
    for (Eigen::Index j = 0; j < n; ++j) {
      for (Eigen::Index i = j; i < n; ++i) {
        const double r = detail::ScaledDistance(&z(0, i), &z(0, j), d);
        if (with_gradient) {
          const auto [value, qr] = P::ValueAndQ(r);
          correlation(i, j) = value;
          q(i, j) = qr;
        } else {
          correlation(i, j) = P::Value(r);
        }
      }
    }
  });
  Eigen::MatrixXd k = signal_variance * correlation;
  k.diagonal().array() += noise_variance;
  detail::CholeskyResult chol = detail::RobustCholesky(std::move(k));
  if (!chol.ok) return result;
  result.jitter = chol.jitter;
  auto lower = chol.lower.triangularView<Eigen::Lower>();

  Eigen::VectorXd alpha = lower.solve(y);
  const double data_fit = alpha.squaredNorm();
  lower.transpose().solveInPlace(alpha);  // alpha = K^-1 y
  const double log_det_half = chol.lower.diagonal().array().log().sum();
  result.log_marginal_likelihood =
      -0.5 * data_fit - log_det_half - 0.5 * static_cast<double>(n) * kLogTwoPi;  // R&W Eq. 2.30
  result.ok = std::isfinite(result.log_marginal_likelihood);
  if (!with_gradient || !result.ok) return result;

  // W = alpha alpha^T - K^-1; dLML/dtheta = tr(W dK/dtheta) / 2 (R&W Eq. 5.9).
  // Lower triangle of K^-1 = L^-T L^-1, in place of L (2n^3/3 flops, detail/cholesky.h).
  Eigen::MatrixXd& kinv = chol.lower;
  detail::InvertLowerInPlace(kinv);
  detail::LowerTransposeTimesLowerInPlace(kinv);
  // Fill W's lower triangle, then the scaled weights M = sf2/2 * W o Q (symmetric, used in full).
  double trace_w = 0;
  double trace_wc = 0;
  Eigen::MatrixXd m(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = j; i < n; ++i) {
      const double wij = alpha(i) * alpha(j) - kinv(i, j);
      const double factor = i == j ? 1.0 : 2.0;
      trace_wc += factor * wij * correlation(i, j);
      if (i == j) trace_w += wij;
      const double mij = 0.5 * signal_variance * wij * q(i, j);
      m(i, j) = mij;
      m(j, i) = mij;
    }
    m(j, j) = 0;  // Delta = 0 on the diagonal: no length-scale derivative
  }
  result.gradient.resize(d + 2);
  // d/dlog l_k: sum_ij M_ij (z_ki - z_kj)^2 = 2 sum_i z_ki^2 rowsum_i(M) - 2 z_k^T M z_k.
  const Eigen::VectorXd row_sums = m.rowwise().sum();
  const Eigen::MatrixXd mz = m * z.transpose();  // n x d
  for (int kk = 0; kk < d; ++kk) {
    const double a = (z.row(kk).transpose().array().square() * row_sums.array()).sum();
    const double b = z.row(kk).dot(mz.col(kk));
    result.gradient(kk) = 2.0 * a - 2.0 * b;
  }
  result.gradient(d) = 0.5 * signal_variance * trace_wc;
  result.gradient(d + 1) = 0.5 * noise_variance * trace_w;
  return result;
}

}  // namespace kyoso::gp
