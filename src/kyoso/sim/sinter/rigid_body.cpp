// Rigid-body advection velocities; see rigid_body.h.
#include "kyoso/sim/sinter/rigid_body.h"

#include <cmath>

namespace kyoso::sim::sinter {

namespace {

// Minimum-image displacement r − c on a periodic axis.
double Displacement(double r, double c, double length) {
  double d = r - c;
  if (d > 0.5 * length) d -= length;
  if (d < -0.5 * length) d += length;
  return d;
}

// Central-difference gradient component of u at (i, j, k).
double Gradient(const Grid& g, const double* u, int i, int j, int k, int axis) {
  int ip = i, im = i, jp = j, jm = j, kp = k, km = k;
  if (axis == 0) {
    ip = (i + 1) % g.n[0];
    im = (i + g.n[0] - 1) % g.n[0];
  } else if (axis == 1) {
    jp = (j + 1) % g.n[1];
    jm = (j + g.n[1] - 1) % g.n[1];
  } else {
    kp = (k + 1) % g.n[2];
    km = (k + g.n[2] - 1) % g.n[2];
  }
  return (u[g.Index(ip, jp, kp)] - u[g.Index(im, jm, km)]) / (2.0 * g.dx);
}

}  // namespace

Advection RigidBodyVelocities(const State& state, const GrainTracker& tracker,
                              const RigidBodyParams& params, std::vector<GrainForce>* forces) {
  const Grid& g = state.grid;
  const std::size_t n = g.size();
  const int dims = g.dims;
  const std::vector<GrainInfo>& grains = tracker.grains();
  std::vector<GrainForce> f(grains.size());
  const double dv = g.CellVolume();
  for (int k = 0; k < g.n[2]; ++k) {
    for (int j = 0; j < g.n[1]; ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        const std::size_t c = g.Index(i, j, k);
        const double excess = params.k * (state.rho[c] - params.rho_eq);
        for (int s = 0; s < state.num_slots; ++s) {
          const int grain = tracker.GrainOf(s, tracker.labels(s)[c]);
          if (grain < 0) continue;
          const double es = state.Eta(s)[c];
          std::array<double, 3> df{0.0, 0.0, 0.0};
          for (int t = 0; t < state.num_slots; ++t) {
            if (t == s) continue;
            const double p = es * state.Eta(t)[c];
            const double w =
                0.5 * (1.0 + std::tanh((p - params.weight_center) / params.weight_width));
            if (w < 1e-12) continue;
            for (int d = 0; d < dims; ++d) {
              df[d] +=
                  excess * w *
                  (Gradient(g, state.Eta(s), i, j, k, d) - Gradient(g, state.Eta(t), i, j, k, d));
            }
          }
          const int idx[3] = {i, j, k};
          std::array<double, 3> r{0.0, 0.0, 0.0};
          for (int d = 0; d < dims; ++d) {
            r[d] = Displacement(idx[d] * g.dx, grains[grain].centroid[d], g.Length(d));
          }
          GrainForce& gf = f[grain];
          for (int d = 0; d < dims; ++d) gf.force[d] += df[d] * dv;
          gf.torque[2] += (r[0] * df[1] - r[1] * df[0]) * dv;
          if (dims == 3) {
            gf.torque[0] += (r[1] * df[2] - r[2] * df[1]) * dv;
            gf.torque[1] += (r[2] * df[0] - r[0] * df[2]) * dv;
          }
        }
      }
    }
  }
  Advection adv;
  adv.slot_velocity.assign(state.num_slots, std::vector<double>(n * dims, 0.0));
  adv.rho_velocity.assign(n * dims, 0.0);
  for (int k = 0; k < g.n[2]; ++k) {
    for (int j = 0; j < g.n[1]; ++j) {
      for (int i = 0; i < g.n[0]; ++i) {
        const std::size_t c = g.Index(i, j, k);
        const int idx[3] = {i, j, k};
        for (int s = 0; s < state.num_slots; ++s) {
          const int grain = tracker.GrainOf(s, tracker.labels(s)[c]);
          if (grain < 0) continue;
          const GrainInfo& info = grains[grain];
          const double vt = params.m_t / info.volume;
          const double vr = params.m_r / info.volume;
          std::array<double, 3> r{0.0, 0.0, 0.0};
          for (int d = 0; d < dims; ++d) {
            r[d] = Displacement(idx[d] * g.dx, info.centroid[d], g.Length(d));
          }
          const std::array<double, 3>& t = f[grain].torque;
          // T × r (2-D: T = (0, 0, T_z)).
          const std::array<double, 3> rot{t[1] * r[2] - t[2] * r[1], t[2] * r[0] - t[0] * r[2],
                                          t[0] * r[1] - t[1] * r[0]};
          for (int d = 0; d < dims; ++d) {
            const double v = vt * f[grain].force[d] + vr * rot[d];
            adv.slot_velocity[s][d * n + c] = v;
            adv.rho_velocity[d * n + c] += state.Eta(s)[c] * v;
          }
        }
      }
    }
  }
  if (forces != nullptr) *forces = std::move(f);
  return adv;
}

Advection UniformTranslation(const State& state, const std::array<double, 3>& velocity) {
  const std::size_t n = state.grid.size();
  const int dims = state.grid.dims;
  Advection adv;
  adv.slot_velocity.assign(state.num_slots, std::vector<double>(n * dims, 0.0));
  adv.rho_velocity.assign(n * dims, 0.0);
  for (int s = 0; s < state.num_slots; ++s) {
    for (int d = 0; d < dims; ++d) {
      for (std::size_t c = 0; c < n; ++c) {
        adv.slot_velocity[s][d * n + c] = velocity[d];
        adv.rho_velocity[d * n + c] += state.Eta(s)[c] * velocity[d];
      }
    }
  }
  return adv;
}

}  // namespace kyoso::sim::sinter
