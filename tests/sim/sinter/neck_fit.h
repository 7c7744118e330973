// The neck-growth exponent of a sintering run: the inverse slope n of log(x/a) against log t
// (least squares) over the samples with lo ≤ x/a ≤ hi, x the neck radius of the series and a the
// particle radius (x/a ∝ t^(1/n); Nichols & Mullins 1965). Shared by the 3-D and axisymmetric
// neck-growth tests.
#pragma once

#include <cmath>

#include "kyoso/sim/sinter/sinter.h"

namespace kyoso::sim::sinter::testing {

struct NeckFit {
  double n = 0.0;  // 0 when fewer than 4 samples fall in the window
  int samples = 0;
};

inline NeckFit NeckInverseSlope(const Series& s, double radius, double lo, double hi) {
  double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0;
  int count = 0;
  for (std::size_t k = 0; k < s.time.size(); ++k) {
    const double ratio = s.neck_radius[k] / radius;
    if (s.time[k] <= 0.0 || ratio < lo || ratio > hi) continue;
    const double lx = std::log(s.time[k]);
    const double ly = std::log(ratio);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
    ++count;
  }
  if (count < 4) return {0.0, count};
  const double slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);
  return {1.0 / slope, count};
}

}  // namespace kyoso::sim::sinter::testing
