// Rigid-body advection velocities; see rigid_body.h.
#include "kyoso/sim/sinter/rigid_body.h"

#include <algorithm>
#include <cmath>

#include "kyoso/sim/sinter/detail/parallel.h"

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

void ForcesOverRows(const State& state, const Grid& global, int offset, int k_begin, int k_end,
                    int j_begin, int j_end, const GrainTracker& tracker,
                    const RigidBodyParams& params, double dv, std::vector<GrainForce>& f);

// F_i, T_i over planes [begin, end) of the last axis of `state`'s grid, whose plane p is plane
// p + offset of the box `global` (the whole box: offset 0; a rank's slab: its first owned plane
// minus its ghosts). The gradients read planes begin − 1 and end, and the tracker's labels are
// on `state`'s grid.
std::vector<GrainForce> ForcesOverPlanes(const State& state, const Grid& global, int offset,
                                         int begin, int end, const GrainTracker& tracker,
                                         const RigidBodyParams& params, int num_threads) {
  const Grid& g = state.grid;
  const int slab_axis = g.PlaneAxis();
  const std::vector<GrainInfo>& grains = tracker.grains();
  const double dv = g.CellVolume();
  // Each plane of the slab axis (k in 3-D, j in 2-D) sums into its own partial forces, on
  // threads; the planes are then added in order, so the result does not depend on the number of
  // threads.
  const int num_planes = std::max(0, end - begin);
  std::vector<std::vector<GrainForce>> partial(static_cast<std::size_t>(num_planes));
  KYOSO_OMP_PARALLEL(num_threads) {
    KYOSO_OMP_FOR_STATIC
    for (int plane = begin; plane < end; ++plane) {
      std::vector<GrainForce>& f = partial[static_cast<std::size_t>(plane - begin)];
      f.resize(grains.size());
      const int k_begin = slab_axis == 2 ? plane : 0;
      const int k_end = slab_axis == 2 ? plane + 1 : g.n[2];
      const int j_begin = slab_axis == 1 ? plane : 0;
      const int j_end = slab_axis == 1 ? plane + 1 : g.n[1];
      ForcesOverRows(state, global, offset, k_begin, k_end, j_begin, j_end, tracker, params, dv, f);
    }
  }
  std::vector<GrainForce> f(grains.size());
  for (const std::vector<GrainForce>& plane : partial) {
    for (std::size_t grain = 0; grain < f.size(); ++grain) {
      for (int d = 0; d < 3; ++d) {
        f[grain].force[d] += plane[grain].force[d];
        f[grain].torque[d] += plane[grain].torque[d];
      }
    }
  }
  return f;
}

// Adds the forces and torques of rows k ∈ [k_begin, k_end), j ∈ [j_begin, j_end) to f.
void ForcesOverRows(const State& state, const Grid& global, int offset, int k_begin, int k_end,
                    int j_begin, int j_end, const GrainTracker& tracker,
                    const RigidBodyParams& params, double dv, std::vector<GrainForce>& f) {
  const Grid& g = state.grid;
  const int dims = g.dims;
  const int slab_axis = g.PlaneAxis();
  const std::vector<GrainInfo>& grains = tracker.grains();
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
          std::array<double, 3> grad_s{0.0, 0.0, 0.0};
          bool have_grad_s = false;
          for (int t = 0; t < state.num_slots; ++t) {
            if (t == s) continue;
            const double p = es * state.Eta(t)[c];
            const double x = (p - params.weight_center) / params.weight_width;
            // w = (1 + tanh x)/2 < e^{2x} < 1e-12 for x < −14: skipped without evaluating tanh
            // (the same points as the test on w below, which stays for −14 ≤ x).
            if (x < -14.0) continue;
            const double w = 0.5 * (1.0 + std::tanh(x));
            if (w < 1e-12) continue;
            if (!have_grad_s) {
              for (int d = 0; d < dims; ++d) grad_s[d] = Gradient(g, state.Eta(s), i, j, k, d);
              have_grad_s = true;
            }
            for (int d = 0; d < dims; ++d) {
              df[d] += excess * w * (grad_s[d] - Gradient(g, state.Eta(t), i, j, k, d));
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
}

}  // namespace

std::vector<GrainForce> GrainForces(const State& state, const GrainTracker& tracker,
                                    const RigidBodyParams& params, int first_plane, int num_planes,
                                    int num_threads) {
  return ForcesOverPlanes(state, state.grid, 0, first_plane, first_plane + num_planes, tracker,
                          params, num_threads);
}

std::vector<GrainForce> SlabGrainForces(const State& local, const Grid& global, int first_plane,
                                        int ghosts, const GrainTracker& tracker,
                                        const RigidBodyParams& params, int num_threads) {
  const int planes = local.grid.n[global.PlaneAxis()] - 2 * ghosts;
  return ForcesOverPlanes(local, global, first_plane - ghosts, ghosts, ghosts + planes, tracker,
                          params, num_threads);
}

namespace {

// The velocities on a local grid `out_grid` (ghost planes included) whose plane p along the slab
// axis is plane first_plane − ghosts + p (periodic) of the box `global`. The tracker's labels and
// the η_i are read from `fields` at index source(i, lj, lk, j, k) ((lj, lk): the local row,
// (j, k): the global one). Every point writes only its own velocities: rows run on threads.
template <class Source>
Advection VelocitiesOnLocalGrid(const State& fields, const Grid& out_grid, const Grid& global,
                                int first_plane, int ghosts, const GrainTracker& tracker,
                                const RigidBodyParams& params,
                                const std::vector<GrainForce>& forces, int num_threads,
                                Source source) {
  const int dims = global.dims;
  const int slab_axis = global.PlaneAxis();
  const int n_slab = global.n[slab_axis];
  const std::size_t n = out_grid.size();
  const std::vector<GrainInfo>& grains = tracker.grains();
  Advection adv;
  adv.slot_velocity.assign(fields.num_slots, std::vector<double>(n * dims, 0.0));
  adv.rho_velocity.assign(n * dims, 0.0);
  const int rows = out_grid.n[1] * out_grid.n[2];
  KYOSO_OMP_PARALLEL(num_threads) {
    KYOSO_OMP_FOR_STATIC
    for (int row = 0; row < rows; ++row) {
      const int lj = row % out_grid.n[1];
      const int lk = row / out_grid.n[1];
      for (int i = 0; i < out_grid.n[0]; ++i) {
        // The global point of the local one (periodic along the slab axis).
        int j = lj, k = lk;
        if (slab_axis == 1) j = ((first_plane - ghosts + lj) % n_slab + n_slab) % n_slab;
        if (slab_axis == 2) k = ((first_plane - ghosts + lk) % n_slab + n_slab) % n_slab;
        const std::size_t c = source(i, lj, lk, j, k);
        const std::size_t lc = out_grid.Index(i, lj, lk);
        const int idx[3] = {i, j, k};
        for (int s = 0; s < fields.num_slots; ++s) {
          const int grain = tracker.GrainOf(s, tracker.labels(s)[c]);
          if (grain < 0) continue;
          const GrainInfo& info = grains[grain];
          const double vt = params.m_t / info.volume;
          const double vr = params.m_r / info.volume;
          std::array<double, 3> r{0.0, 0.0, 0.0};
          for (int d = 0; d < dims; ++d) {
            r[d] = Displacement(idx[d] * global.dx, info.centroid[d], global.Length(d));
          }
          const std::array<double, 3>& t = forces[grain].torque;
          // T × r (2-D: T = (0, 0, T_z)).
          const std::array<double, 3> rot{t[1] * r[2] - t[2] * r[1], t[2] * r[0] - t[0] * r[2],
                                          t[0] * r[1] - t[1] * r[0]};
          for (int d = 0; d < dims; ++d) {
            const double v = vt * forces[grain].force[d] + vr * rot[d];
            adv.slot_velocity[s][d * n + lc] = v;
            adv.rho_velocity[d * n + lc] += fields.Eta(s)[c] * v;
          }
        }
      }
    }
  }
  return adv;
}

}  // namespace

Advection SlabGrainVelocities(const State& local, const Grid& global, int first_plane, int ghosts,
                              const GrainTracker& tracker, const RigidBodyParams& params,
                              const std::vector<GrainForce>& forces, int num_threads) {
  // Labels and fields are on the local grid itself.
  const Grid& lg = local.grid;
  return VelocitiesOnLocalGrid(
      local, lg, global, first_plane, ghosts, tracker, params, forces, num_threads,
      [&lg](int i, int lj, int lk, int, int) { return lg.Index(i, lj, lk); });
}

Advection GrainVelocities(const State& state, const GrainTracker& tracker,
                          const RigidBodyParams& params, const std::vector<GrainForce>& forces,
                          int first_plane, int num_planes, int ghosts, int num_threads) {
  // Labels and fields are on the whole box; the velocities on the slab layout.
  const Grid& g = state.grid;
  Grid local = g;
  local.n[g.PlaneAxis()] = num_planes + 2 * ghosts;
  return VelocitiesOnLocalGrid(state, local, g, first_plane, ghosts, tracker, params, forces,
                               num_threads,
                               [&g](int i, int, int, int j, int k) { return g.Index(i, j, k); });
}

Advection RigidBodyVelocities(const State& state, const GrainTracker& tracker,
                              const RigidBodyParams& params, std::vector<GrainForce>* forces,
                              int num_threads) {
  const int n_slab = state.grid.n[state.grid.PlaneAxis()];
  std::vector<GrainForce> f = GrainForces(state, tracker, params, 0, n_slab, num_threads);
  Advection adv = GrainVelocities(state, tracker, params, f, 0, n_slab, 0, num_threads);
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
