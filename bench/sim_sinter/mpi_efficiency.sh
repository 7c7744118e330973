#!/usr/bin/env bash
# Parallel efficiency of `kyoso sinter` on 2 MPI ranks (docs/methods/sinter.md, "MPI domain
# decomposition"): for each spec, the wall and CPU time of 1 rank × 1 thread, 2 ranks × 1 thread
# (mpirun -np 2) and 1 rank × 2 threads (OpenMP + FFTW threads), the step counts, the efficiency
# T1 / (2 T2) and the 2-thread speed-up, with the load average before each run, and rank 0's CPU
# seconds per phase of the run loop (summary.phase_cpu_seconds) when the CLI prints them. Measure
# on an otherwise idle machine (load average < 1.5); the wall times include process and mpirun
# start-up.
#   bench/sim_sinter/mpi_efficiency.sh build/release                     # the specs in mpi/
#   bench/sim_sinter/mpi_efficiency.sh build/release path/to/spec.json   # others
set -euo pipefail
build=${1:?usage: mpi_efficiency.sh BUILD_DIR [SPEC.json ...]}
shift
kyoso="$build/src/kyoso/cli/kyoso"
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -eq 0 ]; then set -- "$here"/mpi/*.json; fi
export OMP_NUM_THREADS=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# run LABEL CMD...: prints wall and CPU time (summed over the processes), steps and ranks of one
# run, and leaves the wall time in $tmp/wall.
run() {
  local label=$1
  shift
  echo "  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" > "$tmp/out.json"
  python3 - "$tmp/time" "$tmp/out.json" "$label" "$tmp/wall" <<'PY'
import json, sys
wall, user, system = map(float, open(sys.argv[1]).read().split()[-3:])
s = json.load(open(sys.argv[2]))["summary"]
print(f"  {sys.argv[3]:<18} wall {wall:7.2f} s  cpu {user + system:7.2f} s  steps {s['steps']}"
      f"  ranks {s['num_ranks']}  kernel {s['kernel']}  {s['termination']}")
cpu = s.get("phase_cpu_seconds")  # per phase, rank 0 (when the CLI prints it)
if cpu:
    print("    rank 0 CPU s: " + "  ".join(f"{k} {v:.2f}" for k, v in cpu.items())
          + f"  (run {s.get('cpu_seconds', 0.0):.2f})")
open(sys.argv[4], "w").write(str(wall))
PY
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$here" rev-parse --short HEAD)"
for spec in "$@"; do
  echo "## $(basename "$spec")"
  run "1 rank x 1" "$kyoso" sinter "$spec" --json
  t1=$(cat "$tmp/wall")
  run "2 ranks x 1" mpirun -np 2 --allow-run-as-root -x OMP_NUM_THREADS=1 \
    "$kyoso" sinter "$spec" --json
  t2=$(cat "$tmp/wall")
  run "1 rank x 2 threads" "$kyoso" sinter "$spec" --json --threads 2
  tt=$(cat "$tmp/wall")
  python3 -c "print(f'  efficiency T1/(2 T2) = {$t1 / (2 * $t2):.0%};' \
                    f' 2 threads: T1/(2 T) = {$t1 / (2 * $tt):.0%}')"
done
