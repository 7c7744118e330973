// Kernel profiles and matrices against the closed forms of Rasmussen & Williams 2006 (Eqs. 4.9,
// 4.17), evaluated by hand here.
#include "kyoso/gp/kernel.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_close.h"

namespace kyoso::gp {
namespace {

using kyoso::testing::ExpectClose;

TEST(Kernel, NamesRoundTrip) {
  for (KernelKind kind : {KernelKind::kMatern52, KernelKind::kMatern32, KernelKind::kRbf}) {
    ASSERT_TRUE(ParseKernelKind(ToString(kind)).has_value());
    EXPECT_TRUE(*ParseKernelKind(ToString(kind)) == kind);
  }
  EXPECT_FALSE(ParseKernelKind("matern12").has_value());
}

TEST(Kernel, CorrelationsMatchHandComputedValues) {
  // r = 0.7: Matérn 5/2 (1 + sqrt5 r + 5r^2/3) e^{-sqrt5 r}; Matérn 3/2 (1 + sqrt3 r) e^{-sqrt3 r};
  // RBF e^{-r^2/2}. Reference values from these formulas (Python, double precision).
  const double r = 0.7;
  ExpectClose(Correlation(KernelKind::kMatern52, r), 0.7069426819040978, 1e-13);
  ExpectClose(Correlation(KernelKind::kMatern32, r), 0.658137376316584, 1e-13);
  ExpectClose(Correlation(KernelKind::kRbf, r), 0.7827045382418681, 1e-13);
  for (KernelKind kind : {KernelKind::kMatern52, KernelKind::kMatern32, KernelKind::kRbf}) {
    ExpectClose(Correlation(kind, 0.0), 1.0, 1e-15);
  }
}

TEST(Kernel, CrossCovarianceUsesArdScaledDistances) {
  Eigen::MatrixXd a(2, 2);
  a << 0.1, 0.2, 0.9, 0.4;
  Eigen::MatrixXd b(3, 2);
  b << 0.1, 0.2, 0.5, 0.5, 1.0, 0.0;
  const Eigen::Vector2d l(0.3, 1.5);
  const double sf2 = 2.5;
  for (KernelKind kind : {KernelKind::kMatern52, KernelKind::kMatern32, KernelKind::kRbf}) {
    const Eigen::MatrixXd k = CrossCovariance(kind, a, b, l, sf2);
    ASSERT_EQ(k.rows(), 2);
    ASSERT_EQ(k.cols(), 3);
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) {
        const double dx = (a(i, 0) - b(j, 0)) / l(0);
        const double dy = (a(i, 1) - b(j, 1)) / l(1);
        const double r = std::sqrt(dx * dx + dy * dy);
        double expected = 0;
        if (kind == KernelKind::kMatern52) {
          expected = (1 + std::sqrt(5.0) * r + 5.0 * r * r / 3.0) * std::exp(-std::sqrt(5.0) * r);
        } else if (kind == KernelKind::kMatern32) {
          expected = (1 + std::sqrt(3.0) * r) * std::exp(-std::sqrt(3.0) * r);
        } else {
          expected = std::exp(-0.5 * r * r);
        }
        ExpectClose(k(i, j), sf2 * expected, 1e-14);
      }
    }
  }
}

}  // namespace
}  // namespace kyoso::gp
