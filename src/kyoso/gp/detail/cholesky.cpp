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
constexpr Eigen::Index kBaseBlock = 16;
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

namespace {

// Column panels of a fixed width for the parallel steps below: the partition depends on the
// matrix size only, so every panel is the same fixed-shape product whichever thread runs it.
constexpr Eigen::Index kPanel = 64;

int NumPanels(Eigen::Index columns) { return static_cast<int>((columns + kPanel - 1) / kPanel); }

// InvertLowerInPlace's top level with its independent parts on threads: the two diagonal
// blocks, then T = B A^-1 and -C^-1 T by column panels. `scratch` holds T.
void InvertLowerParallel(Eigen::Ref<Eigen::MatrixXd> l, Eigen::MatrixXd& scratch, int num_threads) {
  const Eigen::Index n = l.rows();
  const Eigen::Index h = n / 2;
  const Eigen::Index m = n - h;
  ParallelFor(2, num_threads, [&](int task, int) {
    if (task == 0) {
      InvertLowerInPlace(l.topLeftCorner(h, h));
    } else {
      InvertLowerInPlace(l.bottomRightCorner(m, m));
    }
  });
  scratch.resize(m, h);
  const int panels = NumPanels(h);
  // T[:, J] = B[:, J] A^-1[J, J] + B[:, j+b:] A^-1[j+b:, J] (A^-1 lower; its upper part holds
  // unrelated values, so the diagonal block goes through a triangular view).
  ParallelFor(panels, num_threads, [&](int panel, int) {
    const Eigen::Index j = panel * kPanel;
    const Eigen::Index b = std::min(kPanel, h - j);
    auto t = scratch.middleCols(j, b);
    t.noalias() = l.block(h, j, m, b) * l.block(j, j, b, b).triangularView<Eigen::Lower>();
    if (j + b < h) {
      t.noalias() += l.block(h, j + b, m, h - j - b) * l.block(j + b, j, h - j - b, b);
    }
  });
  ParallelFor(panels, num_threads, [&](int panel, int) {
    const Eigen::Index j = panel * kPanel;
    const Eigen::Index b = std::min(kPanel, h - j);
    l.block(h, j, m, b).noalias() =
        -(l.bottomRightCorner(m, m).triangularView<Eigen::Lower>() * scratch.middleCols(j, b));
  });
}

// LowerTransposeTimesLowerInPlace's top level as two independent tasks:
// P^T P + Q^T Q (reads Q) and R^T Q (into scratch), R^T R; then Q = R^T Q.
void LowerTransposeTimesLowerParallel(Eigen::Ref<Eigen::MatrixXd> l, Eigen::MatrixXd& scratch,
                                      int num_threads) {
  const Eigen::Index n = l.rows();
  const Eigen::Index h = n / 2;
  const Eigen::Index m = n - h;
  scratch.resize(m, h);
  ParallelFor(2, num_threads, [&](int task, int) {
    if (task == 0) {
      LowerTransposeTimesLowerInPlace(l.topLeftCorner(h, h));
      l.topLeftCorner(h, h).selfadjointView<Eigen::Lower>().rankUpdate(
          l.bottomLeftCorner(m, h).transpose());
    } else {
      scratch.noalias() = l.bottomRightCorner(m, m).triangularView<Eigen::Lower>().transpose() *
                          l.bottomLeftCorner(m, h);
      LowerTransposeTimesLowerInPlace(l.bottomRightCorner(m, m));
    }
  });
  l.bottomLeftCorner(m, h) = scratch;
}

}  // namespace

bool CholeskyInPlace(Eigen::MatrixXd& a, int num_threads) {
  const Eigen::Index n = a.rows();
  if (n <= kParallelSize) {
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(a);
    return llt.info() == Eigen::Success;
  }
  // Right-looking (outer-product) blocked Cholesky (Golub & Van Loan 2013, §4.2) over fixed panels.
  for (Eigen::Index k = 0; k < n; k += kPanel) {
    const Eigen::Index b = std::min(kPanel, n - k);
    Eigen::Ref<Eigen::MatrixXd> diagonal_block = a.block(k, k, b, b);
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(diagonal_block);
    if (llt.info() != Eigen::Success) return false;
    const Eigen::Index rest = n - k - b;
    if (rest == 0) break;
    const int panels = NumPanels(rest);
    // A21 <- A21 L11^-T, by row panels.
    ParallelFor(panels, num_threads, [&](int panel, int) {
      const Eigen::Index i = k + b + panel * kPanel;
      const Eigen::Index rows = std::min(kPanel, n - i);
      auto panel_block = a.block(i, k, rows, b);
      a.block(k, k, b, b)
          .triangularView<Eigen::Lower>()
          .transpose()
          .solveInPlace<Eigen::OnTheRight>(panel_block);
    });
    // A22 <- A22 - A21 A21^T, lower part, by column panels (each one product).
    ParallelFor(panels, num_threads, [&](int panel, int) {
      const Eigen::Index j = k + b + panel * kPanel;
      const Eigen::Index cols = std::min(kPanel, n - j);
      a.block(j, j, n - j, cols).noalias() -=
          a.block(j, k, n - j, b) * a.block(j, k, cols, b).transpose();
    });
  }
  return true;
}

void CholeskyInverse(const Eigen::MatrixXd& lower, Eigen::MatrixXd& inverse, Eigen::MatrixXd& work,
                     int num_threads) {
  const Eigen::Index n = lower.rows();
  inverse.resize(n, n);
  inverse.triangularView<Eigen::Lower>() = lower.triangularView<Eigen::Lower>();
  // The algorithm depends on n only, never on num_threads (identical results).
  if (n <= kParallelSize) {
    InvertLowerInPlace(inverse);
    LowerTransposeTimesLowerInPlace(inverse);
    return;
  }
  InvertLowerParallel(inverse, work, num_threads);
  LowerTransposeTimesLowerParallel(inverse, work, num_threads);
}

}  // namespace kyoso::gp::detail
