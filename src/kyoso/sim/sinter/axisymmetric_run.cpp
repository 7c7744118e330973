// The time loop of an axisymmetric run (Spec with grid.axisymmetric): particles on the axis, the
// semi-implicit (r, z) kernel with the accuracy-controlled step of the spectral kernel, and the
// observables of bodies of revolution. Run (sinter.cpp) dispatches here. See axisymmetric.h and
// docs/methods/sinter.md, "Axisymmetric kernel".
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <numbers>
#include <sstream>

#include "kyoso/sim/sinter/axisymmetric.h"
#include "kyoso/sim/sinter/detail/run_common.h"
#include "kyoso/sim/sinter/output.h"

namespace kyoso::sim::sinter::detail {

namespace {

// One particle of the run: its slot, the z-range of cells whose η of that slot belongs to it
// (cut at the planes between it and its neighbours on the axis, so particles sharing a slot are
// told apart), and its initial centre and radius.
struct AxialParticle {
  int slot = 0;
  double z0 = 0.0;
  double radius = 0.0;
  double z_lo = 0.0;
  double z_hi = 0.0;
};

// The plane of two spheres' sharp intersection circle on the line between their centres:
// z_a + s (z_b − z_a) with s = (d² + r_a² − r_b²) / (2 d²).
double ContactPlane(double z_a, double r_a, double z_b, double r_b) {
  const double d = z_b - z_a;
  if (d == 0.0) return z_a;
  const double s = std::clamp((d * d + r_a * r_a - r_b * r_b) / (2.0 * d * d), 0.0, 1.0);
  return z_a + s * d;
}

}  // namespace

Result RunAxisymmetric(const Spec& spec, const Options& options, ProgressSink* progress) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto wall = [&]() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  };
  Result result;
  Summary& summary = result.summary;
  Series& series = result.series;
  summary.kernel = KernelKind::kAxisymmetric;
  summary.dt_given = spec.dt;

  State state = StartingState(spec, options);
  const Grid& grid = state.grid;
  const double h = grid.dx;
  const bool has_out = !options.output_dir.empty();
  if (has_out) std::filesystem::create_directories(options.output_dir);
  auto out_path = [&](const std::string& name) {
    return (std::filesystem::path(options.output_dir) / name).string();
  };
  AxisymmetricKernel kernel(grid, state.num_slots, options.num_threads);

  // Particles in axial order, each owning the cells between the contact planes with its
  // neighbours; contacts between neighbours closer than two interface widths.
  const double width = spec.InterfaceWidth();
  std::vector<AxialParticle> particles;
  for (std::size_t p = 0; p < spec.particles.size(); ++p) {
    particles.push_back({.slot = spec.slots[p],
                         .z0 = spec.particles[p].center[1],
                         .radius = spec.particles[p].radius});
  }
  std::sort(particles.begin(), particles.end(),
            [](const AxialParticle& a, const AxialParticle& b) { return a.z0 < b.z0; });
  // A contact between neighbours a < b, or (b < 0) between particle a and its mirror image in
  // the wall at z = `wall` (mirror walls: a particle near a wall touches its image there).
  struct Contact {
    int a, b;
    double d0;
    double wall = 0.0;
  };
  std::vector<Contact> contacts;
  const double box_top = grid.Length(1);
  if (!particles.empty()) {
    const AxialParticle& first = particles.front();
    if (first.z0 > 0.0 && first.z0 - first.radius < 2.0 * width) {
      contacts.push_back({0, -1, 2.0 * first.z0, 0.0});
    }
  }
  for (std::size_t p = 0; p < particles.size(); ++p) {
    AxialParticle& q = particles[p];
    q.z_lo = p == 0 ? -INFINITY
                    : ContactPlane(particles[p - 1].z0, particles[p - 1].radius, q.z0, q.radius);
    q.z_hi = p + 1 == particles.size()
                 ? INFINITY
                 : ContactPlane(q.z0, q.radius, particles[p + 1].z0, particles[p + 1].radius);
    if (p + 1 < particles.size()) {
      const double d = particles[p + 1].z0 - q.z0;
      if (d < q.radius + particles[p + 1].radius + 2.0 * width) {
        contacts.push_back({static_cast<int>(p), static_cast<int>(p) + 1, d});
      }
    }
  }
  if (!particles.empty()) {
    const AxialParticle& last = particles.back();
    if (last.z0 < box_top && last.z0 + last.radius > box_top - 2.0 * width) {
      contacts.push_back(
          {static_cast<int>(particles.size()) - 1, -1, 2.0 * (box_top - last.z0), box_top});
    }
  }
  // Volume and centroid of each particle's η (its slot, within its z-range).
  auto moments = [&]() {
    std::vector<AxialMoment> out;
    for (const AxialParticle& p : particles) {
      AxialMoment m = AxisymmetricSlotMoment(state, p.slot, p.z_lo, p.z_hi);
      if (m.volume <= 0.0) m.z = p.z0;
      out.push_back(m);
    }
    return out;
  };
  const std::vector<AxialMoment> initial_moments = moments();

  // Control volume: given, or r ≤ r_min/2 and z between the outermost centres ± r_min/2.
  std::array<double, 3> lo = spec.control_lo;
  std::array<double, 3> hi = spec.control_hi;
  if (lo == hi && !particles.empty()) {
    double r_min = INFINITY;
    for (const AxialParticle& p : particles) r_min = std::min(r_min, p.radius);
    lo = {0.0, particles.front().z0 - 0.5 * r_min, 0.0};
    hi = {0.5 * r_min, particles.back().z0 + 0.5 * r_min, 0.0};
  }
  auto density = [&]() {
    double mass = 0.0;
    double volume = 0.0;
    for (int j = 0; j < grid.n[1]; ++j) {
      const double z = (j + 0.5) * h;
      if (z < lo[1] || z >= hi[1]) continue;
      for (int i = 0; i < grid.n[0]; ++i) {
        const double r = (i + 0.5) * h;
        if (r < lo[0] || r >= hi[0]) continue;
        mass += (i + 0.5) * state.rho[grid.Index(i, j, 0)];
        volume += i + 0.5;
      }
    }
    return volume > 0.0 ? mass / volume : 0.0;
  };

  double current_dt = 0.0;
  const double min_volume = 0.5 * width * width * width;
  auto sample = [&]() {
    const PhaseTimer timer(summary, &PhaseSeconds::observables);
    const StepModel m = spec.ModelAt(state.time);
    const double mass = AxisymmetricMass(state);
    const double energy = AxisymmetricFreeEnergy(state, m.coefficients);
    const Areas areas = AxisymmetricAreas(state);
    const std::vector<AxialMoment> now = moments();
    double shrink_sum = 0.0;
    double neck_sum = 0.0;
    for (const Contact& c : contacts) {
      // Centres: initial centre plus the centroid's displacement (a particle's η centroid is
      // not its geometric centre once a neck forms, but its displacement is the shrinkage).
      const double za = particles[c.a].z0 + (now[c.a].z - initial_moments[c.a].z);
      if (c.b < 0) {  // the mirror image: the neck lies in the wall
        shrink_sum += 2.0 * std::fabs(za - c.wall) / c.d0;
        neck_sum += AxisymmetricNeckRadius(state, c.wall);
        continue;
      }
      const double zb = particles[c.b].z0 + (now[c.b].z - initial_moments[c.b].z);
      shrink_sum += (zb - za) / c.d0;
      neck_sum += AxisymmetricNeckRadius(
          state, ContactPlane(za, particles[c.a].radius, zb, particles[c.b].radius));
    }
    int grains = 0;
    double radius_sum = 0.0;
    for (std::size_t p = 0; p < now.size(); ++p) {
      if (now[p].volume < min_volume) continue;
      ++grains;
      // A particle centred on a wall is half in the box: its grain is twice the volume seen.
      const bool halved = particles[p].z0 == 0.0 || particles[p].z0 == box_top;
      const double volume = (halved ? 2.0 : 1.0) * now[p].volume;
      radius_sum += std::cbrt(3.0 * volume / (4.0 * std::numbers::pi));
    }
    const int count = static_cast<int>(contacts.size());
    RecordSample(spec, state.time,
                 {.mass = mass,
                  .free_energy = energy,
                  .density = density(),
                  .shrinkage = count > 0 ? 1.0 - shrink_sum / count : 0.0,
                  .neck_radius = count > 0 ? neck_sum / count : 0.0,
                  .grains = grains,
                  .mean_grain_radius = grains > 0 ? radius_sum / grains : 0.0,
                  .areas = areas,
                  .dt = current_dt},
                 series, summary);
    return grains;
  };

  const double start_time = state.time;
  const std::vector<double> sample_times = SampleTimes(spec, start_time);
  std::vector<double> vtk_times = has_out ? spec.vtk_times : std::vector<double>{};
  std::sort(vtk_times.begin(), vtk_times.end());
  std::size_t next_vtk = 0;
  auto write_due_vtk = [&]() {
    while (next_vtk < vtk_times.size() &&
           vtk_times[next_vtk] <= state.time * (1.0 + 1e-12) + 1e-300) {
      std::ostringstream name;
      name << "state_" << next_vtk << ".vtk";
      WriteVtk(state, out_path(name.str()));
      ++next_vtk;
    }
  };

  // The first step: the forward-Euler limit (the scheme has none, but it is a safe start);
  // then Δt follows the largest change per step like the spectral kernel's.
  summary.stable_dt = FdStableStep(grid, spec.ModelAt(state.time));
  double adaptive_dt =
      spec.max_dt > 0.0 ? std::min(summary.stable_dt, spec.max_dt) : summary.stable_dt;
  summary.initial_grains = sample();
  write_due_vtk();
  State last_good = state;
  std::size_t next_sample = 0;
  summary.dt_min = INFINITY;
  const std::int64_t first_step = state.step;
  while (next_sample < sample_times.size()) {
    const StepModel m = spec.ModelAt(state.time);
    double dt = spec.dt > 0.0 ? spec.dt : adaptive_dt;
    double target = sample_times[next_sample];
    if (next_vtk < vtk_times.size()) target = std::min(target, vtk_times[next_vtk]);
    const double remaining = target - state.time;
    if (remaining <= 0.0 && next_vtk < vtk_times.size() && vtk_times[next_vtk] <= state.time) {
      write_due_vtk();
      continue;
    }
    const StepToTarget taken = ClipStep(dt, remaining);
    dt = taken.dt;
    current_dt = dt;
    if (dt > 0.0) {
      const PhaseTimer step_timer(summary, &PhaseSeconds::step);
      const double change = kernel.Step(state, m, dt);
      adaptive_dt = AdaptStep(adaptive_dt, taken, change, spec.max_change, spec.max_dt);
      summary.dt_min = std::min(summary.dt_min, dt);
      summary.dt_max = std::max(summary.dt_max, dt);
    }
    if (taken.hits_target) state.time = target;
    const std::int64_t steps_done = state.step - first_step;
    const bool sample_due = state.time >= sample_times[next_sample];
    const bool checkpoint_due =
        has_out && spec.checkpoint_every > 0 && steps_done % spec.checkpoint_every == 0;
    bool healthy = true;
    if (steps_done % 50 == 0 || sample_due) {
      const PhaseTimer timer(summary, &PhaseSeconds::health);
      healthy = Healthy(state);
    }
    if (!healthy) {
      summary.termination = Termination::kDiverged;
      summary.message = DivergedMessage(state, dt, last_good.time);
      state = last_good;
      break;
    }
    if (sample_due) {
      sample();
      ++next_sample;
      last_good = state;
      if (progress != nullptr) {
        std::ostringstream msg;
        msg << "t = " << state.time << ", neck radius " << series.neck_radius.back();
        if (!progress->Update(
                {"sinter", (state.time - start_time) / (spec.end_time - start_time), msg.str()})) {
          summary.termination = Termination::kCancelled;
          summary.message = "cancelled by the caller";
          break;
        }
      }
    }
    write_due_vtk();
    if (checkpoint_due) WriteCheckpoint(state, out_path("checkpoint.bin"));
    if (options.max_wall_seconds > 0.0 && wall() > options.max_wall_seconds) {
      summary.termination = Termination::kWallTime;
      summary.message = "stopped at the wall-time limit";
      break;
    }
  }
  summary.final_grains = series.grains.empty() ? 0 : series.grains.back();
  FinishSummary(summary, state, first_step, wall(), cpu_start);
  if (has_out) {
    WriteCsv(series, out_path("series.csv"));
    WriteCheckpoint(state, out_path("checkpoint.bin"));
  }
  result.state = std::move(state);
  return result;
}

}  // namespace kyoso::sim::sinter::detail
