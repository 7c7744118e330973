// Writers (output.h): checkpoint round trip and restart equal to an uninterrupted run, VTK and
// CSV shapes.
#include "kyoso/sim/sinter/output.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/expect_close.h"

namespace kyoso::sim::sinter {
namespace {

std::string TempDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("kyoso_sinter_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

Spec PairSpec(double end_time, int num_samples = 4) {
  nlohmann::json j = nlohmann::json::parse(R"({
    "grid": {"dims": 2, "n": [64, 32], "dx": 1},
    "model": {"A": 16, "B": 1, "kappa_rho": 10, "kappa_eta": 5, "L": 1},
    "structure": {"type": "two_particles", "radius": 10},
    "numerics": {"num_order_parameters": 2, "num_samples": 4, "dt": 0.0005},
    "output": {"vtk_times": [0, 0.25]}
  })");
  j["numerics"]["end_time"] = end_time;
  j["numerics"]["num_samples"] = num_samples;
  return ParseSpec(j);
}

// A run to t = 0.5 equals a run to t = 0.25 restarted from its checkpoint and continued to 0.5,
// bitwise (fixed dt, the same sample times, deterministic kernels).
TEST(Checkpoint, RestartReproducesUninterruptedRunBitwise) {
  const std::string dir = TempDir("restart");
  const Result full = sinter::Run(PairSpec(0.5), {});
  const Result half = sinter::Run(PairSpec(0.25, 2), {.output_dir = dir});
  const Result rest = sinter::Run(PairSpec(0.5, 2), {.restart_path = dir + "/checkpoint.bin"});
  ASSERT_EQ(full.state.rho.size(), rest.state.rho.size());
  EXPECT_EQ(full.state.step, rest.state.step);
  for (std::size_t c = 0; c < full.state.rho.size(); ++c)
    ASSERT_EQ(full.state.rho[c], rest.state.rho[c]);
  for (std::size_t c = 0; c < full.state.eta.size(); ++c)
    ASSERT_EQ(full.state.eta[c], rest.state.eta[c]);
  // The first run wrote the series and the VTK files at t = 0 and t = 0.25.
  EXPECT_TRUE(std::filesystem::exists(dir + "/series.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/state_0.vtk"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/state_1.vtk"));
  (void)half;
}

TEST(Checkpoint, RejectsFilesThatAreNotCheckpoints) {
  const std::string dir = TempDir("bad");
  std::ofstream(dir + "/x.bin") << "not a checkpoint at all, just some text of enough length";
  EXPECT_THROW(ReadCheckpoint(dir + "/x.bin"), InputError);
  EXPECT_THROW(ReadCheckpoint(dir + "/missing.bin"), InputError);
}

// VTK legacy binary: header lines, then per field 8 bytes per point; CSV: header + one row per
// sample.
TEST(Writers, VtkAndCsvHaveExpectedShape) {
  const std::string dir = TempDir("writers");
  const Result r = sinter::Run(PairSpec(0.1), {});
  WriteVtk(r.state, dir + "/s.vtk");
  WriteCsv(r.series, dir + "/s.csv");
  std::ifstream vtk(dir + "/s.vtk", std::ios::binary);
  std::string line;
  std::getline(vtk, line);
  EXPECT_EQ(line, "# vtk DataFile Version 3.0");
  const auto size = std::filesystem::file_size(dir + "/s.vtk");
  const std::size_t payload = 4 * r.state.grid.size() * 8;  // rho, eta0, eta1, sum_eta2
  EXPECT_GT(size, payload);
  EXPECT_LT(size, payload + 1000);
  std::ifstream csv(dir + "/s.csv");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 1 + static_cast<int>(r.series.time.size()));
}

}  // namespace
}  // namespace kyoso::sim::sinter
