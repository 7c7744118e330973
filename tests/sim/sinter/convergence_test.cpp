// Observed order of convergence in time of both kernels (self-convergence, MFEM style): on a
// smooth periodic state the difference between runs with Δt and Δt/2 must halve when Δt halves
// (both schemes are first order in time). Spatial order: FdKernel.RightHandSideConverges...
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/spectral_kernel.h"
#include "sim/sinter/test_model.h"

namespace kyoso::sim::sinter {
namespace {

StepModel Model() { return testing::TestModel(); }

State Smooth() {
  const int n = 32;
  const double length = 64.0;
  Grid g{.dims = 2, .n = {n, 8, 1}, .dx = length / n};
  State s = MakeState(g, 2);
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < n; ++i) {
      const double x = 2.0 * std::numbers::pi * i * g.dx / length;
      const std::size_t c = g.Index(i, j, 0);
      // Outside the spinodal region (∂²f/∂ρ² > 0), so the solution depends smoothly on Δt.
      s.rho[c] = 0.95 + 0.04 * std::sin(x);
      s.Eta(0)[c] = 0.8 + 0.1 * std::cos(x);
      s.Eta(1)[c] = 0.1 - 0.05 * std::sin(2 * x);
    }
  }
  return s;
}

template <class Kernel>
State Advance(double dt, double end_time) {
  State s = Smooth();
  Kernel kernel(s.grid, 2, 1);
  const int steps = static_cast<int>(std::lround(end_time / dt));
  for (int k = 0; k < steps; ++k) kernel.Step(s, Model(), dt, nullptr);
  return s;
}

double MaxDifference(const State& a, const State& b) {
  double d = 0.0;
  for (std::size_t c = 0; c < a.rho.size(); ++c) d = std::max(d, std::fabs(a.rho[c] - b.rho[c]));
  for (std::size_t c = 0; c < a.eta.size(); ++c) d = std::max(d, std::fabs(a.eta[c] - b.eta[c]));
  return d;
}

// Order p = log2(e(Δt)/e(Δt/2)), e(Δt) = max|u_Δt − u_Δt/2|; accepted 0.9 ≤ p ≤ 1.1
// (observed: FD 1.02, spectral 0.96).
template <class Kernel>
double ObservedTimeOrder(double dt, double end_time) {
  const State u1 = Advance<Kernel>(dt, end_time);
  const State u2 = Advance<Kernel>(dt / 2, end_time);
  const State u4 = Advance<Kernel>(dt / 4, end_time);
  return std::log2(MaxDifference(u1, u2) / MaxDifference(u2, u4));
}

TEST(TimeConvergence, FiniteDifferenceKernelIsFirstOrder) {
  const double limit = FdStableStep(Smooth().grid, Model());
  const double p = ObservedTimeOrder<FdKernel>(0.5 * limit, 400 * limit);
  EXPECT_GT(p, 0.9);
  EXPECT_LT(p, 1.1);
}

TEST(TimeConvergence, SpectralKernelIsFirstOrder) {
  // Steps 20× the explicit limit: the stabilized scheme is still in its asymptotic range.
  const double limit = FdStableStep(Smooth().grid, Model());
  const double p = ObservedTimeOrder<SpectralKernel>(20.0 * limit, 800 * limit);
  EXPECT_GT(p, 0.9);
  EXPECT_LT(p, 1.1);
}

}  // namespace
}  // namespace kyoso::sim::sinter
