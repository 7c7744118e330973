"""Checks that the Python test problems (problems.py) and the C++ ones (bench/optimize/problems.h,
through the problems_eval program) are the same functions, and that the published optima hold.

Usage: /usr/bin/python3 bench/peers/test_problems.py BUILD_DIR   (exit status 0 = all passed)

Oracles (Surjanovic & Bingham, VLSE, https://www.sfu.ca/~ssurjano):
  Branin: f = 5/(4 pi) = 0.397887357729739 at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475);
  Hartmann 3: f* = -3.86278214782076 near (0.114614, 0.555649, 0.852547);
  Hartmann 6: f* = -3.32236801141551 near (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573);
  Ackley: f = 0 at its (here shifted) centre.
Tolerances: C++ vs Python 1e-12 (relative to max(1, |f|)); the same design points exactly (the
generator is integer arithmetic and one scaling); optima 1e-12 where the minimizer is exact (Branin,
Ackley); for Hartmann, whose minimizers VLSE gives to 6 digits, the value at the published point
is within 1e-4 and a bounded L-BFGS-B polish from it reaches f* within 1e-10.
"""

import math
import os
import subprocess
import sys

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import problems  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run_cpp(build_dir, lines):
    exe = os.path.join(build_dir, "bench", "optimize", "problems_eval")
    out = subprocess.run([exe], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    if len(out) != len(lines):
        raise RuntimeError("problems_eval answered %d lines for %d commands" % (len(out), len(lines)))
    return out


def fixed_points(problem, rng, count=25):
    pts = [problem.from_unit(rng.uniform(size=problem.dim).tolist()) for _ in range(count)]
    pts += [list(problem.lower), list(problem.upper), list(problem.xstar)]
    return pts


def main():
    build_dir = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    rng = np.random.default_rng(20261120)
    commands, expected, labels = [], [], []
    for name, problem in problems.PROBLEMS.items():
        for x in fixed_points(problem, rng):
            commands.append("eval %s %s" % (name, " ".join(repr(v) for v in x)))
            expected.append(problem(x))
            labels.append(name)
    cpp = [float(v) for v in run_cpp(build_dir, commands)]
    worst = {}
    for label, a, b in zip(labels, cpp, expected):
        worst[label] = max(worst.get(label, 0.0), abs(a - b) / max(1.0, abs(b)))
    for name in problems.PROBLEMS:
        check(worst[name] <= 1e-12, "%s: C++ == Python at 28 points (max rel diff %.1e)"
              % (name, worst[name]))

    design_cmds, design_expected = [], []
    for name, problem in problems.PROBLEMS.items():
        for seed in (0, 1, 7, 123):
            design_cmds.append("design %s %d 5" % (name, seed))
            design_expected.append(problems.initial_design(problem, seed, 5))
    for cmd, line, exp in zip(design_cmds, run_cpp(build_dir, design_cmds), design_expected):
        got = [float(v) for v in line.split()]
        flat = [v for row in exp for v in row]
        check(got == flat, "%s: identical initial design" % cmd)
        # Latin hypercube: each dimension has exactly one point per stratum of width 1/n.
        prob = problems.PROBLEMS[cmd.split()[1]]
        strata_ok = all(
            sorted(int((row[j] - prob.lower[j]) / (prob.upper[j] - prob.lower[j]) * 5) for row in exp)
            == [0, 1, 2, 3, 4] for j in range(prob.dim))
        check(strata_ok, "%s: one point per stratum in every dimension" % cmd)

    br = problems.PROBLEMS["branin"]
    for x in ((-math.pi, 12.275), (math.pi, 2.275), (3 * math.pi, 2.475)):
        check(abs(br(list(x)) - problems.BRANIN_MIN) <= 1e-12, "branin optimum at %s" % (x,))
    check(abs(problems.BRANIN_MIN - 5.0 / (4.0 * math.pi)) <= 1e-15, "branin min = 5/(4 pi)")
    ack = problems.PROBLEMS["ackley5"]
    check(abs(ack(list(ack.xstar))) <= 1e-12, "ackley5 f(x*) = 0")
    centre = [0.5 * (lo + hi) for lo, hi in zip(ack.lower, ack.upper)]
    check(ack(centre) > 15.0, "ackley5 centre is far from optimal (f = %.3f)" % ack(centre))
    for name in ("hartmann3", "hartmann6"):
        prob = problems.PROBLEMS[name]
        at_pub = prob(prob.xstar)
        check(abs(at_pub - prob.optimum) <= 1e-4, "%s at published x*: %.10f" % (name, at_pub))
        res = minimize(lambda v: prob(v.tolist()), np.array(prob.xstar), method="L-BFGS-B",
                       bounds=list(zip(prob.lower, prob.upper)),
                       options={"ftol": 1e-15, "gtol": 1e-12})
        check(abs(res.fun - prob.optimum) <= 1e-10,
              "%s polished minimum %.14f vs %.14f" % (name, res.fun, prob.optimum))
        # No random point does better than the published minimum.
        best = min(prob(prob.from_unit(rng.uniform(size=prob.dim).tolist())) for _ in range(20000))
        check(best >= prob.optimum, "%s: 20000 random points all >= f*" % name)

    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
