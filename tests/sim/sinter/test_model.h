// The reference model of the sinter kernel tests: the dimensionless coefficient set of the
// two-particle examples (δ ≈ 2.6 cells) with every diffusion path on, so each term of the scheme
// is exercised.
#pragma once

#include "kyoso/sim/sinter/fd_kernel.h"

namespace kyoso::sim::sinter::testing {

inline StepModel TestModel() {
  return {.coefficients = {.a = 16.0, .b = 1.0, .kappa_rho = 10.0, .kappa_eta = 5.0},
          .mobility = {.volume = 0.01, .vapor = 0.001, .surface = 4.0, .grain_boundary = 0.4},
          .l = 1.0};
}

}  // namespace kyoso::sim::sinter::testing
