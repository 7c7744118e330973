// The evolving fields of a sintering run: density ρ and a fixed pool of grain order parameters
// ("slots"; a slot may hold several well-separated grains, see grains.h), plus the time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kyoso/sim/sinter/grid.h"

namespace kyoso::sim::sinter {

struct State {
  Grid grid;
  int num_slots = 0;
  std::vector<double> rho;  // grid.size() values
  std::vector<double> eta;  // num_slots × grid.size(), slot-major
  double time = 0.0;        // model time (s in SI)
  std::int64_t step = 0;

  double* Eta(int slot) { return eta.data() + static_cast<std::size_t>(slot) * grid.size(); }
  const double* Eta(int slot) const {
    return eta.data() + static_cast<std::size_t>(slot) * grid.size();
  }
  // True when every value is finite.
  bool AllFinite() const;
};

// Allocates zeroed fields.
State MakeState(const Grid& grid, int num_slots);

}  // namespace kyoso::sim::sinter
