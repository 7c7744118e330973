// Log marginal likelihood with analytic gradients, and the hyperprior (see likelihood.h and
// docs/methods/gp.md §3-4).
#include "kyoso/gp/likelihood.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "kyoso/base/parallel.h"
#include "kyoso/gp/detail/cholesky.h"
#include "kyoso/gp/detail/kernel_impl.h"
#include "kyoso/gp/detail/likelihood_impl.h"

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
                                      bool with_gradient, bool estimate_mean) {
  detail::LikelihoodWorkspace workspace;
  return detail::LogMarginalLikelihood(x, y, kernel, h, with_gradient, estimate_mean, workspace, 1);
}

namespace detail {

LikelihoodValue LogMarginalLikelihood(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      KernelKind kernel, const Hyperparameters& h,
                                      bool with_gradient, bool estimate_mean,
                                      LikelihoodWorkspace& workspace, int num_threads) {
  LikelihoodValue result;
  const Eigen::Index n = x.rows();
  const int d = static_cast<int>(x.cols());
  const Eigen::VectorXd lengthscales = h.log_lengthscales.array().exp();
  const double signal_variance = std::exp(h.log_signal_variance);
  const double noise_variance = std::exp(h.log_noise_variance);
  const Eigen::MatrixXd z = ScaledTransposed(x, lengthscales);  // d x n

  // Column blocks of the O(n^2) loops, a fixed partition so results do not depend on threads.
  constexpr Eigen::Index kColumns = 64;
  const int num_blocks = static_cast<int>((n + kColumns - 1) / kColumns);
  const int threads = n >= 256 ? num_threads : 1;

  // Lower triangles of the correlation C and of q(r) (kernel_impl.h); K = sf2 C + sn2 I. Column
  // by column, vectorized over the rows i >= j of the scaled points zt (n x d).
  Eigen::MatrixXd& correlation = workspace.correlation;
  Eigen::MatrixXd& q = workspace.q;
  correlation.resize(n, n);
  q.resize(n, n);
  const Eigen::MatrixXd zt = z.transpose();
  VisitKernel(kernel, [&](auto tag) {
    using P = Profile<tag()>;
    ParallelFor(num_blocks, threads, [&](int block, int) {
      Eigen::ArrayXd r2, s, e;
      const Eigen::Index end = std::min(n, (block + 1) * kColumns);
      for (Eigen::Index j = block * kColumns; j < end; ++j) {
        const Eigen::Index length = n - j;
        r2.setZero(length);
        for (int k = 0; k < d; ++k) {
          r2 += (zt.col(k).tail(length).array() - zt(j, k)).square();
        }
        auto value = correlation.col(j).tail(length).array();
        auto qr = q.col(j).tail(length).array();
        P::ValueAndQArrays(r2, s, e, value, qr);
      }
    });
  });
  // K = sf2 C + sn2 I, factorized in place; on failure, jitter escalates as RobustCholesky's
  // (detail/cholesky.h), rebuilding K from C each time.
  Eigen::MatrixXd& factor = workspace.factor;
  factor.resize(n, n);
  const double mean_diagonal = signal_variance + noise_variance;
  bool factorized = false;
  for (double relative = 0; relative <= 1e-4 * 1.0001;
       relative = relative == 0 ? 1e-10 : relative * 10) {
    const double jitter = relative * mean_diagonal;
    factor.triangularView<Eigen::Lower>() = signal_variance * correlation;
    factor.diagonal().array() += noise_variance + jitter;
    if (CholeskyInPlace(factor, threads) && std::isfinite(factor.diagonal().minCoeff())) {
      result.jitter = jitter;
      factorized = true;
      break;
    }
  }
  if (!factorized) return result;
  auto lower = factor.triangularView<Eigen::Lower>();

  Eigen::VectorXd alpha = lower.solve(y);  // L^-1 y
  if (estimate_mean) {
    // m = 1^T K^-1 y / 1^T K^-1 1 = (L^-1 1).(L^-1 y) / |L^-1 1|^2; L^-1 (y - m 1) = L^-1 y - m
    // L^-1 1.
    const Eigen::VectorXd ones = lower.solve(Eigen::VectorXd::Ones(n));
    result.constant_mean = ones.dot(alpha) / ones.squaredNorm();
    alpha -= result.constant_mean * ones;
  }
  const double data_fit = alpha.squaredNorm();
  lower.transpose().solveInPlace(alpha);  // alpha = K^-1 (y - m)
  const double log_det_half = factor.diagonal().array().log().sum();
  result.log_marginal_likelihood =
      -0.5 * data_fit - log_det_half - 0.5 * static_cast<double>(n) * kLogTwoPi;  // R&W Eq. 2.30
  result.ok = std::isfinite(result.log_marginal_likelihood);
  if (!with_gradient || !result.ok) return result;

  // W = alpha alpha^T - K^-1; dLML/dtheta = tr(W dK/dtheta) / 2 (R&W Eq. 5.9).
  // Lower triangle of K^-1 = L^-T L^-1 (2n^3/3 flops, detail/cholesky.h).
  Eigen::MatrixXd& kinv = workspace.inverse;
  CholeskyInverse(factor, kinv, workspace.work, threads);
  // Overwrite q by the scaled weights M = sf2/2 * W o Q (symmetric, stored in full); the traces
  // are summed per column, then over columns in order.
  Eigen::MatrixXd& m = q;
  Eigen::VectorXd column_trace_wc(n);
  Eigen::VectorXd column_w(n);
  ParallelFor(num_blocks, threads, [&](int block, int) {
    const Eigen::Index end = std::min(n, (block + 1) * kColumns);
    for (Eigen::Index j = block * kColumns; j < end; ++j) {
      const double wjj = alpha(j) * alpha(j) - kinv(j, j);
      column_w(j) = wjj;
      double trace_wc = wjj * correlation(j, j);
      for (Eigen::Index i = j + 1; i < n; ++i) {
        const double wij = alpha(i) * alpha(j) - kinv(i, j);
        trace_wc += 2.0 * wij * correlation(i, j);
        m(i, j) = 0.5 * signal_variance * wij * q(i, j);
      }
      column_trace_wc(j) = trace_wc;
      m(j, j) = 0;  // Delta = 0 on the diagonal: no length-scale derivative
    }
  });
  // Mirror the lower triangle of M into its upper triangle (column blocks of rows: no overlap).
  ParallelFor(num_blocks, threads, [&](int block, int) {
    const Eigen::Index end = std::min(n, (block + 1) * kColumns);
    for (Eigen::Index j = block * kColumns; j < end; ++j) {
      for (Eigen::Index i = 0; i < j; ++i) m(i, j) = m(j, i);
    }
  });
  double trace_w = 0;
  double trace_wc = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    trace_w += column_w(j);
    trace_wc += column_trace_wc(j);
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

}  // namespace detail
}  // namespace kyoso::gp
