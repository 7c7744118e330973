"""Reads the JSON traces written by bo_regret (kyoso) and peers.py and prints one table: per
problem x budget x method, the median and quartiles (25 %, 75 %) of simple regret, the CPU seconds
per suggestion call, and the target check of issue 2:

  kyoso (sequential, q=1) median regret <= the best peer's median on every problem at both budgets,
  and <= half of it on Hartmann 6 and shifted Ackley 5.

Simple regret after b evaluations = min(f(x_1..x_b)) - f*, clamped at 0 (f* is known to 15
digits). Quartiles use linear interpolation between order statistics (numpy.percentile).

Seed noise: the median of 10 runs of a bimodal regret (Hartmann 6: a run is either in the global
basin or stuck at the second-best minimum, regret 0.119) moves by a factor of ten between seed sets.
The check table therefore also gives, per target, the share of paired bootstrap resamples in which
it holds: seeds are drawn with replacement (the same draw for kyoso and the peer, since a seed fixes
the initial design of every method), 2,000 resamples from a fixed generator (numpy PCG64, seed 0).

Usage: /usr/bin/python3 bench/peers/compare.py OUT_DIR [--markdown] [--seeds 0-9,20]
           [--summary FILE.json]
--seeds restricts every method to those seeds (a seed missing for some method is an error).
Exit status 0 also when a target is missed (the table says so); 2 when no traces are found.
"""

import argparse
import glob
import json
import os
import sys

import numpy as np

PEERS = ("random", "tpe", "skgp")
KYOSO = "kyoso-q1"
METHOD_ORDER = ("kyoso-q1", "kyoso-q4", "skgp", "tpe", "random")
PROBLEM_ORDER = ("branin", "hartmann3", "hartmann6", "ackley5")
HALF_TARGET = ("hartmann6", "ackley5")
NUM_BOOTSTRAP = 2000


def parse_seeds(text):
    """'0-9,20' -> {0..9, 20}; a bad item is a usage error naming it."""
    seeds = set()
    for item in text.split(","):
        lo, _, hi = item.partition("-")
        try:
            lo_i, hi_i = int(lo), int(hi or lo)
        except ValueError:
            raise SystemExit("compare.py: --seeds: '%s' is not N or N-M" % item)
        if hi_i < lo_i:
            raise SystemExit("compare.py: --seeds: '%s' has its range reversed" % item)
        seeds.update(range(lo_i, hi_i + 1))
    return seeds


def load(out_dir):
    """Merges the runs of every file of one (problem, method); a seed found twice is an error."""
    docs = {}
    for path in sorted(glob.glob(os.path.join(out_dir, "*.json"))):
        with open(path) as f:
            doc = json.load(f)
        if "runs" not in doc or "method" not in doc:
            continue
        key = (doc["problem"], doc["method"])
        if key not in docs:
            docs[key] = doc
            continue
        merged = docs[key]
        seen = {run["seed"] for run in merged["runs"]}
        for run in doc["runs"]:
            if run["seed"] in seen:
                raise SystemExit("compare.py: seed %d of %s/%s appears twice (%s)"
                                 % (run["seed"], key[1], key[0], path))
            merged["runs"].append(run)
        merged["budget"] = min(merged["budget"], doc["budget"])
    for doc in docs.values():
        doc["runs"].sort(key=lambda run: run["seed"])
    return docs


def regrets_by_seed(doc, budget):
    return {run["seed"]: max(0.0, run["best_so_far"][budget - 1] - doc["optimum"])
            for run in doc["runs"] if len(run["best_so_far"]) >= budget}


def bootstrap_share(ours, theirs, factor):
    """Share of paired bootstrap resamples (over the seeds both have) in which
    median(ours) <= factor * median(theirs)."""
    common = sorted(set(ours) & set(theirs))
    if not common:
        return float("nan")
    a = np.array([ours[s] for s in common])
    b = np.array([theirs[s] for s in common])
    rng = np.random.Generator(np.random.PCG64(0))
    idx = rng.integers(0, len(common), size=(NUM_BOOTSTRAP, len(common)))
    return float(np.mean(np.median(a[idx], axis=1) <= factor * np.median(b[idx], axis=1)))


def stats(doc, budget):
    regrets = list(regrets_by_seed(doc, budget).values())
    times = [t for run in doc["runs"] for t in run.get("suggest_cpu_seconds", [])]
    points = sum(sum(run.get("points_per_call", [])) for run in doc["runs"])
    if not regrets:
        return None
    q25, med, q75 = np.percentile(regrets, [25, 50, 75])
    return {"median": float(med), "q25": float(q25), "q75": float(q75), "num_seeds": len(regrets),
            "cpu_per_call": float(np.mean(times)) if times else float("nan"),
            "cpu_per_point": float(np.sum(times) / points) if points else float("nan")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--summary", help="write the table and the checks as JSON")
    ap.add_argument("--seeds", help="only these seeds, e.g. 0-9 or 0-9,20")
    args = ap.parse_args()
    docs = load(args.out_dir)
    if args.seeds:
        wanted = parse_seeds(args.seeds)
        for key, doc in docs.items():
            have = {run["seed"] for run in doc["runs"]}
            if not wanted <= have:
                raise SystemExit("compare.py: --seeds: %s/%s has no run for seed(s) %s" % (
                    key[1], key[0], sorted(wanted - have)))
            doc["runs"] = [run for run in doc["runs"] if run["seed"] in wanted]
    if not docs:
        print("compare.py: no traces in %s" % args.out_dir, file=sys.stderr)
        return 2
    max_budget = min(doc["budget"] for doc in docs.values())
    budgets = [b for b in (50, 100) if b <= max_budget] or [max_budget]
    problems = [p for p in PROBLEM_ORDER if any(k[0] == p for k in docs)]
    # Known methods first, then ablation variants (bo_regret --tag) in name order.
    present = {k[1] for k in docs}
    methods = [m for m in METHOD_ORDER if m in present] + sorted(present - set(METHOD_ORDER))
    seeds = sorted({run["seed"] for doc in docs.values() for run in doc["runs"]})

    table, checks = [], []
    md = args.markdown
    if md:
        print("| problem | budget | method | median regret | 25 % | 75 % | seeds | CPU s / call |"
              " CPU s / point |")
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    else:
        print("seeds %s; simple regret = best f - f*; quartiles 25/75 %%" % seeds)
        print("%-10s %6s %-9s %11s %11s %11s %5s %10s %10s" % (
            "problem", "budget", "method", "median", "q25", "q75", "seeds", "cpu/call", "cpu/point"))
    for p in problems:
        for b in budgets:
            row = {}
            for m in methods:
                doc = docs.get((p, m))
                s = stats(doc, b) if doc else None
                if s is None:
                    continue
                row[m] = s
                table.append(dict(problem=p, budget=b, method=m, **s))
                if md:
                    print("| %s | %d | %s | %.3g | %.3g | %.3g | %d | %.4f | %.4f |" % (
                        p, b, m, s["median"], s["q25"], s["q75"], s["num_seeds"],
                        s["cpu_per_call"], s["cpu_per_point"]))
                else:
                    print("%-10s %6d %-9s %11.3g %11.3g %11.3g %5d %10.4f %10.4f" % (
                        p, b, m, s["median"], s["q25"], s["q75"], s["num_seeds"],
                        s["cpu_per_call"], s["cpu_per_point"]))
            peers = {m: row[m]["median"] for m in PEERS if m in row}
            if KYOSO in row and peers:
                best_name = min(peers, key=peers.get)
                best = peers[best_name]
                factor = 0.5 if p in HALF_TARGET else 1.0
                ours = row[KYOSO]["median"]
                ok = ours <= factor * best
                share = bootstrap_share(regrets_by_seed(docs[(p, KYOSO)], b),
                                        regrets_by_seed(docs[(p, best_name)], b), factor)
                checks.append({"problem": p, "budget": b, "kyoso": ours, "best_peer": best_name,
                               "best_peer_median": best, "factor": factor, "pass": ok,
                               "bootstrap_share": share,
                               "q4": row.get("kyoso-q4", {}).get("median")})
            if not md:
                print()

    if checks:
        print()
        if md:
            print("| problem | budget | kyoso q=1 median | best peer (median) | target | kyoso q=4 "
                  "median | met | met in resamples |")
            print("|---|---:|---:|---|---|---:|---|---:|")
        else:
            print("target: kyoso-q1 median <= best peer (x0.5 on hartmann6, ackley5)")
        for c in checks:
            target = "<= %.3g" % (c["factor"] * c["best_peer_median"])
            q4 = "%.3g" % c["q4"] if c["q4"] is not None else "-"
            if md:
                print("| %s | %d | %.3g | %s (%.3g) | %s | %s | %s | %.0f %% |" % (
                    c["problem"], c["budget"], c["kyoso"], c["best_peer"], c["best_peer_median"],
                    target, q4, "yes" if c["pass"] else "**no**", 100 * c["bootstrap_share"]))
            else:
                print("%-10s %4d kyoso %.3g vs %s %.3g -> target %s: %s (q=4: %s; met in %.0f %% "
                      "of resamples)" % (
                          c["problem"], c["budget"], c["kyoso"], c["best_peer"],
                          c["best_peer_median"], target, "MET" if c["pass"] else "MISSED", q4,
                          100 * c["bootstrap_share"]))
        print("%d of %d targets met" % (sum(c["pass"] for c in checks), len(checks)))
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump({"seeds": seeds, "budgets": budgets, "table": table, "checks": checks}, f,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
