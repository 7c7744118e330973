// The MPI slab decomposition of the FD kernel (mpi_fd.h), run under `mpirun -np 2`: the same
// steps on 2 ranks give bitwise the fields of one rank, and ∫ρ is conserved to round-off.
#include "kyoso/sim/sinter/mpi_fd.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>

#include "kyoso/sim/sinter/sinter.h"
#include "kyoso/sim/sinter/structures.h"
#include "sim/sinter/test_model.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

StepModel Model() { return testing::TestModel(); }

State Pair(int dims) {
  Grid g{.dims = dims, .n = {40, 24, dims == 3 ? 20 : 1}, .dx = 1.0};
  State s = MakeState(g, 2);
  FillState(MakeParticles({.kind = StructureKind::kTwoParticles, .radius = 7.0}, g, "/s"), {0, 1},
            2.0, false, s);
  return s;
}

// Equality is exact (0 tolerance): every owned point is computed with the same operations.
TEST(DistributedFdKernel, MatchesOneRankBitwiseIn2DAnd3D) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int dims : {2, 3}) {
    State serial = Pair(dims);
    State gathered = serial;
    const StepModel model = Model();
    const double dt = 0.5 * FdStableStep(serial.grid, model);
    DistributedFdKernel distributed(serial.grid, 2, 1, MPI_COMM_WORLD);
    distributed.Scatter(serial);
    const double m0 = distributed.Mass();
    FdKernel kernel(serial.grid, 2, 1);
    for (int step = 0; step < 100; ++step) {
      kernel.Step(serial, model, dt, nullptr);
      distributed.Step(model, dt);
    }
    ExpectClose(distributed.Mass(), m0, 1e-13);
    distributed.Gather(gathered);
    if (rank == 0) {
      for (std::size_t c = 0; c < serial.rho.size(); ++c) ASSERT_EQ(serial.rho[c], gathered.rho[c]);
      for (std::size_t c = 0; c < serial.eta.size(); ++c) ASSERT_EQ(serial.eta[c], gathered.eta[c]);
    }
  }
}

// The Run use case over MPI_COMM_WORLD (FD kernel, adaptive step, grain tracking, samples)
// against the same spec run on one process (every rank runs the serial case itself). Oracle:
// two ghost planes make each step bitwise equal, and the adaptive step uses the exact global
// max mobility, so the step count, the grain counts and the final fields are equal exactly (0
// tolerance); the integrals that each rank sums over its own planes (mass, free energy, surface
// and grain-boundary area, density, and the grain volumes and centroid sums of the distributed
// grain tracking), added by MPI_Allreduce, are the same terms grouped differently. Their terms are
// ≥ 0 (ρ, f near the wells, squared and absolute gradients), so the relative difference is at most
// (number of points) × ε ≈ 2560 × 1.1e-16 = 2.8e-13; we assert 1e-12, and the grain-boundary area,
// a difference of two such sums, to 1e-12 of the surface area. Observed on 2 and 3 ranks: mass,
// free energy, density, surface area within 4e-15 relative; grain-boundary area within 5e-14 of
// itself.
void ExpectIntegralsAgree(const Series& parallel, const Series& serial) {
  ASSERT_EQ(parallel.time.size(), serial.time.size());
  for (std::size_t k = 0; k < serial.time.size(); ++k) {
    ExpectClose(parallel.mass[k], serial.mass[k], 1e-12);
    ExpectClose(parallel.free_energy[k], serial.free_energy[k], 1e-12);
    ExpectClose(parallel.density[k], serial.density[k], 1e-12);
    ExpectClose(parallel.surface_area[k], serial.surface_area[k], 1e-12);
    ExpectClose(parallel.gb_area[k], serial.gb_area[k], 0.0, 1e-12 * serial.surface_area[k]);
  }
}

TEST(DistributedRun, SeriesAndFieldsEqualOneRankRun) {
  const Spec spec = ParseSpec(nlohmann::json::parse(R"({
    "grid": {"dims": 2, "n": [64, 40], "dx": 1}, "model": {},
    "structure": {"type": "two_particles", "radius": 12, "overlap": 0.05},
    "numerics": {"kernel": "fd", "end_time": 20, "num_order_parameters": 2,
                 "num_samples": 4, "tracking_every": 25}
  })"));
  const Result serial = sinter::Run(spec, {});
  const Result parallel = sinter::Run(spec, {.communicator = MPI_COMM_WORLD});
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  EXPECT_EQ(parallel.summary.num_ranks, ranks);
  EXPECT_EQ(parallel.summary.steps, serial.summary.steps);
  ASSERT_EQ(parallel.series.time.size(), serial.series.time.size());
  for (std::size_t k = 0; k < serial.series.time.size(); ++k) {
    EXPECT_EQ(parallel.series.time[k], serial.series.time[k]);
    EXPECT_EQ(parallel.series.grains[k], serial.series.grains[k]);
    ExpectClose(parallel.series.mean_grain_radius[k], serial.series.mean_grain_radius[k], 1e-12);
    // From the grain centroids (atan2 of partial sums) and, for the neck, the cross-section
    // through the plane those centres place: smooth in the centres, so round-off as well
    // (observed on 2 and 3 ranks: mean grain radius 6e-16, shrinkage 4e-14, neck 1.5e-16).
    ExpectClose(parallel.series.shrinkage[k], serial.series.shrinkage[k], 1e-10, 1e-13);
    ExpectClose(parallel.series.neck_radius[k], serial.series.neck_radius[k], 1e-10);
  }
  ExpectIntegralsAgree(parallel.series, serial.series);
  for (std::size_t c = 0; c < serial.state.rho.size(); ++c) {
    ASSERT_EQ(parallel.state.rho[c], serial.state.rho[c]);
  }
  for (std::size_t c = 0; c < serial.state.eta.size(); ++c) {
    ASSERT_EQ(parallel.state.eta[c], serial.state.eta[c]);
  }
  EXPECT_LT(parallel.summary.mass_drift, 1e-12);
}

// The health check on several ranks tests each rank's own points and combines the verdicts with
// one MPI_Allreduce (no all-gather). Oracle: the one-process run of SinterRun.BlowUp… (an explicit
// step 20× the stable limit): the FD fields are bitwise those of one rank, so the blow-up is
// detected at the same check, the run stops with the same message, and the last good state is
// the same, exactly.
TEST(DistributedRun, BlowUpIsDetectedAtTheSameStepAsOnOneRank) {
  Spec spec = ParseSpec(nlohmann::json::parse(R"({
    "grid": {"dims": 2, "n": [48, 32], "dx": 1},
    "model": {"A": 16, "B": 1, "kappa_rho": 10, "kappa_eta": 5, "L": 1,
              "mobility": {"volume": 0.01, "vapor": 0.001, "surface": 4, "grain_boundary": 0.4}},
    "structure": {"type": "two_particles", "radius": 9},
    "numerics": {"kernel": "fd", "end_time": 30, "num_order_parameters": 2, "num_samples": 6}
  })"));
  spec.dt = 20.0 * FdStableStep(spec.grid, spec.ModelAt(0.0));
  spec.end_time = 2000.0 * spec.dt;
  spec.num_samples = 40;
  const Result serial = sinter::Run(spec, {});
  const Result parallel = sinter::Run(spec, {.communicator = MPI_COMM_WORLD});
  ASSERT_EQ(serial.summary.termination, Termination::kDiverged);
  EXPECT_EQ(parallel.summary.termination, Termination::kDiverged);
  EXPECT_EQ(parallel.summary.message, serial.summary.message);
  EXPECT_EQ(parallel.summary.steps, serial.summary.steps);
  EXPECT_EQ(parallel.series.time.size(), serial.series.time.size());
  EXPECT_EQ(parallel.state.time, serial.state.time);
  EXPECT_TRUE(parallel.state.AllFinite());
  for (std::size_t c = 0; c < serial.state.rho.size(); ++c) {
    ASSERT_EQ(parallel.state.rho[c], serial.state.rho[c]);
  }
}

// Rigid-body motion on several ranks, both kernels: the grains are tracked on the slabs before
// every step, each rank integrates the grain forces and torques over its own planes, one
// MPI_Allreduce sums them, and the upwind advection reads one neighbour plane across the slab
// faces (no all-gather per step). Oracle: the one-process run of the same spec. The
// partial sums add in another order (and the spectral transforms too), so the agreement is to
// round-off: same step count, fields within 1e-11, series within 1e-9 relative; ∫ρ conserved to
// 1e-12. The run without rigid-body motion ends measurably elsewhere (> 1e-3), so the advection
// did act. Horizon: the rigid-body model itself amplifies round-off (a one-rank spectral run
// with max_change changed by 1e-13 relative differs by 7e-7 at t = 0.5 and 3e-3 at t = 1, with a
// different step count; docs/methods/sinter.md, "MPI"), so the spectral case stops at t = 0.25
// (416 steps); the FD case runs to t = 2.
TEST(DistributedRun, RigidBodyMotionMatchesOneRankWithBothKernels) {
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  for (const char* kernel : {"fd", "spectral"}) {
    SCOPED_TRACE(kernel);
    nlohmann::json j = nlohmann::json::parse(R"({
      "grid": {"dims": 2, "n": [48, 37], "dx": 1}, "model": {},
      "structure": {"type": "two_particles", "radius": 10, "overlap": 0.05},
      "rigid_body": {"enabled": true, "k": 100, "m_t": 500, "m_r": 1},
      "numerics": {"num_order_parameters": 2, "num_samples": 2}
    })");
    j["numerics"]["kernel"] = kernel;
    j["numerics"]["end_time"] = std::string(kernel) == "fd" ? 2.0 : 0.25;
    const Result serial = sinter::Run(ParseSpec(j), {});
    const Result parallel = sinter::Run(ParseSpec(j), {.communicator = MPI_COMM_WORLD});
    j["rigid_body"]["enabled"] = false;
    const Result plain = sinter::Run(ParseSpec(j), {});
    EXPECT_EQ(parallel.summary.num_ranks, ranks);
    EXPECT_EQ(parallel.summary.termination, Termination::kCompleted);
    EXPECT_EQ(parallel.summary.steps, serial.summary.steps);
    ASSERT_EQ(parallel.series.time.size(), serial.series.time.size());
    for (std::size_t k = 0; k < serial.series.time.size(); ++k) {
      ExpectClose(parallel.series.shrinkage[k], serial.series.shrinkage[k], 1e-9, 1e-14);
      ExpectClose(parallel.series.free_energy[k], serial.series.free_energy[k], 1e-9);
      ExpectClose(parallel.series.mass[k], serial.series.mass[k], 1e-12);
      ExpectClose(parallel.series.density[k], serial.series.density[k], 1e-9);
      ExpectClose(parallel.series.surface_area[k], serial.series.surface_area[k], 1e-9);
      ExpectClose(parallel.series.gb_area[k], serial.series.gb_area[k], 0.0,
                  1e-9 * serial.series.surface_area[k]);
      EXPECT_EQ(parallel.series.grains[k], serial.series.grains[k]);
      ExpectClose(parallel.series.mean_grain_radius[k], serial.series.mean_grain_radius[k], 1e-9);
    }
    double diff = 0.0;
    double moved = 0.0;
    for (std::size_t c = 0; c < serial.state.rho.size(); ++c) {
      diff = std::max(diff, std::fabs(parallel.state.rho[c] - serial.state.rho[c]));
      moved = std::max(moved, std::fabs(plain.state.rho[c] - serial.state.rho[c]));
    }
    for (std::size_t c = 0; c < serial.state.eta.size(); ++c) {
      diff = std::max(diff, std::fabs(parallel.state.eta[c] - serial.state.eta[c]));
    }
    // observed on 2 and 3 ranks: fd 1,320 steps 4.7e-15; spectral 416 steps 7.9e-14
    EXPECT_LE(diff, 1e-11);
    EXPECT_GT(moved, 1e-3);
    EXPECT_LT(parallel.summary.mass_drift, 1e-12);
  }
}

// The axisymmetric kernel runs on one rank: a run over several ranks is refused with
// sinter.axisymmetric at /grid/geometry on every rank (nothing is computed).
TEST(DistributedRun, RefusesTheAxisymmetricGeometryOnSeveralRanks) {
  const Spec spec = ParseSpec(nlohmann::json::parse(R"({
    "grid": {"dims": 2, "geometry": "axisymmetric", "n": [20, 61], "dx": 1},
    "model": {"A": 16, "B": 1, "kappa_rho": 10, "kappa_eta": 5, "L": 1,
              "mobility": {"volume": 0, "vapor": 0, "surface": 4, "grain_boundary": 0}},
    "structure": {"type": "two_particles", "radius": 10, "overlap": 0.1},
    "numerics": {"end_time": 1, "num_order_parameters": 2}
  })"));
  try {
    sinter::Run(spec, {.communicator = MPI_COMM_WORLD});
    ADD_FAILURE() << "expected sinter.axisymmetric";
  } catch (const InputError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].path, "/grid/geometry");
    EXPECT_EQ(e.issues()[0].code, "sinter.axisymmetric");
  }
}

}  // namespace
}  // namespace kyoso::sim::sinter
