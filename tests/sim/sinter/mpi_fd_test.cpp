// The MPI slab decomposition of the FD kernel (mpi_fd.h), run under `mpirun -np 2`: the same
// steps on 2 ranks give bitwise the fields of one rank, and ∫ρ is conserved to round-off.
#include "kyoso/sim/sinter/mpi_fd.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include "kyoso/sim/sinter/structures.h"
#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

using kyoso::testing::ExpectClose;

StepModel Model() {
  return {.coefficients = {.a = 16.0, .b = 1.0, .kappa_rho = 10.0, .kappa_eta = 5.0},
          .mobility = {.volume = 0.01, .vapor = 0.001, .surface = 4.0, .grain_boundary = 0.4},
          .l = 1.0};
}

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

}  // namespace
}  // namespace kyoso::sim::sinter

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  const int result = RUN_ALL_TESTS();
  MPI_Finalize();
  return result;
}
