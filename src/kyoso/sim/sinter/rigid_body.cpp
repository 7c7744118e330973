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

namespace {

// F_i, T_i over planes [begin, end) of the last axis of `state`'s grid, whose plane p is plane
// p + offset of the box `global` (the whole box: offset 0; a rank's slab: its first owned plane
// minus its ghosts). The gradients read planes begin − 1 and end, and the tracker's labels are
// on `state`'s grid.
std::vector<GrainForce> ForcesOverPlanes(const State& state, const Grid& global, int offset,
                                         int begin, int end, const GrainTracker& tracker,
                                         const RigidBodyParams& params) {
  const Grid& g = state.grid;
  const int dims = g.dims;
  const int slab_axis = dims == 3 ? 2 : 1;
  const std::vector<GrainInfo>& grains = tracker.grains();
  std::vector<GrainForce> f(grains.size());
  const double dv = g.CellVolume();
  // The loops run over the planes of the slab axis only (k in 3-D, j in 2-D).
  const int k_begin = slab_axis == 2 ? begin : 0;
  const int k_end = slab_axis == 2 ? end : g.n[2];
  const int j_begin = slab_axis == 1 ? begin : 0;
  const int j_end = slab_axis == 1 ? end : g.n[1];
  for (int k = k_begin; k < k_end; ++k) {
    for (int j = j_begin; j < j_end; ++j) {
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
          int idx[3] = {i, j, k};
          idx[slab_axis] += offset;
          std::array<double, 3> r{0.0, 0.0, 0.0};
          for (int d = 0; d < dims; ++d) {
            r[d] = Displacement(idx[d] * g.dx, grains[grain].centroid[d], global.Length(d));
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
  return f;
}

}  // namespace

std::vector<GrainForce> GrainForces(const State& state, const GrainTracker& tracker,
                                    const RigidBodyParams& params, int first_plane,
                                    int num_planes) {
  return ForcesOverPlanes(state, state.grid, 0, first_plane, first_plane + num_planes, tracker,
                          params);
}

std::vector<GrainForce> SlabGrainForces(const State& local, const Grid& global, int first_plane,
                                        int ghosts, const GrainTracker& tracker,
                                        const RigidBodyParams& params) {
  const int planes = local.grid.n[global.dims == 3 ? 2 : 1] - 2 * ghosts;
  return ForcesOverPlanes(local, global, first_plane - ghosts, ghosts, ghosts + planes, tracker,
                          params);
}

Advection SlabGrainVelocities(const State& local, const Grid& global, int first_plane, int ghosts,
                              const GrainTracker& tracker, const RigidBodyParams& params,
                              const std::vector<GrainForce>& forces) {
  const Grid& lg = local.grid;
  const int dims = lg.dims;
  const int slab_axis = dims == 3 ? 2 : 1;
  const int n_slab = global.n[slab_axis];
  const std::size_t n = lg.size();
  const std::vector<GrainInfo>& grains = tracker.grains();
  Advection adv;
  adv.slot_velocity.assign(local.num_slots, std::vector<double>(n * dims, 0.0));
  adv.rho_velocity.assign(n * dims, 0.0);
  for (int lk = 0; lk < lg.n[2]; ++lk) {
    for (int lj = 0; lj < lg.n[1]; ++lj) {
      for (int i = 0; i < lg.n[0]; ++i) {
        // The global point of the local one (periodic along the slab axis).
        int j = lj, k = lk;
        if (slab_axis == 1) j = ((first_plane - ghosts + lj) % n_slab + n_slab) % n_slab;
        if (slab_axis == 2) k = ((first_plane - ghosts + lk) % n_slab + n_slab) % n_slab;
        const std::size_t lc = lg.Index(i, lj, lk);
        const int idx[3] = {i, j, k};
        for (int s = 0; s < local.num_slots; ++s) {
          const int grain = tracker.GrainOf(s, tracker.labels(s)[lc]);
          if (grain < 0) continue;
          const GrainInfo& info = grains[grain];
          const double vt = params.m_t / info.volume;
          const double vr = params.m_r / info.volume;
          std::array<double, 3> r{0.0, 0.0, 0.0};
          for (int d = 0; d < dims; ++d) {
            r[d] = Displacement(idx[d] * global.dx, info.centroid[d], global.Length(d));
          }
          const std::array<double, 3>& t = forces[grain].torque;
          const std::array<double, 3> rot{t[1] * r[2] - t[2] * r[1], t[2] * r[0] - t[0] * r[2],
                                          t[0] * r[1] - t[1] * r[0]};
          for (int d = 0; d < dims; ++d) {
            const double v = vt * forces[grain].force[d] + vr * rot[d];
            adv.slot_velocity[s][d * n + lc] = v;
            adv.rho_velocity[d * n + lc] += local.Eta(s)[lc] * v;
          }
        }
      }
    }
  }
  return adv;
}

Advection GrainVelocities(const State& state, const GrainTracker& tracker,
                          const RigidBodyParams& params, const std::vector<GrainForce>& forces,
                          int first_plane, int num_planes, int ghosts) {
  const Grid& g = state.grid;
  const int dims = g.dims;
  const int slab_axis = dims == 3 ? 2 : 1;
  const int n_slab = g.n[slab_axis];
  Grid local = g;
  local.n[slab_axis] = num_planes + 2 * ghosts;
  const std::size_t n = local.size();
  const std::vector<GrainInfo>& grains = tracker.grains();
  Advection adv;
  adv.slot_velocity.assign(state.num_slots, std::vector<double>(n * dims, 0.0));
  adv.rho_velocity.assign(n * dims, 0.0);
  for (int lk = 0; lk < local.n[2]; ++lk) {
    for (int lj = 0; lj < local.n[1]; ++lj) {
      for (int i = 0; i < g.n[0]; ++i) {
        // The global point of the local one (periodic along the slab axis).
        int j = lj, k = lk;
        if (slab_axis == 1) j = ((first_plane - ghosts + lj) % n_slab + n_slab) % n_slab;
        if (slab_axis == 2) k = ((first_plane - ghosts + lk) % n_slab + n_slab) % n_slab;
        const std::size_t c = g.Index(i, j, k);
        const std::size_t lc = local.Index(i, lj, lk);
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
          const std::array<double, 3>& t = forces[grain].torque;
          // T × r (2-D: T = (0, 0, T_z)).
          const std::array<double, 3> rot{t[1] * r[2] - t[2] * r[1], t[2] * r[0] - t[0] * r[2],
                                          t[0] * r[1] - t[1] * r[0]};
          for (int d = 0; d < dims; ++d) {
            const double v = vt * forces[grain].force[d] + vr * rot[d];
            adv.slot_velocity[s][d * n + lc] = v;
            adv.rho_velocity[d * n + lc] += state.Eta(s)[c] * v;
          }
        }
      }
    }
  }
  return adv;
}

Advection RigidBodyVelocities(const State& state, const GrainTracker& tracker,
                              const RigidBodyParams& params, std::vector<GrainForce>* forces) {
  const int n_slab = state.grid.n[state.grid.dims == 3 ? 2 : 1];
  std::vector<GrainForce> f = GrainForces(state, tracker, params, 0, n_slab);
  Advection adv = GrainVelocities(state, tracker, params, f, 0, n_slab, 0);
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
