// PFHub 1a with the spectral Cahn-Hilliard kernel; see pfhub.h and docs/methods/sinter.md.
#include "kyoso/sim/sinter/pfhub.h"

#include <cmath>
#include <string>

#include "kyoso/sim/sinter/fft.h"

namespace kyoso::sim::sinter {

std::vector<Issue> Pfhub1aOptions::Validate() const {
  IssueList issues;
  auto positive = [&](double v, const char* path) {
    if (!(v > 0.0) || !std::isfinite(v)) {
      issues.Add(path, "pfhub.range", std::string("must be a positive finite number"));
    }
  };
  if (grid < 4 || grid > 8192) issues.Add("/grid", "pfhub.range", "grid must be in [4, 8192]");
  if (steps < 0) issues.Add("/steps", "pfhub.range", "steps must be ≥ 0");
  if (num_threads < 1) issues.Add("/num_threads", "pfhub.range", "num_threads must be ≥ 1");
  positive(dt, "/dt");
  positive(length, "/length");
  positive(kappa, "/kappa");
  positive(mobility, "/mobility");
  positive(rho_s, "/rho_s");
  return issues.issues();
}

double Pfhub1aInitial(const Pfhub1aOptions& o, double x, double y) {
  const double a = std::cos(0.13 * x) * std::cos(0.087 * y);
  return o.c0 + o.epsilon * (std::cos(0.105 * x) * std::cos(0.11 * y) + a * a +
                             std::cos(0.025 * x - 0.15 * y) * std::cos(0.07 * x - 0.02 * y));
}

namespace {

Grid MakeGrid(const Pfhub1aOptions& o) {
  return {.dims = 2, .n = {o.grid, o.grid, 1}, .dx = o.length / o.grid};
}

double Energy(const Pfhub1aOptions& o, detail::RealFft& fft, const std::vector<double>& c) {
  const std::size_t n = c.size();
  std::vector<detail::Complex> hat(fft.complex_size());
  std::vector<detail::Complex> work(fft.complex_size());
  std::vector<double> gx(n);
  std::vector<double> gy(n);
  fft.Forward(c.data(), hat.data());
  for (int axis = 0; axis < 2; ++axis) {
    const std::vector<double>& k = fft.kd(axis);
    for (std::size_t i = 0; i < hat.size(); ++i) work[i] = detail::Complex(0.0, k[i]) * hat[i];
    fft.Inverse(work.data(), axis == 0 ? gx.data() : gy.data());
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = c[i] - o.c_alpha;
    const double b = o.c_beta - c[i];
    sum += o.rho_s * a * a * b * b + 0.5 * o.kappa * (gx[i] * gx[i] + gy[i] * gy[i]);
  }
  const double h = o.length / o.grid;
  return sum * h * h;
}

}  // namespace

double Pfhub1aFreeEnergy(const Pfhub1aOptions& options, const std::vector<double>& c) {
  detail::RealFft fft(MakeGrid(options), options.num_threads);
  return Energy(options, fft, c);
}

Pfhub1aResult RunPfhub1a(const Pfhub1aOptions& o, ProgressSink* progress) {
  const std::vector<Issue> problems = o.Validate();
  if (!problems.empty()) throw InputError(problems);
  const Grid grid = MakeGrid(o);
  detail::RealFft fft(grid, o.num_threads);
  const std::size_t n = grid.size();
  std::vector<double> c(n);
  for (int j = 0; j < o.grid; ++j) {
    for (int i = 0; i < o.grid; ++i) {
      c[grid.Index(i, j, 0)] = Pfhub1aInitial(o, i * grid.dx, j * grid.dx);
    }
  }
  Pfhub1aResult result;
  result.step.push_back(0);
  result.free_energy.push_back(Energy(o, fft, c));
  std::vector<double> dfdc(n);
  std::vector<detail::Complex> c_hat(fft.complex_size());
  std::vector<detail::Complex> f_hat(fft.complex_size());
  // The Laplacian is the square of the spectral first derivative, whose wavenumber is zero at
  // the Nyquist index of an even axis (fft.h): k² = Σ_d kd_d², not |k|². This is the scheme that
  // reproduces the issue's reference values (docs/methods/sinter.md, "PFHub 1a").
  std::vector<double> k2(fft.complex_size(), 0.0);
  for (int axis = 0; axis < 2; ++axis) {
    const std::vector<double>& kd = fft.kd(axis);
    for (std::size_t i = 0; i < k2.size(); ++i) k2[i] += kd[i] * kd[i];
  }
  for (int step = 1; step <= o.steps; ++step) {
    for (std::size_t i = 0; i < n; ++i) {
      // f'(c) = 2ρ_s (c − c_α)(c_β − c)(c_α + c_β − 2c)
      dfdc[i] = 2.0 * o.rho_s * (c[i] - o.c_alpha) * (o.c_beta - c[i]) *
                (o.c_alpha + o.c_beta - 2.0 * c[i]);
    }
    fft.Forward(c.data(), c_hat.data());
    fft.Forward(dfdc.data(), f_hat.data());
    for (std::size_t i = 0; i < c_hat.size(); ++i) {
      const double mk2 = o.dt * o.mobility * k2[i];
      c_hat[i] = (c_hat[i] - mk2 * f_hat[i]) / (1.0 + mk2 * o.kappa * k2[i]);
    }
    fft.Inverse(c_hat.data(), c.data());
    result.step.push_back(step);
    result.free_energy.push_back(Energy(o, fft, c));
    if (progress != nullptr && step % 50 == 0 &&
        !progress->Update({"pfhub1a", static_cast<double>(step) / o.steps, ""})) {
      break;
    }
  }
  result.c00 = c[0];
  result.c = std::move(c);
  return result;
}

}  // namespace kyoso::sim::sinter
