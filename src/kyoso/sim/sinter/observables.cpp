// Observables of a sintering state; see observables.h.
#include "kyoso/sim/sinter/observables.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

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

namespace {

// Σ of the free-energy density over planes [begin, end) of the last axis, times ΔV.
double FreeEnergyOverPlanes(const State& state, const Coefficients& co, int begin, int end) {
  const Grid& g = state.grid;
  std::vector<double> eta(static_cast<std::size_t>(state.num_slots));
  double sum = 0.0;
  const bool z = g.PlaneAxis() == 2;
  for (int k = z ? begin : 0; k < (z ? end : g.n[2]); ++k) {
    for (int j = z ? 0 : begin; j < (z ? g.n[1] : end); ++j) {
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

// Σ|∇ρ| and Σ_i Σ|∇η_i| (central differences, not yet times ΔV) over planes [begin, end).
std::array<double, 2> GradientSumsOverPlanes(const State& state, int begin, int end) {
  const Grid& g = state.grid;
  double surface = 0.0;
  double eta_sum = 0.0;
  const bool z = g.PlaneAxis() == 2;
  for (int k = z ? begin : 0; k < (z ? end : g.n[2]); ++k) {
    for (int j = z ? 0 : begin; j < (z ? g.n[1] : end); ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        surface += CentralGradient(g, state.rho.data(), i, j, k);
        for (int s = 0; s < state.num_slots; ++s) {
          eta_sum += CentralGradient(g, state.Eta(s), i, j, k);
        }
      }
    }
  }
  return {surface, eta_sum};
}

Areas AreasOf(const Grid& g, double surface, double eta_sum) {
  Areas areas;
  areas.surface = surface * g.CellVolume();
  areas.grain_boundary = std::max(0.0, 0.5 * (eta_sum - surface) * g.CellVolume());
  return areas;
}

// Σρ and the point count over the control volume [lo, hi) (whole-box coordinates) within
// local planes [begin, end) of the last axis, which are global planes [begin + offset, …) of a
// box of `global_planes` planes.
std::pair<double, std::size_t> DensitySumsOverPlanes(const State& state,
                                                     const std::array<double, 3>& lo,
                                                     const std::array<double, 3>& hi, int begin,
                                                     int end, int global_planes, int offset) {
  const Grid& g = state.grid;
  const int axis = g.PlaneAxis();
  int n[3] = {g.n[0], g.n[1], g.n[2]};
  n[axis] = global_planes;
  int from[3] = {0, 0, 0};
  int to[3] = {n[0], n[1], n[2]};
  for (int d = 0; d < g.dims; ++d) {
    if (hi[d] > lo[d]) {
      from[d] = std::clamp(static_cast<int>(std::ceil(lo[d] / g.dx)), 0, n[d]);
      to[d] = std::clamp(static_cast<int>(std::ceil(hi[d] / g.dx)), from[d], n[d]);
    }
  }
  // The control volume's planes of the slab axis, in local indices, within [begin, end).
  from[axis] = std::max(from[axis] - offset, begin);
  to[axis] = std::min(to[axis] - offset, end);
  double sum = 0.0;
  std::size_t count = 0;
  for (int k = from[2]; k < to[2]; ++k) {
    for (int j = from[1]; j < to[1]; ++j) {
      for (int i = from[0]; i < to[0]; ++i) {
        sum += state.rho[g.Index(i, j, k)];
        ++count;
      }
    }
  }
  return {sum, count};
}

}  // namespace

double FreeEnergy(const State& state, const Coefficients& co) {
  return FreeEnergyOverPlanes(state, co, 0, state.grid.n[state.grid.PlaneAxis()]);
}

Areas InterfaceAreas(const State& state) {
  const std::array<double, 2> sums =
      GradientSumsOverPlanes(state, 0, state.grid.n[state.grid.PlaneAxis()]);
  return AreasOf(state.grid, sums[0], sums[1]);
}

double RelativeDensity(const State& state, const std::array<double, 3>& lo,
                       const std::array<double, 3>& hi) {
  const int planes = state.grid.n[state.grid.PlaneAxis()];
  const auto [sum, count] = DensitySumsOverPlanes(state, lo, hi, 0, planes, planes, 0);
  return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

ObservableSums SumObservables(const State& state, const Coefficients& coefficients,
                              const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                              int begin, int end, int global_planes, int offset) {
  const Grid& g = state.grid;
  ObservableSums sums;
  const std::size_t plane = g.size() / static_cast<std::size_t>(g.n[g.PlaneAxis()]);
  for (std::size_t c = begin * plane; c < end * plane; ++c) sums.mass += state.rho[c];
  sums.mass *= g.CellVolume();
  sums.free_energy = FreeEnergyOverPlanes(state, coefficients, begin, end);
  const std::array<double, 2> gradients = GradientSumsOverPlanes(state, begin, end);
  sums.rho_gradient = gradients[0] * g.CellVolume();
  sums.eta_gradient = gradients[1] * g.CellVolume();
  const auto [density_sum, count] =
      DensitySumsOverPlanes(state, lo, hi, begin, end, global_planes, offset);
  sums.density_sum = density_sum;
  sums.density_count = static_cast<double>(count);
  return sums;
}

Areas AreasFromSums(const ObservableSums& sums) {
  Areas areas;
  areas.surface = sums.rho_gradient;
  areas.grain_boundary = std::max(0.0, 0.5 * (sums.eta_gradient - sums.rho_gradient));
  return areas;
}

double InterpolateRho(const State& state, const std::array<double, 3>& point) {
  const Grid& g = state.grid;
  int base[3] = {0, 0, 0};
  double frac[3] = {0.0, 0.0, 0.0};
  for (int d = 0; d < g.dims; ++d) {
    const double u = point[d] / g.dx;
    const double f = std::floor(u);
    frac[d] = u - f;
    base[d] = static_cast<int>(((static_cast<long long>(f) % g.n[d]) + g.n[d]) % g.n[d]);
  }
  double sum = 0.0;
  const int corners = g.dims == 3 ? 8 : 4;
  for (int corner = 0; corner < corners; ++corner) {
    int idx[3] = {0, 0, 0};
    double w = 1.0;
    for (int d = 0; d < g.dims; ++d) {
      const int bit = (corner >> d) & 1;
      idx[d] = (base[d] + bit) % g.n[d];
      w *= bit != 0 ? frac[d] : 1.0 - frac[d];
    }
    sum += w * state.rho[g.Index(idx[0], idx[1], idx[2])];
  }
  return sum;
}

double NeckCrossSectionRadius(const State& state, const std::array<double, 3>& point,
                              const std::array<double, 3>& normal, double disc_radius) {
  const Grid& g = state.grid;
  const double spacing = 0.25 * g.dx;
  const int half = static_cast<int>(std::ceil(disc_radius / spacing));
  // In-plane unit vectors u (and v in 3-D) orthogonal to the normal.
  std::array<double, 3> u{-normal[1], normal[0], 0.0};
  if (g.dims == 3) {
    // Cross the normal with the axis it is least aligned with.
    const int axis = std::fabs(normal[0]) <= std::fabs(normal[1])
                         ? (std::fabs(normal[0]) <= std::fabs(normal[2]) ? 0 : 2)
                         : (std::fabs(normal[1]) <= std::fabs(normal[2]) ? 1 : 2);
    std::array<double, 3> e{0.0, 0.0, 0.0};
    e[axis] = 1.0;
    u = {normal[1] * e[2] - normal[2] * e[1], normal[2] * e[0] - normal[0] * e[2],
         normal[0] * e[1] - normal[1] * e[0]};
  }
  const double u_norm = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
  for (double& c : u) c /= u_norm;
  const std::array<double, 3> v{normal[1] * u[2] - normal[2] * u[1],
                                normal[2] * u[0] - normal[0] * u[2],
                                normal[0] * u[1] - normal[1] * u[0]};
  // ρ on a square lattice in the plane (a line in 2-D); each lattice cell (spacing² of area)
  // contributes the fraction of it where the locally linear ρ exceeds ½, approximated by
  // 0.5 + (ρ − ½)/(|∂_a ρ| + |∂_b ρ|)·spacing clamped to [0, 1] (exact for a level line parallel
  // to a lattice axis and whenever it passes the cell's centre or a corner), so the area
  // varies smoothly with the level line rather than in steps of one lattice cell.
  const int side = 2 * half + 1;
  const int v_side = g.dims == 3 ? side : 1;
  const int v_half = g.dims == 3 ? half : 0;
  std::vector<double> rho(static_cast<std::size_t>(side) * v_side);
  for (int b = -v_half; b <= v_half; ++b) {
    for (int a = -half; a <= half; ++a) {
      std::array<double, 3> p{};
      for (int d = 0; d < 3; ++d) p[d] = point[d] + a * spacing * u[d] + b * spacing * v[d];
      rho[static_cast<std::size_t>(a + half) + static_cast<std::size_t>(side) * (b + v_half)] =
          InterpolateRho(state, p);
    }
  }
  auto at = [&](int a, int b) {
    a = std::clamp(a, -half, half);
    b = std::clamp(b, -v_half, v_half);
    return rho[static_cast<std::size_t>(a + half) + static_cast<std::size_t>(side) * (b + v_half)];
  };
  double covered = 0.0;  // in lattice cells
  for (int b = -v_half; b <= v_half; ++b) {
    for (int a = -half; a <= half; ++a) {
      const double sa = a * spacing;
      const double sb = b * spacing;
      if (sa * sa + sb * sb > disc_radius * disc_radius) continue;
      const double r = at(a, b) - 0.5;
      const double ga = 0.5 * (at(a + 1, b) - at(a - 1, b));  // per lattice spacing
      const double gb = g.dims == 3 ? 0.5 * (at(a, b + 1) - at(a, b - 1)) : 0.0;
      const double reach = std::fabs(ga) + std::fabs(gb);  // |∇ρ| spacing (|cos| + |sin|)
      covered += reach > 0.0 ? std::clamp(0.5 + r / reach, 0.0, 1.0) : (r >= 0.0 ? 1.0 : 0.0);
    }
  }
  if (g.dims == 3) return std::sqrt(covered * spacing * spacing / std::numbers::pi);
  return 0.5 * covered * spacing;
}

}  // namespace kyoso::sim::sinter
