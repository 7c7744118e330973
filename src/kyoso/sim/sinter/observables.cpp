// Observables of a sintering state; see observables.h.
#include "kyoso/sim/sinter/observables.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kyoso::sim::sinter {

double Mass(const State& state) {
  double sum = 0.0;
  for (double v : state.rho) sum += v;
  return sum * state.grid.CellVolume();
}

namespace {

// Squared forward-difference gradient |D⁺u|² at (i, j, k).
double ForwardGradient2(const Grid& g, const double* u, int i, int j, int k) {
  const std::size_t c = g.Index(i, j, k);
  const double dxp = u[g.Index((i + 1) % g.n[0], j, k)] - u[c];
  const double dyp = u[g.Index(i, (j + 1) % g.n[1], k)] - u[c];
  double s = dxp * dxp + dyp * dyp;
  if (g.dims == 3) {
    const double dzp = u[g.Index(i, j, (k + 1) % g.n[2])] - u[c];
    s += dzp * dzp;
  }
  return s / (g.dx * g.dx);
}

// |∇u| with central differences (for the coarea areas).
double CentralGradient(const Grid& g, const double* u, int i, int j, int k) {
  const double gx =
      u[g.Index((i + 1) % g.n[0], j, k)] - u[g.Index((i + g.n[0] - 1) % g.n[0], j, k)];
  const double gy =
      u[g.Index(i, (j + 1) % g.n[1], k)] - u[g.Index(i, (j + g.n[1] - 1) % g.n[1], k)];
  double s = gx * gx + gy * gy;
  if (g.dims == 3) {
    const double gz =
        u[g.Index(i, j, (k + 1) % g.n[2])] - u[g.Index(i, j, (k + g.n[2] - 1) % g.n[2])];
    s += gz * gz;
  }
  return std::sqrt(s) / (2.0 * g.dx);
}

}  // namespace

double FreeEnergy(const State& state, const Coefficients& co) {
  const Grid& g = state.grid;
  std::vector<double> eta(static_cast<std::size_t>(state.num_slots));
  double sum = 0.0;
  for (int k = 0; k < g.n[2]; ++k) {
    for (int j = 0; j < g.n[1]; ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        const std::size_t c = g.Index(i, j, k);
        for (int s = 0; s < state.num_slots; ++s) eta[s] = state.Eta(s)[c];
        double e = FreeEnergyDensity(co, state.rho[c], eta) +
                   0.5 * co.kappa_rho * ForwardGradient2(g, state.rho.data(), i, j, k);
        for (int s = 0; s < state.num_slots; ++s) {
          e += 0.5 * co.kappa_eta * ForwardGradient2(g, state.Eta(s), i, j, k);
        }
        sum += e;
      }
    }
  }
  return sum * g.CellVolume();
}

Areas InterfaceAreas(const State& state) {
  const Grid& g = state.grid;
  double surface = 0.0;
  double eta_sum = 0.0;
  for (int k = 0; k < g.n[2]; ++k) {
    for (int j = 0; j < g.n[1]; ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        surface += CentralGradient(g, state.rho.data(), i, j, k);
        for (int s = 0; s < state.num_slots; ++s) {
          eta_sum += CentralGradient(g, state.Eta(s), i, j, k);
        }
      }
    }
  }
  Areas areas;
  areas.surface = surface * g.CellVolume();
  areas.grain_boundary = std::max(0.0, 0.5 * (eta_sum - surface) * g.CellVolume());
  return areas;
}

double RelativeDensity(const State& state, const std::array<double, 3>& lo,
                       const std::array<double, 3>& hi) {
  const Grid& g = state.grid;
  int begin[3] = {0, 0, 0};
  int end[3] = {g.n[0], g.n[1], g.n[2]};
  for (int d = 0; d < g.dims; ++d) {
    if (hi[d] > lo[d]) {
      begin[d] = std::clamp(static_cast<int>(std::ceil(lo[d] / g.dx)), 0, g.n[d]);
      end[d] = std::clamp(static_cast<int>(std::ceil(hi[d] / g.dx)), begin[d], g.n[d]);
    }
  }
  double sum = 0.0;
  std::size_t count = 0;
  for (int k = begin[2]; k < end[2]; ++k) {
    for (int j = begin[1]; j < end[1]; ++j) {
      for (int i = begin[0]; i < end[0]; ++i) {
        sum += state.rho[g.Index(i, j, k)];
        ++count;
      }
    }
  }
  return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

double NeckRadius(const Grid& grid, double gb_area, int num_contacts) {
  if (num_contacts <= 0) return 0.0;
  return grid.dims == 3 ? std::sqrt(gb_area / (std::numbers::pi * num_contacts))
                        : gb_area / (2.0 * num_contacts);
}

}  // namespace kyoso::sim::sinter
