// Stationary covariance kernels of the GP surrogate: Matérn 5/2 (default), Matérn 3/2 and the
// squared exponential (RBF), each with one length scale per input dimension (ARD) on the unit
// cube. The kernel is chosen at run time (a spec names it), so it is a closed enum; the hot loops
// are templated on the kind inside gp (detail/kernel_impl.h). Equations: docs/methods/gp.md §1.
#pragma once

#include <optional>
#include <string>

#include <Eigen/Core>

namespace kyoso::gp {

enum class KernelKind { kMatern52, kMatern32, kRbf };

std::string ToString(KernelKind kind);  // "matern52", "matern32", "rbf"
std::optional<KernelKind> ParseKernelKind(const std::string& text);

// The kernel's correlation as a function of the scaled distance
// r = sqrt(sum_k ((x_k - x'_k) / l_k)^2) >= 0, with unit signal variance (Rasmussen & Williams
// 2006, Eqs. 4.9 and 4.17):
//   Matérn 5/2: (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r)
//   Matérn 3/2: (1 + sqrt3 r) exp(-sqrt3 r)
//   RBF:        exp(-r^2 / 2)
double Correlation(KernelKind kind, double r);

// Cross-covariance matrix K_ij = signal_variance * Correlation(r(a_i, b_j)).
// a: m x d points, b: n x d points (rows are points, unit cube), lengthscales: d, > 0.
// Returns m x n.
Eigen::MatrixXd CrossCovariance(KernelKind kind, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                const Eigen::VectorXd& lengthscales, double signal_variance);

}  // namespace kyoso::gp
