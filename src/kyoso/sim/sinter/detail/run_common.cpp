// Shared pieces of the time loops; see run_common.h.
#include "kyoso/sim/sinter/detail/run_common.h"

#include <algorithm>
#include <cmath>

namespace kyoso::sim::sinter::detail {

std::vector<double> SampleTimes(const Spec& spec, double start_time) {
  const double end_time = spec.end_time;
  std::vector<double> times;
  if (spec.log_samples && spec.num_samples > 1) {
    const double span = end_time - start_time;
    const double first = spec.first_sample > 0.0 ? std::min(spec.first_sample, span) : 1e-3 * span;
    for (int k = 1; k <= spec.num_samples; ++k) {
      const double e = static_cast<double>(k - 1) / (spec.num_samples - 1);
      times.push_back(k == spec.num_samples ? end_time
                                            : start_time + first * std::pow(span / first, e));
    }
  } else {
    for (int k = 1; k <= spec.num_samples; ++k) {
      times.push_back(start_time + (end_time - start_time) * k / spec.num_samples);
    }
  }
  return times;
}

bool Healthy(const State& state) {
  if (!state.AllFinite()) return false;
  for (double v : state.rho) {
    if (v < -1.0 || v > 2.0) return false;
  }
  return true;
}

}  // namespace kyoso::sim::sinter::detail
