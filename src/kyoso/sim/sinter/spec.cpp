// Parsing and validation of the sintering spec; see spec.h and docs/sinter.md.
#include "kyoso/sim/sinter/spec.h"

#include <algorithm>
#include <cmath>

#include "kyoso/base/json_reader.h"
#include "kyoso/base/units.h"

namespace kyoso::sim::sinter {

const char* ToString(KernelKind kind) {
  switch (kind) {
    case KernelKind::kSpectral:
      return "spectral";
    case KernelKind::kAxisymmetric:
      return "axisymmetric";
    case KernelKind::kFiniteDifference:
      break;
  }
  return "fd";
}

double Schedule::TemperatureAt(double t) const {
  const double ramp = heating_rate_k_per_s > 0.0
                          ? (peak_temperature_k - start_temperature_k) / heating_rate_k_per_s
                          : 0.0;
  if (t >= ramp) return peak_temperature_k;
  return start_temperature_k + heating_rate_k_per_s * std::max(0.0, t);
}

double Schedule::EndTime() const {
  const double ramp = heating_rate_k_per_s > 0.0
                          ? (peak_temperature_k - start_temperature_k) / heating_rate_k_per_s
                          : 0.0;
  return std::max(0.0, ramp) + hold_time_s;
}

StepModel Spec::ModelAt(double time) const {
  if (!physical) return {coefficients, mobility, l};
  constexpr double kBoltzmann = 1.380649e-23;  // J/K
  const double temperature = model.schedule.TemperatureAt(time);
  const double scale = model.atomic_volume / (kBoltzmann * temperature);
  StepModel m;
  m.coefficients = coefficients;
  auto d = [&](const ArrheniusPath& p) {
    return Arrhenius(p.d0, p.activation_energy, temperature) * scale;
  };
  m.mobility = {.volume = d(model.volume),
                .vapor = d(model.vapor),
                .surface = d(model.surface),
                .grain_boundary = d(model.grain_boundary)};
  m.l = 4.0 * Arrhenius(model.gb_mobility.d0, model.gb_mobility.activation_energy, temperature) /
        (3.0 * model.interface_width);
  return m;
}

double Spec::InterfaceWidth() const {
  if (physical) return model.interface_width;
  return coefficients.b > 0.0 ? std::sqrt(4.0 * coefficients.kappa_eta / (3.0 * coefficients.b))
                              : 0.0;
}

namespace {

constexpr Dimension kVolume{{3, 0, 0, 0, 0, 0}};
constexpr Dimension kGbMobility{{2, -1, 1, 0, 0, 0}};  // m⁴/(J s)

void NonNegative(ObjectReader& r, const std::string& key, std::optional<double> v) {
  if (v && *v < 0.0) r.AddIssue(key, "sinter.negative", "must not be negative");
}
void Positive(ObjectReader& r, const std::string& key, std::optional<double> v) {
  if (v && !(*v > 0.0)) r.AddIssue(key, "sinter.range", "must be positive");
}

ArrheniusPath ReadPath(ObjectReader& parent, const std::string& key, const Dimension& prefactor) {
  ArrheniusPath path;
  std::optional<ObjectReader> r = parent.Object(key);
  if (!r) return path;
  const auto d0 = r->Quantity("D0", prefactor, true);
  const auto q = r->Quantity("Q", dim::kEnergyPerAmount);
  NonNegative(*r, "D0", d0);
  NonNegative(*r, "Q", q);
  path.d0 = d0.value_or(0.0);
  path.activation_energy = q.value_or(0.0);
  r->CheckNoUnknownKeys();
  return path;
}

std::vector<double> ReadNumbers(ObjectReader& r, const std::string& key, const Dimension& dim) {
  std::vector<double> out;
  const nlohmann::json* a = r.Array(key);
  if (a == nullptr) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const nlohmann::json& v = (*a)[i];
    const std::string path = JsonPointer(r.PathOf(key), i);
    try {
      if (v.is_number()) {
        out.push_back(v.get<double>());
      } else if (v.is_string()) {
        out.push_back(ParseQuantityAs(v.get<std::string>(), dim, path));
      } else {
        r.issues().Add(path, "spec.type", "expected a number or a quantity string");
      }
    } catch (const InputError& e) {
      r.issues().Append(e.issues());
    }
  }
  return out;
}

}  // namespace

Spec ParseSpec(const nlohmann::json& json) {
  IssueList issues;
  ObjectReader root(json, "", issues);
  Spec spec;
  spec.name = root.String("name").value_or("sinter");

  // Grid.
  if (std::optional<ObjectReader> g = root.Object("grid", true)) {
    const auto dims = g->Integer("dims", true);
    if (dims && *dims != 2 && *dims != 3)
      g->AddIssue("dims", "sinter.range", "dims must be 2 or 3");
    spec.grid.dims = dims && *dims == 3 ? 3 : 2;
    std::vector<double> n = ReadNumbers(*g, "n", dim::kDimensionless);
    if (static_cast<int>(n.size()) != spec.grid.dims) {
      g->AddIssue("n", "sinter.range", "n needs one point count per dimension");
    } else {
      for (int d = 0; d < spec.grid.dims; ++d) {
        if (n[d] < 8 || n[d] > 4096 || n[d] != std::floor(n[d])) {
          issues.Add(JsonPointer(g->PathOf("n"), d), "sinter.range",
                     "point count must be an integer in [8, 4096]");
        } else {
          spec.grid.n[d] = static_cast<int>(n[d]);
        }
      }
    }
    const auto dx = g->Quantity("dx", dim::kLength, true);
    Positive(*g, "dx", dx);
    spec.grid.dx = dx.value_or(1.0);
    spec.grid.axisymmetric =
        g->Choice("geometry", {"periodic", "axisymmetric"}).value_or("periodic") == "axisymmetric";
    if (spec.grid.axisymmetric && spec.grid.dims != 2) {
      g->AddIssue("geometry", "sinter.axisymmetric",
                  "an axisymmetric grid is the (r, z) half-plane: dims must be 2, n = [n_r, n_z]");
    }
    g->CheckNoUnknownKeys();
  }
  if (spec.grid.dims == 2) spec.grid.n[2] = 1;

  // Model.
  if (std::optional<ObjectReader> m = root.Object("model", true)) {
    spec.physical = m->Choice("units", {"model", "si"}).value_or("model") == "si";
    if (spec.physical) {
      PhysicalModel& p = spec.model;
      const auto gs = m->Quantity("surface_energy", dim::kEnergyPerArea, true);
      const auto gb = m->Quantity("grain_boundary_energy", dim::kEnergyPerArea, true);
      const auto delta = m->Quantity("interface_width", dim::kLength, true);
      const auto omega = m->Quantity("atomic_volume", kVolume, true);
      Positive(*m, "surface_energy", gs);
      Positive(*m, "grain_boundary_energy", gb);
      Positive(*m, "interface_width", delta);
      Positive(*m, "atomic_volume", omega);
      p.surface_energy = gs.value_or(1.0);
      p.grain_boundary_energy = gb.value_or(0.5);
      p.interface_width = delta.value_or(1.0);
      p.atomic_volume = omega.value_or(1e-29);
      if (gs && gb && *gb >= 12.0 / 7.0 * *gs) {
        m->AddIssue("grain_boundary_energy", "sinter.range",
                    "grain_boundary_energy must be below 12/7 of surface_energy (A > 0)");
      }
      if (std::optional<ObjectReader> d = m->Object("diffusion", true)) {
        const Dimension diffusivity = dim::kDiffusivity;
        p.volume = ReadPath(*d, "volume", diffusivity);
        p.vapor = ReadPath(*d, "vapor", diffusivity);
        p.surface = ReadPath(*d, "surface", diffusivity);
        p.grain_boundary = ReadPath(*d, "grain_boundary", diffusivity);
        d->CheckNoUnknownKeys();
      }
      p.gb_mobility = ReadPath(*m, "gb_mobility", kGbMobility);
      spec.coefficients =
          FromInterfaceEnergies(p.surface_energy, p.grain_boundary_energy, p.interface_width);
    } else {
      const auto a = m->Number("A");
      const auto b = m->Number("B");
      const auto kr = m->Number("kappa_rho");
      const auto ke = m->Number("kappa_eta");
      const auto l = m->Number("L");
      for (const auto& [key, v] :
           {std::pair{"A", a}, {"B", b}, {"kappa_rho", kr}, {"kappa_eta", ke}, {"L", l}}) {
        NonNegative(*m, key, v);
      }
      spec.coefficients = {.a = a.value_or(16.0),
                           .b = b.value_or(1.0),
                           .kappa_rho = kr.value_or(10.0),
                           .kappa_eta = ke.value_or(5.0)};
      spec.l = l.value_or(1.0);
      if (std::optional<ObjectReader> mob = m->Object("mobility")) {
        const auto vol = mob->Number("volume");
        const auto vap = mob->Number("vapor");
        const auto surf = mob->Number("surface");
        const auto gbm = mob->Number("grain_boundary");
        NonNegative(*mob, "volume", vol);
        NonNegative(*mob, "vapor", vap);
        NonNegative(*mob, "surface", surf);
        NonNegative(*mob, "grain_boundary", gbm);
        spec.mobility = {.volume = vol.value_or(0.01),
                         .vapor = vap.value_or(0.001),
                         .surface = surf.value_or(4.0),
                         .grain_boundary = gbm.value_or(0.4)};
        mob->CheckNoUnknownKeys();
      } else {
        spec.mobility = {.volume = 0.01, .vapor = 0.001, .surface = 4.0, .grain_boundary = 0.4};
      }
    }
    const double delta = spec.InterfaceWidth();
    if (delta < 2.0 * spec.grid.dx) {
      m->AddIssue(spec.physical ? "interface_width" : "kappa_eta", "sinter.interface_too_thin",
                  "interface width δ = " + std::to_string(delta) + " is below two grid cells (" +
                      std::to_string(2.0 * spec.grid.dx) + "); refine the grid or widen δ");
    }
    m->CheckNoUnknownKeys();
  }

  // Thermal schedule (SI models).
  if (std::optional<ObjectReader> s = root.Object("schedule", spec.physical)) {
    Schedule& sc = spec.model.schedule;
    const auto t0 = s->Quantity("start_temperature", dim::kTemperature);
    const auto rate = s->Quantity("heating_rate", dim::kTemperatureRate);
    const auto peak = s->Quantity("peak_temperature", dim::kTemperature, true);
    const auto hold = s->Quantity("hold_time", dim::kTime);
    Positive(*s, "start_temperature", t0);
    Positive(*s, "heating_rate", rate);
    Positive(*s, "peak_temperature", peak);
    NonNegative(*s, "hold_time", hold);
    sc.start_temperature_k = t0.value_or(300.0);
    sc.heating_rate_k_per_s = rate.value_or(1.0);
    sc.peak_temperature_k = peak.value_or(1300.0);
    sc.hold_time_s = hold.value_or(0.0);
    if (peak && *peak < sc.start_temperature_k) {
      s->AddIssue("peak_temperature", "sinter.range",
                  "peak_temperature is below start_temperature");
    }
    s->CheckNoUnknownKeys();
  }

  // Rigid-body motion.
  if (std::optional<ObjectReader> r = root.Object("rigid_body")) {
    RigidBodyParams& rb = spec.rigid_body;
    rb.enabled = r->Bool("enabled").value_or(true);
    const auto k = r->Number("k");
    const auto mt = r->Number("m_t");
    const auto mr = r->Number("m_r");
    const auto w = r->Number("weight_width");
    NonNegative(*r, "k", k);
    NonNegative(*r, "m_t", mt);
    NonNegative(*r, "m_r", mr);
    Positive(*r, "weight_width", w);
    rb.k = k.value_or(rb.k);
    rb.m_t = mt.value_or(rb.m_t);
    rb.m_r = mr.value_or(rb.m_r);
    rb.rho_eq = r->Number("rho_eq").value_or(rb.rho_eq);
    rb.weight_center = r->Number("weight_center").value_or(rb.weight_center);
    rb.weight_width = w.value_or(rb.weight_width);
    r->CheckNoUnknownKeys();
  }

  // Numerics.
  if (std::optional<ObjectReader> n = root.Object("numerics")) {
    const std::string kernel = n->Choice("kernel", {"fd", "spectral", "axisymmetric"})
                                   .value_or(spec.grid.axisymmetric ? "axisymmetric" : "fd");
    spec.kernel = kernel == "spectral"       ? KernelKind::kSpectral
                  : kernel == "axisymmetric" ? KernelKind::kAxisymmetric
                                             : KernelKind::kFiniteDifference;
    if ((spec.kernel == KernelKind::kAxisymmetric) != spec.grid.axisymmetric) {
      n->AddIssue("kernel", "sinter.axisymmetric",
                  spec.grid.axisymmetric
                      ? "an axisymmetric grid runs the axisymmetric kernel (semi-implicit, cosine "
                        "transform along z); omit kernel or set it to \"axisymmetric\""
                      : "the axisymmetric kernel needs \"geometry\": \"axisymmetric\" in the grid");
    }
    const auto slots = n->Integer("num_order_parameters");
    if (slots && (*slots < 1 || *slots > 64)) {
      n->AddIssue("num_order_parameters", "sinter.range", "must be in [1, 64]");
    }
    spec.num_order_parameters = static_cast<int>(slots.value_or(4));
    const auto end = n->Quantity("end_time", dim::kTime);
    Positive(*n, "end_time", end);
    spec.end_time = end.value_or(spec.physical ? spec.model.schedule.EndTime() : 100.0);
    const auto dt = n->Quantity("dt", dim::kTime);
    Positive(*n, "dt", dt);
    spec.dt = dt.value_or(0.0);
    const auto safety = n->Number("safety");
    if (safety && !(*safety > 0.0 && *safety <= 1.0)) {
      n->AddIssue("safety", "sinter.range", "safety must be in (0, 1]");
    }
    spec.safety = safety.value_or(0.8);
    const auto max_change = n->Number("max_change");
    if (max_change && !(*max_change > 0.0 && *max_change <= 0.5)) {
      n->AddIssue("max_change", "sinter.range", "max_change must be in (0, 0.5]");
    }
    spec.max_change = max_change.value_or(0.002);
    const auto max_dt = n->Quantity("max_dt", dim::kTime);
    Positive(*n, "max_dt", max_dt);
    spec.max_dt = max_dt.value_or(0.0);
    const auto samples = n->Integer("num_samples");
    if (samples && (*samples < 1 || *samples > 100000)) {
      n->AddIssue("num_samples", "sinter.range", "must be in [1, 100000]");
    }
    spec.num_samples = static_cast<int>(samples.value_or(50));
    spec.log_samples = n->Choice("sample_spacing", {"linear", "log"}).value_or("linear") == "log";
    const auto first = n->Quantity("first_sample", dim::kTime);
    Positive(*n, "first_sample", first);
    spec.first_sample = first.value_or(0.0);
    if (first && end && *first >= *end) {
      n->AddIssue("first_sample", "sinter.range", "first_sample must be below end_time");
    }
    const auto tracking = n->Integer("tracking_every");
    if (tracking && *tracking < 1) n->AddIssue("tracking_every", "sinter.range", "must be ≥ 1");
    spec.tracking_every = static_cast<int>(tracking.value_or(50));
    const auto buffer = n->Quantity("remap_buffer", dim::kLength);
    NonNegative(*n, "remap_buffer", buffer);
    spec.remap_buffer = buffer.value_or(0.0);
    n->CheckNoUnknownKeys();
  } else {
    spec.end_time = spec.physical ? spec.model.schedule.EndTime() : 100.0;
    spec.safety = 0.8;
    if (spec.grid.axisymmetric) spec.kernel = KernelKind::kAxisymmetric;
  }
  if (spec.remap_buffer <= 0.0) spec.remap_buffer = 2.0 * spec.InterfaceWidth();

  // Structure.
  const std::string structure_path = "/structure";
  if (std::optional<ObjectReader> s = root.Object("structure", true)) {
    StructureSpec& st = spec.structure;
    const std::string type =
        s->Choice("type", {"two_particles", "chain", "packing", "particles", "circular_grain"},
                  true)
            .value_or("two_particles");
    st.kind = type == "chain"            ? StructureKind::kChain
              : type == "packing"        ? StructureKind::kPacking
              : type == "particles"      ? StructureKind::kParticles
              : type == "circular_grain" ? StructureKind::kCircularGrain
                                         : StructureKind::kTwoParticles;
    const bool needs_radius = st.kind != StructureKind::kParticles;
    const auto radius = s->Quantity("radius", dim::kLength, needs_radius);
    Positive(*s, "radius", radius);
    st.radius = radius.value_or(10.0);
    const auto radius2 = s->Quantity("radius2", dim::kLength);
    Positive(*s, "radius2", radius2);
    st.radius2 = radius2.value_or(0.0);
    const auto count =
        s->Integer("count", st.kind == StructureKind::kChain || st.kind == StructureKind::kPacking);
    if (count && (*count < 1 || *count > 10000))
      s->AddIssue("count", "sinter.range", "must be in [1, 10000]");
    st.count = static_cast<int>(count.value_or(2));
    const auto stddev = s->Quantity("radius_stddev", dim::kLength);
    NonNegative(*s, "radius_stddev", stddev);
    st.radius_stddev = stddev.value_or(0.0);
    const auto overlap = s->Number("overlap");
    const auto max_overlap = s->Number("max_overlap");
    // A negative overlap is a gap between the surfaces (e.g. one cell: the diffuse profiles of
    // "touching" spheres then bridge without overlapping, docs/methods/sinter.md, "Neck growth").
    if (overlap && !(*overlap >= -0.5 && *overlap < 2.0)) {
      s->AddIssue("overlap", "sinter.range",
                  "overlap must be in [−0.5, 2): (R1 + R2 − d)/min(R1, R2), negative for a gap");
    }
    NonNegative(*s, "max_overlap", max_overlap);
    st.overlap = overlap.value_or(0.05);
    st.max_overlap = max_overlap.value_or(0.3);
    st.seed = static_cast<std::uint64_t>(s->Integer("seed").value_or(1));
    const auto width = s->Quantity("interface_width", dim::kLength);
    Positive(*s, "interface_width", width);
    st.interface_width = width.value_or(spec.InterfaceWidth());
    const auto grains = s->Integer("grains_per_particle");
    if (grains && (*grains < 1 || *grains > 64)) {
      s->AddIssue("grains_per_particle", "sinter.range", "must be in [1, 64]");
    }
    st.grains_per_particle = static_cast<int>(grains.value_or(1));
    if (grains && *grains > 1 && st.kind == StructureKind::kCircularGrain) {
      s->AddIssue("grains_per_particle", "sinter.range",
                  "a circular grain in a matrix is one grain");
    }
    if (const nlohmann::json* list = s->Array("particles", st.kind == StructureKind::kParticles)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        ObjectReader p((*list)[i], JsonPointer(s->PathOf("particles"), i), issues);
        Particle particle;
        std::vector<double> c = ReadNumbers(p, "center", dim::kLength);
        if (!p.Has("center") || static_cast<int>(c.size()) != spec.grid.dims) {
          p.AddIssue("center", "sinter.range", "center needs one coordinate per dimension");
        }
        for (std::size_t d = 0; d < c.size() && d < 3; ++d) particle.center[d] = c[d];
        const auto r = p.Quantity("radius", dim::kLength, true);
        Positive(p, "radius", r);
        particle.radius = r.value_or(0.0);
        p.CheckNoUnknownKeys();
        st.particles.push_back(particle);
      }
    }
    s->CheckNoUnknownKeys();
  }

  // The axisymmetric geometry holds bodies of revolution about the one axis r = 0.
  if (spec.grid.axisymmetric) {
    const StructureKind kind = spec.structure.kind;
    if (kind != StructureKind::kTwoParticles && kind != StructureKind::kChain &&
        kind != StructureKind::kParticles) {
      issues.Add(JsonPointer(structure_path, "type"), "sinter.axisymmetric",
                 "an axisymmetric grid holds particles on its axis: two_particles, chain or "
                 "particles (centres [0, z])");
    }
    if (spec.structure.grains_per_particle > 1) {
      issues.Add(JsonPointer(structure_path, "grains_per_particle"), "sinter.axisymmetric",
                 "polycrystalline particles are not axisymmetric; use a periodic 3-D grid");
    }
    if (spec.rigid_body.enabled) {
      issues.Add(
          "/rigid_body/enabled", "sinter.axisymmetric",
          "rigid-body motion is not available on the axisymmetric geometry; use a periodic grid");
    }
  }

  // Control volume and output.
  if (std::optional<ObjectReader> cv = root.Object("control_volume")) {
    std::vector<double> lo = ReadNumbers(*cv, "lo", dim::kLength);
    std::vector<double> hi = ReadNumbers(*cv, "hi", dim::kLength);
    if (static_cast<int>(lo.size()) != spec.grid.dims ||
        static_cast<int>(hi.size()) != spec.grid.dims) {
      cv->AddIssue("lo", "sinter.range", "lo and hi need one coordinate per dimension");
    } else {
      for (int d = 0; d < spec.grid.dims; ++d) {
        spec.control_lo[d] = lo[d];
        spec.control_hi[d] = hi[d];
      }
    }
    cv->CheckNoUnknownKeys();
  }
  if (std::optional<ObjectReader> out = root.Object("output")) {
    spec.vtk_times = ReadNumbers(*out, "vtk_times", dim::kTime);
    const auto every = out->Integer("checkpoint_every");
    if (every && *every < 0) out->AddIssue("checkpoint_every", "sinter.range", "must be ≥ 0");
    spec.checkpoint_every = static_cast<int>(every.value_or(0));
    out->CheckNoUnknownKeys();
  }
  root.CheckNoUnknownKeys();
  issues.ThrowIfAny();

  // Structures need a valid grid; they report their own issues.
  spec.particles = MakeParticles(spec.structure, spec.grid, structure_path);
  if (spec.structure.kind == StructureKind::kCircularGrain) {
    if (spec.num_order_parameters < 2) {
      throw InputError("/numerics/num_order_parameters", "sinter.too_few_order_parameters",
                       "a circular grain in a matrix needs two order parameters");
    }
    spec.slots = {0};
  } else if (spec.structure.grains_per_particle > 1) {
    // Grains of one particle always touch, so they need distinct slots; grains of different
    // particles share a slot when their bounding spheres keep the remapping buffer.
    spec.grain_seeds = MakeGrainSeeds(spec.structure, spec.grid.dims, spec.particles);
    spec.slots = AssignSlots(
        GrainBounds(spec.particles, spec.grain_seeds, spec.structure.interface_width, spec.grid),
        spec.num_order_parameters, spec.remap_buffer, "/numerics/num_order_parameters");
  } else {
    spec.slots = AssignSlots(spec.particles, spec.num_order_parameters, spec.remap_buffer,
                             "/numerics/num_order_parameters");
  }

  // An explicit step above the stable limit is refused (the adaptive step never exceeds it).
  // The stabilized spectral scheme has no linear stability limit (spectral_kernel.h).
  if (spec.dt > 0.0 && spec.kernel == KernelKind::kFiniteDifference) {
    double limit = INFINITY;
    const int probes = 16;
    const double horizon = spec.end_time;
    for (int p = 0; p <= probes; ++p) {
      const StepModel m = spec.ModelAt(horizon * p / probes);
      limit = std::min(limit, FdStableStep(spec.grid, m));
    }
    if (spec.dt > limit) {
      throw InputError("/numerics/dt", "sinter.dt_unstable",
                       "dt = " + std::to_string(spec.dt) + " exceeds the stable limit " +
                           std::to_string(limit) + " of the " + ToString(spec.kernel) +
                           " kernel; lower it or omit dt for the adaptive step");
    }
  }
  return spec;
}

std::vector<Issue> Options::Validate() const {
  IssueList issues;
  if (num_threads < 1 || num_threads > 1024) {
    issues.Add("/num_threads", "sinter.options", "num_threads must be in [1, 1024]");
  }
  if (max_wall_seconds < 0.0) {
    issues.Add("/max_wall_seconds", "sinter.options", "max_wall_seconds must be ≥ 0");
  }
  return issues.issues();
}

}  // namespace kyoso::sim::sinter
