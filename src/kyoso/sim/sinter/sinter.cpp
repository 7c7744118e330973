// The sintering use case: initial state, time loop with the adaptive step, grain tracking,
// observables, invariants, output. See sinter.h and docs/methods/sinter.md.
#include "kyoso/sim/sinter/sinter.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <memory>
#include <numbers>
#include <optional>
#include <sstream>

#include "kyoso/sim/sinter/axisymmetric.h"
#include "kyoso/sim/sinter/detail/run_common.h"
#include "kyoso/sim/sinter/grains.h"
#include "kyoso/sim/sinter/observables.h"
#include "kyoso/sim/sinter/output.h"
#include "kyoso/sim/sinter/rigid_body.h"
#include "kyoso/sim/sinter/spectral_kernel.h"

#ifdef KYOSO_SINTER_MPI
#include "kyoso/sim/sinter/mpi_fd.h"
#include "kyoso/sim/sinter/mpi_spectral.h"
#endif

namespace kyoso::sim::sinter {

const char* ToString(Termination termination) {
  switch (termination) {
    case Termination::kCompleted:
      return "completed";
    case Termination::kCancelled:
      return "cancelled";
    case Termination::kDiverged:
      return "diverged";
    case Termination::kWallTime:
      return "wall_time";
  }
  return "completed";
}

State InitialState(const Spec& spec) {
  State state = MakeState(spec.grid, spec.num_order_parameters);
  if (spec.grid.axisymmetric) {
    // FillState evaluates the profiles at (i dx, j dx); the cell centres are half a cell
    // further out, so shift the particles the other way.
    std::vector<Particle> shifted = spec.particles;
    for (Particle& p : shifted) {
      p.center[0] -= 0.5 * spec.grid.dx;
      p.center[1] -= 0.5 * spec.grid.dx;
    }
    FillState(shifted, spec.slots, spec.structure.interface_width, false, state);
    return state;
  }
  if (spec.grain_seeds.empty()) {
    FillState(spec.particles, spec.slots, spec.structure.interface_width,
              spec.structure.kind == StructureKind::kCircularGrain, state);
  } else {
    FillState(spec.particles, spec.grain_seeds, spec.slots, spec.structure.interface_width, state);
  }
  return state;
}

namespace {

double EquivalentRadius(const Grid& grid, double volume) {
  return grid.dims == 3 ? std::cbrt(3.0 * volume / (4.0 * std::numbers::pi))
                        : std::sqrt(volume / std::numbers::pi);
}

// Two particles in contact at the start: their indices in Spec::particles and initial distance.
struct Contact {
  int a, b;
  double d0;
};

// The same test on points [begin, end) of every field (several ranks: each rank's owned points).
bool Healthy(const State& state, std::size_t begin, std::size_t end) {
  for (std::size_t c = begin; c < end; ++c) {
    const double v = state.rho[c];
    if (!std::isfinite(v) || v < -1.0 || v > 2.0) return false;
  }
  for (int s = 0; s < state.num_slots; ++s) {
    const double* eta = state.Eta(s);
    for (std::size_t c = begin; c < end; ++c) {
      if (!std::isfinite(eta[c])) return false;
    }
  }
  return true;
}

// The integral observables of a sample.
struct Integrals {
  double mass = 0.0;
  double free_energy = 0.0;
  double density = 0.0;
  Areas areas;
};

}  // namespace

Result Run(const Spec& spec, const Options& options, ProgressSink* progress) {
  const std::vector<Issue> problems = options.Validate();
  if (!problems.empty()) throw InputError(problems);
  if (spec.grid.axisymmetric) {
#ifdef KYOSO_SINTER_MPI
    int ranks = 1;
    if (options.communicator != MPI_COMM_NULL) MPI_Comm_size(options.communicator, &ranks);
    if (ranks > 1) {
      throw InputError("/grid/geometry", "sinter.axisymmetric",
                       "the axisymmetric kernel runs on one MPI rank (use threads: --threads N)");
    }
#endif
    return detail::RunAxisymmetric(spec, options, progress);
  }
  const auto wall_start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto wall = [&]() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  };

  Result result;
  Summary& summary = result.summary;
  Series& series = result.series;
  summary.kernel = spec.kernel;
  summary.dt_given = spec.dt;

  State state = detail::StartingState(spec, options);
  const Grid& grid = state.grid;

  // MPI (Options::communicator): every rank runs this loop with identical decisions; the step
  // of either kernel is slab-decomposed (each kernel decides its slabs: evenly for FD, as FFTW
  // says for the spectral kernel). The health check, the integral observables (mass, free
  // energy, areas, density) and grain tracking run on each rank's slab, combined by MPI
  // collectives; the full fields are all-gathered onto every rank, through the kernel's own slabs,
  // only where the loop needs the whole box (the samples' neck radius and last good state, VTK,
  // checkpoints). Only rank 0 writes files and reports progress; its cancel and wall-time
  // decisions are broadcast.
  int rank = 0;
  bool multi_rank = false;
#ifdef KYOSO_SINTER_MPI
  std::unique_ptr<DistributedFdKernel> distributed_fd;
  std::unique_ptr<DistributedSpectralKernel> distributed_spectral;
  detail::SlabFields* slabs = nullptr;
  if (options.communicator != MPI_COMM_NULL) {
    int ranks = 1;
    MPI_Comm_size(options.communicator, &ranks);
    MPI_Comm_rank(options.communicator, &rank);
    if (ranks > 1) {
      if (spec.kernel == KernelKind::kSpectral) {
        distributed_spectral = std::make_unique<DistributedSpectralKernel>(
            grid, state.num_slots, options.num_threads, options.communicator);
        distributed_spectral->Scatter(state);
        slabs = &distributed_spectral->slabs();
      } else {
        distributed_fd = std::make_unique<DistributedFdKernel>(
            grid, state.num_slots, options.num_threads, options.communicator);
        distributed_fd->Scatter(state);
        slabs = &distributed_fd->slabs();
      }
      summary.num_ranks = ranks;
      multi_rank = true;
    }
  }
  // Collective: broadcasts rank 0's decision.
  auto agree = [&](bool value) {
    if (!multi_rank) return value;
    int flag = value ? 1 : 0;
    MPI_Bcast(&flag, 1, MPI_INT, 0, options.communicator);
    return flag != 0;
  };
#else
  auto agree = [](bool value) { return value; };
#endif
  // The health check: on one rank of the whole state; on several, of each rank's owned points,
  // combined by one MPI_Allreduce (no all-gather).
  auto healthy_now = [&]() {
#ifdef KYOSO_SINTER_MPI
    if (slabs != nullptr) {
      const std::size_t begin = slabs->OwnedOffset();
      return slabs->AllRanks(Healthy(slabs->local(), begin, begin + slabs->OwnedSize()));
    }
#endif
    return detail::Healthy(state);
  };
  const bool writer = rank == 0;
  const bool has_out = !options.output_dir.empty();  // same on every rank: it sets the steps
  if (has_out && writer) std::filesystem::create_directories(options.output_dir);
  auto out_path = [&](const std::string& name) {
    return (std::filesystem::path(options.output_dir) / name).string();
  };

  std::unique_ptr<FdKernel> fd;
  std::unique_ptr<SpectralKernel> spectral;
  if (!multi_rank) {
    if (spec.kernel == KernelKind::kSpectral) {
      spectral = std::make_unique<SpectralKernel>(grid, state.num_slots, options.num_threads);
    } else {
      fd = std::make_unique<FdKernel>(grid, state.num_slots, options.num_threads);
    }
  }
  // The adaptive step. FD: safety × the forward-Euler limit with the largest mobility on the
  // current fields (the kernel reports it each step; 5 % margin for its growth within a step).
  // Spectral: no stability limit, the step follows the largest change per step (max_change).
  auto max_mobility_of = [&](const StepModel& m) {
    double max_m = 0.0;
    for (std::size_t c = 0; c < grid.size(); ++c) {
      double s1 = 0.0;
      double s2 = 0.0;
      for (int s = 0; s < state.num_slots; ++s) {
        s1 += state.Eta(s)[c];
        s2 += state.Eta(s)[c] * state.Eta(s)[c];
      }
      max_m = std::max(max_m, MobilityAt(m.mobility, state.rho[c], s1, s2));
    }
    return max_m;
  };
  double observed_mobility = max_mobility_of(spec.ModelAt(state.time));
  double spectral_dt = 0.0;
  auto stable_step = [&](const StepModel& m) {
    return FdStableStep(grid, m, 1.05 * observed_mobility);
  };

  // Grain tracking and the initial contacts (for shrinkage).
  const double width = spec.InterfaceWidth();
  GrainTracker tracker({.threshold = 0.05,
                        .min_volume = 0.5 * std::pow(width, grid.dims),
                        .remap_buffer = spec.remap_buffer});
  // Grain tracking. One rank: on the whole fields. Several ranks: on the slabs (a distributed
  // flood fill, GrainTracker::Update(SlabFields&), which remaps in the slabs; the loop's copy of
  // the whole fields is then gathered again).
  auto track = [&]() {
    const detail::PhaseTimer timer(summary, &PhaseSeconds::tracking);
    int moved = 0;
#ifdef KYOSO_SINTER_MPI
    if (slabs != nullptr) {
      moved = tracker.Update(*slabs);
      if (moved > 0) slabs->AllGather(state);
    } else {
      moved = tracker.Update(state);
    }
#else
    moved = tracker.Update(state);
#endif
    summary.remaps += moved;
  };
  track();
  summary.initial_grains = static_cast<int>(tracker.grains().size());
  // Particles and contacts. Each tracked grain belongs to the particle it starts in (a
  // polycrystalline particle holds several grains); a particle's position is its initial centre
  // plus the volume-weighted mean periodic offset of its grains' centroids, so shrinkage and
  // necks are measured between particles, never across the grain boundaries inside one.
  std::vector<int> particle_of_id;  // tracked grain id -> particle index (−1: none)
  auto wrap = [&](double delta, int axis) {
    return delta - grid.Length(axis) * std::round(delta / grid.Length(axis));
  };
  const bool has_particles = spec.structure.kind != StructureKind::kCircularGrain;
  if (has_particles) {
    for (const GrainInfo& g : tracker.grains()) {
      int best = -1;
      double best_gap = INFINITY;
      for (std::size_t p = 0; p < spec.particles.size(); ++p) {
        const double gap =
            PeriodicDistance(grid, g.centroid, spec.particles[p].center) - spec.particles[p].radius;
        if (gap < best_gap) {
          best_gap = gap;
          best = static_cast<int>(p);
        }
      }
      if (g.id >= static_cast<int>(particle_of_id.size())) particle_of_id.resize(g.id + 1, -1);
      particle_of_id[g.id] = best;
    }
  }
  auto particle_centers = [&]() {
    const std::size_t np = spec.particles.size();
    std::vector<std::array<double, 4>> acc(np, {0.0, 0.0, 0.0, 0.0});
    for (const GrainInfo& g : tracker.grains()) {
      if (g.id >= static_cast<int>(particle_of_id.size()) || particle_of_id[g.id] < 0) continue;
      const int p = particle_of_id[g.id];
      for (int d = 0; d < grid.dims; ++d) {
        acc[p][d] += g.volume * wrap(g.centroid[d] - spec.particles[p].center[d], d);
      }
      acc[p][3] += g.volume;
    }
    std::vector<std::array<double, 3>> centers(np);
    for (std::size_t p = 0; p < np; ++p) {
      centers[p] = spec.particles[p].center;
      for (int d = 0; d < grid.dims && acc[p][3] > 0.0; ++d) centers[p][d] += acc[p][d] / acc[p][3];
    }
    return centers;
  };
  std::vector<Contact> contacts;
  if (has_particles) {
    const std::vector<std::array<double, 3>> centers = particle_centers();
    for (std::size_t a = 0; a < spec.particles.size(); ++a) {
      for (std::size_t b = a + 1; b < spec.particles.size(); ++b) {
        const double d = PeriodicDistance(grid, centers[a], centers[b]);
        if (d < spec.particles[a].radius + spec.particles[b].radius + 2.0 * width) {
          contacts.push_back({static_cast<int>(a), static_cast<int>(b), d});
        }
      }
    }
  }

  // Control volume: given, or the box spanned by the particle centres (± half the smallest
  // radius), i.e. the region between the particles where densification shows.
  std::array<double, 3> lo = spec.control_lo;
  std::array<double, 3> hi = spec.control_hi;
  if (lo == hi && !spec.particles.empty()) {
    double r_min = INFINITY;
    for (const Particle& p : spec.particles) r_min = std::min(r_min, p.radius);
    for (int d = 0; d < grid.dims; ++d) {
      lo[d] = INFINITY;
      hi[d] = -INFINITY;
      for (const Particle& p : spec.particles) {
        lo[d] = std::min(lo[d], p.center[d] - 0.5 * r_min);
        hi[d] = std::max(hi[d], p.center[d] + 0.5 * r_min);
      }
    }
  }

  double current_dt = 0.0;
  // Mass, free energy, areas and density: on one rank of the whole state; on several, partial
  // sums over each rank's owned planes (the gradients read one ghost plane per side, exchanged
  // first) added by one MPI_Allreduce, equal to the whole-box values to round-off.
  auto integrals = [&](const Coefficients& coefficients) {
    Integrals out;
#ifdef KYOSO_SINTER_MPI
    if (slabs != nullptr) {
      slabs->ExchangeHalos(1);
      const ObservableSums part =
          SumObservables(slabs->local(), coefficients, lo, hi, slabs->ghosts(),
                         slabs->ghosts() + slabs->num_planes(), grid.n[grid.PlaneAxis()],
                         slabs->first_plane() - slabs->ghosts());
      double packed[6] = {part.mass,         part.free_energy, part.rho_gradient,
                          part.eta_gradient, part.density_sum, part.density_count};
      slabs->SumOverRanks(packed, 6);
      const ObservableSums total{.mass = packed[0],
                                 .free_energy = packed[1],
                                 .rho_gradient = packed[2],
                                 .eta_gradient = packed[3],
                                 .density_sum = packed[4],
                                 .density_count = packed[5]};
      out.mass = total.mass;
      out.free_energy = total.free_energy;
      out.areas = AreasFromSums(total);
      out.density = total.density_count > 0.0 ? total.density_sum / total.density_count : 0.0;
      return out;
    }
#endif
    out.mass = Mass(state);
    out.free_energy = FreeEnergy(state, coefficients);
    out.areas = InterfaceAreas(state);
    out.density = RelativeDensity(state, lo, hi);
    return out;
  };
  auto sample = [&]() {
    const detail::PhaseTimer timer(summary, &PhaseSeconds::observables);
    const StepModel m = spec.ModelAt(state.time);
    const Integrals integral = integrals(m.coefficients);
    const double mass = integral.mass;
    const double energy = integral.free_energy;
    const Areas& areas = integral.areas;
    const std::vector<GrainInfo>& grains = tracker.grains();
    double shrink_sum = 0.0;
    double neck_sum = 0.0;
    if (!contacts.empty()) {
      const std::vector<std::array<double, 3>> centers = particle_centers();
      for (const Contact& c : contacts) {
        // The plane of the sharp spheres' intersection circle, between the current centres.
        std::array<double, 3> axis{0.0, 0.0, 0.0};
        for (int d = 0; d < grid.dims; ++d) axis[d] = wrap(centers[c.b][d] - centers[c.a][d], d);
        const double dist = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        shrink_sum += dist / c.d0;
        if (!(dist > 0.0)) continue;
        const double ra = spec.particles[c.a].radius;
        const double rb = spec.particles[c.b].radius;
        const double s =
            std::clamp((dist * dist + ra * ra - rb * rb) / (2.0 * dist * dist), 0.0, 1.0);
        std::array<double, 3> point = centers[c.a];
        for (int d = 0; d < 3; ++d) {
          point[d] += s * axis[d];
          axis[d] /= dist;
        }
        neck_sum += NeckCrossSectionRadius(state, point, axis, std::min(ra, rb));
      }
    }
    const int shrink_count = static_cast<int>(contacts.size());
    double radius_sum = 0.0;
    for (const GrainInfo& g : grains) radius_sum += EquivalentRadius(grid, g.volume);
    detail::RecordSample(spec, state.time,
                         {.mass = mass,
                          .free_energy = energy,
                          .density = integral.density,
                          .shrinkage = shrink_count > 0 ? 1.0 - shrink_sum / shrink_count : 0.0,
                          .neck_radius = shrink_count > 0 ? neck_sum / shrink_count : 0.0,
                          .grains = static_cast<int>(grains.size()),
                          .mean_grain_radius = grains.empty() ? 0.0 : radius_sum / grains.size(),
                          .areas = areas,
                          .dt = current_dt},
                         series, summary);
  };

  const double start_time = state.time;
  const double end_time = spec.end_time;
  const std::vector<double> sample_times = detail::SampleTimes(spec, start_time);
  std::vector<double> vtk_times = has_out ? spec.vtk_times : std::vector<double>{};
  std::sort(vtk_times.begin(), vtk_times.end());
  std::size_t next_vtk = 0;
  auto write_due_vtk = [&]() {
    while (next_vtk < vtk_times.size() &&
           vtk_times[next_vtk] <= state.time * (1.0 + 1e-12) + 1e-300) {
      std::ostringstream name;
      name << "state_" << next_vtk << ".vtk";
      if (writer) WriteVtk(state, out_path(name.str()));
      ++next_vtk;
    }
  };

  summary.stable_dt = stable_step(spec.ModelAt(state.time));
  spectral_dt = summary.stable_dt;
  sample();
  write_due_vtk();
  State last_good = state;
  std::size_t next_sample = 0;
  summary.dt_min = INFINITY;
  const std::int64_t first_step = state.step;
  std::vector<GrainForce> forces;
  while (next_sample < sample_times.size()) {
    const StepModel m = spec.ModelAt(state.time);
    double dt = spec.dt;
    if (dt <= 0.0) {
      dt = spec.kernel == KernelKind::kSpectral ? spectral_dt : spec.safety * stable_step(m);
      if (spec.max_dt > 0.0) dt = std::min(dt, spec.max_dt);
    }
    double target = sample_times[next_sample];
    if (next_vtk < vtk_times.size()) target = std::min(target, vtk_times[next_vtk]);
    const double remaining = target - state.time;
    if (remaining <= 0.0) {
      // a VTK time before the start, or a sample time reached by round-off
      if (next_vtk < vtk_times.size() && vtk_times[next_vtk] <= state.time) {
        write_due_vtk();
        continue;
      }
    }
    const detail::StepToTarget taken = detail::ClipStep(dt, remaining);
    dt = taken.dt;
    const bool hits_target = taken.hits_target;
    current_dt = dt;
    if (dt > 0.0) {
      Advection advection;
      if (spec.rigid_body.enabled) track();
      const detail::PhaseTimer step_timer(summary, &PhaseSeconds::step);
      if (spec.rigid_body.enabled) {
#ifdef KYOSO_SINTER_MPI
        if (slabs != nullptr) {
          // Each rank integrates F_i, T_i over its own planes (the gradients read the ghost
          // planes, exchanged first), one MPI_Allreduce sums them, and each rank fills the
          // velocities of its slab, ghost planes included, from the slab tracker's labels.
          slabs->ExchangeHalos(slabs->ghosts());
          forces = SlabGrainForces(slabs->local(), grid, slabs->first_plane(), slabs->ghosts(),
                                   tracker, spec.rigid_body, options.num_threads);
          std::vector<double> packed;
          for (const GrainForce& f : forces) {
            packed.insert(packed.end(), f.force.begin(), f.force.end());
            packed.insert(packed.end(), f.torque.begin(), f.torque.end());
          }
          slabs->SumOverRanks(packed.data(), static_cast<int>(packed.size()));
          for (std::size_t g = 0; g < forces.size(); ++g) {
            std::copy_n(packed.begin() + 6 * g, 3, forces[g].force.begin());
            std::copy_n(packed.begin() + 6 * g + 3, 3, forces[g].torque.begin());
          }
          advection =
              SlabGrainVelocities(slabs->local(), grid, slabs->first_plane(), slabs->ghosts(),
                                  tracker, spec.rigid_body, forces, options.num_threads);
        } else {
          advection =
              RigidBodyVelocities(state, tracker, spec.rigid_body, &forces, options.num_threads);
        }
#else
        advection =
            RigidBodyVelocities(state, tracker, spec.rigid_body, &forces, options.num_threads);
#endif
      }
      double change = 0.0;
      if (fd) {
        fd->Step(state, m, dt, &advection);
        observed_mobility = fd->last_max_mobility();
      } else if (spectral) {
        change = spectral->Step(state, m, dt, &advection);
#ifdef KYOSO_SINTER_MPI
      } else if (distributed_fd) {
        distributed_fd->Step(m, dt, &advection);
        observed_mobility = distributed_fd->MaxMobility();
      } else {
        change = distributed_spectral->Step(m, dt, &advection);
#endif
      }
      if (multi_rank) {  // the local slabs advanced; the loop's copy of the fields follows below
        state.time += dt;
        ++state.step;
      }
      if (spec.kernel == KernelKind::kSpectral) {
        // Several ranks: `change` is the global maximum, the same on every rank.
        spectral_dt = detail::AdaptStep(spectral_dt, taken, change, spec.max_change, spec.max_dt);
      }
      summary.dt_min = std::min(summary.dt_min, dt);
      summary.dt_max = std::max(summary.dt_max, dt);
    }
    if (hits_target) state.time = target;  // no drift of the sample times by round-off
    const std::int64_t steps_done = state.step - first_step;
    const bool tracking_due = steps_done % spec.tracking_every == 0;
    const bool sample_due = state.time >= sample_times[next_sample];
    const bool checkpoint_due =
        has_out && spec.checkpoint_every > 0 && steps_done % spec.checkpoint_every == 0;
    const bool vtk_due =
        next_vtk < vtk_times.size() && vtk_times[next_vtk] <= state.time * (1.0 + 1e-12) + 1e-300;
    const bool health_due = steps_done % 50 == 0 || sample_due;
    // Several ranks gather the whole fields for the samples' neck radius (and last good
    // state), VTK and checkpoints only (grain tracking, also before every
    // step with rigid-body motion, the health check and the integrals run on the slabs).
    const bool reads_fields = sample_due || checkpoint_due || vtk_due;
#ifdef KYOSO_SINTER_MPI
    if (slabs != nullptr && reads_fields) {
      const detail::PhaseTimer timer(summary, &PhaseSeconds::all_gather);
      slabs->AllGather(state);
    }
#endif
    bool healthy = true;
    if (health_due) {
      const detail::PhaseTimer timer(summary, &PhaseSeconds::health);
      healthy = healthy_now();
    }
    if (!healthy) {
      summary.termination = Termination::kDiverged;
      summary.message = detail::DivergedMessage(state, dt, last_good.time);
      state = last_good;
      break;
    }
    if ((tracking_due || sample_due) && !spec.rigid_body.enabled) track();
    if (sample_due) {
      sample();
      ++next_sample;
      last_good = state;
      bool go_on = true;
      if (progress != nullptr && writer) {
        std::ostringstream msg;
        msg << "t = " << state.time << ", density " << series.density.back();
        go_on = progress->Update(
            {"sinter", (state.time - start_time) / (end_time - start_time), msg.str()});
      }
      if (!agree(go_on)) {
        summary.termination = Termination::kCancelled;
        summary.message = "cancelled by the caller";
        break;
      }
    }
    write_due_vtk();
    if (checkpoint_due && writer && detail::Healthy(state)) {
      WriteCheckpoint(state, out_path("checkpoint.bin"));
    }
    // Several ranks decide at the points where they synchronize anyway.
    if (options.max_wall_seconds > 0.0 &&
        (reads_fields || health_due || tracking_due || spec.rigid_body.enabled || !multi_rank) &&
        agree(wall() > options.max_wall_seconds)) {
      summary.termination = Termination::kWallTime;
      summary.message = "stopped at the wall-time limit";
      break;
    }
  }
  summary.final_grains = static_cast<int>(tracker.grains().size());
  detail::FinishSummary(summary, state, first_step, wall(), cpu_start);
  if (has_out && writer) {
    WriteCsv(series, out_path("series.csv"));
    WriteCheckpoint(state, out_path("checkpoint.bin"));
  }
  result.state = std::move(state);
  return result;
}

}  // namespace kyoso::sim::sinter
