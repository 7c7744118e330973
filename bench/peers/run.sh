#!/usr/bin/env bash
# Runs the regret comparison side by side in one run: the kyoso engine (bo_regret, sequential q=1
# and batch q=4) and the peers (random search, Optuna TPE, scikit-learn GP-EI) on Branin,
# Hartmann 3, Hartmann 6 and shifted Ackley 5, same seeds and the same 5-point initial design per
# seed, then prints the regret table and the target check (compare.py).
#
#   bench/peers/run.sh BUILD_DIR [--quick] [--only kyoso|peers] [--out DIR] [--jobs N] [--seeds S]
#
# Full: seeds 0-29, budget 100 (budget 50 is read off the same traces). --quick: seeds 0-2, budget 30
# (a smoke check; its table is not a result). Jobs (one per seed for the GP methods) run at
# `nice -n 10`, at most --jobs (default 2) at a time, each single-threaded; logs go to OUT/logs/. OUT defaults to BUILD_DIR/peers-out (or
# peers-out-quick). Needs /usr/bin/python3 with numpy, scipy, sklearn and optuna (Debian packages)
# and the bo_regret program in BUILD_DIR (target bo_regret).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/release}
shift || true
quick=0; only=all; out=""; jobs=2; seeds=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1 ;;
    --only) only=$2; shift ;;
    --out) out=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
if [[ $quick == 1 ]]; then budget=30; seeds=${seeds:-0-2}; out=${out:-$build/peers-out-quick}
else budget=100; seeds=${seeds:-0-29}; out=${out:-$build/peers-out}; fi
mkdir -p "$out/logs"
py=/usr/bin/python3
bo_regret="$build/bench/optimize/bo_regret"
problems="hartmann6 ackley5 hartmann3 branin"

# Expand "0-9" / "0,3,5" into a list; the model-based methods run one job per seed.
seed_list=$(echo "$seeds" | tr ',' '\n' | while IFS=- read -r lo hi; do seq "$lo" "${hi:-$lo}"; done)

# One line per job: a log name and the command. The GP methods go first (they take longest).
joblist="$out/jobs.txt"
: > "$joblist"
for s in $seed_list; do
  for p in $problems; do
    if [[ $only == all || $only == kyoso ]]; then
      for q in 1 4; do
        echo "kyoso-q${q}_${p}_s$s $bo_regret --problem $p --seeds $s --budget $budget --batch $q --out $out" >> "$joblist"
      done
    fi
    if [[ $only == all || $only == peers ]]; then
      echo "skgp_${p}_s$s $py $here/peers.py --method skgp --problem $p --seeds $s --budget $budget --out $out" >> "$joblist"
    fi
  done
done
if [[ $only == all || $only == peers ]]; then
  for m in tpe random; do
    for p in $problems; do
      echo "${m}_$p $py $here/peers.py --method $m --problem $p --seeds $seeds --budget $budget --out $out" >> "$joblist"
    done
  done
fi
if [[ $only == all || $only == kyoso ]] && [[ ! -x $bo_regret ]]; then
  echo "run.sh: $bo_regret not built (cmake --build $build --target bo_regret)" >&2; exit 2
fi

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
echo "run.sh: $(wc -l < "$joblist") jobs, seeds $seeds, budget $budget, $jobs at a time, logs in $out/logs"
# shellcheck disable=SC2016
xargs -P "$jobs" -L 1 bash -c 'name=$0; echo "start $name $(date -u +%T)"; \
  nice -n 10 "$@" > "'"$out"'/logs/$name.log" 2>&1 || echo "FAILED $name (see log)"; \
  echo "done  $name $(date -u +%T)"' < "$joblist"
$py "$here/compare.py" "$out"
