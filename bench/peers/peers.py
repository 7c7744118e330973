"""Peer optimizers of the regret benchmark: random search, Optuna TPE and a scikit-learn GP-EI loop
(the GPyOpt/BOXVIA-style baseline), run on the problems of problems.py from the same 5-point
initial design per seed as the kyoso engine (bench/optimize/bo_regret.cpp).

Usage:
  /usr/bin/python3 bench/peers/peers.py --method {random,tpe,skgp} --problem NAME \
      --seeds 0-9 --budget 100 --out DIR
writes DIR/<method>_<problem>_s<seeds>.json (compare.py merges the files of one method and problem,
so seeds can run as separate jobs):
  {"method", "problem", "dim", "optimum", "budget", "batch_size": 1, "num_initial": 5,
   "runs": [{"seed", "values": [f(x_1) ... f(x_budget)], "best_so_far": [...],
             "suggest_cpu_seconds": [CPU seconds of each suggestion call after the design],
             "points_per_call": [1, ...]}]}
The trace of a run with budget 100 contains the budget-50 run: none of these methods looks at the
budget, so the best of the first 50 values is what a 50-evaluation run would have found.

With --noise-sd S every observed value carries Gaussian noise of standard deviation S (objective
units, seeded per run), as in a lab; "values" are then the noisy observations, "true_values" the
objective at the same points, and "best_so_far" is the best TRUE value among the evaluated points
(the same convention as bo_regret --noise-sd).

CPU seconds are process CPU time (time.process_time) around the suggestion only (model fit plus
acquisition optimization; for TPE the ask/tell calls), not the objective evaluation. Debian's NumPy
links the reference BLAS, so these times are slower than on a tuned BLAS.
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import problems  # noqa: E402

NUM_INITIAL = 5


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds.extend(range(int(lo), int(hi) + 1))
        else:
            seeds.append(int(part))
    return seeds


def run_random(problem, seed, budget):
    rng = np.random.default_rng(seed)
    xs = problems.initial_design(problem, seed, NUM_INITIAL)
    values = [problem(x) for x in xs]
    times = []
    while len(values) < budget:
        start = time.process_time()
        x = problem.from_unit(rng.uniform(size=problem.dim).tolist())
        times.append(time.process_time() - start)
        values.append(problem(x))
    return values, times


def run_tpe(problem, seed, budget):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Defaults of Optuna 3.1 except the seed and 5 startup trials (the 5 design points).
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=NUM_INITIAL)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    names = ["x%d" % j for j in range(problem.dim)]
    dists = {n: optuna.distributions.FloatDistribution(lo, hi)
             for n, lo, hi in zip(names, problem.lower, problem.upper)}
    for x in problems.initial_design(problem, seed, NUM_INITIAL):
        study.enqueue_trial(dict(zip(names, x)))
    values, times = [], []
    while len(values) < budget:
        start = time.process_time()
        trial = study.ask(fixed_distributions=dists)
        x = [trial.params[n] for n in names]
        elapsed = time.process_time() - start
        value = problem(x)
        start = time.process_time()
        study.tell(trial, value)
        elapsed += time.process_time() - start
        if len(values) >= NUM_INITIAL:
            times.append(elapsed)
        values.append(value)
    return values, times


def _expected_improvement(gp, u, best):
    from scipy.stats import norm
    mean, std = gp.predict(np.atleast_2d(u), return_std=True)
    std = np.maximum(std, 1e-12)
    z = (best - mean) / std
    return (best - mean) * norm.cdf(z) + std * norm.pdf(z)


def _ei_and_gradient(gp, u, best):
    """EI at one point u (d,) and its gradient, for the fitted kernel
    ConstantKernel * Matern(nu=2.5, ARD) + WhiteKernel, reproducing sklearn's predict (whose
    predictive variance includes the white noise). Matern 5/2: k(r) = c (1 + sqrt5 r + 5 r^2 / 3)
    exp(-sqrt5 r), dk/dx = -(5/3) c (1 + sqrt5 r) exp(-sqrt5 r) (x - x') / l^2 (Rasmussen &
    Williams 2006, Eq. 4.17); EI gradient: dEI = -Phi(z) dmean + phi(z) dstd."""
    from scipy.linalg import solve_triangular
    from scipy.stats import norm
    c = gp.kernel_.k1.k1.constant_value
    ls = np.asarray(gp.kernel_.k1.k2.length_scale, dtype=float)
    noise = gp.kernel_.k2.noise_level
    xt = gp.X_train_
    diff = u[None, :] - xt                      # n x d
    r = np.sqrt(np.sum((diff / ls) ** 2, axis=1))
    e = np.exp(-np.sqrt(5.0) * r)
    k = c * (1.0 + np.sqrt(5.0) * r + 5.0 / 3.0 * r * r) * e
    dk = (-(5.0 / 3.0) * c * (1.0 + np.sqrt(5.0) * r) * e)[:, None] * diff / (ls * ls)  # n x d
    ys, ym = gp._y_train_std, gp._y_train_mean
    mean = ys * (k @ gp.alpha_) + ym
    dmean = ys * (gp.alpha_ @ dk)
    v = solve_triangular(gp.L_, k, lower=True)
    var_n = max(c + noise - v @ v, 1e-24)
    w = solve_triangular(gp.L_.T, v, lower=False)
    dvar_n = -2.0 * (w @ dk)
    std = ys * np.sqrt(var_n)
    dstd = ys * dvar_n / (2.0 * np.sqrt(var_n))
    z = (best - mean) / std
    cdf, pdf = norm.cdf(z), norm.pdf(z)
    return (best - mean) * cdf + std * pdf, -cdf * dmean + pdf * dstd


def run_skgp(problem, seed, budget, num_candidates=1000, num_starts=5, num_fit_restarts=2):
    """GP-EI: ConstantKernel * Matern(nu=2.5, ARD) + WhiteKernel on the unit cube, normalize_y,
    hyperparameters by sklearn's L-BFGS-B with n_restarts_optimizer; EI (no jitter) maximized by
    L-BFGS-B (analytic gradients) from the num_starts best of num_candidates uniform random points
    (GPyOpt's anchor-point scheme)."""
    from scipy.optimize import minimize
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    rng = np.random.default_rng(seed)
    d = problem.dim
    lo = np.array(problem.lower)
    hi = np.array(problem.upper)
    xs = problems.initial_design(problem, seed, NUM_INITIAL)
    units = [((np.array(x) - lo) / (hi - lo)).tolist() for x in xs]
    values = [problem(x) for x in xs]
    times = []
    bounds = [(0.0, 1.0)] * d
    while len(values) < budget:
        start = time.process_time()
        kernel = (ConstantKernel(1.0, (1e-3, 1e3)) *
                  Matern(length_scale=np.full(d, 0.5), length_scale_bounds=(1e-3, 1e2), nu=2.5) +
                  WhiteKernel(1e-6, (1e-10, 1e-1)))
        gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True,
                                      n_restarts_optimizer=num_fit_restarts,
                                      random_state=int(rng.integers(2**31)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp.fit(np.array(units), np.array(values))
        best = min(values)
        cand = rng.uniform(size=(num_candidates, d))
        ei = _expected_improvement(gp, cand, best)
        order = np.argsort(-ei)[:num_starts]
        best_u, best_ei = cand[order[0]], ei[order[0]]
        for idx in order:
            res = minimize(lambda u: tuple(-t for t in _ei_and_gradient(gp, u, best)), cand[idx],
                           jac=True, method="L-BFGS-B", bounds=bounds)
            if np.isfinite(res.fun) and -res.fun > best_ei:
                best_u, best_ei = np.clip(res.x, 0.0, 1.0), -res.fun
        times.append(time.process_time() - start)
        units.append(best_u.tolist())
        values.append(problem(problem.from_unit(best_u.tolist())))
    return values, times


METHODS = {"random": run_random, "tpe": run_tpe, "skgp": run_skgp}


class NoisyProblem:
    """The problem as a lab sees it: f(x) + noise_sd * N(0, 1), noise seeded per run; the true
    values of the evaluated points are kept in `true_values`."""

    def __init__(self, problem, noise_sd, seed):
        self._problem = problem
        self._noise_sd = noise_sd
        self._rng = np.random.default_rng(seed * 7919 + 17)
        self.true_values = []

    def __getattr__(self, name):
        return getattr(self._problem, name)

    def __call__(self, x):
        truth = self._problem(x)
        self.true_values.append(truth)
        return truth + self._noise_sd * float(self._rng.standard_normal())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--method", required=True, choices=sorted(METHODS))
    ap.add_argument("--problem", required=True, choices=sorted(problems.PROBLEMS))
    ap.add_argument("--seeds", default="0-9", help="e.g. 0-9 or 0,3,5")
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--out", required=True)
    ap.add_argument("--noise-sd", type=float, default=0.0,
                    help="Gaussian observation noise (objective units); regret on true values")
    args = ap.parse_args()
    if args.noise_sd < 0:
        ap.error("--noise-sd must be >= 0")
    if args.budget <= NUM_INITIAL:
        ap.error("--budget must exceed the %d initial points" % NUM_INITIAL)
    problem = problems.PROBLEMS[args.problem]
    runs = []
    for seed in parse_seeds(args.seeds):
        observed = NoisyProblem(problem, args.noise_sd, seed) if args.noise_sd > 0 else problem
        values, times = METHODS[args.method](observed, seed, args.budget)
        truth = observed.true_values if args.noise_sd > 0 else values
        best = np.minimum.accumulate(truth).tolist()
        run = {"seed": seed, "values": values, "best_so_far": best,
               "suggest_cpu_seconds": times, "points_per_call": [1] * len(times)}
        if args.noise_sd > 0:
            run["noise_sd"] = args.noise_sd
            run["true_values"] = truth
        runs.append(run)
        print("%s %s seed %d: regret %.3g after %d (%.3f s CPU per suggestion)" %
              (args.method, args.problem, seed, best[-1] - problem.optimum, args.budget,
               float(np.mean(times)) if times else 0.0), flush=True)
    os.makedirs(args.out, exist_ok=True)
    doc = {"method": args.method, "problem": args.problem, "dim": problem.dim,
           "optimum": problem.optimum, "budget": args.budget, "batch_size": 1,
           "num_initial": NUM_INITIAL, "runs": runs}
    path = os.path.join(args.out, "%s_%s_s%s.json" % (args.method, args.problem,
                                                       args.seeds.replace(",", "+")))
    with open(path, "w") as f:
        json.dump(doc, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
