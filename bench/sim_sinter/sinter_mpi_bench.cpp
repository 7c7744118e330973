// Speed of one step of the MPI-distributed kernels (mpi_fd.h, mpi_spectral.h), run under mpirun
// with 1 and 2 ranks to get the kernels' own parallel efficiency T1 / (2 T2), without the run's
// all-gathers, observables and process start-up (those are in bench/sim_sinter/
// mpi_efficiency.sh). Every rank runs the same fixed number of iterations (a collective step
// cannot let Google Benchmark pick the count per rank); rank 0 reports, the others are silent.
// Counters as in sinter_bench.cpp (items = scalar-field updates of the whole box per second).
// From the build directory (e.g. build/sinter):
//   mpirun -np 1 --allow-run-as-root bench/sim_sinter/sinter_mpi_bench
//   mpirun -np 2 --allow-run-as-root -x OMP_NUM_THREADS=1 bench/sim_sinter/sinter_mpi_bench
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <fstream>
#include <string>

#include "bench_problems.h"
#include "kyoso/sim/sinter/grains.h"
#include "kyoso/sim/sinter/mpi_fd.h"
#include "kyoso/sim/sinter/mpi_spectral.h"
#include "kyoso/sim/sinter/sinter.h"
#include "kyoso/sim/sinter/structures.h"

namespace {

using namespace kyoso::sim::sinter;

using bench::Chain;
using bench::Model;

void SetCounters(benchmark::State& bs, const State& s) {
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  bs.counters["ranks"] = ranks;
  bs.SetItemsProcessed(static_cast<int64_t>(bs.iterations() * static_cast<double>(s.grid.size()) *
                                            (1 + s.num_slots)));
}

// args: points per axis, order parameters
void BM_DistributedSpectralStep(benchmark::State& bs, int dims) {
  const State s = Chain(dims, static_cast<int>(bs.range(0)), static_cast<int>(bs.range(1)));
  DistributedSpectralKernel kernel(s.grid, s.num_slots, 1, MPI_COMM_WORLD);
  kernel.Scatter(s);
  const StepModel model = Model();
  const double dt = 5.0 * FdStableStep(s.grid, model);
  MPI_Barrier(MPI_COMM_WORLD);
  for (auto _ : bs) benchmark::DoNotOptimize(kernel.Step(model, dt, nullptr));
  SetCounters(bs, s);
}
BENCHMARK_CAPTURE(BM_DistributedSpectralStep, 2d, 2)
    ->Args({512, 6})
    ->Iterations(40)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DistributedSpectralStep, 3d, 3)
    ->Args({128, 2})
    ->Iterations(10)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_DistributedFdStep(benchmark::State& bs) {
  const State s = Chain(2, static_cast<int>(bs.range(0)), static_cast<int>(bs.range(1)));
  DistributedFdKernel kernel(s.grid, s.num_slots, 1, MPI_COMM_WORLD);
  kernel.Scatter(s);
  const StepModel model = Model();
  const double dt = 0.5 * FdStableStep(s.grid, model);
  MPI_Barrier(MPI_COMM_WORLD);
  for (auto _ : bs) kernel.Step(model, dt);
  SetCounters(bs, s);
}
BENCHMARK(BM_DistributedFdStep)
    ->Args({512, 6})
    ->Iterations(200)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A whole `Run` of one of the specs of mpi_efficiency.sh (bench/sim_sinter/mpi/) on every rank
// of MPI_COMM_WORLD, once, with the time split of Summary::phase_cpu_seconds and
// phase_wall_seconds as counters (rank 0's; "*_cpu" CPU seconds, "*_wall" wall seconds), to see
// which parts of the loop dominate besides the kernel's steps. One iteration: the figures are
// those of one run, read them as such.
void BM_RunPhases(benchmark::State& bs, const std::string& name) {
  std::ifstream in(std::string(KYOSO_SINTER_BENCH_DIR) + "/mpi/" + name + ".json");
  const Spec spec = ParseSpec(nlohmann::json::parse(in));
  Summary summary;
  for (auto _ : bs) summary = Run(spec, {.communicator = MPI_COMM_WORLD}).summary;
  const auto add = [&](const char* phase, double PhaseSeconds::*member) {
    bs.counters[std::string(phase) + "_cpu"] = summary.phase_cpu_seconds.*member;
    bs.counters[std::string(phase) + "_wall"] = summary.phase_wall_seconds.*member;
  };
  add("step", &PhaseSeconds::step);
  add("gather", &PhaseSeconds::all_gather);
  add("tracking", &PhaseSeconds::tracking);
  add("observables", &PhaseSeconds::observables);
  add("health", &PhaseSeconds::health);
  const PhaseSeconds& c = summary.phase_cpu_seconds;
  // The rest: set-up (initial structure, FFTW planning, scatter), VTK/CSV output, bookkeeping.
  bs.counters["rest_cpu"] =
      summary.cpu_seconds - c.step - c.all_gather - c.tracking - c.observables - c.health;
  bs.counters["total_cpu"] = summary.cpu_seconds;
  bs.counters["total_wall"] = summary.wall_seconds;
  bs.counters["steps"] = static_cast<double>(summary.steps);
  bs.counters["ranks"] = summary.num_ranks;
}
BENCHMARK_CAPTURE(BM_RunPhases, packing_512_spectral, std::string("packing_512_spectral"))
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_RunPhases, packing_512_fd, std::string("packing_512_fd"))
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_RunPhases, pair_128cubed_spectral, std::string("pair_128cubed_spectral"))
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
// Rigid-body motion: grains tracked and forces integrated before every step.
BENCHMARK_CAPTURE(BM_RunPhases, packing_256_rigid_fd, std::string("packing_256_rigid_fd"))
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

// One grain-tracking pass over the 512² packing of mpi_efficiency.sh (40 discs, 6 slots): the
// whole-box tracker (what one rank runs; every rank runs it redundantly when several do) against
// the slab tracker (GrainTracker::Update(SlabFields&), a distributed flood fill) on the FD
// kernel's slabs. On 1 rank the slab tracker's collectives are trivial, so its figure is the
// compute; on 2 ranks compare it with half the whole-box figure.
State Packing512() {
  std::ifstream in(std::string(KYOSO_SINTER_BENCH_DIR) + "/mpi/packing_512_fd.json");
  return InitialState(ParseSpec(nlohmann::json::parse(in)));
}
constexpr TrackingOptions kTracking{.threshold = 0.05, .min_volume = 4.0, .remap_buffer = 8.0};

void BM_WholeBoxTracking(benchmark::State& bs) {
  State s = Packing512();
  GrainTracker tracker(kTracking);
  MPI_Barrier(MPI_COMM_WORLD);
  for (auto _ : bs) benchmark::DoNotOptimize(tracker.Update(s));
  bs.counters["grains"] = static_cast<double>(tracker.grains().size());
}
BENCHMARK(BM_WholeBoxTracking)->Iterations(20)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_SlabTracking(benchmark::State& bs) {
  const State s = Packing512();
  DistributedFdKernel kernel(s.grid, s.num_slots, 1, MPI_COMM_WORLD);
  kernel.Scatter(s);
  GrainTracker tracker(kTracking);
  MPI_Barrier(MPI_COMM_WORLD);
  for (auto _ : bs) benchmark::DoNotOptimize(tracker.Update(kernel.slabs()));
  bs.counters["grains"] = static_cast<double>(tracker.grains().size());
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  bs.counters["ranks"] = ranks;
}
BENCHMARK(BM_SlabTracking)->Iterations(20)->UseRealTime()->Unit(benchmark::kMillisecond);

// Rank ≠ 0: runs every benchmark (the steps are collective) and reports nothing.
class SilentReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  benchmark::Initialize(&argc, argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    SilentReporter silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  MPI_Finalize();
  return 0;
}
