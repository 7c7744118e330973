// Writers of magnet.h: the --json document, CSV tables and a legacy VTK file of the J(r, z) map.
#include <iomanip>
#include <ostream>

#include "kyoso/sim/magnet/magnet.h"

namespace kyoso::sim::magnet {

namespace {

nlohmann::json StageJson(const Snapshot& snap, const Result& result) {
  nlohmann::json stage = nlohmann::json::object();
  for (std::size_t k = 0; k < result.series.size(); ++k) {
    stage[result.series[k].name] = {{"bz", snap.probe_bz_t[k]}, {"br", snap.probe_br_t[k]}};
  }
  for (const Snapshot::Profile& profile : snap.profiles) {
    stage[profile.name] = {{"r", profile.r_m}, {"bz", profile.bz_t}, {"br", profile.br_t}};
  }
  stage["t"] = snap.t_s;
  stage["applied_field"] = snap.applied_field_t;
  stage["temperature"] = snap.temperature_k;
  return stage;
}

}  // namespace

nlohmann::json ToJson(const Summary& s) {
  return {{"termination", ToString(s.termination)},
          {"message", s.message},
          {"t_reached_s", s.t_reached_s},
          {"t_end_s", s.t_end_s},
          {"num_steps", s.num_steps},
          {"num_rejected_steps", s.num_rejected_steps},
          {"num_newton_iterations", s.num_newton_iterations},
          {"num_factorizations", s.num_factorizations},
          {"num_cells", s.num_cells},
          {"num_unknowns", s.num_unknowns},
          {"symmetry_used", s.symmetry_used},
          {"jacobian", s.jacobian},
          {"assembly_seconds", s.assembly_seconds},
          {"solve_seconds", s.solve_seconds},
          {"warnings", s.warnings}};
}

nlohmann::json ToJson(const Result& result, const Spec& spec) {
  nlohmann::json probes = nlohmann::json::object();
  for (const ProbeSeries& series : result.series) {
    probes[series.name] = {{"t", series.t_s}, {"bz", series.bz_t}, {"br", series.br_t}};
  }
  for (const Probe& probe : spec.probes) {
    if (probe.kind != ProbeKind::kLine) continue;
    nlohmann::json line = {{"kind", "line"}, {"z", probe.z_m}};
    auto add_stage = [&](const char* key, const Snapshot& snap) {
      for (const Snapshot::Profile& profile : snap.profiles) {
        if (profile.name != probe.name) continue;
        line["r"] = profile.r_m;
        line[key] = {{"bz", profile.bz_t}, {"br", profile.br_t}};
      }
    };
    if (result.end_of_ramp) add_stage("end_of_ramp", *result.end_of_ramp);
    add_stage("final", result.final_state);
    probes[probe.name] = line;
  }
  nlohmann::json document = {{"units", {{"t", "s"}, {"bz", "T"}, {"br", "T"}, {"r", "m"}}},
                             {"probes", probes},
                             {"final", StageJson(result.final_state, result)},
                             {"summary", ToJson(result.summary)}};
  document["end_of_ramp"] =
      result.end_of_ramp ? StageJson(*result.end_of_ramp, result) : nlohmann::json(nullptr);
  return document;
}

void WriteProbesCsv(const Result& result, const Spec& spec, std::ostream& out) {
  (void)spec;
  out << "t_s";
  for (const ProbeSeries& s : result.series) out << ',' << s.name << "_bz_T," << s.name << "_br_T";
  out << '\n' << std::setprecision(10);
  const std::size_t rows = result.series.empty() ? 0 : result.series.front().t_s.size();
  for (std::size_t i = 0; i < rows; ++i) {
    out << result.series.front().t_s[i];
    for (const ProbeSeries& s : result.series) out << ',' << s.bz_t[i] << ',' << s.br_t[i];
    out << '\n';
  }
}

void WriteMapCsv(const Result& result, const Snapshot& snapshot, const Spec& spec,
                 std::ostream& out) {
  out << "body,r1_m,r2_m,z1_m,z2_m,j_A_per_m2,jc_A_per_m2\n" << std::setprecision(10);
  for (std::size_t c = 0; c < result.cells.size() && c < snapshot.j_a_per_m2.size(); ++c) {
    const Cell& cell = result.cells[c];
    out << spec.bodies[cell.body].name << ',' << cell.r1_m << ',' << cell.r2_m << ',' << cell.z1_m
        << ',' << cell.z2_m << ',' << snapshot.j_a_per_m2[c] << ',' << snapshot.jc_a_per_m2[c]
        << '\n';
  }
}

void WriteMapVtk(const Result& result, const Snapshot& snapshot, std::ostream& out) {
  const std::size_t num_cells = std::min(result.cells.size(), snapshot.j_a_per_m2.size());
  out << "# vtk DataFile Version 3.0\n"
      << "kyoso magnet J(r,z) at t = " << snapshot.t_s << " s (x = r, y = z, metres)\n"
      << "ASCII\nDATASET UNSTRUCTURED_GRID\n"
      << "POINTS " << 4 * num_cells << " double\n"
      << std::setprecision(10);
  for (std::size_t c = 0; c < num_cells; ++c) {
    const Cell& cell = result.cells[c];
    out << cell.r1_m << ' ' << cell.z1_m << " 0\n"
        << cell.r2_m << ' ' << cell.z1_m << " 0\n"
        << cell.r2_m << ' ' << cell.z2_m << " 0\n"
        << cell.r1_m << ' ' << cell.z2_m << " 0\n";
  }
  out << "CELLS " << num_cells << ' ' << 5 * num_cells << '\n';
  for (std::size_t c = 0; c < num_cells; ++c) {
    out << "4 " << 4 * c << ' ' << 4 * c + 1 << ' ' << 4 * c + 2 << ' ' << 4 * c + 3 << '\n';
  }
  out << "CELL_TYPES " << num_cells << '\n';
  for (std::size_t c = 0; c < num_cells; ++c) out << "9\n";  // VTK_QUAD
  out << "CELL_DATA " << num_cells << "\nSCALARS J_A_per_m2 double 1\nLOOKUP_TABLE default\n";
  for (std::size_t c = 0; c < num_cells; ++c) out << snapshot.j_a_per_m2[c] << '\n';
  out << "SCALARS Jc_A_per_m2 double 1\nLOOKUP_TABLE default\n";
  for (std::size_t c = 0; c < num_cells; ++c) out << snapshot.jc_a_per_m2[c] << '\n';
}

void WriteProfilesCsv(const Snapshot& snapshot, std::ostream& out) {
  out << "probe,r_m,bz_T,br_T\n" << std::setprecision(10);
  for (const Snapshot::Profile& profile : snapshot.profiles) {
    for (std::size_t p = 0; p < profile.r_m.size(); ++p) {
      out << profile.name << ',' << profile.r_m[p] << ',' << profile.bz_t[p] << ','
          << profile.br_t[p] << '\n';
    }
  }
}

}  // namespace kyoso::sim::magnet
