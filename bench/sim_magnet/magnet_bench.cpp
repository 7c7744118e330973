// Speed and accuracy of sim/magnet vs cells (issue 5 target: the stacked pair at 30 x 6 cells per
// disc, 7 T FCM, 700 s ramp + 600 s hold, n = 50, in <= 2 s; 4x the cells in <= 30 s).
// Counters: end-of-ramp centre-field error vs the quasi-steady oracle 2.76939 T (constant Jc),
// steps, factorizations, assembly and solve seconds. Results: bench/sim_magnet/RESULTS.md.
//   build/magnet/bench/sim_magnet/magnet_bench --benchmark_filter=Fcm
#include <benchmark/benchmark.h>

#include <cmath>

#include "kyoso/sim/magnet/magnet.h"

namespace {

using namespace kyoso::sim::magnet;

Spec Pair(int nr, int nz, bool kim) {
  Spec spec;
  spec.bodies.push_back({"lower", Shape::kDisc, 0, 0.015, -0.006, 0.0, nr, nz});
  spec.bodies.push_back({"upper", Shape::kDisc, 0, 0.015, 0.0, 0.006, nr, nz});
  spec.material.jc0_a_per_m2 = 2.3e8;
  spec.material.n = 50;
  if (kim) {
    spec.material.model = JcModel::kKim;
    spec.material.jc0_a_per_m2 = 4.7e8;
    spec.material.b0_t = 2;
  }
  spec.protocol.field_t = 7;
  spec.protocol.ramp_rate_t_per_s = 0.01;
  spec.protocol.hold_s = 600;
  spec.probes.push_back({"centre", ProbeKind::kPoint, 0, 0});
  spec.probes.push_back({"hall", ProbeKind::kPoint, 0, 0.0065});
  return spec;
}

void Report(benchmark::State& state, const Result& result, bool kim) {
  const Summary& s = result.summary;
  state.counters["cells"] = s.num_cells;
  state.counters["steps"] = static_cast<double>(s.num_steps);
  state.counters["factorizations"] = static_cast<double>(s.num_factorizations);
  state.counters["assembly_s"] = s.assembly_seconds;
  state.counters["solve_s"] = s.solve_seconds;
  state.counters["centre_T"] = result.end_of_ramp->probe_bz_t[0];
  if (!kim) state.counters["rel_error"] = result.end_of_ramp->probe_bz_t[0] / 2.76939 - 1;
}

// The full FCM protocol (assembly + 700 s ramp + 600 s hold).
void BM_FcmPair(benchmark::State& state) {
  const bool kim = state.range(2) != 0;
  const Spec spec = Pair(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), kim);
  Result result;
  for (auto _ : state) {
    result = Run(spec, Options{});
    benchmark::DoNotOptimize(result.final_state.probe_bz_t.data());
  }
  Report(state, result, kim);
}
BENCHMARK(BM_FcmPair)
    ->ArgNames({"nr", "nz", "kim"})
    ->Args({15, 3, 0})
    ->Args({30, 6, 0})
    ->Args({60, 12, 0})
    ->Args({30, 6, 1})
    ->Args({60, 12, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(1);

}  // namespace

BENCHMARK_MAIN();
