// Reading and validating the magnet Spec (magnet.h): JSON with SI numbers or quantities with units,
// every problem reported at its JSON pointer. The JSON shape is documented in docs/magnet.md.
#include <cmath>
#include <set>
#include <string>

#include "kyoso/base/json_reader.h"
#include "kyoso/base/units.h"
#include "kyoso/sim/magnet/magnet.h"

namespace kyoso::sim::magnet {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxCells = 12000;  // dense matrices: 12000^2 doubles is already 1.1 GB

// True when x is a number that fails `x > 0` (NaN marks a value already reported missing).
bool NotPositive(double x) { return !std::isnan(x) && !(x > 0); }

Body ParseBody(ObjectReader& reader, std::size_t index) {
  Body body;
  body.name = reader.String("name").value_or("body" + std::to_string(index));
  const auto shape = reader.Choice("shape", {"disc", "ring"}, true);
  body.shape = shape.value_or("disc") == "ring" ? Shape::kRing : Shape::kDisc;
  if (body.shape == Shape::kDisc) {
    body.inner_radius_m = 0;
    body.outer_radius_m = reader.Quantity("radius", dim::kLength, true).value_or(kNaN);
  } else {
    body.inner_radius_m = reader.Quantity("inner_radius", dim::kLength, true).value_or(kNaN);
    body.outer_radius_m = reader.Quantity("outer_radius", dim::kLength, true).value_or(kNaN);
  }
  body.z_min_m = reader.Quantity("z_min", dim::kLength, true).value_or(kNaN);
  body.z_max_m = reader.Quantity("z_max", dim::kLength, true).value_or(kNaN);
  if (auto mesh = reader.Object("mesh")) {
    body.nr = static_cast<int>(mesh->Integer("nr").value_or(body.nr));
    body.nz = static_cast<int>(mesh->Integer("nz").value_or(body.nz));
    mesh->CheckNoUnknownKeys();
  }
  reader.CheckNoUnknownKeys();
  return body;
}

Material ParseMaterial(ObjectReader& reader) {
  Material material;
  if (auto jc = reader.Object("jc", true)) {
    const auto model = jc->Choice("model", {"constant", "bean", "kim"}, true);
    material.model = model.value_or("constant") == "kim" ? JcModel::kKim : JcModel::kConstant;
    material.jc0_a_per_m2 = jc->Quantity("jc0", dim::kCurrentDensity, true).value_or(kNaN);
    if (material.model == JcModel::kKim) {
      material.b0_t = jc->Quantity("b0", dim::kMagneticField, true).value_or(kNaN);
      material.exponent = jc->Number("exponent").value_or(1.0);
    }
    material.alpha = jc->Number("alpha").value_or(0.0);
    jc->CheckNoUnknownKeys();
  }
  material.n = reader.Number("n", true).value_or(kNaN);
  material.e0_v_per_m = reader.Quantity("e0", dim::kElectricField).value_or(1e-4);
  material.tc_k = reader.Quantity("tc", dim::kTemperature).value_or(38.0);
  reader.CheckNoUnknownKeys();
  return material;
}

Protocol ParseProtocol(ObjectReader& reader) {
  Protocol protocol;
  const auto kind = reader.Choice("kind", {"fcm", "zfc"}, true);
  protocol.kind = kind.value_or("fcm") == "zfc" ? ProtocolKind::kZfc : ProtocolKind::kFcm;
  protocol.field_t = reader.Quantity("field", dim::kMagneticField, true).value_or(kNaN);
  protocol.ramp_rate_t_per_s =
      reader.Quantity("ramp_rate", dim::kMagneticFieldRate, true).value_or(kNaN);
  protocol.hold_s = reader.Quantity("hold", dim::kTime).value_or(0.0);
  if (protocol.kind == ProtocolKind::kZfc) {
    protocol.hold_at_peak_s = reader.Quantity("hold_at_peak", dim::kTime).value_or(0.0);
  }
  protocol.temperature_k = reader.Quantity("temperature", dim::kTemperature).value_or(5.0);
  protocol.cool_to_k = reader.Quantity("cool_to", dim::kTemperature);
  if (protocol.cool_to_k) {
    protocol.cool_rate_k_per_s =
        reader.Quantity("cool_rate", dim::kTemperatureRate, true).value_or(kNaN);
  }
  reader.CheckNoUnknownKeys();
  return protocol;
}

Probe ParseProbe(ObjectReader& reader) {
  Probe probe;
  probe.name = reader.String("name", true).value_or("");
  const auto kind = reader.Choice("kind", {"point", "hall", "line"});
  probe.kind = kind.value_or("point") == "hall"   ? ProbeKind::kHall
               : kind.value_or("point") == "line" ? ProbeKind::kLine
                                                  : ProbeKind::kPoint;
  probe.r_m = reader.Quantity("r", dim::kLength, true).value_or(kNaN);
  probe.z_m = reader.Quantity("z", dim::kLength, true).value_or(kNaN);
  if (probe.kind == ProbeKind::kHall) {
    probe.size_m = reader.Quantity("size", dim::kLength, true).value_or(kNaN);
  }
  if (probe.kind == ProbeKind::kLine) {
    probe.r_end_m = reader.Quantity("r_end", dim::kLength, true).value_or(kNaN);
    probe.num_points = static_cast<int>(reader.Integer("points", true).value_or(2));
  }
  reader.CheckNoUnknownKeys();
  return probe;
}

std::string BodyPath(std::size_t index, const std::string& key) {
  return "/bodies/" + std::to_string(index) + "/" + key;
}

}  // namespace

std::string ToString(Shape shape) { return shape == Shape::kRing ? "ring" : "disc"; }
std::string ToString(JcModel model) { return model == JcModel::kKim ? "kim" : "constant"; }
std::string ToString(ProtocolKind kind) { return kind == ProtocolKind::kZfc ? "zfc" : "fcm"; }
std::string ToString(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kHall:
      return "hall";
    case ProbeKind::kLine:
      return "line";
    case ProbeKind::kPoint:
      break;
  }
  return "point";
}

std::vector<Issue> Validate(const Spec& spec) {
  IssueList issues;
  if (spec.bodies.empty()) {
    issues.Add("/bodies", "magnet.no_bodies", "at least one body is needed");
  }
  std::set<std::string> body_names;
  long num_cells = 0;
  for (std::size_t i = 0; i < spec.bodies.size(); ++i) {
    const Body& b = spec.bodies[i];
    if (!body_names.insert(b.name).second) {
      issues.Add(BodyPath(i, "name"), "magnet.duplicate_name",
                 "body name '" + b.name + "' is used twice");
    }
    const bool disc = b.shape == Shape::kDisc;
    if (NotPositive(b.outer_radius_m)) {
      issues.Add(BodyPath(i, disc ? "radius" : "outer_radius"), "magnet.nonpositive_size",
                 "the radius must be positive");
    }
    if (!disc && (b.inner_radius_m < 0 || b.inner_radius_m >= b.outer_radius_m)) {
      issues.Add(BodyPath(i, "inner_radius"), "magnet.nonpositive_size",
                 "a ring needs 0 <= inner_radius < outer_radius");
    }
    if (b.z_max_m <= b.z_min_m) {
      issues.Add(BodyPath(i, "z_max"), "magnet.nonpositive_size",
                 "z_max must exceed z_min (the thickness must be positive)");
    }
    if (b.nr < 1) issues.Add(BodyPath(i, "mesh/nr"), "magnet.nonpositive_size", "nr must be >= 1");
    if (b.nz < 1) issues.Add(BodyPath(i, "mesh/nz"), "magnet.nonpositive_size", "nz must be >= 1");
    if (b.nr >= 1 && b.nz >= 1) num_cells += static_cast<long>(b.nr) * b.nz;
    for (std::size_t j = 0; j < i; ++j) {
      const Body& o = spec.bodies[j];
      const bool overlap_r =
          b.inner_radius_m < o.outer_radius_m && o.inner_radius_m < b.outer_radius_m;
      const bool overlap_z = b.z_min_m < o.z_max_m && o.z_min_m < b.z_max_m;
      if (overlap_r && overlap_z) {
        issues.Add("/bodies/" + std::to_string(i), "magnet.bodies_overlap",
                   "body '" + b.name + "' overlaps body '" + o.name + "' (/bodies/" +
                       std::to_string(j) + ")");
      }
    }
  }
  if (num_cells > kMaxCells) {
    issues.Add("/bodies", "magnet.too_many_cells",
               std::to_string(num_cells) + " cells; at most " + std::to_string(kMaxCells) +
                   " are supported (dense matrices)");
  }

  const Material& m = spec.material;
  if (NotPositive(m.jc0_a_per_m2)) {
    issues.Add("/material/jc/jc0", "magnet.negative_jc", "jc0 must be positive");
  }
  if (!std::isnan(m.n) && !(m.n > 1)) {
    issues.Add("/material/n", "magnet.n_too_small",
               "the power-law index n must exceed 1 (n = 1 is a linear resistor)");
  }
  if (m.n > 2000) {
    issues.Add("/material/n", "magnet.nonpositive_parameter",
               "n above 2000 overflows the power law; use n <= 2000 for the Bean limit");
  }
  if (NotPositive(m.e0_v_per_m)) {
    issues.Add("/material/e0", "magnet.nonpositive_parameter", "e0 must be positive");
  }
  if (NotPositive(m.tc_k)) {
    issues.Add("/material/tc", "magnet.nonpositive_parameter", "tc must be positive");
  }
  if (m.model == JcModel::kKim) {
    if (NotPositive(m.b0_t)) {
      issues.Add("/material/jc/b0", "magnet.nonpositive_parameter", "b0 must be positive");
    }
    if (m.exponent < 0) {
      issues.Add("/material/jc/exponent", "magnet.nonpositive_parameter",
                 "the Kim exponent must be >= 0");
    }
  }
  if (m.alpha < 0) {
    issues.Add("/material/jc/alpha", "magnet.nonpositive_parameter", "alpha must be >= 0");
  }

  const Protocol& p = spec.protocol;
  if (p.field_t < 0) {
    issues.Add("/protocol/field", "magnet.nonpositive_parameter",
               "field must be >= 0 (the applied field is along +z)");
  }
  if (NotPositive(p.ramp_rate_t_per_s) && !(p.field_t == 0)) {
    issues.Add("/protocol/ramp_rate", "magnet.ramp_never_ends",
               "ramp_rate must be positive, otherwise the field ramp never ends");
  }
  if (p.hold_s < 0) {
    issues.Add("/protocol/hold", "magnet.nonpositive_parameter", "hold must be >= 0");
  }
  if (p.hold_at_peak_s < 0) {
    issues.Add("/protocol/hold_at_peak", "magnet.nonpositive_parameter",
               "hold_at_peak must be >= 0");
  }
  auto check_temperature = [&](double t, const std::string& path) {
    if (std::isnan(t)) return;
    if (t < 0 || (t >= m.tc_k && (m.alpha > 0 || t > m.tc_k))) {
      issues.Add(path, "magnet.temperature_range",
                 "the temperature must lie in [0, tc) = [0, " + std::to_string(m.tc_k) + ") K");
    }
  };
  check_temperature(p.temperature_k, "/protocol/temperature");
  if (p.cool_to_k) {
    check_temperature(*p.cool_to_k, "/protocol/cool_to");
    if (*p.cool_to_k != p.temperature_k && NotPositive(p.cool_rate_k_per_s)) {
      issues.Add("/protocol/cool_rate", "magnet.ramp_never_ends",
                 "cool_rate must be positive, otherwise the temperature ramp never ends");
    }
  }

  std::set<std::string> probe_names;
  for (std::size_t i = 0; i < spec.probes.size(); ++i) {
    const Probe& probe = spec.probes[i];
    const std::string base = "/probes/" + std::to_string(i);
    if (!probe_names.insert(probe.name).second) {
      issues.Add(base + "/name", "magnet.duplicate_name",
                 "probe name '" + probe.name + "' is used twice");
    }
    if (probe.r_m < 0) {
      issues.Add(base + "/r", "magnet.nonpositive_size", "r must be >= 0");
    }
    if (probe.kind == ProbeKind::kHall && NotPositive(probe.size_m)) {
      issues.Add(base + "/size", "magnet.nonpositive_size", "the sensor size must be positive");
    }
    if (probe.kind == ProbeKind::kLine) {
      if (probe.num_points < 2) {
        issues.Add(base + "/points", "magnet.nonpositive_size", "a line needs >= 2 points");
      }
      if (probe.r_end_m <= probe.r_m) {
        issues.Add(base + "/r_end", "magnet.nonpositive_size", "r_end must exceed r");
      }
    }
  }
  return issues.issues();
}

Spec ParseSpec(const nlohmann::json& json) {
  IssueList issues;
  Spec spec;
  ObjectReader root(json, "", issues);
  spec.description = root.String("description").value_or("");
  if (const nlohmann::json* bodies = root.Array("bodies", true)) {
    for (std::size_t i = 0; i < bodies->size(); ++i) {
      ObjectReader reader((*bodies)[i], JsonPointer("/bodies", i), issues);
      spec.bodies.push_back(ParseBody(reader, i));
    }
  }
  if (auto material = root.Object("material", true)) spec.material = ParseMaterial(*material);
  if (auto protocol = root.Object("protocol", true)) spec.protocol = ParseProtocol(*protocol);
  if (const nlohmann::json* probes = root.Array("probes")) {
    for (std::size_t i = 0; i < probes->size(); ++i) {
      ObjectReader reader((*probes)[i], JsonPointer("/probes", i), issues);
      spec.probes.push_back(ParseProbe(reader));
    }
  }
  root.CheckNoUnknownKeys();
  issues.Append(Validate(spec));
  issues.ThrowIfAny();
  return spec;
}

nlohmann::json ToJson(const Spec& spec) {
  nlohmann::json bodies = nlohmann::json::array();
  for (const Body& b : spec.bodies) {
    nlohmann::json body = {{"name", b.name},
                           {"shape", ToString(b.shape)},
                           {"z_min", b.z_min_m},
                           {"z_max", b.z_max_m},
                           {"mesh", {{"nr", b.nr}, {"nz", b.nz}}}};
    if (b.shape == Shape::kDisc) {
      body["radius"] = b.outer_radius_m;
    } else {
      body["inner_radius"] = b.inner_radius_m;
      body["outer_radius"] = b.outer_radius_m;
    }
    bodies.push_back(body);
  }
  const Material& m = spec.material;
  nlohmann::json jc = {{"model", ToString(m.model)}, {"jc0", m.jc0_a_per_m2}, {"alpha", m.alpha}};
  if (m.model == JcModel::kKim) {
    jc["b0"] = m.b0_t;
    jc["exponent"] = m.exponent;
  }
  const Protocol& p = spec.protocol;
  nlohmann::json protocol = {{"kind", ToString(p.kind)},
                             {"field", p.field_t},
                             {"ramp_rate", p.ramp_rate_t_per_s},
                             {"hold", p.hold_s},
                             {"temperature", p.temperature_k}};
  if (p.kind == ProtocolKind::kZfc) protocol["hold_at_peak"] = p.hold_at_peak_s;
  if (p.cool_to_k) {
    protocol["cool_to"] = *p.cool_to_k;
    protocol["cool_rate"] = p.cool_rate_k_per_s;
  }
  nlohmann::json probes = nlohmann::json::array();
  for (const Probe& probe : spec.probes) {
    nlohmann::json j = {
        {"name", probe.name}, {"kind", ToString(probe.kind)}, {"r", probe.r_m}, {"z", probe.z_m}};
    if (probe.kind == ProbeKind::kHall) j["size"] = probe.size_m;
    if (probe.kind == ProbeKind::kLine) {
      j["r_end"] = probe.r_end_m;
      j["points"] = probe.num_points;
    }
    probes.push_back(j);
  }
  nlohmann::json out = {
      {"bodies", bodies},
      {"material", {{"jc", jc}, {"n", m.n}, {"e0", m.e0_v_per_m}, {"tc", m.tc_k}}},
      {"protocol", protocol},
      {"probes", probes}};
  if (!spec.description.empty()) out["description"] = spec.description;
  return out;
}

}  // namespace kyoso::sim::magnet
