// Trapped-field simulation of bulk superconducting magnets: the front header of sim/magnet.
// A researcher (or the engine, inside a campaign) describes stacked discs and rings, a power-law
// material with Jc(B, T) and a magnetization protocol (field-cooled or zero-field-cooled ramps,
// temperature changes, creep holds) in a JSON Spec; Run() integrates the axisymmetric
// current-in-cells integral equation (Brandt, PRB 58, 6506 (1998))
//   L dJ/dt + W E(J; Jc(B, T)) + b dBa/dt = 0
// and returns probe time series, J(r, z) maps and a Summary. Fit() calibrates Jc0 (optionally B0
// and n) to measured probe fields. Equations, choices and validation: docs/methods/magnet.md;
// the spec and CLI: docs/magnet.md.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/base/error.h"
#include "kyoso/base/progress.h"

namespace kyoso::sim::magnet {

// ---------------------------------------------------------------------------------------------
// Spec: what to simulate (SI units throughout).

enum class Shape { kDisc, kRing };
std::string ToString(Shape shape);

// A body of revolution with a rectangular cross-section, meshed uniformly into nr x nz cells.
struct Body {
  std::string name;
  Shape shape = Shape::kDisc;
  double inner_radius_m = 0;  // 0 for a disc
  double outer_radius_m = 0;
  double z_min_m = 0;
  double z_max_m = 0;
  int nr = 10;  // cells along r
  int nz = 4;   // cells along z
};

enum class JcModel {
  kConstant,  // Jc = Jc0(T) (Bean)
  kKim,       // Jc = Jc0(T) / (1 + |B|/B0)^exponent, |B| the local total field
};
std::string ToString(JcModel model);

// E = e0 (|J|/Jc)^n sgn J with Jc(B, T) = Jc0(T) g(|B|), Jc0(T) = jc0 (1 - (T/Tc)^2)^alpha.
struct Material {
  JcModel model = JcModel::kConstant;
  double jc0_a_per_m2 = 1e8;  // Jc at T = 0 (or at any T when alpha = 0), A/m^2
  double b0_t = 1;            // Kim field scale, T
  double exponent = 1;        // Kim exponent m
  double alpha = 0;           // temperature exponent; 0 = Jc independent of T
  double n = 30;              // power-law index, > 1
  double e0_v_per_m = 1e-4;   // electric-field criterion, V/m
  double tc_k = 38;           // critical temperature, K (Ba122 by default)
};

enum class ProtocolKind {
  kFcm,  // field-cooled: J = 0 at Ba = field, ramp to 0, (cool), hold
  kZfc,  // zero-field-cooled: ramp 0 -> field, hold_at_peak, ramp back to 0, (cool), hold
};
std::string ToString(ProtocolKind kind);

struct Protocol {
  ProtocolKind kind = ProtocolKind::kFcm;
  double field_t = 1;               // B_FC (fcm) or peak field (zfc), T
  double ramp_rate_t_per_s = 0.01;  // |dBa/dt| of every field ramp, T/s
  double hold_s = 0;                // final hold at Ba = 0 (flux creep), s
  double hold_at_peak_s = 0;        // zfc only: hold at the peak field, s
  double temperature_k = 5;         // temperature while magnetizing, K
  std::optional<double> cool_to_k;  // optional: cool (or warm) to this T after the ramps
  double cool_rate_k_per_s = 0.01;  // rate of that temperature change, K/s
};

enum class ProbeKind {
  kPoint,  // field at (r, z)
  kHall,   // Bz averaged over a square sensor of side `size_m` in the plane z, centred at x = r
  kLine,   // radial profile: num_points points from r to r_end at height z
};
std::string ToString(ProbeKind kind);

struct Probe {
  std::string name;
  ProbeKind kind = ProbeKind::kPoint;
  double r_m = 0;
  double z_m = 0;
  double size_m = 0;   // hall: side of the active area
  double r_end_m = 0;  // line: last radius
  int num_points = 0;  // line: number of points
};

struct Spec {
  std::string description;  // free text, e.g. where the parameters come from
  std::vector<Body> bodies;
  Material material;
  Protocol protocol;
  std::vector<Probe> probes;
};

// Parses and validates a spec (see docs/magnet.md). Throws InputError listing every problem at its
// JSON pointer: spec.* (missing/type/unknown_key/choice), units.*, magnet.nonpositive_size,
// magnet.bodies_overlap, magnet.n_too_small, magnet.negative_jc, magnet.ramp_never_ends,
// magnet.temperature_range, magnet.no_bodies, magnet.duplicate_name, magnet.nonpositive_parameter,
// magnet.too_many_cells.
Spec ParseSpec(const nlohmann::json& json);
// The same checks on a spec built in code; returns every issue (empty when valid).
std::vector<Issue> Validate(const Spec& spec);
// The spec as JSON in SI numbers (round-trips through ParseSpec).
nlohmann::json ToJson(const Spec& spec);

// ---------------------------------------------------------------------------------------------
// Options: how to solve.

struct Options {
  double rtol = 1e-3;               // local error per step, relative to Jc (RMS over cells)
  double newton_tol = 1e-9;         // Newton stops when max |dJ| / Jc0 is below this
  int max_newton_iterations = 30;   // per step attempt; then the step is retried with dt / 4
  double initial_step_s = 0.05;     // first step of every protocol segment, s
  double max_step_s = 1e9;          // upper bound on the step, s
  double min_step_s = 1e-9;         // a step that must shrink below this fails the run, s
  std::int64_t max_steps = 200000;  // accepted + rejected steps; then "step_failed"
  bool use_symmetry = true;         // halve the unknowns of stacks symmetric about z = 0
  int field_near_order = 8;         // Gauss order of singular field integrals (per direction)
  int flux_near_order = 6;          // Gauss order of singular inductance integrals
  bool keep_maps = true;            // store J(r, z) at the end of the ramp and at the end

  // Every problem with the options ("options.*" codes, path = field name).
  std::vector<Issue> Validate() const;
};

// ---------------------------------------------------------------------------------------------
// Result.

enum class Termination {
  kCompleted,   // the whole protocol was integrated
  kStepFailed,  // Newton did not converge even at min_step_s (or max_steps hit): see t_reached_s
  kCancelled,   // the ProgressSink asked to stop
};
std::string ToString(Termination termination);

struct Summary {
  Termination termination = Termination::kCompleted;
  std::string message;
  double t_reached_s = 0;               // time the solution reached
  double t_end_s = 0;                   // end time of the protocol
  std::int64_t num_steps = 0;           // accepted steps
  std::int64_t num_rejected_steps = 0;  // error-control or Newton rejections
  std::int64_t num_newton_iterations = 0;
  std::int64_t num_factorizations = 0;
  int num_cells = 0;     // cells of the full mesh
  int num_unknowns = 0;  // after mirror symmetry
  bool symmetry_used = false;
  std::string jacobian;  // "cholesky (Jc independent of B)" or "lu (Jc(B) in the Jacobian)"
  double assembly_seconds = 0;
  double solve_seconds = 0;
  std::vector<std::string> warnings;
};

// One cell of the full mesh (meridian cross-section).
struct Cell {
  int body = 0;
  double r1_m = 0, r2_m = 0, z1_m = 0, z2_m = 0;
};

// Time series of a point or Hall probe. Bz includes the applied field; br is the radial component
// (for a Hall sensor, averaged along the sensor's x axis).
struct ProbeSeries {
  std::string name;
  std::vector<double> t_s;
  std::vector<double> bz_t;
  std::vector<double> br_t;
};

// The state at one instant.
struct Snapshot {
  double t_s = 0;
  double applied_field_t = 0;
  double temperature_k = 0;
  std::vector<double>
      probe_bz_t;  // one per point/Hall probe, in Spec::probes order (lines skipped)
  std::vector<double> probe_br_t;
  struct Profile {
    std::string name;
    std::vector<double> r_m, bz_t, br_t;
  };
  std::vector<Profile> profiles;    // one per line probe
  std::vector<double> j_a_per_m2;   // per Cell of Result::cells (empty unless Options::keep_maps)
  std::vector<double> jc_a_per_m2;  // local Jc per cell
};

struct Result {
  std::vector<Cell> cells;
  std::vector<ProbeSeries> series;      // point and Hall probes, every accepted step
  std::optional<Snapshot> end_of_ramp;  // when the last field ramp ended (Ba = 0)
  Snapshot final_state;
  Summary summary;
};

// Runs the protocol. Throws InputError when the spec or the options are invalid; numerical
// failures end the run early and are reported in Result::summary (never thrown).
Result Run(const Spec& spec, const Options& options, ProgressSink* progress = nullptr);

// ---------------------------------------------------------------------------------------------
// Writers (the CLI opens the files).

// {"probes":{name:{"t","bz","br"}|{"r","end_of_ramp":{"bz","br"},"final":{...}}},
//  "end_of_ramp":{name:{"bz","br"}}, "final":{...}, "summary":{...}}; units: s, T, m.
nlohmann::json ToJson(const Result& result, const Spec& spec);
nlohmann::json ToJson(const Summary& summary);
// CSV: t_s, Ba_T, then <probe>_bz_T, <probe>_br_T per point/Hall probe.
void WriteProbesCsv(const Result& result, const Spec& spec, std::ostream& out);
// CSV: body, r1_m, r2_m, z1_m, z2_m, j_A_per_m2, jc_A_per_m2.
void WriteMapCsv(const Result& result, const Snapshot& snapshot, const Spec& spec,
                 std::ostream& out);
// Legacy ASCII VTK unstructured grid of quads in the (x = r, y = z) plane, cell data J and Jc.
void WriteMapVtk(const Result& result, const Snapshot& snapshot, std::ostream& out);
// CSV of the line probes: probe, r_m, bz_T, br_T.
void WriteProfilesCsv(const Snapshot& snapshot, std::ostream& out);

// ---------------------------------------------------------------------------------------------
// Calibration.

// One measured value: Bz of a point/Hall probe at a stage ("end_of_ramp" or "final").
struct Target {
  std::string probe;
  std::string stage = "end_of_ramp";
  double bz_t = 0;
};

struct FitOptions {
  std::vector<Target> targets;
  bool fit_b0 = false;             // also fit the Kim B0 (needs the kim model)
  bool fit_n = false;              // also fit the power-law index n
  int max_iterations = 20;         // Levenberg-Marquardt iterations
  double tolerance = 1e-5;         // stop when the relative parameter change is below this
  double fd_relative_step = 1e-3;  // finite-difference step in log(parameter)
  Options run;                     // options of every simulation

  std::vector<Issue> Validate(const Spec& spec) const;
};

struct FitResult {
  Spec fitted;                          // the spec with the fitted parameters
  std::vector<std::string> parameters;  // "jc0", optionally "b0", "n"
  std::vector<double> values;           // fitted values (SI)
  std::vector<double> simulated_t;      // per target, at the fit
  std::vector<double> residuals_t;      // simulated - measured
  // sensitivity[k][p] = d Bz_k / d parameter_p (T per SI unit), and the dimensionless
  // elasticity d ln Bz_k / d ln parameter_p.
  std::vector<std::vector<double>> sensitivity;
  std::vector<std::vector<double>> elasticity;
  double rms_residual_t = 0;
  int num_iterations = 0;
  int num_runs = 0;
  bool converged = false;
  std::string message;
};

// Least squares over log-parameters (Levenberg-Marquardt, finite-difference Jacobian).
// Throws InputError for invalid targets; a failed simulation ends the fit with converged = false.
FitResult Fit(const Spec& spec, const FitOptions& options, ProgressSink* progress = nullptr);
nlohmann::json ToJson(const FitResult& fit);

}  // namespace kyoso::sim::magnet
