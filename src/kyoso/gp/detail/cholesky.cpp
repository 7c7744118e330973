// Robust Cholesky with jitter escalation (see detail/cholesky.h).
#include "kyoso/gp/detail/cholesky.h"

#include <algorithm>
#include <cmath>

#include "kyoso/base/parallel.h"

namespace kyoso::gp::detail {

CholeskyResult RobustCholesky(Eigen::MatrixXd k) {
  CholeskyResult result;
  const Eigen::Index n = k.rows();
  if (n == 0) {
    result.ok = true;
    result.lower = std::move(k);
    return result;
  }
  const double mean_diagonal = k.diagonal().mean();
  const Eigen::VectorXd diagonal = k.diagonal();
  for (double relative = 0; relative <= 1e-4 * 1.0001;
       relative = relative == 0 ? 1e-10 : relative * 10) {
    Eigen::MatrixXd a = k;
    if (relative > 0) {
      result.jitter = relative * std::max(mean_diagonal, 1e-300);
      a.diagonal() = diagonal.array() + result.jitter;
    }
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(a);
    if (llt.info() == Eigen::Success && std::isfinite(a.diagonal().minCoeff())) {
      result.lower = std::move(a);
      result.ok = true;
      return result;
    }
  }
  result.ok = false;
  return result;
}

namespace {
// Below this size the blocks are handled by Eigen's unblocked triangular routines.
constexpr Eigen::Index kBaseBlock = 64;
}  // namespace

void InvertLowerInPlace(Eigen::Ref<Eigen::MatrixXd> l) {
  const Eigen::Index n = l.rows();
  if (n <= kBaseBlock) {
    Eigen::MatrixXd inverse = Eigen::MatrixXd::Identity(n, n);
    l.triangularView<Eigen::Lower>().solveInPlace(inverse);
    l.triangularView<Eigen::Lower>() = inverse;
    return;
  }
  // [A 0; B C]^-1 = [A^-1 0; -C^-1 B A^-1  C^-1]
  const Eigen::Index h = n / 2;
  InvertLowerInPlace(l.topLeftCorner(h, h));
  InvertLowerInPlace(l.bottomRightCorner(n - h, n - h));
  Eigen::MatrixXd t =
      l.bottomLeftCorner(n - h, h) * l.topLeftCorner(h, h).triangularView<Eigen::Lower>();
  l.bottomLeftCorner(n - h, h).noalias() =
      -(l.bottomRightCorner(n - h, n - h).triangularView<Eigen::Lower>() * t);
}

void LowerTransposeTimesLowerInPlace(Eigen::Ref<Eigen::MatrixXd> l) {
  const Eigen::Index n = l.rows();
  if (n <= kBaseBlock) {
    const Eigen::MatrixXd lower = l.triangularView<Eigen::Lower>();
    const Eigen::MatrixXd product = lower.transpose() * lower;
    l.triangularView<Eigen::Lower>() = product;
    return;
  }
  // [P 0; Q R]^T [P 0; Q R] = [P^T P + Q^T Q, Q^T R; R^T Q, R^T R]; lower blocks in place.
  const Eigen::Index h = n / 2;
  LowerTransposeTimesLowerInPlace(l.topLeftCorner(h, h));
  l.topLeftCorner(h, h).selfadjointView<Eigen::Lower>().rankUpdate(
      l.bottomLeftCorner(n - h, h).transpose());
  Eigen::MatrixXd rq =
      l.bottomRightCorner(n - h, n - h).triangularView<Eigen::Lower>().transpose() *
      l.bottomLeftCorner(n - h, h);
  l.bottomLeftCorner(n - h, h) = rq;
  LowerTransposeTimesLowerInPlace(l.bottomRightCorner(n - h, n - h));
}

void CholeskyInverse(const Eigen::MatrixXd& lower, Eigen::MatrixXd& inverse, Eigen::MatrixXd& work,
                     int num_threads) {
  const Eigen::Index n = lower.rows();
  inverse.resize(n, n);
  work.resize(n, n);
  // The algorithm depends on n only, never on num_threads (identical results).
  if (n <= 2 * kBaseBlock) {
    inverse.triangularView<Eigen::Lower>() = lower.triangularView<Eigen::Lower>();
    InvertLowerInPlace(inverse);
    LowerTransposeTimesLowerInPlace(inverse);
    return;
  }
  constexpr Eigen::Index kPanel = 64;
  const int num_panels = static_cast<int>((n + kPanel - 1) / kPanel);
  // X = L^-1 by column panels: X[j:, J] = L[j:, j:]^-1 [I; 0] (X is lower triangular). Panels
  // are taken from the left, the most expensive first.
  ParallelFor(num_panels, num_threads, [&](int panel, int) {
    const Eigen::Index j = panel * kPanel;
    const Eigen::Index b = std::min(kPanel, n - j);
    auto x = work.block(j, j, n - j, b);
    x.setZero();
    x.topRows(b).setIdentity();
    lower.bottomRightCorner(n - j, n - j).triangularView<Eigen::Lower>().solveInPlace(x);
  });
  // K^-1 = X^T X by row panels: K^-1[I, 0:i+b] = X[i:, I]^T X[i:, 0:i+b] (rows above i of X[:, I]
  // are zero).
  ParallelFor(num_panels, num_threads, [&](int panel, int) {
    const Eigen::Index i = panel * kPanel;
    const Eigen::Index b = std::min(kPanel, n - i);
    inverse.block(i, 0, b, i + b).noalias() =
        work.block(i, i, n - i, b).transpose() * work.block(i, 0, n - i, i + b);
  });
}

}  // namespace kyoso::gp::detail
