// The test problem shared by the sinter benchmarks (sinter_bench.cpp, sinter_mpi_bench.cpp): the
// neck-growth coefficients with every diffusion path on, and a chain of three particles along x,
// one grain per particle, spread over `slots` order parameters.
#pragma once

#include <vector>

#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/structures.h"

namespace kyoso::sim::sinter::bench {

inline StepModel Model() {
  return {.coefficients = {.a = 16.0, .b = 1.0, .kappa_rho = 10.0, .kappa_eta = 5.0},
          .mobility = {.volume = 0.01, .vapor = 0.001, .surface = 4.0, .grain_boundary = 0.4},
          .l = 1.0};
}

inline State Chain(int dims, int n, int slots) {
  Grid g{.dims = dims, .n = {n, n, dims == 3 ? n : 1}, .dx = 1.0};
  State state = MakeState(g, slots);
  std::vector<Particle> particles;
  std::vector<int> slot_of;
  const double r = n / 8.0;
  for (int p = 0; p < 3; ++p) {
    particles.push_back({{n / 2.0 + (p - 1) * 1.9 * r, n / 2.0, dims == 3 ? n / 2.0 : 0.0}, r});
    slot_of.push_back(p % slots);
  }
  FillState(particles, slot_of, 2.0, false, state);
  return state;
}

}  // namespace kyoso::sim::sinter::bench
