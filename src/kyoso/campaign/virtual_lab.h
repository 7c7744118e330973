// A virtual spark-plasma-sintering (SPS) lab for K-doped Ba122 bulks: a SYNTHETIC, documented
// stand-in for the furnace and the magnetometer, so that `kyoso demo` and tests can run a whole
// campaign without a lab. It is physically motivated, not fitted to real data:
//
//   Jc(r, T, h) = Jc0 * rho(Theta_d)^2 * exp(-k_p * Theta_p / Theta_p,ref) * F_rate(r)
//
//   * Theta_d = integral over the schedule of exp(-Q_d / (R T(t))) / T(t) dt, the work of sintering
//     of the master sintering curve (Su & Johnson 1996, J. Am. Ceram. Soc. 79, 3211, Eq. 9); the
//     schedule ramps linearly from room temperature at rate r and holds h at the peak T.
//   * rho: relative density, a sigmoid in ln Theta_d (the MSC's usual form), squared as a proxy for
//     grain connectivity (the current-carrying cross-section).
//   * Theta_p = integral of exp(-Q_p / (R T(t))) dt: grain coarsening and potassium evaporation,
//     which cost Jc at high temperature and long holds.
//   * F_rate: slow ramps spend long in the non-densifying (surface-diffusion) regime (cost ~ 1/r);
//     fast ramps build thermal gradients across the die (cost ~ r^2).
//
// With Q_p close to Q_d, good conditions lie on a ridge Theta_d ~ const in (T, h) on which both
// published optima lie: the engine's (49.8 degC/min, 556 degC, 32.47 min) and the researchers'
// (50 degC/min, 600 degC, 5 min) (Tokuta/Yamamoto et al., Ba122 bulks trapping 2.83 T). Equations,
// constants and the validation table: docs/methods/virtual-lab.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kyoso/base/rng.h"

namespace kyoso::campaign {

// One SPS thermal schedule in the lab's units.
struct SpsSchedule {
  double heating_rate_c_per_min = 50;  // linear ramp from room temperature, degC/min, > 0
  double peak_temp_c = 600;            // peak (hold) temperature, degC, above room temperature
  double hold_time_min = 5;            // isothermal hold at the peak, min, >= 0
};

struct VirtualLabOptions {
  double noise_relative_stddev = 0.03;        // multiplicative Gaussian measurement noise (1 sigma)
  std::uint64_t seed = 0;                     // seeds the measurement noise
  std::vector<std::string> Validate() const;  // every problem; empty = ok
};

// The model's intermediate quantities for one schedule (for docs, tests and the demo's output).
struct VirtualLabBreakdown {
  double theta_densification = 0;  // Theta_d, s/K (work of sintering with 1/T, time in seconds)
  double relative_density = 0;     // rho in (0, 1)
  double theta_penalty = 0;        // Theta_p, s
  double penalty_factor = 0;       // exp(-k_p * Theta_p / Theta_p,ref) in (0, 1]
  double rate_factor = 0;          // F_rate(r) in (0, 1], 1 at the best rate
  double jc = 0;                   // noiseless Jc, A/cm^2
};

// Closed-form integrals of a linear ramp, used by the lab and as test oracles.
// Work-of-sintering integral of exp(-b/T)/T over T from t0_k to t1_k (kelvin), divided by the
// ramp rate in K/s: (E1(b/T1) - E1(b/T0)) / rate. b = Q/R in kelvin.
double RampIntegralOverT(double b_kelvin, double t0_k, double t1_k, double rate_k_per_s);

// The virtual lab. Deterministic given the seed: the k-th Measure() call of a lab returns the same
// value on every platform.
class VirtualSpsLab {
 public:
  // Throws InputError (virtual_lab.options) when options.Validate() reports problems.
  explicit VirtualSpsLab(const VirtualLabOptions& options = {});

  // The noiseless Jc (A/cm^2) and its ingredients. Throws InputError (virtual_lab.schedule) for a
  // non-finite or out-of-domain schedule (rate <= 0, peak <= room temperature, hold < 0).
  VirtualLabBreakdown Evaluate(const SpsSchedule& schedule) const;
  double TrueJc(const SpsSchedule& schedule) const { return Evaluate(schedule).jc; }

  // One noisy measurement, Jc * (1 + noise * N(0,1)), floored at 0. Advances the noise stream.
  double Measure(const SpsSchedule& schedule);

  // Model constants (documented in docs/methods/virtual-lab.md).
  static constexpr double kRoomTempC = 25.0;
  static constexpr double kGasConstant = 8.314462618;    // J/(mol K)
  static constexpr double kActivationDensify = 252.1e3;  // Q_d, J/mol
  static constexpr double kActivationPenalty = 247.1e3;  // Q_p = 0.98 Q_d, J/mol
  static constexpr double kDensityShift = 1.2;           // ln Theta_d,ref - ln Theta_50
  static constexpr double kDensityWidth = 0.7;           // sigmoid width in ln Theta_d
  static constexpr double kPenaltyStrength = 0.35;       // k_p
  static constexpr double kRampCoarsening = 0.2;         // a in exp(-a * r_opt / r)
  static constexpr double kGradientCost = 0.1;           // g in exp(-g * (r / r_opt)^2)
  static constexpr double kBestRate = 50.0;              // r_opt, degC/min
  static constexpr double kJc0 = 2.0e5;                  // A/cm^2 (5 K, self field scale)

 private:
  VirtualLabOptions options_;
  Rng rng_;
  double theta_d_ref_ = 0;  // Theta_d of the reference schedule (50 degC/min, 600 degC, 5 min)
  double theta_p_ref_ = 0;  // Theta_p of the engine's schedule (49.8 degC/min, 556 degC, 32.47)
};

}  // namespace kyoso::campaign
