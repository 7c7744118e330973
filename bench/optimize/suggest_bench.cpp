// Speed of the engine's front door, kyoso::optimize::Suggest (fit + acquisition maximization +
// batch policy), on synthetic data: n seeded uniform points in a d-dimensional continuous box and a
// fixed smooth multimodal function. Targets of issue 2 on the 2-core machine: one suggestion at
// n=100, d=6 in <= 30 ms; a batch q=8 at n=1000, d=10 in <= 3 s. Cases "cold" fit hyperparameters
// from scratch; "warm" pass the hyperparameters of a fit on the same data minus its last point, as
// a campaign does after each new measurement. "Time" is wall-clock (UseRealTime): the engine runs
// fit restarts and acquisition starts on threads (argument "threads", 0 = every hardware thread;
// suggestions are identical for any count), and the targets are about how long a researcher waits.
// "CPU" is the whole process's CPU time over all threads (MeasureProcessCPUTime): on a shared
// machine it is the figure to compare between builds. The hyperparameter fit alone (n=1000, d=10)
// is benchmarked in bench/gp/.
//
//   build/release/bench/optimize/suggest_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kyoso/base/rng.h"
#include "kyoso/optimize/suggest.h"
#include "kyoso/space/space.h"

namespace {

namespace opt = kyoso::optimize;
namespace sp = kyoso::space;

// Fixed test function on [0, 10]^d (raw units, so the encoding is exercised): smooth, multimodal,
// non-separable through the last term.
double Objective(const std::vector<double>& x) {
  double sum = 0;
  double cross = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double u = x[j] / 10.0;
    sum += std::sin(5.0 * u + static_cast<double>(j)) + (u - 0.4) * (u - 0.4);
    cross += u * static_cast<double>(j + 1);
  }
  return sum + 0.3 * std::cos(cross);
}

sp::Space MakeSpace(int d) {
  std::vector<sp::Parameter> params;
  for (int j = 0; j < d; ++j) {
    sp::Parameter p;
    p.name = "x" + std::to_string(j + 1);
    p.kind = sp::ParameterKind::kContinuous;
    p.low = 0.0;
    p.high = 10.0;
    params.push_back(p);
  }
  return sp::Space::Create(params, {});
}

std::vector<opt::Observation> MakeData(int n, int d, std::uint64_t seed) {
  kyoso::Rng rng(seed);
  std::vector<opt::Observation> data;
  for (int i = 0; i < n; ++i) {
    std::vector<double> x(static_cast<std::size_t>(d));
    for (auto& v : x) v = rng.Uniform(0.0, 10.0);
    data.push_back({x, Objective(x)});
  }
  return data;
}

opt::SuggestOptions Options(int q) {
  opt::SuggestOptions options;
  options.batch_size = q;
  options.direction = opt::Direction::kMinimize;
  options.seed = 42;
  return options;
}

// args: n, d, q, warm (0/1), threads (0 = every hardware thread)
void RunSuggest(benchmark::State& state, std::optional<opt::BatchPolicy> policy) {
  const int n = static_cast<int>(state.range(0));
  const int d = static_cast<int>(state.range(1));
  const int q = static_cast<int>(state.range(2));
  const bool warm = state.range(3) != 0;
  const sp::Space space = MakeSpace(d);
  const auto data = MakeData(n, d, 20261120);
  opt::SuggestOptions options = Options(q);
  options.num_threads = static_cast<int>(state.range(4));
  if (policy) options.batch_policy = *policy;
  if (warm) {
    const std::vector<opt::Observation> previous(data.begin(), data.end() - 1);
    options.warm_start = opt::Suggest(space, previous, {}, Options(1)).summary.model;
  }
  std::size_t returned = 0;
  for (auto _ : state) {
    const auto result = opt::Suggest(space, data, {}, options);
    returned = result.points.size();
    benchmark::DoNotOptimize(result.points.data());
  }
  if (returned != static_cast<std::size_t>(q)) state.SkipWithError("fewer points than asked");
  state.SetComplexityN(n);
  state.counters["points"] = static_cast<double>(returned);
}

void BM_Suggest(benchmark::State& state) { RunSuggest(state, std::nullopt); }  // default policy

// The batch policy that is not the default, for a side-by-side row (docs/methods/optimize.md §3).
void BM_SuggestPenalization(benchmark::State& state) {
  RunSuggest(state, opt::BatchPolicy::kLocalPenalization);
}

// Growth with n at d=6, q=1 (the target case is n=100).
BENCHMARK(BM_Suggest)
    ->ArgNames({"n", "d", "q", "warm", "threads"})
    ->ArgsProduct({{25, 50, 100, 200, 400, 800}, {6}, {1}, {0}, {0}})
    ->Complexity(benchmark::oAuto)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_Suggest)
    ->Name("BM_SuggestWarm")
    ->ArgNames({"n", "d", "q", "warm", "threads"})
    ->ArgsProduct({{25, 50, 100, 200, 400, 800}, {6}, {1}, {1}, {0}})
    ->Complexity(benchmark::oAuto)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
// Growth with d at n=100, q=1 (Complexity is over n only, so no fit here: read the rows).
BENCHMARK(BM_Suggest)
    ->Name("BM_SuggestVsDim")
    ->ArgNames({"n", "d", "q", "warm", "threads"})
    ->ArgsProduct({{100}, {2, 4, 6, 10, 20}, {1}, {0}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
// The batch target: q=8 at n=1000, d=10, with its growth in n.
BENCHMARK(BM_Suggest)
    ->Name("BM_SuggestBatch8")
    ->ArgNames({"n", "d", "q", "warm", "threads"})
    ->ArgsProduct({{250, 500, 1000}, {10}, {8}, {0, 1}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(1)
    ->Repetitions(2);
BENCHMARK(BM_SuggestPenalization)
    ->Name("BM_SuggestBatch8Penalization")
    ->ArgNames({"n", "d", "q", "warm", "threads"})
    ->ArgsProduct({{1000}, {10}, {8}, {0, 1}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(1)
    ->Repetitions(2);
// The target cases on one thread: the same suggestions, for the wall-clock gain of threads.
BENCHMARK(BM_Suggest)
    ->Name("BM_SuggestOneThread")
    ->ArgNames({"n", "d", "q", "warm", "threads"})
    ->Args({100, 6, 1, 0, 1})
    ->Args({100, 6, 1, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_Suggest)
    ->Name("BM_SuggestBatch8OneThread")
    ->ArgNames({"n", "d", "q", "warm", "threads"})
    ->Args({1000, 10, 8, 0, 1})
    ->Args({1000, 10, 8, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(1)
    ->Repetitions(2);

}  // namespace

BENCHMARK_MAIN();
