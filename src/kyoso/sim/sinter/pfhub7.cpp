// PFHub 7 (manufactured-solution Allen-Cahn) with the FD kernel's scheme; see pfhub7.h and
// docs/methods/sinter.md, "PFHub 7".
#include "kyoso/sim/sinter/pfhub7.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace kyoso::sim::sinter {

namespace {

// α(x, t) and its derivatives (PFHub 7 constants).
constexpr double kA1 = 0.0075;
constexpr double kB1 = 8.0 * std::numbers::pi;
constexpr double kA2 = 0.03;
constexpr double kB2 = 22.0 * std::numbers::pi;
constexpr double kC2 = 0.0625 * std::numbers::pi;

struct Alpha {
  double value, dx, dxx, dt;
};

Alpha AlphaAt(double x, double t) {
  const double s1 = std::sin(kB1 * x);
  const double c1 = std::cos(kB1 * x);
  const double s2 = std::sin(kB2 * x + kC2 * t);
  const double c2 = std::cos(kB2 * x + kC2 * t);
  return {.value = 0.25 + kA1 * t * s1 + kA2 * s2,
          .dx = kA1 * t * kB1 * c1 + kA2 * kB2 * c2,
          .dxx = -kA1 * t * kB1 * kB1 * s1 - kA2 * kB2 * kB2 * s2,
          .dt = kA1 * s1 + kA2 * kC2 * c2};
}

// The source S = ∂η/∂t + f'(η) − κ∇²η of the manufactured solution at height y, given α(x, t)
// and its derivatives. With s = √(2κ), z = (y − α)/s, η = ½(1 − tanh z), g = η(1 − η) = ¼ sech² z:
//   ∂η/∂z = −2g, ∂²η/∂z² = 4g(1 − 2η), hence
//   ∂η/∂t = 2g α_t/s,  ∇²η = 4g(1 − 2η)(1 + α_x²)/s² + 2g α_xx/s,  f'(η) = 2g(1 − 2η),
//   S = 2g α_t/s − 2g(1 − 2η) α_x² − 2κ g α_xx/s.
double SourceAt(const Alpha& a, double kappa, double y) {
  const double s = std::sqrt(2.0 * kappa);
  const double eta = 0.5 * (1.0 - std::tanh((y - a.value) / s));
  const double g = eta * (1.0 - eta);
  return 2.0 * g * a.dt / s - 2.0 * g * (1.0 - 2.0 * eta) * a.dx * a.dx -
         2.0 * kappa * g * a.dxx / s;
}

}  // namespace

std::vector<Issue> Pfhub7Options::Validate() const {
  IssueList issues;
  if (nx < 4 || nx > 8192 || nx % 2 != 0) {
    issues.Add("/nx", "pfhub.range", "nx must be even and in [4, 8192]");
  }
  if (!(dt > 0.0) || !std::isfinite(dt)) issues.Add("/dt", "pfhub.range", "dt must be > 0");
  if (!(end_time >= 0.0) || !std::isfinite(end_time)) {
    issues.Add("/end_time", "pfhub.range", "end_time must be ≥ 0");
  }
  if (!(kappa > 0.0) || !std::isfinite(kappa)) {
    issues.Add("/kappa", "pfhub.range", "kappa must be > 0");
  }
  if (issues.empty()) {
    const double h = 1.0 / nx;
    // Forward Euler on η' = −f'(η) + κ∇²η: λ_max ≤ max f'' + 8κ/h², max f'' = 2 on [0, 1].
    const double limit = 2.0 / (8.0 * kappa / (h * h) + 2.0);
    if (dt > limit) {
      issues.Add("/dt", "pfhub.unstable",
                 "dt = " + std::to_string(dt) + " is above the forward-Euler limit " +
                     std::to_string(limit));
    }
  }
  return issues.issues();
}

double Pfhub7Exact(double kappa, double x, double y, double t) {
  return 0.5 * (1.0 - std::tanh((y - AlphaAt(x, t).value) / std::sqrt(2.0 * kappa)));
}

double Pfhub7Source(double kappa, double x, double y, double t) {
  return SourceAt(AlphaAt(x, t), kappa, y);
}

Pfhub7Result RunPfhub7(const Pfhub7Options& o) {
  const std::vector<Issue> problems = o.Validate();
  if (!problems.empty()) throw InputError(problems);
  const int nx = o.nx;
  const int ny = nx / 2 + 1;  // y = 0 … 0.5 inclusive; rows 0 and ny − 1 are Dirichlet
  const double h = 1.0 / nx;
  const double inv_h2 = 1.0 / (h * h);
  auto index = [nx](int i, int j) { return static_cast<std::size_t>(i) + nx * j; };
  std::vector<double> eta(static_cast<std::size_t>(nx) * ny);
  std::vector<double> next(eta.size());
  auto fill_exact = [&](std::vector<double>& u, double t, int j0, int j1) {
    for (int j = j0; j <= j1; ++j) {
      for (int i = 0; i < nx; ++i) u[index(i, j)] = Pfhub7Exact(o.kappa, i * h, j * h, t);
    }
  };
  fill_exact(eta, 0.0, 0, ny - 1);
  Pfhub7Result result;
  result.steps = static_cast<int>(std::ceil(o.end_time / o.dt - 1e-9));
  double t = 0.0;
  std::vector<Alpha> alpha(static_cast<std::size_t>(nx));
  for (int step = 0; step < result.steps; ++step) {
    const double dt = std::min(o.dt, o.end_time - t);
    for (int i = 0; i < nx; ++i) alpha[i] = AlphaAt(i * h, t);  // α depends on x and t only
    // The FD kernel's η update (fd_kernel.cpp, pass 2): η' = η − dt L (f'(η) − κ ∇²η) with the
    // 5-point Laplacian and L = 1, plus the manufactured source at the old time level.
    for (int j = 1; j < ny - 1; ++j) {
      for (int i = 0; i < nx; ++i) {
        const int im = (i + nx - 1) % nx;
        const int ip = (i + 1) % nx;
        const double v = eta[index(i, j)];
        const double lap = (eta[index(im, j)] + eta[index(ip, j)] + eta[index(i, j - 1)] +
                            eta[index(i, j + 1)] - 4.0 * v) *
                           inv_h2;
        const double dfdeta = 2.0 * v * (1.0 - v) * (1.0 - 2.0 * v);
        next[index(i, j)] =
            v - dt * (dfdeta - o.kappa * lap) + dt * SourceAt(alpha[i], o.kappa, j * h);
      }
    }
    t = step + 1 == result.steps ? o.end_time : t + dt;
    fill_exact(next, t, 0, 0);  // Dirichlet rows at the new time
    fill_exact(next, t, ny - 1, ny - 1);
    std::swap(eta, next);
  }
  double sum2 = 0.0;
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const double e = eta[index(i, j)] - Pfhub7Exact(o.kappa, i * h, j * h, o.end_time);
      sum2 += e * e;
      result.max_error = std::max(result.max_error, std::fabs(e));
    }
  }
  result.l2_error = std::sqrt(sum2 * h * h);
  result.eta = std::move(eta);
  return result;
}

}  // namespace kyoso::sim::sinter
