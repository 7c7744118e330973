// `kyoso magnet SPEC.json [--json] [--out DIR]` runs a trapped-field simulation (sim/magnet) and
// `kyoso magnet fit SPEC.json --target PROBE[@STAGE]=BZ ...` calibrates Jc0 (optionally b0, n) to
// measured fields. Thin shell: read the spec, call Run/Fit, serialize. docs/magnet.md.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"
#include "kyoso/base/units.h"
#include "kyoso/cli/common.h"
#include "kyoso/sim/magnet/magnet.h"

namespace kyoso::cli {

namespace {

namespace magnet = kyoso::sim::magnet;

magnet::Spec ReadSpec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("io.read", "cannot read spec file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return magnet::ParseSpec(ParseJson(text.str(), path));
}

void WriteFile(const std::filesystem::path& path, const std::function<void(std::ostream&)>& body) {
  std::ofstream out(path);
  if (!out) throw Error("io.write", "cannot write '" + path.string() + "'");
  body(out);
  if (!out) throw Error("io.write", "failed writing '" + path.string() + "'");
}

void WriteOutputs(const magnet::Result& result, const magnet::Spec& spec,
                  const nlohmann::json& document, const std::string& dir) {
  const std::filesystem::path root(dir);
  std::filesystem::create_directories(root);
  WriteFile(root / "result.json", [&](std::ostream& out) { out << document.dump(1) << '\n'; });
  WriteFile(root / "probes.csv", [&](std::ostream& out) { WriteProbesCsv(result, spec, out); });
  auto stage = [&](const std::string& name, const magnet::Snapshot& snap) {
    WriteFile(root / ("j_" + name + ".csv"),
              [&](std::ostream& out) { WriteMapCsv(result, snap, spec, out); });
    WriteFile(root / ("j_" + name + ".vtk"),
              [&](std::ostream& out) { WriteMapVtk(result, snap, out); });
    if (!snap.profiles.empty()) {
      WriteFile(root / ("profiles_" + name + ".csv"),
                [&](std::ostream& out) { WriteProfilesCsv(snap, out); });
    }
  };
  if (result.end_of_ramp) stage("end_of_ramp", *result.end_of_ramp);
  stage("final", result.final_state);
}

void PrintHuman(const magnet::Result& result) {
  const magnet::Summary& s = result.summary;
  std::cout << "termination: " << ToString(s.termination) << " (" << s.message << ")\n";
  std::cout << "cells: " << s.num_cells << " (" << s.num_unknowns << " unknowns"
            << (s.symmetry_used ? ", mirror symmetry" : "") << "), steps: " << s.num_steps << " (+"
            << s.num_rejected_steps << " rejected), factorizations: " << s.num_factorizations
            << "\n";
  std::cout << std::fixed << std::setprecision(3) << "time: assembly " << s.assembly_seconds
            << " s, solve " << s.solve_seconds << " s\n";
  std::cout << std::setprecision(5);
  auto stage = [&](const char* name, const magnet::Snapshot& snap) {
    std::cout << name << " (t = " << std::setprecision(1) << snap.t_s
              << " s):" << std::setprecision(5);
    for (std::size_t k = 0; k < result.series.size(); ++k) {
      std::cout << "  " << result.series[k].name << " Bz = " << snap.probe_bz_t[k] << " T";
    }
    std::cout << "\n";
  };
  if (result.end_of_ramp) stage("end of ramp", *result.end_of_ramp);
  stage("final", result.final_state);
  for (const std::string& warning : s.warnings) std::cout << "warning: " << warning << "\n";
}

// "centre=2.83", "hall@final=1.5 T".
magnet::Target ParseTarget(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) {
    throw InputError("--target", "cli.target", "expected PROBE[@STAGE]=BZ, got '" + text + "'");
  }
  magnet::Target target;
  std::string name = text.substr(0, equals);
  if (const auto at = name.find('@'); at != std::string::npos) {
    target.stage = name.substr(at + 1);
    name = name.substr(0, at);
  }
  target.probe = name;
  target.bz_t = ParseQuantityAs(text.substr(equals + 1), dim::kMagneticField, "--target");
  return target;
}

}  // namespace

void AddMagnetCommand(CLI::App& app, int& exit_code) {
  struct State {
    CommonOptions common, fit_common;
    std::string spec_path, out_dir, fit_spec_path, fit_out;
    std::vector<std::string> targets;
    bool fit_b0 = false, fit_n = false;
    double rtol = magnet::Options{}.rtol;
  };
  auto state = std::make_shared<State>();
  CLI::App* verb = app.add_subcommand(
      "magnet", "Simulate the trapped field of bulk superconducting magnets (docs/magnet.md)");
  AddCommonOptions(*verb, state->common);
  verb->add_option("spec", state->spec_path, "Spec JSON file (bodies, material, protocol, probes)");
  verb->add_option("--out", state->out_dir,
                   "Directory for result.json, probes.csv, j_*.csv/vtk, profiles_*.csv");
  verb->add_option("--rtol", state->rtol, "Local error tolerance per step (relative to Jc)")
      ->capture_default_str();
  verb->require_subcommand(0, 1);

  CLI::App* fit = verb->add_subcommand("fit",
                                       "Calibrate jc0 (and optionally b0, n) to measured "
                                       "probe fields");
  AddCommonOptions(*fit, state->fit_common);
  fit->add_option("spec", state->fit_spec_path, "Spec JSON file; its jc0 (b0, n) is the start")
      ->required();
  fit->add_option("--target", state->targets,
                  "Measured Bz: PROBE[@end_of_ramp|final]=VALUE, e.g. centre=2.83 or "
                  "hall@final=\"1.5 T\" (repeatable)")
      ->required();
  fit->add_flag("--fit-b0", state->fit_b0, "Also fit the Kim field scale b0");
  fit->add_flag("--fit-n", state->fit_n, "Also fit the power-law index n");
  fit->add_option("--out", state->fit_out, "Write the calibrated spec (JSON) to this file");

  fit->callback([state, &exit_code]() {
    exit_code = RunGuarded(state->fit_common, [&]() {
      const magnet::Spec spec = ReadSpec(state->fit_spec_path);
      magnet::FitOptions options;
      for (const std::string& text : state->targets) options.targets.push_back(ParseTarget(text));
      options.fit_b0 = state->fit_b0;
      options.fit_n = state->fit_n;
      TerminalProgress progress(!state->fit_common.json);
      const magnet::FitResult result = magnet::Fit(spec, options, &progress);
      if (!state->fit_out.empty()) {
        WriteFile(state->fit_out,
                  [&](std::ostream& out) { out << magnet::ToJson(result.fitted).dump(2) << '\n'; });
      }
      if (state->fit_common.json) {
        PrintJson(magnet::ToJson(result));
        return;
      }
      std::cout << (result.converged ? "converged" : "not converged") << ": " << result.message
                << " (" << result.num_runs << " simulations)\n";
      for (std::size_t q = 0; q < result.parameters.size(); ++q) {
        std::cout << "  " << result.parameters[q] << " = " << result.values[q] << "\n";
      }
      for (std::size_t k = 0; k < options.targets.size(); ++k) {
        std::cout << "  " << options.targets[k].probe << "@" << options.targets[k].stage
                  << ": simulated " << result.simulated_t[k] << " T, residual "
                  << result.residuals_t[k] << " T";
        for (std::size_t q = 0; k < result.elasticity.size() && q < result.parameters.size(); ++q) {
          std::cout << ", dlnB/dln" << result.parameters[q] << " = " << result.elasticity[k][q];
        }
        std::cout << "\n";
      }
    });
  });

  verb->callback([state, fit, &exit_code]() {
    if (fit->parsed()) return;
    exit_code = RunGuarded(state->common, [&]() {
      if (state->spec_path.empty()) {
        throw InputError("spec", "cli.missing_spec", "kyoso magnet needs a SPEC.json argument");
      }
      const magnet::Spec spec = ReadSpec(state->spec_path);
      magnet::Options options;
      options.rtol = state->rtol;
      TerminalProgress progress(!state->common.json);
      const magnet::Result result = magnet::Run(spec, options, &progress);
      const nlohmann::json document = magnet::ToJson(result, spec);
      if (!state->out_dir.empty()) WriteOutputs(result, spec, document, state->out_dir);
      if (state->common.json) {
        PrintJson(document);
      } else {
        PrintHuman(result);
      }
      // The results so far are printed/written; the exit code still says the run ended early.
      if (result.summary.termination != magnet::Termination::kCompleted) {
        throw Error("magnet." + ToString(result.summary.termination), result.summary.message);
      }
    });
  });
}

}  // namespace kyoso::cli
