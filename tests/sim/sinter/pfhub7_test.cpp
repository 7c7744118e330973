// PFHub benchmark 7 (manufactured-solution Allen-Cahn, pfhub7.h): the analytic source term
// against finite differences of the manufactured solution, and the observed orders of
// convergence in space and time of the FD kernel's scheme for η. Measured orders and errors:
// docs/methods/sinter.md, "PFHub 7".
#include "kyoso/sim/sinter/pfhub7.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

// S = ∂η/∂t + f'(η) − κ∇²η evaluated with central differences of Pfhub7Exact, Richardson-
// extrapolated from steps 2e-4 and 1e-4 (removes the O(d²) truncation, which alone is ~3e-5
// relative because α varies on 1/(22π) and η on √(2κ) = 0.028); tolerance 1e-6 of the largest
// term, at points inside and away from the interface.
TEST(Pfhub7, AnalyticSourceMatchesFiniteDifferencesOfManufacturedSolution) {
  const double kappa = 0.0004;
  for (double t : {0.0, 3.0, 8.0}) {
    for (double x : {0.05, 0.31, 0.77}) {
      for (double y : {0.20, 0.24, 0.25, 0.27, 0.30}) {
        auto eta = [&](double xx, double yy, double tt) { return Pfhub7Exact(kappa, xx, yy, tt); };
        const double v = eta(x, y, t);
        const double dfdeta = 2 * v * (1 - v) * (1 - 2 * v);
        auto rate = [&](double d) {  // ∂η/∂t − κ∇²η by central differences of step d
          const double dt = (eta(x, y, t + d) - eta(x, y, t - d)) / (2 * d);
          const double lap =
              (eta(x + d, y, t) + eta(x - d, y, t) + eta(x, y + d, t) + eta(x, y - d, t) - 4 * v) /
              (d * d);
          return dt - kappa * lap;
        };
        const double coarse = rate(2e-4);
        const double fine = rate(1e-4);
        const double expected = (4 * fine - coarse) / 3 + dfdeta;
        const double scale = std::fabs(fine) + std::fabs(dfdeta) + 1.0;
        ExpectClose(Pfhub7Source(kappa, x, y, t), expected, 0.0, 1e-6 * scale);
      }
    }
  }
}

// Space: nx = 128 → 256 with dt = 256 h² (parabolic scaling, so the O(dt) time error also
// scales as h²; it is below 1 % of the spatial error here). Oracle: second-order central
// stencil, observed order p = log2(e_h / e_{h/2}) of the L2 error against the exact solution at
// t = 8 in [1.8, 2.4] (measured 2.13; nx = 64 → 128 is pre-asymptotic, 2.68, with the interface
// √(2κ) = 0.028 resolved by under 2 cells at nx = 64; table on the methods page).
TEST(Pfhub7, FdSchemeConvergesAtSecondOrderInSpace) {
  auto l2 = [](int nx) {
    const double h = 1.0 / nx;
    return RunPfhub7({.nx = nx, .dt = 256.0 * h * h, .end_time = 8.0}).l2_error;
  };
  const double p = std::log2(l2(128) / l2(256));
  EXPECT_GE(p, 1.8);
  EXPECT_LE(p, 2.4);
}

// Time: on a fixed grid (nx = 128) the spatial error is common to every run, so the
// self-convergence differences e1 = |u_dt − u_dt/2|, e2 = |u_dt/2 − u_dt/4| (RMS over the grid)
// measure the temporal error alone; forward Euler is first order, so p = log2(e1/e2) must be in
// [0.9, 1.1] (measured 1.0x, see the methods page).
TEST(Pfhub7, FdSchemeConvergesAtFirstOrderInTime) {
  const double dt = 0.016;
  auto run = [&](double step) { return RunPfhub7({.nx = 128, .dt = step, .end_time = 8.0}).eta; };
  auto rms = [](const std::vector<double>& u, const std::vector<double>& v) {
    double sum2 = 0.0;
    for (std::size_t c = 0; c < u.size(); ++c) sum2 += (u[c] - v[c]) * (u[c] - v[c]);
    return std::sqrt(sum2 / static_cast<double>(u.size()));
  };
  const std::vector<double> u1 = run(dt);
  const std::vector<double> u2 = run(dt / 2);
  const std::vector<double> u4 = run(dt / 4);
  const double p = std::log2(rms(u1, u2) / rms(u2, u4));
  EXPECT_GE(p, 0.9);
  EXPECT_LE(p, 1.1);
}

TEST(Pfhub7, RefusesAStepAboveTheForwardEulerLimit) {
  EXPECT_THROW(RunPfhub7({.nx = 128, .dt = 0.1}), InputError);
}

}  // namespace
}  // namespace kyoso::sim::sinter
