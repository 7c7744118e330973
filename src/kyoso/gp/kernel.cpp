// Kernels: names, correlation profiles and cross-covariance matrices (see kernel.h).
#include "kyoso/gp/kernel.h"

#include "kyoso/gp/detail/kernel_impl.h"

namespace kyoso::gp {

std::string ToString(KernelKind kind) {
  switch (kind) {
    case KernelKind::kMatern32:
      return "matern32";
    case KernelKind::kRbf:
      return "rbf";
    case KernelKind::kMatern52:
      break;
  }
  return "matern52";
}

std::optional<KernelKind> ParseKernelKind(const std::string& text) {
  if (text == "matern52") return KernelKind::kMatern52;
  if (text == "matern32") return KernelKind::kMatern32;
  if (text == "rbf") return KernelKind::kRbf;
  return std::nullopt;
}

double Correlation(KernelKind kind, double r) {
  return detail::VisitKernel(kind, [r](auto tag) { return detail::Profile<tag()>::Value(r); });
}

Eigen::MatrixXd CrossCovariance(KernelKind kind, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                const Eigen::VectorXd& lengthscales, double signal_variance) {
  const Eigen::MatrixXd za = detail::ScaledTransposed(a, lengthscales);
  const Eigen::MatrixXd zb = detail::ScaledTransposed(b, lengthscales);
  const int d = static_cast<int>(za.rows());
  Eigen::MatrixXd k(a.rows(), b.rows());
  detail::VisitKernel(kind, [&](auto tag) {
    using P = detail::Profile<tag()>;
    for (Eigen::Index j = 0; j < zb.cols(); ++j) {
      for (Eigen::Index i = 0; i < za.cols(); ++i) {
        k(i, j) = signal_variance * P::Value(detail::ScaledDistance(&za(0, i), &zb(0, j), d));
      }
    }
  });
  return k;
}

}  // namespace kyoso::gp
