// Speed of the sintering kernels (sim/sinter). Counters: items = scalar-field updates (grid
// points × (1 + order parameters)) per second of one step; bytes = the minimum memory traffic of
// the two fused FD passes, 8 bytes × (3 S + 9) per point (S order parameters: pass 1 reads ρ and
// S η and writes s2, μ, M; pass 2 reads ρ, μ, M, s2, S η and writes ρ and S η). The FD kernel is
// memory-bound when bytes/s approaches the stream bandwidth measured by BM_StreamTriad (figures:
// docs/methods/sinter.md, "Speed").
//   ./build/sinter/bench/sim_sinter/sinter_bench --benchmark_filter=Fd
#include <benchmark/benchmark.h>

#include <cmath>

#include "bench_problems.h"
#include "kyoso/sim/sinter/axisymmetric.h"
#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/spectral_kernel.h"
#include "kyoso/sim/sinter/structures.h"

namespace {

using namespace kyoso::sim::sinter;

using bench::Chain;
using bench::Model;

void SetCounters(benchmark::State& bs, const State& s) {
  const double points = static_cast<double>(s.grid.size());
  bs.SetItemsProcessed(static_cast<int64_t>(bs.iterations() * points * (1 + s.num_slots)));
  bs.SetBytesProcessed(static_cast<int64_t>(bs.iterations() * points * 8 * (3 * s.num_slots + 9)));
}

void BM_FdStep2D(benchmark::State& bs) {
  State s = Chain(2, static_cast<int>(bs.range(0)), static_cast<int>(bs.range(1)));
  FdKernel kernel(s.grid, s.num_slots, 1);
  const StepModel model = Model();
  const double dt = 0.5 * FdStableStep(s.grid, model);
  for (auto _ : bs) {
    kernel.Step(s, model, dt, nullptr);
    benchmark::DoNotOptimize(s.rho.data());
  }
  SetCounters(bs, s);
  bs.SetComplexityN(static_cast<int64_t>(s.grid.size()));
}
BENCHMARK(BM_FdStep2D)
    ->ArgsProduct({{64, 128, 256, 512, 1024}, {2, 8}})
    ->Unit(benchmark::kMillisecond);

void BM_FdStep3D(benchmark::State& bs) {
  State s = Chain(3, static_cast<int>(bs.range(0)), static_cast<int>(bs.range(1)));
  FdKernel kernel(s.grid, s.num_slots, 1);
  const StepModel model = Model();
  const double dt = 0.5 * FdStableStep(s.grid, model);
  for (auto _ : bs) {
    kernel.Step(s, model, dt, nullptr);
    benchmark::DoNotOptimize(s.rho.data());
  }
  SetCounters(bs, s);
}
BENCHMARK(BM_FdStep3D)->ArgsProduct({{32, 64, 128}, {2, 8}})->Unit(benchmark::kMillisecond);

void BM_SpectralStep2D(benchmark::State& bs) {
  State s = Chain(2, static_cast<int>(bs.range(0)), static_cast<int>(bs.range(1)));
  SpectralKernel kernel(s.grid, s.num_slots, 1);
  const StepModel model = Model();
  const double dt = 5.0 * FdStableStep(s.grid, model);
  for (auto _ : bs) benchmark::DoNotOptimize(kernel.Step(s, model, dt, nullptr));
  SetCounters(bs, s);
}
BENCHMARK(BM_SpectralStep2D)->ArgsProduct({{128, 256, 512}, {2, 8}})->Unit(benchmark::kMillisecond);

void BM_SpectralStep3D(benchmark::State& bs) {
  State s = Chain(3, static_cast<int>(bs.range(0)), 2);
  SpectralKernel kernel(s.grid, s.num_slots, 1);
  const StepModel model = Model();
  const double dt = 5.0 * FdStableStep(s.grid, model);
  for (auto _ : bs) benchmark::DoNotOptimize(kernel.Step(s, model, dt, nullptr));
  SetCounters(bs, s);
}
BENCHMARK(BM_SpectralStep3D)->Arg(64)->Unit(benchmark::kMillisecond);

// The axisymmetric kernel on two touching spheres of radius a (grid (a + 10) × (4a + 24), two
// order parameters, surface diffusion), the grids of the neck-growth runs in
// docs/methods/sinter.md ("Axisymmetric kernel"). Args: a, threads. items: field updates (3 per
// cell).
void BM_AxisymmetricStep(benchmark::State& bs) {
  const int a = static_cast<int>(bs.range(0));
  const Grid g{.dims = 2, .n = {a + 10, 4 * a + 24, 1}, .dx = 1.0, .axisymmetric = true};
  State s = MakeState(g, 2);
  const double mid = (g.n[1] / 2 + 0.5) * g.dx;
  FillState({{{-0.5, mid - a - 0.5, 0.0}, static_cast<double>(a)},
             {{-0.5, mid + a - 0.5, 0.0}, static_cast<double>(a)}},
            {0, 1}, 2.58, false, s);
  const StepModel model{.coefficients = {.a = 16.0, .b = 1.0, .kappa_rho = 10.0, .kappa_eta = 5.0},
                        .mobility = {.surface = 4.0},
                        .l = 1.0};
  AxisymmetricKernel kernel(g, 2, static_cast<int>(bs.range(1)));
  for (auto _ : bs) {
    benchmark::DoNotOptimize(kernel.Step(s, model, 0.01));
  }
  const double points = static_cast<double>(g.size());
  bs.SetItemsProcessed(static_cast<int64_t>(bs.iterations() * points * 3));
}
BENCHMARK(BM_AxisymmetricStep)
    ->ArgsProduct({{60, 120, 240, 480}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Peak streaming bandwidth of this core (a = b + s·c over 3 arrays of 8 MiB·k), the bound the
// FD kernel's bytes/s is compared with.
void BM_StreamTriad(benchmark::State& bs) {
  const std::size_t n = static_cast<std::size_t>(bs.range(0));
  std::vector<double> a(n, 1.0), b(n, 2.0), c(n, 3.0);
  for (auto _ : bs) {
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + 0.5 * c[i];
    benchmark::DoNotOptimize(a.data());
  }
  bs.SetBytesProcessed(static_cast<int64_t>(bs.iterations() * n * 24));
}
BENCHMARK(BM_StreamTriad)->Arg(1 << 22)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
