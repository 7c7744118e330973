// Hot loops of the kernels, templated on the kind so the compiler inlines the profile in the
// O(n^2 d) pair loops; callers dispatch once per matrix with VisitKernel. Internal to gp.
//
// For each kernel, with scaled distance r, we need the correlation k(r) and
//   q(r) = -(dk/dr) / r,
// which is finite at r = 0 and gives every derivative we use (docs/methods/gp.md §1):
//   d k / d log l_k  =  q(r) (Delta_k / l_k)^2
//   d k / d x_k      = -q(r) Delta_k / l_k^2          (Delta = x - x')
#pragma once

#include <cmath>
#include <utility>

#include <Eigen/Core>

#include "kyoso/gp/kernel.h"

namespace kyoso::gp::detail {

template <KernelKind kKind>
struct Profile;

template <>
struct Profile<KernelKind::kMatern52> {
  // R&W Eq. 4.17 with nu = 5/2.
  static double Value(double r) {
    const double s = std::sqrt(5.0) * r;
    return (1.0 + s + s * s / 3.0) * std::exp(-s);
  }
  static std::pair<double, double> ValueAndQ(double r) {
    const double s = std::sqrt(5.0) * r;
    const double e = std::exp(-s);
    return {(1.0 + s + s * s / 3.0) * e, (5.0 / 3.0) * (1.0 + s) * e};
  }
  // Array form (see ValueAndQArrays below); s and e are scratch of the same size as r2.
  static void ValueAndQArrays(const Eigen::ArrayXd& r2, Eigen::ArrayXd& s, Eigen::ArrayXd& e,
                              Eigen::Ref<Eigen::ArrayXd> value, Eigen::Ref<Eigen::ArrayXd> q) {
    s = std::sqrt(5.0) * r2.sqrt();
    e = (-s).exp();
    value = (1.0 + s + s.square() / 3.0) * e;
    q = (5.0 / 3.0) * (1.0 + s) * e;
  }
};

template <>
struct Profile<KernelKind::kMatern32> {
  // R&W Eq. 4.17 with nu = 3/2.
  static double Value(double r) {
    const double s = std::sqrt(3.0) * r;
    return (1.0 + s) * std::exp(-s);
  }
  static std::pair<double, double> ValueAndQ(double r) {
    const double s = std::sqrt(3.0) * r;
    const double e = std::exp(-s);
    return {(1.0 + s) * e, 3.0 * e};
  }
  static void ValueAndQArrays(const Eigen::ArrayXd& r2, Eigen::ArrayXd& s, Eigen::ArrayXd& e,
                              Eigen::Ref<Eigen::ArrayXd> value, Eigen::Ref<Eigen::ArrayXd> q) {
    s = std::sqrt(3.0) * r2.sqrt();
    e = (-s).exp();
    value = (1.0 + s) * e;
    q = 3.0 * e;
  }
};

template <>
struct Profile<KernelKind::kRbf> {
  // R&W Eq. 4.9.
  static double Value(double r) { return std::exp(-0.5 * r * r); }
  static std::pair<double, double> ValueAndQ(double r) {
    const double k = std::exp(-0.5 * r * r);
    return {k, k};
  }
  static void ValueAndQArrays(const Eigen::ArrayXd& r2, Eigen::ArrayXd&, Eigen::ArrayXd&,
                              Eigen::Ref<Eigen::ArrayXd> value, Eigen::Ref<Eigen::ArrayXd> q) {
    value = (-0.5 * r2).exp();
    q = value;
  }
};

// ValueAndQArrays(r2, s, e, value, q): the correlations and q(r) of many pairs at once from their
// squared scaled distances r2, with Eigen's vectorized sqrt and exp (which may differ from
// std::exp in the last bit). Used by the O(n^2) pair loop of the likelihood.

// Calls fn(std::integral_constant<KernelKind, kind>{}) for the runtime kind.
template <typename Fn>
decltype(auto) VisitKernel(KernelKind kind, Fn&& fn) {
  switch (kind) {
    case KernelKind::kMatern32:
      return fn(std::integral_constant<KernelKind, KernelKind::kMatern32>{});
    case KernelKind::kRbf:
      return fn(std::integral_constant<KernelKind, KernelKind::kRbf>{});
    case KernelKind::kMatern52:
    default:
      return fn(std::integral_constant<KernelKind, KernelKind::kMatern52>{});
  }
}

// Scaled points, transposed: z(k, i) = x(i, k) / l_k (d x n), so a pair loop reads contiguously.
inline Eigen::MatrixXd ScaledTransposed(const Eigen::MatrixXd& x, const Eigen::VectorXd& l) {
  return (x.transpose().array().colwise() / l.array()).matrix();
}

inline double ScaledDistance(const double* a, const double* b, int d) {
  double sum = 0;
  for (int k = 0; k < d; ++k) {
    const double delta = a[k] - b[k];
    sum += delta * delta;
  }
  return std::sqrt(sum);
}

}  // namespace kyoso::gp::detail
