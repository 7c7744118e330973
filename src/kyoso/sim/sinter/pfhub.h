// PFHub benchmark 1a (spinodal decomposition, Jokisaari et al., Comput. Mater. Sci. 126 (2017)
// 139) run by a first-order semi-implicit Fourier-spectral Cahn-Hilliard kernel: the published,
// independently reproducible check of the spectral machinery the sintering kernel is built on.
// Equations and the validation table: docs/methods/sinter.md, section "PFHub 1a".
#pragma once

#include <vector>

#include "kyoso/base/error.h"
#include "kyoso/base/progress.h"

namespace kyoso::sim::sinter {

// Problem and scheme parameters; defaults are the benchmark's (periodic 200 × 200 box).
struct Pfhub1aOptions {
  int grid = 96;          // points per axis (grid points at x = i·L/N)
  double dt = 0.5;        // time step
  int steps = 500;        // number of steps
  double length = 200.0;  // box edge L
  double c0 = 0.5;        // mean composition
  double epsilon = 0.01;  // amplitude of the cosine perturbation
  double rho_s = 5.0;     // well height ρ_s in f = ρ_s (c − c_α)²(c_β − c)²
  double c_alpha = 0.3;   // c_α
  double c_beta = 0.7;    // c_β
  double kappa = 2.0;     // gradient-energy coefficient κ
  double mobility = 5.0;  // M
  int num_threads = 1;    // FFTW threads

  // Every problem, at "/grid", "/dt", ... (codes "pfhub.range").
  std::vector<Issue> Validate() const;
};

struct Pfhub1aResult {
  std::vector<int> step;            // 0..steps
  std::vector<double> free_energy;  // F after each step (index 0: initial)
  double c00 = 0.0;                 // c at the grid origin after the last step
  std::vector<double> c;            // final field, grid × grid, x fastest
};

// The PFHub 1a initial condition at (x, y):
// c0 + ε[cos(0.105x)cos(0.11y) + (cos(0.13x)cos(0.087y))² + cos(0.025x − 0.15y)cos(0.07x − 0.02y)].
double Pfhub1aInitial(const Pfhub1aOptions& options, double x, double y);

// F = Σ [f_chem(c) + (κ/2)|∇c|²] h², ∇c spectral (Nyquist derivative zero), no dealiasing.
double Pfhub1aFreeEnergy(const Pfhub1aOptions& options, const std::vector<double>& c);

// Runs `steps` steps of ĉ_{n+1} = (ĉ_n − dt M k² FFT[f'(c_n)]) / (1 + dt M κ k⁴).
// Throws InputError when options are invalid. progress may be null; cancelling stops early and
// the result then holds the steps done.
Pfhub1aResult RunPfhub1a(const Pfhub1aOptions& options, ProgressSink* progress = nullptr);

}  // namespace kyoso::sim::sinter
