#!/usr/bin/env bash
# Runs every benchmark program built under BUILD_DIR/bench (Google Benchmark), then the peer
# comparisons in bench/peers/ that have a run script. Results print to stdout; figures we keep are
# copied into bench/RESULTS.md by hand with the machine, command and date.
set -euo pipefail
build=${1:-build/release}
for exe in $(find "$build/bench" -maxdepth 2 -type f -executable -name '*_bench' | sort); do
  echo "== $exe"
  "$exe" --benchmark_min_time=0.2
done
for peer in $(find bench/peers -maxdepth 1 -name 'run*.sh' 2>/dev/null | sort); do
  echo "== $peer"
  bash "$peer" "$build"
done
