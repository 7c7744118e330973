// PFHub benchmark 7 (method of manufactured solutions for the Allen-Cahn equation, PFHub
// "Benchmark 7: MMS Allen-Cahn", https://pages.nist.gov/pfhub/benchmarks/benchmark7.ipynb/):
// the order-of-convergence check of the scheme the FD kernel (fd_kernel.h) uses for every η_i:
// forward Euler in time, the second-order central 5-point Laplacian in space, the local term
// evaluated pointwise at the old time level. Equations, source term and the measured orders:
// docs/methods/sinter.md, section "PFHub 7".
#pragma once

#include <vector>

#include "kyoso/base/error.h"

namespace kyoso::sim::sinter {

// Problem and scheme parameters; defaults are the benchmark's.
// Domain [0, 1] × [0, 0.5], ∂η/∂t = −(f'(η) − κ∇²η) + S, f = η²(1 − η)², with the manufactured
// solution η = ½[1 − tanh((y − α(x, t))/√(2κ))], α = ¼ + A1 t sin(B1 x) + A2 sin(B2 x + C2 t).
// Boundaries: periodic in x (α has period 1), Dirichlet in y (the exact η at the current time).
struct Pfhub7Options {
  int nx = 64;            // points along x (spacing h = 1/nx); nx/2 + 1 points along y
  double dt = 1e-3;       // time step
  double end_time = 8.0;  // t at which the error is measured (benchmark: 8)
  double kappa = 0.0004;  // κ

  // Every problem, at "/nx", "/dt", ... (code "pfhub.range"); nx must be even.
  std::vector<Issue> Validate() const;
};

struct Pfhub7Result {
  int steps = 0;            // forward-Euler steps taken
  double l2_error = 0.0;    // sqrt(Σ (η − η_exact)² h²) over every grid point at end_time
  double max_error = 0.0;   // max |η − η_exact| at end_time
  std::vector<double> eta;  // final field, nx × (nx/2 + 1), x fastest
};

// The manufactured solution η(x, y, t).
double Pfhub7Exact(double kappa, double x, double y, double t);
// The source S = ∂η/∂t + f'(η) − κ∇²η of the manufactured solution, derived analytically
// (docs/methods/sinter.md, "PFHub 7").
double Pfhub7Source(double kappa, double x, double y, double t);

// Runs ceil(end_time/dt) forward-Euler steps (the last one shortened to land on end_time) from the
// exact η at t = 0 and returns the error against the exact η at end_time. InputError when the
// options are invalid or dt is above the forward-Euler stability limit 2/(8κ/h² + 2).
Pfhub7Result RunPfhub7(const Pfhub7Options& options);

}  // namespace kyoso::sim::sinter
