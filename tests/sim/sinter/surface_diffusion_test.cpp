// Surface-diffusion kinetics of the sintering model: a small sine wave h = a sin(kx) on a flat
// free surface decays as exp(−ω t) with ω = B k⁴ when only the surface mobility is on
// (Mullins, J. Appl. Phys. 28 (1957) 333; sharp-interface limit of Cahn-Hilliard with a
// degenerate mobility: Cahn, Elliott & Novick-Cohen, Eur. J. Appl. Math. 7 (1996) 287), and as
// ω ∝ k³ when the mobility is constant (bulk diffusion). Driven through the kernels directly
// (spectral_kernel.h); the measurement and its limits are in docs/methods/sinter.md,
// "Surface diffusion: decay of a sine wave".
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "kyoso/sim/sinter/observables.h"
#include "kyoso/sim/sinter/spectral_kernel.h"

namespace kyoso::sim::sinter {
namespace {

constexpr int kHeight = 96;  // box height (cells): solid 48 thick, vapour gap 48
constexpr double kThick = 48.0;
constexpr double kWidthScale = 2.5;  // interface ~6 cells from ρ = 0.1 to 0.9 (see below)
constexpr double kAmplitude = 0.5;   // cells

StepModel Model(bool surface_only) {
  StepModel m;
  // A = 16, B = 1, κ_ρ = 10, κ_η = 5 (the neck-growth set) widened 2.5× at the same interface
  // energy (κ × s, A, B / s). At s = 1 the ρ profile is ~2 cells wide and the grid pins the
  // surface: FD and spectral kernels disagree and small waves stall (methods page).
  m.coefficients = {.a = 16.0 / kWidthScale,
                    .b = 1.0 / kWidthScale,
                    .kappa_rho = 10.0 * kWidthScale,
                    .kappa_eta = 5.0 * kWidthScale};
  m.l = 1.0;
  m.mobility = surface_only ? Mobility{.surface = 1.0} : Mobility{.volume = 1.0, .vapor = 1.0};
  return m;
}

// The flat slab's equilibrium column (ρ, η) of the spectral kernel: a tanh slab relaxed with a
// constant mobility (fast) on a 4-column grid, t = 2000.
std::vector<double> EquilibriumColumn(const StepModel& model) {
  const Grid g{.dims = 2, .n = {4, kHeight, 1}, .dx = 1.0};
  State s = MakeState(g, 1);
  const double y0 = 0.5 * (kHeight - kThick), y1 = 0.5 * (kHeight + kThick);
  for (int j = 0; j < kHeight; ++j) {
    for (int i = 0; i < 4; ++i) {
      const double r = 0.5 * (std::tanh((j - y0) / 2.0) - std::tanh((j - y1) / 2.0));
      s.rho[g.Index(i, j, 0)] = r;
      s.Eta(0)[g.Index(i, j, 0)] = r;
    }
  }
  StepModel relax = model;
  relax.mobility = {.volume = 1.0, .vapor = 1.0};
  SpectralKernel kernel(g, 1, 1);
  for (int it = 0; it < 4000; ++it) kernel.Step(s, relax, 0.5, nullptr);
  std::vector<double> column(2 * kHeight);
  for (int j = 0; j < kHeight; ++j) {
    column[j] = s.rho[g.Index(0, j, 0)];
    column[kHeight + j] = s.Eta(0)[g.Index(0, j, 0)];
  }
  return column;
}

// Band-limited (Fourier) value at height y of a periodic column f[0..n).
double FourierInterpolate(const double* f, int n, double y) {
  double value = 0.0;
  for (int m = 0; m <= n / 2; ++m) {
    std::complex<double> c = 0.0;
    for (int j = 0; j < n; ++j) {
      c += f[j] * std::exp(std::complex<double>(0.0, -2.0 * std::numbers::pi * m * j / n));
    }
    const double weight = (m == 0 || 2 * m == n) ? 1.0 : 2.0;
    value += weight *
             std::real(c * std::exp(std::complex<double>(0.0, 2.0 * std::numbers::pi * m * y / n)));
  }
  return value / n;
}

struct Decay {
  double omega = 0.0;            // fitted decay rate of the upper surface's wave (1/time)
  double mullins_omega = 0.0;    // sharp-interface prediction B k⁴, B = γ ∫M dn (Mullins 1957)
  double lower_amplitude = 0.0;  // largest amplitude seen on the lower (unperturbed) surface
};

// Decay of one wavelength λ (the box width): the upper surface's column profile shifted exactly
// (ρ and η together) by a sin(2πx/λ), the lower surface flat. The height of the upper surface is
// read without interpolation as the mass of each column's upper half (a shifted profile moves
// that mass by h); its first Fourier coefficient is the amplitude, and ω is the least-squares
// slope of log amplitude over a/2 ≥ amplitude ≥ 0.03 (after the start transient). The
// prediction uses γ = F/(2 · box width) of the flat column and ∫M dn over one surface.
Decay DecayRate(int wavelength, bool surface_only, double end_time, double dt) {
  const StepModel model = Model(surface_only);
  const std::vector<double> column = EquilibriumColumn(model);
  Decay result;
  {
    const Grid g1{.dims = 2, .n = {1, kHeight, 1}, .dx = 1.0};
    State flat = MakeState(g1, 1);
    double mobility_integral = 0.0;
    for (int j = 0; j < kHeight; ++j) {
      const double rho = column[j], eta = column[kHeight + j];
      flat.rho[j] = rho;
      flat.Eta(0)[j] = eta;
      mobility_integral += MobilityAt(model.mobility, rho, eta, eta * eta);
    }
    const double gamma = FreeEnergy(flat, model.coefficients) / 2.0;
    const double k = 2.0 * std::numbers::pi / wavelength;
    result.mullins_omega = gamma * (mobility_integral / 2.0) * std::pow(k, 4);
  }
  const Grid g{.dims = 2, .n = {wavelength, kHeight, 1}, .dx = 1.0};
  State s = MakeState(g, 1);
  for (int i = 0; i < wavelength; ++i) {
    const double h = kAmplitude * std::sin(2.0 * std::numbers::pi * i / wavelength);
    for (int j = 0; j < kHeight; ++j) {
      const double shift = j >= kHeight / 2 ? h : 0.0;
      s.rho[g.Index(i, j, 0)] = FourierInterpolate(column.data(), kHeight, j - shift);
      s.Eta(0)[g.Index(i, j, 0)] = FourierInterpolate(column.data() + kHeight, kHeight, j - shift);
    }
  }
  auto amplitudes = [&](double* lower) {
    std::complex<double> upper_c = 0.0, lower_c = 0.0;
    for (int i = 0; i < wavelength; ++i) {
      double upper_mass = 0.0, lower_mass = 0.0;
      for (int j = 0; j < kHeight; ++j) {
        (j >= kHeight / 2 ? upper_mass : lower_mass) += s.rho[g.Index(i, j, 0)];
      }
      const auto e = std::exp(std::complex<double>(0.0, -2.0 * std::numbers::pi * i / wavelength));
      upper_c += upper_mass * e;
      lower_c += lower_mass * e;
    }
    *lower = 2.0 * std::abs(lower_c) / wavelength;
    return 2.0 * std::abs(upper_c) / wavelength;
  };
  SpectralKernel kernel(g, 1, 1);
  constexpr int kSamples = 40;
  const int steps_per_sample = std::max(1, static_cast<int>(std::lround(end_time / kSamples / dt)));
  double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, lower = 0.0;
  int count = 0;
  for (int sample = 0; sample <= kSamples; ++sample) {
    const double a = amplitudes(&lower);
    result.lower_amplitude = std::max(result.lower_amplitude, lower);
    if (a <= 0.5 * kAmplitude && a >= 0.03) {
      sx += s.time;
      sy += std::log(a);
      sxx += s.time * s.time;
      sxy += s.time * std::log(a);
      ++count;
    }
    for (int it = 0; it < steps_per_sample && sample < kSamples; ++it) {
      kernel.Step(s, model, dt, nullptr);
    }
  }
  EXPECT_GE(count, 10) << "lambda " << wavelength;
  result.omega = -(count * sxy - sx * sy) / (count * sxx - sx * sx);
  return result;
}

// Oracle: surface diffusion (only M_surf) gives ω = B k⁴ with B = γ ∫M dn (Mullins 1957; the
// degenerate-mobility Cahn-Hilliard limit, Cahn, Elliott & Novick-Cohen 1996), so doubling λ
// divides ω by 2⁴; constant mobility (bulk diffusion) gives ω ∝ k³ (Mullins 1957).
// Measured (docs/methods/sinter.md, "Surface diffusion: decay of a sine wave"): surface exponent
// log₂(ω(32)/ω(64)) = 3.66, ω/(B k⁴) = 0.68 (λ = 32) and 0.85 (λ = 64, Δt = 0.75; 0.88 as
// Δt → 0), approaching 1 linearly in k (a diffuse-interface correction of order k·width);
// bulk exponent log₂(ω(24)/ω(48)) = 3.27. Tolerances: surface exponent in [3.5, 4.5] (the O(k)
// correction lowers it below 4 at these λ), ω/(B k⁴) at λ = 64 in [0.8, 1.0] and larger than
// at λ = 32; bulk exponent in [2.7, 3.4], outside the surface band. The lower surface, 48 cells
// of solid away, stays flat under surface diffusion (< 1 % of the initial amplitude).
TEST(SurfaceDiffusion, SineWaveDecayApproachesMullinsRateBkToTheFourth) {
  const Decay d32 = DecayRate(32, true, 616.0, 0.1);
  const Decay d64 = DecayRate(64, true, 9000.0, 0.75);
  EXPECT_LT(d32.lower_amplitude, 0.01 * kAmplitude);
  EXPECT_LT(d64.lower_amplitude, 0.01 * kAmplitude);
  const double exponent = std::log2(d32.omega / d64.omega);
  const double ratio_32 = d32.omega / d32.mullins_omega;
  const double ratio_64 = d64.omega / d64.mullins_omega;
  RecordProperty("surface_exponent", std::to_string(exponent));
  RecordProperty("ratio_32", std::to_string(ratio_32));
  RecordProperty("ratio_64", std::to_string(ratio_64));
  EXPECT_GE(exponent, 3.5);
  EXPECT_LE(exponent, 4.5);
  EXPECT_GE(ratio_64, 0.8);
  EXPECT_LE(ratio_64, 1.0);
  EXPECT_GT(ratio_64, ratio_32);
}

TEST(SurfaceDiffusion, ConstantMobilityGivesBulkDiffusionExponentThree) {
  const Decay d24 = DecayRate(24, false, 2.5 / 0.219, 2.5 / 0.219 / 1600.0);
  const Decay d48 = DecayRate(48, false, 2.5 / 0.0239, 2.5 / 0.0239 / 1600.0);
  const double exponent = std::log2(d24.omega / d48.omega);
  RecordProperty("bulk_exponent", std::to_string(exponent));
  EXPECT_GE(exponent, 2.7);
  EXPECT_LE(exponent, 3.4);
}

}  // namespace
}  // namespace kyoso::sim::sinter
