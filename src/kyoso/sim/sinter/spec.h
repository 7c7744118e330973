// The sintering spec (JSON, documented in docs/sinter.md) parsed into values, the run Options,
// and the thermal schedule. ParseSpec reports every problem at its JSON pointer in one
// InputError; nothing in a spec is executed.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#ifdef KYOSO_SINTER_MPI
#include <mpi.h>
#endif

#include "kyoso/base/error.h"
#include "kyoso/sim/sinter/fd_kernel.h"
#include "kyoso/sim/sinter/grid.h"
#include "kyoso/sim/sinter/rigid_body.h"
#include "kyoso/sim/sinter/structures.h"

namespace kyoso::sim::sinter {

// kAxisymmetric: the (r, z) kernel of axisymmetric.h, the only kernel of an axisymmetric grid.
enum class KernelKind { kFiniteDifference, kSpectral, kAxisymmetric };
const char* ToString(KernelKind kind);

// Arrhenius parameters of one path: D = D0 exp(−Q/(R T)).
struct ArrheniusPath {
  double d0 = 0.0;                 // prefactor (m²/s for diffusion, m⁴/(J s) for GB mobility)
  double activation_energy = 0.0;  // Q, J/mol
};

// Temperature T(t): linear heating from start_temperature at heating_rate to peak_temperature,
// then a hold of hold_time (after which T stays at the peak).
struct Schedule {
  double start_temperature_k = 300.0;
  double heating_rate_k_per_s = 1.0;
  double peak_temperature_k = 1300.0;
  double hold_time_s = 0.0;
  double TemperatureAt(double time_s) const;
  double EndTime() const;  // end of the hold
};

// The physical (SI) model of Biswas et al. 2018: interface energies and Arrhenius transport.
struct PhysicalModel {
  double surface_energy = 1.0;         // γ_s, J/m²
  double grain_boundary_energy = 0.5;  // γ_gb, J/m²
  double interface_width = 0.0;        // δ, m
  double atomic_volume = 1e-29;        // Ω, m³ (Nernst-Einstein M = D Ω/(k_B T))
  ArrheniusPath volume, vapor, surface, grain_boundary;  // diffusivities
  ArrheniusPath gb_mobility;                             // m_gb (m⁴/(J s)); L = 4 m_gb / (3 δ)
  Schedule schedule;
};

struct Spec {
  std::string name;
  Grid grid;
  bool physical = false;      // "units": "si" (PhysicalModel) or "model" (coefficients)
  Coefficients coefficients;  // model units
  Mobility mobility;          // model units
  double l = 1.0;             // model units: Allen-Cahn mobility
  PhysicalModel model;        // si
  RigidBodyParams rigid_body;
  StructureSpec structure;
  std::vector<Particle> particles;     // made from `structure` by ParseSpec
  std::vector<GrainSeed> grain_seeds;  // polycrystalline particles (empty: one grain each)
  std::vector<int> slots;  // slot of each grain (of each particle when grain_seeds is empty)
  KernelKind kernel = KernelKind::kFiniteDifference;
  int num_order_parameters = 4;
  double end_time = 100.0;    // model time (s in SI)
  double dt = 0.0;            // 0: adaptive (safety × stable limit)
  double safety = 0.8;        // FD: fraction of the stable limit used by the adaptive step
  double max_change = 0.002;  // spectral: target of the largest |Δρ|, |Δη| per step
  double max_dt = 0.0;        // adaptive steps: upper bound (0: none), see docs/methods/sinter.md
  int num_samples = 50;       // rows of the time series
  bool log_samples = false;   // samples geometric in time (from first_sample to end_time)
  double first_sample = 0.0;  // log_samples: first sample time after the start (0: end/1000)
  int tracking_every = 50;    // steps between grain-tracking passes
  double remap_buffer = 0.0;  // gap triggering remapping (0: 2 × interface width)
  std::array<double, 3> control_lo{0, 0, 0};  // control volume for the relative density
  std::array<double, 3> control_hi{0, 0, 0};
  std::vector<double> vtk_times;  // times at which VTK files are written (with an out dir)
  int checkpoint_every = 0;       // steps between checkpoints (0: only at the end)

  // The coefficients in force at time t (model units: constant).
  StepModel ModelAt(double time) const;
  // Interface width δ (SI: given; model units: sqrt(4 κ_η / (3 B)) from the Biswas relations).
  double InterfaceWidth() const;
};

// Parses and validates a spec; throws InputError listing every issue at its JSON pointer.
Spec ParseSpec(const nlohmann::json& json);

// How to run (not what to simulate).
struct Options {
  int num_threads = 1;          // OpenMP threads of the kernels and FFTW threads
  std::string output_dir{};     // when non-empty: CSV, VTK and checkpoints are written here
  std::string restart_path{};   // when non-empty: start from this checkpoint
  double max_wall_seconds = 0;  // 0: no limit; otherwise stop (Summary says so) after this
#ifdef KYOSO_SINTER_MPI
  // MPI: when not MPI_COMM_NULL and of size > 1, Run is collective over this communicator and
  // the kernel runs slab-decomposed (FD: mpi_fd.h; spectral: mpi_spectral.h, FFTW's MPI
  // transforms; rigid-body forces summed over the ranks); every rank passes the same spec and
  // options, and only rank 0 writes files and reports progress. The library never initializes
  // MPI: the caller (e.g. the `kyoso` CLI under mpirun) calls MPI_Init and passes the
  // communicator.
  MPI_Comm communicator = MPI_COMM_NULL;
#endif

  std::vector<Issue> Validate() const;
};

}  // namespace kyoso::sim::sinter
