// Rigid-body motion of grains (Wang 2006, Eqs. 8-11) with a smooth grain-boundary weight:
//   dF_i = k (ρ − ρ_eq) Σ_{j≠i} w(η_i η_j) (∇η_i − ∇η_j),  w(p) = ½[1 + tanh((p − c)/s)],
//   V_i = ∫η_i, F_i = ∫dF_i, T_i = ∫(r − r_c,i) × dF_i,
//   v_i(r) = (m_t/V_i) F_i + (m_r/V_i) T_i × (r − r_c,i)   on the points of grain i.
// A hard threshold (w = step at c) makes observables non-differentiable in the parameters, which
// hurts inference; the tanh weight keeps them smooth. See docs/methods/sinter.md.
#pragma once

#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/grains.h"

namespace kyoso::sim::sinter {

struct RigidBodyParams {
  bool enabled = false;
  double k = 100.0;             // force constant k
  double m_t = 500.0;           // translational mobility m_t
  double m_r = 1.0;             // rotational mobility m_r
  double rho_eq = 1.0;          // equilibrium density ρ_eq in the boundary
  double weight_center = 0.14;  // c of the smooth weight (Wang's threshold on η_i η_j)
  double weight_width = 0.02;   // s of the smooth weight
};

// Per-grain force and torque (torque: z component in 2-D, three in 3-D).
struct GrainForce {
  std::array<double, 3> force{};
  std::array<double, 3> torque{};
};

// Computes the advection velocities from the current fields and the tracker's labels (which must
// describe `state`). Also returns the per-grain forces, indexed like tracker.grains().
// Equivalent to GrainForces over every plane followed by GrainVelocities on the whole grid.
// Threads (all functions below): the forces are summed per plane of the last axis and the planes
// added in order, the velocities are pointwise, so results do not depend on num_threads.
Advection RigidBodyVelocities(const State& state, const GrainTracker& tracker,
                              const RigidBodyParams& params, std::vector<GrainForce>* forces,
                              int num_threads = 1);

// The two halves of RigidBodyVelocities on the whole box, split by planes of the last axis (y in
// 2-D, z in 3-D): with the tracker run on the whole fields, each rank of a slab decomposition
// could integrate its own planes, sum the partial F_i and T_i over the ranks, and fill the
// velocities of its slab (the run uses the Slab* versions below, which need no whole fields).
// GrainForces: the partial integrals F_i, T_i over planes [first_plane, first_plane + num_planes).
std::vector<GrainForce> GrainForces(const State& state, const GrainTracker& tracker,
                                    const RigidBodyParams& params, int first_plane, int num_planes,
                                    int num_threads = 1);
// GrainVelocities: the velocities from the total forces, laid out on a local grid of
// num_planes + 2 × ghosts planes holding global planes first_plane − ghosts … (periodic), i.e.
// the layout of detail::SlabFields (ghost planes filled too).
Advection GrainVelocities(const State& state, const GrainTracker& tracker,
                          const RigidBodyParams& params, const std::vector<GrainForce>& forces,
                          int first_plane, int num_planes, int ghosts, int num_threads = 1);

// The same two halves when grain tracking ran on the slabs too (several MPI ranks,
// GrainTracker::Update(detail::SlabFields&), whose labels are on the local grid, ghost planes
// included). `local`: one rank's fields on the layout of detail::SlabFields (owned planes
// first_plane … of the box `global` plus `ghosts` ghost planes per side, all filled: ghost planes
// exchanged). SlabGrainForces: the partial F_i, T_i over the owned planes (sum them over the
// ranks); SlabGrainVelocities: the velocities on every point of the local grid. They equal
// GrainForces over the same planes and GrainVelocities point by point (the same operations on
// the same values) when the tracker's grains are the same.
std::vector<GrainForce> SlabGrainForces(const State& local, const Grid& global, int first_plane,
                                        int ghosts, const GrainTracker& tracker,
                                        const RigidBodyParams& params, int num_threads = 1);
Advection SlabGrainVelocities(const State& local, const Grid& global, int first_plane, int ghosts,
                              const GrainTracker& tracker, const RigidBodyParams& params,
                              const std::vector<GrainForce>& forces, int num_threads = 1);

// Advection of every grain by a prescribed uniform velocity (tests and invariants).
Advection UniformTranslation(const State& state, const std::array<double, 3>& velocity);

}  // namespace kyoso::sim::sinter
