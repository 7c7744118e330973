// The quasi-steady oracle of issue 5: once a constant-Jc disc is fully penetrated during a ramp at
// rate dB/dt, J(r) = Jc (r |dB/dt| / (2 E0))^{1/n} independent of z, and the centre field of a disc
// of half thickness h is mu0 h int_0^a J(r) / sqrt(r^2 + h^2) dr.
#pragma once

#include <cmath>

#include "kyoso/sim/magnet/detail/kernel.h"

namespace kyoso::sim::magnet::testing {

// The integral by composite Gauss-Legendre after r = a u^4 (which smooths r^{1/n} at r = 0).
inline double QuasiSteadyCentreField(double a, double h, double jc, double rate, double e0,
                                     double n) {
  const detail::GaussRule rule = detail::Gauss01(16);
  const int pieces = 64;
  double sum = 0;
  for (int p = 0; p < pieces; ++p) {
    for (int k = 0; k < rule.order; ++k) {
      const double u = (p + rule.nodes[k]) / pieces;
      const double r = a * std::pow(u, 4);
      const double dr = a * 4 * std::pow(u, 3) / pieces;
      const double j = jc * std::pow(r * rate / (2 * e0), 1 / n);
      sum += rule.weights[k] * dr * j / std::sqrt(r * r + h * h);
    }
  }
  return detail::kMu0 * h * sum;
}

}  // namespace kyoso::sim::magnet::testing
