// Speed of the GP module: cold and warm hyperparameter fits, the likelihood with its gradient,
// predictions and the output warp, as functions of the number of points n (Complexity: O(n^3) for
// fits) and of the dimension d (separate rows). Issue #2 targets: fit at n = 1000, d = 10 in <= 3 s
// cold and <= 1 s warm on the 2-core machine. Fits take a thread count (argument "threads", 0 =
// every hardware thread; the result is the same for any count): "Time" is wall-clock, "CPU" the
// whole process's CPU time summed over threads, so on a shared machine CPU is the figure to
// compare.
//   build/release/bench/gp/gp_bench --benchmark_min_time=0.1
#include <benchmark/benchmark.h>

#include <cmath>

#include "kyoso/base/rng.h"
#include "kyoso/gp/gp.h"

namespace {

using kyoso::gp::Dataset;

// n seeded uniform points in [0, 1]^d with a smooth anisotropic response plus 1% noise.
Dataset MakeData(int n, int d) {
  kyoso::Rng rng(42);
  Dataset data{Eigen::MatrixXd(n, d), Eigen::VectorXd(n)};
  for (int i = 0; i < n; ++i) {
    double value = 0;
    for (int k = 0; k < d; ++k) {
      data.x(i, k) = rng.Uniform();
      value += std::sin((1.0 + k) * data.x(i, k)) / (1.0 + k);
    }
    data.y(i) = value + 0.01 * rng.Normal();
  }
  return data;
}

void BM_FitCold(benchmark::State& state) {
  const Dataset data = MakeData(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const int threads = static_cast<int>(state.range(2));
  int evaluations = 0;
  for (auto _ : state) {
    const kyoso::gp::FitResult fit = kyoso::gp::Fit(data, {.seed = 1, .num_threads = threads});
    evaluations = fit.summary.num_evaluations;
    benchmark::DoNotOptimize(fit.summary.log_posterior);
  }
  state.counters["evaluations"] = evaluations;
  state.SetComplexityN(state.range(0));
}

void BM_FitWarm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int d = static_cast<int>(state.range(1));
  // Warm start from the fit on the first 90% of the points (the previous campaign step).
  const Dataset all = MakeData(n, d);
  const int previous = n - n / 10;
  const int threads = static_cast<int>(state.range(2));
  const kyoso::gp::FitResult before =
      kyoso::gp::Fit({all.x.topRows(previous), all.y.head(previous)}, {.seed = 1});
  int evaluations = 0;
  for (auto _ : state) {
    const kyoso::gp::FitResult fit = kyoso::gp::Fit(
        all, {.seed = 1, .warm_start = before.posterior.hyperparameters(), .num_threads = threads});
    evaluations = fit.summary.num_evaluations;
    benchmark::DoNotOptimize(fit.summary.log_posterior);
  }
  state.counters["evaluations"] = evaluations;
  state.SetComplexityN(n);
}

void BM_LogMarginalLikelihoodWithGradient(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int d = static_cast<int>(state.range(1));
  const Dataset data = MakeData(n, d);
  kyoso::gp::Hyperparameters h;
  h.log_lengthscales = Eigen::VectorXd::Constant(d, -0.5);
  h.log_noise_variance = -4;
  for (auto _ : state) {
    const auto value =
        kyoso::gp::LogMarginalLikelihood(data.x, data.y, kyoso::gp::KernelKind::kMatern52, h, true);
    benchmark::DoNotOptimize(value.gradient.data());
  }
  state.SetComplexityN(n);
}

void BM_PredictBatch1000(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int d = static_cast<int>(state.range(1));
  const Dataset data = MakeData(n, d);
  kyoso::gp::Hyperparameters h;
  h.log_lengthscales = Eigen::VectorXd::Constant(d, -0.5);
  h.log_noise_variance = -4;
  const auto posterior = kyoso::gp::Posterior::Create(
      data, kyoso::gp::KernelKind::kMatern52, h, kyoso::gp::OutputScaling::FromOutputs(data.y));
  const Dataset probe = MakeData(1000, d);
  Eigen::VectorXd mean, variance;
  for (auto _ : state) {
    posterior.Predict(probe.x, &mean, &variance);
    benchmark::DoNotOptimize(variance.data());
  }
  state.SetComplexityN(n);
}

void BM_PredictWithGradient(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int d = static_cast<int>(state.range(1));
  const Dataset data = MakeData(n, d);
  kyoso::gp::Hyperparameters h;
  h.log_lengthscales = Eigen::VectorXd::Constant(d, -0.5);
  h.log_noise_variance = -4;
  const auto posterior = kyoso::gp::Posterior::Create(
      data, kyoso::gp::KernelKind::kMatern52, h, kyoso::gp::OutputScaling::FromOutputs(data.y));
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(d, 0.3);
  double mean = 0, variance = 0;
  Eigen::VectorXd dmean, dvariance;
  for (auto _ : state) {
    posterior.PredictWithGradient(x, &mean, &variance, &dmean, &dvariance);
    benchmark::DoNotOptimize(dvariance.data());
  }
  state.SetComplexityN(n);
}

// The output warp of every suggestion (gp/warp.h): fitting lambda on n values (grid + golden
// section, O(n) per evaluation), and mapping one Gaussian prediction back (40-point quadrature).
void BM_OutputWarpFit(benchmark::State& state) {
  const Dataset data = MakeData(static_cast<int>(state.range(0)), 6);
  for (auto _ : state) {
    const kyoso::gp::OutputWarp warp = kyoso::gp::OutputWarp::Fit(data.y, -1.0);
    benchmark::DoNotOptimize(warp.lambda);
  }
  state.SetComplexityN(state.range(0));
}

void BM_OutputWarpMoments(benchmark::State& state) {
  const Dataset data = MakeData(100, 6);
  const kyoso::gp::OutputWarp warp = kyoso::gp::OutputWarp::Fit(data.y, -1.0);
  double mean = 0, stddev = 0;
  for (auto _ : state) {
    warp.Moments(0.3, 0.7, &mean, &stddev);
    benchmark::DoNotOptimize(stddev);
  }
}

// Growth with n at d = 10 on every hardware thread, and the target case on one thread.
void FitArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "d", "threads"});
  for (int n : {50, 100, 200, 500, 1000}) b->Args({n, 10, 0});
}

void FitDimArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "d", "threads"});
  for (int d : {2, 6, 10, 20}) b->Args({200, d, 0});
  b->Args({1000, 10, 1});
  b->Args({100, 6, 1});
  b->Args({100, 6, 0});
}

void LikelihoodArgs(benchmark::internal::Benchmark* b) {
  for (int n : {50, 100, 200, 500, 1000}) b->Args({n, 10});
}

void PredictArgs(benchmark::internal::Benchmark* b) {
  for (int n : {100, 300, 1000}) b->Args({n, 6});
}

}  // namespace

BENCHMARK(BM_FitCold)
    ->Apply(FitArgs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Complexity(benchmark::oNCubed);
BENCHMARK(BM_FitWarm)
    ->Apply(FitArgs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Complexity(benchmark::oNCubed);
// Growth with d (Complexity is over n only: read the rows) and the thread comparison.
BENCHMARK(BM_FitCold)
    ->Name("BM_FitColdRows")
    ->Apply(FitDimArgs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_FitWarm)
    ->Name("BM_FitWarmRows")
    ->Apply(FitDimArgs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_LogMarginalLikelihoodWithGradient)
    ->Apply(LikelihoodArgs)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oNCubed);
BENCHMARK(BM_PredictBatch1000)->Apply(PredictArgs)->Unit(benchmark::kMicrosecond)->Complexity();
BENCHMARK(BM_PredictWithGradient)->Apply(PredictArgs)->Unit(benchmark::kMicrosecond)->Complexity();

BENCHMARK(BM_OutputWarpFit)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity(benchmark::oN);
BENCHMARK(BM_OutputWarpMoments)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
