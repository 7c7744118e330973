// The virtual SPS lab of virtual_lab.h. The ramp integrals are evaluated in closed form with the
// exponential integral E1 (std::expint(-x) = -E1(x)); docs/methods/virtual-lab.md derives them.
#include "kyoso/campaign/virtual_lab.h"

#include <cmath>

#include "kyoso/base/error.h"

namespace kyoso::campaign {
namespace {

constexpr double kKelvinOffset = 273.15;

// E1(x) for x > 0.
double ExpIntE1(double x) { return -std::expint(-x); }

// Integral of exp(-b/T) dT from t0 to t1: [T exp(-b/T) - b E1(b/T)].
double RampPenaltyAntiderivative(double b, double t) {
  return t * std::exp(-b / t) - b * ExpIntE1(b / t);
}

struct Integrals {
  double theta_d = 0;  // s/K
  double theta_p = 0;  // s
};

Integrals ScheduleIntegrals(const SpsSchedule& s) {
  const double t0 = VirtualSpsLab::kRoomTempC + kKelvinOffset;
  const double t1 = s.peak_temp_c + kKelvinOffset;
  const double rate_k_per_s = s.heating_rate_c_per_min / 60.0;
  const double hold_s = s.hold_time_min * 60.0;
  const double b_d = VirtualSpsLab::kActivationDensify / VirtualSpsLab::kGasConstant;
  const double b_p = VirtualSpsLab::kActivationPenalty / VirtualSpsLab::kGasConstant;
  Integrals out;
  out.theta_d = RampIntegralOverT(b_d, t0, t1, rate_k_per_s) + hold_s * std::exp(-b_d / t1) / t1;
  out.theta_p =
      (RampPenaltyAntiderivative(b_p, t1) - RampPenaltyAntiderivative(b_p, t0)) / rate_k_per_s +
      hold_s * std::exp(-b_p / t1);
  return out;
}

void ValidateSchedule(const SpsSchedule& s) {
  IssueList issues;
  if (!std::isfinite(s.heating_rate_c_per_min) || s.heating_rate_c_per_min <= 0) {
    issues.Add("heating_rate", "virtual_lab.schedule", "heating rate must be a positive number");
  }
  if (!std::isfinite(s.peak_temp_c) || s.peak_temp_c <= VirtualSpsLab::kRoomTempC) {
    issues.Add("peak_temp", "virtual_lab.schedule",
               "peak temperature must exceed room temperature (25 degC)");
  }
  if (!std::isfinite(s.hold_time_min) || s.hold_time_min < 0) {
    issues.Add("hold_time", "virtual_lab.schedule", "hold time must be a number >= 0");
  }
  issues.ThrowIfAny();
}

}  // namespace

std::vector<std::string> VirtualLabOptions::Validate() const {
  std::vector<std::string> problems;
  if (!std::isfinite(noise_relative_stddev) || noise_relative_stddev < 0 ||
      noise_relative_stddev > 1) {
    problems.push_back("noise_relative_stddev must be in [0, 1]");
  }
  return problems;
}

double RampIntegralOverT(double b_kelvin, double t0_k, double t1_k, double rate_k_per_s) {
  return (ExpIntE1(b_kelvin / t1_k) - ExpIntE1(b_kelvin / t0_k)) / rate_k_per_s;
}

VirtualSpsLab::VirtualSpsLab(const VirtualLabOptions& options)
    : options_(options), rng_(options.seed) {
  const std::vector<std::string> problems = options.Validate();
  if (!problems.empty()) {
    IssueList issues;
    for (const std::string& problem : problems) {
      issues.Add("", "virtual_lab.options", problem);
    }
    issues.ThrowIfAny();
  }
  theta_d_ref_ = ScheduleIntegrals({50.0, 600.0, 5.0}).theta_d;
  theta_p_ref_ = ScheduleIntegrals({49.8, 556.0, 32.47}).theta_p;
}

VirtualLabBreakdown VirtualSpsLab::Evaluate(const SpsSchedule& schedule) const {
  ValidateSchedule(schedule);
  const Integrals integrals = ScheduleIntegrals(schedule);
  VirtualLabBreakdown out;
  out.theta_densification = integrals.theta_d;
  out.theta_penalty = integrals.theta_p;
  // Sigmoid in ln Theta_d centred kDensityShift below the reference schedule's value.
  const double x =
      (std::log(integrals.theta_d) - (std::log(theta_d_ref_) - kDensityShift)) / kDensityWidth;
  out.relative_density = 1.0 / (1.0 + std::exp(-x));
  out.penalty_factor = std::exp(-kPenaltyStrength * integrals.theta_p / theta_p_ref_);
  const double r = schedule.heating_rate_c_per_min / kBestRate;
  out.rate_factor =
      std::exp(-kRampCoarsening / r - kGradientCost * r * r + kRampCoarsening + kGradientCost);
  out.jc =
      kJc0 * out.relative_density * out.relative_density * out.penalty_factor * out.rate_factor;
  return out;
}

double VirtualSpsLab::Measure(const SpsSchedule& schedule) {
  const double jc = TrueJc(schedule);
  const double noisy = jc * (1.0 + options_.noise_relative_stddev * rng_.Normal());
  return noisy > 0 ? noisy : 0.0;
}

}  // namespace kyoso::campaign
