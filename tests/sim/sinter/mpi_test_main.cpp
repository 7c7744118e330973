// main() of the MPI tests (mpi_fd_test.cpp, mpi_spectral_test.cpp): MPI_Init around GoogleTest;
// every rank runs every test (each test is collective over MPI_COMM_WORLD).
#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  const int result = RUN_ALL_TESTS();
  MPI_Finalize();
  return result;
}
