// Explicit conservative finite-difference kernel; see fd_kernel.h and docs/methods/sinter.md.
#include "kyoso/sim/sinter/fd_kernel.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kyoso/sim/sinter/detail/parallel.h"

namespace kyoso::sim::sinter {

bool State::AllFinite() const {
  for (double v : rho) {
    if (!std::isfinite(v)) return false;
  }
  for (double v : eta) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

State MakeState(const Grid& grid, int num_slots) {
  State state;
  state.grid = grid;
  state.num_slots = num_slots;
  state.rho.assign(grid.size(), 0.0);
  state.eta.assign(grid.size() * static_cast<std::size_t>(num_slots), 0.0);
  return state;
}

double FdStableStep(const Grid& grid, const StepModel& model, double max_mobility) {
  const double lambda = 4.0 * grid.dims / (grid.dx * grid.dx);
  const double m_max = max_mobility >= 0.0 ? max_mobility : MobilityBound(model.mobility);
  const double rate_rho = m_max * (CurvatureBoundRho(model.coefficients) * lambda +
                                   model.coefficients.kappa_rho * lambda * lambda);
  const double rate_eta =
      model.l * (CurvatureBoundEta(model.coefficients) + model.coefficients.kappa_eta * lambda);
  const double rate = std::max(rate_rho, rate_eta);
  return rate > 0.0 ? 2.0 / rate : INFINITY;
}

FdKernel::FdKernel(const Grid& grid, int num_slots, int num_threads)
    : grid_(grid), num_slots_(num_slots), num_threads_(std::max(1, num_threads)) {
  const std::size_t n = grid.size();
  s2_.resize(n);
  mu_.resize(n);
  mobility_.resize(n);
  rho_next_.resize(n);
  eta_next_.resize(n * static_cast<std::size_t>(num_slots));
}

void FdKernel::Step(State& state, const StepModel& model, double dt, const Advection* advection) {
  if (grid_.dims == 3) {
    StepDims<3>(state, model, dt);
  } else {
    StepDims<2>(state, model, dt);
  }
  if (advection != nullptr && !advection->empty()) Advect(state, dt, *advection);
  std::swap(state.rho, rho_next_);
  std::swap(state.eta, eta_next_);
  state.time += dt;
  ++state.step;
}

namespace {

// Offsets of the rows around row (j, k): the x-line itself and its ±y and ±z neighbours.
struct Row {
  std::size_t c, ym, yp, zm, zp;
};

template <int kDims>
Row RowAt(const Grid& g, int j, int k) {
  const int ny = g.n[1];
  const int nz = g.n[2];
  Row r{};
  r.c = g.Index(0, j, k);
  r.ym = g.Index(0, (j + ny - 1) % ny, k);
  r.yp = g.Index(0, (j + 1) % ny, k);
  if constexpr (kDims == 3) {
    r.zm = g.Index(0, j, (k + nz - 1) % nz);
    r.zp = g.Index(0, j, (k + 1) % nz);
  } else {
    r.zm = r.zp = r.c;
  }
  return r;
}

// Runs body(i, i−1, i+1) over one x-line with periodic wrap; the interior loop has affine
// neighbour indices so the compiler vectorizes it.
template <class Body>
inline void ForLine(int nx, Body&& body) {
  body(0, nx - 1, nx > 1 ? 1 : 0);
#pragma GCC ivdep
  for (int i = 1; i < nx - 1; ++i) body(i, i - 1, i + 1);
  if (nx > 1) body(nx - 1, nx - 2, 0);
}

// Sum of the 2·kDims neighbours of point i of a row (x wrap given by im/ip).
template <int kDims>
inline double NeighbourSum(const double* u, const Row& r, int i, int im, int ip) {
  double s = u[r.c + im] + u[r.c + ip] + u[r.ym + i] + u[r.yp + i];
  if constexpr (kDims == 3) s += u[r.zm + i] + u[r.zp + i];
  return s;
}

}  // namespace

template <int kDims>
void FdKernel::StepDims(State& state, const StepModel& model, double dt) {
  const Grid& g = grid_;
  const int nx = g.n[0];
  const int ny = g.n[1];
  const int nz = kDims == 3 ? g.n[2] : 1;
  const std::size_t n = g.size();
  const int slots = num_slots_;
  const double inv_h2 = 1.0 / (g.dx * g.dx);
  const double a = model.coefficients.a;
  const double b = model.coefficients.b;
  const double kappa_rho = model.coefficients.kappa_rho;
  const double kappa_eta = model.coefficients.kappa_eta;
  const Mobility mob = model.mobility;
  const double dt_l = dt * model.l;
  const double center = 2.0 * kDims;
  const double* __restrict rho = state.rho.data();
  const double* __restrict eta = state.eta.data();
  double* __restrict s2a = s2_.data();
  double* __restrict mu = mu_.data();
  double* __restrict mobility = mobility_.data();
  double* __restrict rho_next = rho_next_.data();
  double* __restrict eta_next = eta_next_.data();
  const int rows = ny * nz;

  // Pass 1: s2 = Σ η², μ = ∂f/∂ρ − κ_ρ ∇²ρ and M at every point, one x-line at a time so the
  // per-line sums stay in cache.
  double max_mobility = 0.0;
  KYOSO_OMP_PARALLEL(num_threads_) {
    double local_max = 0.0;
    std::vector<double> s1(static_cast<std::size_t>(nx));
    std::vector<double> s3(static_cast<std::size_t>(nx));
    KYOSO_OMP_FOR_STATIC
    for (int row = 0; row < rows; ++row) {
      const Row r = RowAt<kDims>(g, row % ny, row / ny);
      double* __restrict l1 = s1.data();
      double* __restrict l2 = s2a + r.c;
      double* __restrict l3 = s3.data();
      std::fill(l1, l1 + nx, 0.0);
      std::fill(l2, l2 + nx, 0.0);
      std::fill(l3, l3 + nx, 0.0);
      for (int slot = 0; slot < slots; ++slot) {
        const double* __restrict e = eta + static_cast<std::size_t>(slot) * n + r.c;
#pragma GCC ivdep
        for (int i = 0; i < nx; ++i) {
          const double v = e[i];
          const double v2 = v * v;
          l1[i] += v;
          l2[i] += v2;
          l3[i] += v2 * v;
        }
      }
      ForLine(nx, [&](int i, int im, int ip) {
        const double p = rho[r.c + i];
        const double lap = (NeighbourSum<kDims>(rho, r, i, im, ip) - center * p) * inv_h2;
        mu[r.c + i] = DfDrhoSums(a, b, p, l2[i], l3[i]) - kappa_rho * lap;
        mobility[r.c + i] = MobilityAt(mob, p, l1[i], l2[i]);
      });
      for (int i = 0; i < nx; ++i) local_max = std::max(local_max, mobility[r.c + i]);
    }
    KYOSO_OMP_CRITICAL
    max_mobility = std::max(max_mobility, local_max);
  }
  last_max_mobility_ = max_mobility;

  // Pass 2: ρ from the face fluxes M_f ∇μ, every η_i from its Allen-Cahn right-hand side.
  const double half_dt_h2 = 0.5 * dt * inv_h2;
  KYOSO_OMP_PARALLEL(num_threads_) {
    KYOSO_OMP_FOR_STATIC
    for (int row = 0; row < rows; ++row) {
      const Row r = RowAt<kDims>(g, row % ny, row / ny);
      ForLine(nx, [&](int i, int im, int ip) {
        const std::size_t c = r.c + i;
        const double m0 = mobility[c];
        const double u0 = mu[c];
        // Σ over faces of (M_c + M_nb)(μ_nb − μ_c); each face term is the exact negative of
        // the one its neighbour computes, so Σρ changes only by round-off.
        double flux = (m0 + mobility[r.c + im]) * (mu[r.c + im] - u0) +
                      (m0 + mobility[r.c + ip]) * (mu[r.c + ip] - u0) +
                      (m0 + mobility[r.ym + i]) * (mu[r.ym + i] - u0) +
                      (m0 + mobility[r.yp + i]) * (mu[r.yp + i] - u0);
        if constexpr (kDims == 3) {
          flux += (m0 + mobility[r.zm + i]) * (mu[r.zm + i] - u0) +
                  (m0 + mobility[r.zp + i]) * (mu[r.zp + i] - u0);
        }
        rho_next[c] = rho[c] + half_dt_h2 * flux;
      });
      for (int slot = 0; slot < slots; ++slot) {
        const std::size_t offset = static_cast<std::size_t>(slot) * n;
        const double* __restrict e = eta + offset;
        double* __restrict out = eta_next + offset;
        ForLine(nx, [&](int i, int im, int ip) {
          const std::size_t c = r.c + i;
          const double v = e[c];
          const double lap = (NeighbourSum<kDims>(e, r, i, im, ip) - center * v) * inv_h2;
          out[c] = v - dt_l * (DfDetaSums(b, rho[c], v, s2a[c]) - kappa_eta * lap);
        });
      }
    }
  }
}

template void FdKernel::StepDims<2>(State&, const StepModel&, double);
template void FdKernel::StepDims<3>(State&, const StepModel&, double);

namespace detail {

namespace {

// Upwind flux of u with the face velocity averaged from the two cells, u_a and v_a on the − side.
inline double UpwindFlux(double scale, double u_a, double u_b, double v_a, double v_b) {
  const double vf = 0.5 * (v_a + v_b);
  return scale * vf * (vf > 0.0 ? u_a : u_b);
}

}  // namespace

void AdvectField(const Grid& grid, const double* u, const double* velocity, double dt, double* out,
                 int num_threads) {
  const std::size_t n = grid.size();
  const int nx = grid.n[0];
  const double scale = dt / grid.dx;
  // Gather form: each cell adds the flux through its − face and subtracts the one through its +
  // face. A face's flux is computed by both its cells from the same operands in the same order,
  // so it is identical on both sides (conservation) and rows are independent (threads).
  const int rows = grid.n[1] * grid.n[2];
  KYOSO_OMP_PARALLEL(num_threads) {
    std::vector<double> flux(static_cast<std::size_t>(nx));
    KYOSO_OMP_FOR_STATIC
    for (int row = 0; row < rows; ++row) {
      const int j = row % grid.n[1];
      const int k = row / grid.n[1];
      const std::size_t base = grid.Index(0, j, k);
      double* __restrict o = out + base;
      const double* uc = u + base;
      // Axis 0 (along the row): flux[i] through the face (i, i + 1), periodic.
      const double* v0 = velocity + base;
      for (int i = 0; i + 1 < nx; ++i)
        flux[i] = UpwindFlux(scale, uc[i], uc[i + 1], v0[i], v0[i + 1]);
      flux[nx - 1] = UpwindFlux(scale, uc[nx - 1], uc[0], v0[nx - 1], v0[0]);
      o[0] += flux[nx - 1];
      o[0] -= flux[0];
      for (int i = 1; i < nx; ++i) {
        o[i] += flux[i - 1];
        o[i] -= flux[i];
      }
      // Axes 1 and 2: the faces with the previous and the next row along the axis.
      for (int axis = 1; axis < grid.dims; ++axis) {
        const double* v = velocity + static_cast<std::size_t>(axis) * n;
        const std::size_t minus = axis == 1 ? grid.Index(0, (j + grid.n[1] - 1) % grid.n[1], k)
                                            : grid.Index(0, j, (k + grid.n[2] - 1) % grid.n[2]);
        const std::size_t plus = axis == 1 ? grid.Index(0, (j + 1) % grid.n[1], k)
                                           : grid.Index(0, j, (k + 1) % grid.n[2]);
        const double* um = u + minus;
        const double* up = u + plus;
        const double* vm = v + minus;
        const double* vc = v + base;
        const double* vp = v + plus;
        for (int i = 0; i < nx; ++i) {
          o[i] += UpwindFlux(scale, um[i], uc[i], vm[i], vc[i]);
          o[i] -= UpwindFlux(scale, uc[i], up[i], vc[i], vp[i]);
        }
      }
    }
  }
}

}  // namespace detail

void FdKernel::Advect(State& state, double dt, const Advection& advection) {
  const std::size_t n = grid_.size();
  detail::AdvectField(grid_, state.rho.data(), advection.rho_velocity.data(), dt, rho_next_.data(),
                      num_threads_);
  for (int slot = 0; slot < num_slots_; ++slot) {
    const std::size_t offset = static_cast<std::size_t>(slot) * n;
    detail::AdvectField(grid_, state.eta.data() + offset, advection.slot_velocity[slot].data(), dt,
                        eta_next_.data() + offset, num_threads_);
  }
}

}  // namespace kyoso::sim::sinter
