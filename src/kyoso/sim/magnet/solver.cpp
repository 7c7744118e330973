// Run() of magnet.h: the protocol schedule, the implicit time integration of
//   L dJ/dt + W E(J; Jc(B, T)) + b dBa/dt = 0
// by backward Euler with Newton's method (exact Jacobian, line search), adaptive steps from a
// predictor-corrector error estimate, and the probe/map recording. docs/methods/magnet.md §4.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "kyoso/sim/magnet/detail/model.h"
#include "kyoso/sim/magnet/magnet.h"

namespace kyoso::sim::magnet {

namespace {

using detail::kPi;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A piece of the protocol on which Ba(t) and T(t) are linear.
struct Segment {
  std::string stage;
  double t0, t1;
  double ba0, ba1;
  double temp0, temp1;
  bool field_ramp;
  double Ba(double t) const { return t1 > t0 ? ba0 + (ba1 - ba0) * (t - t0) / (t1 - t0) : ba1; }
  double Temperature(double t) const {
    return t1 > t0 ? temp0 + (temp1 - temp0) * (t - t0) / (t1 - t0) : temp1;
  }
};

std::vector<Segment> BuildSchedule(const Protocol& p, double* initial_ba) {
  std::vector<Segment> segments;
  double t = 0;
  const double temp = p.temperature_k;
  auto add = [&](const std::string& stage, double duration, double ba0, double ba1, double temp0,
                 double temp1, bool ramp) {
    if (!(duration > 0)) return;
    segments.push_back({stage, t, t + duration, ba0, ba1, temp0, temp1, ramp});
    t += duration;
  };
  const double ramp_s = p.field_t > 0 ? p.field_t / p.ramp_rate_t_per_s : 0;
  if (p.kind == ProtocolKind::kFcm) {
    *initial_ba = p.field_t;
    add("ramp", ramp_s, p.field_t, 0, temp, temp, true);
  } else {
    *initial_ba = 0;
    add("ramp_up", ramp_s, 0, p.field_t, temp, temp, true);
    add("hold_at_peak", p.hold_at_peak_s, p.field_t, p.field_t, temp, temp, false);
    add("ramp_down", ramp_s, p.field_t, 0, temp, temp, true);
  }
  double final_temp = temp;
  if (p.cool_to_k && *p.cool_to_k != temp) {
    final_temp = *p.cool_to_k;
    add("cool", std::fabs(final_temp - temp) / p.cool_rate_k_per_s, 0, 0, temp, final_temp, false);
  }
  add("hold", p.hold_s, 0, 0, final_temp, final_temp, false);
  return segments;
}

// Jc(B, T) and the power law, evaluated for all unknowns.
class PowerLaw {
 public:
  PowerLaw(const Material& m, const detail::System& system)
      : m_(m), system_(system), kim_(m.model == JcModel::kKim) {}

  bool field_dependent() const { return kim_; }
  double n() const { return m_.n; }
  double e0() const { return m_.e0_v_per_m; }

  double Jc0(double temperature_k) const {
    if (m_.alpha == 0) return m_.jc0_a_per_m2;
    const double x = temperature_k / m_.tc_k;
    return m_.jc0_a_per_m2 * std::pow(std::max(0.0, 1 - x * x), m_.alpha);
  }

  // Fills jc, e, de_dj (and, for Kim, de_dbnorm = dE/d|B| and the field at the cells).
  void Evaluate(const Eigen::VectorXd& j, double ba, double temperature_k) {
    const Eigen::Index n = j.size();
    jc.resize(n);
    e.resize(n);
    de_dj.resize(n);
    const double jc0 = Jc0(temperature_k);
    if (kim_) {
      bz = system_.gz * j;
      bz.array() += ba;
      br = system_.gr * j;
      bnorm = (bz.array().square() + br.array().square()).sqrt();
      de_dbnorm.resize(n);
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      double jci = jc0;
      double djc_db = 0;
      if (kim_) {
        const double g = 1 + bnorm(i) / m_.b0_t;
        jci = jc0 / std::pow(g, m_.exponent);
        djc_db = -m_.exponent * jci / (m_.b0_t * g);
      }
      jc(i) = jci;
      const double x = std::fabs(j(i)) / jci;
      if (x == 0) {
        e(i) = 0;
        de_dj(i) = 0;
        if (kim_) de_dbnorm(i) = 0;
        continue;
      }
      // x^(n-1) with the exponent capped so that residual norms stay finite.
      const double log_power = std::min((m_.n - 1) * std::log(x), 300.0);
      const double power = std::exp(log_power);  // x^(n-1)
      const double magnitude = m_.e0_v_per_m * power * x;
      e(i) = j(i) > 0 ? magnitude : -magnitude;
      de_dj(i) = m_.n * m_.e0_v_per_m * power / jci;
      if (kim_) de_dbnorm(i) = -m_.n * e(i) / jci * djc_db;  // dE/dJc * dJc/d|B|
    }
  }

  Eigen::VectorXd jc, e, de_dj, de_dbnorm, bz, br, bnorm;

 private:
  Material m_;
  const detail::System& system_;
  bool kim_;
};

// Maps from the unknowns to the recorded probe fields.
struct Probes {
  Eigen::MatrixXd series_bz, series_br;  // one row per point/Hall probe
  std::vector<int> series_index;         // index into Spec::probes
  struct Line {
    std::string name;
    std::vector<double> r;
    Eigen::MatrixXd bz, br;
  };
  std::vector<Line> lines;
};

Probes BuildProbes(const Spec& spec, const detail::Mesh& mesh,
                   const detail::Quadrature& quadrature) {
  Probes probes;
  const int n = mesh.num_unknowns();
  std::vector<Eigen::RowVectorXd> rows_z, rows_r;
  for (std::size_t k = 0; k < spec.probes.size(); ++k) {
    const Probe& probe = spec.probes[k];
    if (probe.kind == ProbeKind::kLine) {
      Probes::Line line;
      line.name = probe.name;
      std::vector<double> z(probe.num_points, probe.z_m);
      for (int p = 0; p < probe.num_points; ++p) {
        line.r.push_back(probe.r_m + (probe.r_end_m - probe.r_m) * p / (probe.num_points - 1));
      }
      detail::PointOperator op = detail::AssemblePoints(mesh, line.r, z, quadrature);
      line.bz = std::move(op.bz);
      line.br = std::move(op.br);
      probes.lines.push_back(std::move(line));
      continue;
    }
    Eigen::RowVectorXd row_z = Eigen::RowVectorXd::Zero(n), row_r = Eigen::RowVectorXd::Zero(n);
    if (probe.kind == ProbeKind::kPoint) {
      detail::PointOperator op = detail::AssemblePoints(mesh, {probe.r_m}, {probe.z_m}, quadrature);
      row_z = op.bz.row(0);
      row_r = op.br.row(0);
    } else {
      // Hall sensor: a square of side `size` in the plane z centred at (x, y) = (r, 0); Bz and
      // the x component of B averaged with a 4 x 4 Gauss rule.
      const detail::GaussRule rule = detail::Gauss01(4);
      std::vector<double> rs, zs, weights, cosines;
      for (int a = 0; a < 4; ++a) {
        for (int c = 0; c < 4; ++c) {
          const double x = probe.r_m + probe.size_m * (rule.nodes[a] - 0.5);
          const double y = probe.size_m * (rule.nodes[c] - 0.5);
          const double rho = std::hypot(x, y);
          rs.push_back(rho);
          zs.push_back(probe.z_m);
          weights.push_back(rule.weights[a] * rule.weights[c]);
          cosines.push_back(rho > 0 ? x / rho : 0);
        }
      }
      detail::PointOperator op = detail::AssemblePoints(mesh, rs, zs, quadrature);
      for (std::size_t p = 0; p < rs.size(); ++p) {
        row_z += weights[p] * op.bz.row(static_cast<Eigen::Index>(p));
        row_r += weights[p] * cosines[p] * op.br.row(static_cast<Eigen::Index>(p));
      }
    }
    rows_z.push_back(row_z);
    rows_r.push_back(row_r);
    probes.series_index.push_back(static_cast<int>(k));
  }
  probes.series_bz.resize(static_cast<Eigen::Index>(rows_z.size()), n);
  probes.series_br.resize(static_cast<Eigen::Index>(rows_z.size()), n);
  for (std::size_t k = 0; k < rows_z.size(); ++k) {
    probes.series_bz.row(static_cast<Eigen::Index>(k)) = rows_z[k];
    probes.series_br.row(static_cast<Eigen::Index>(k)) = rows_r[k];
  }
  return probes;
}

class Recorder {
 public:
  Recorder(const Spec& spec, const detail::Mesh& mesh, const Probes& probes, Result& result,
           bool keep_maps)
      : mesh_(mesh), probes_(probes), result_(result), keep_maps_(keep_maps) {
    for (int index : probes.series_index) {
      result.series.push_back({spec.probes[index].name, {}, {}, {}});
    }
  }

  void Record(double t, double ba, const Eigen::VectorXd& j) {
    const Eigen::VectorXd bz = probes_.series_bz * j;
    const Eigen::VectorXd br = probes_.series_br * j;
    for (std::size_t k = 0; k < result_.series.size(); ++k) {
      ProbeSeries& s = result_.series[k];
      s.t_s.push_back(t);
      s.bz_t.push_back(ba + bz(static_cast<Eigen::Index>(k)));
      s.br_t.push_back(br(static_cast<Eigen::Index>(k)));
    }
  }

  Snapshot Take(double t, double ba, double temperature, const Eigen::VectorXd& j,
                const Eigen::VectorXd& jc) const {
    Snapshot snap;
    snap.t_s = t;
    snap.applied_field_t = ba;
    snap.temperature_k = temperature;
    const Eigen::VectorXd bz = probes_.series_bz * j;
    const Eigen::VectorXd br = probes_.series_br * j;
    for (Eigen::Index k = 0; k < bz.size(); ++k) {
      snap.probe_bz_t.push_back(ba + bz(k));
      snap.probe_br_t.push_back(br(k));
    }
    for (const Probes::Line& line : probes_.lines) {
      Snapshot::Profile profile;
      profile.name = line.name;
      profile.r_m = line.r;
      const Eigen::VectorXd lz = line.bz * j;
      const Eigen::VectorXd lr = line.br * j;
      for (Eigen::Index p = 0; p < lz.size(); ++p) {
        profile.bz_t.push_back(ba + lz(p));
        profile.br_t.push_back(lr(p));
      }
      snap.profiles.push_back(std::move(profile));
    }
    if (keep_maps_) {
      for (std::size_t c = 0; c < mesh_.cells.size(); ++c) {
        snap.j_a_per_m2.push_back(j(mesh_.unknown_of_cell[c]));
        snap.jc_a_per_m2.push_back(jc(mesh_.unknown_of_cell[c]));
      }
    }
    return snap;
  }

 private:
  const detail::Mesh& mesh_;
  const Probes& probes_;
  Result& result_;
  bool keep_maps_;
};

// One backward-Euler step from (t0, J0) to t1 solved by Newton's method. Returns false when
// Newton does not converge.
struct StepStats {
  int iterations = 0;
  int factorizations = 0;
};

bool SolveStep(const detail::System& system, PowerLaw& material, const Options& options,
               const Eigen::VectorXd& j0, double dt, double ba1, double dba, double temperature,
               double jc_scale, Eigen::VectorXd& j, StepStats& stats) {
  const Eigen::Index n = j0.size();
  auto residual = [&](const Eigen::VectorXd& x, Eigen::VectorXd& r) {
    material.Evaluate(x, ba1, temperature);
    r = system.l * (x - j0) + dt * system.w.cwiseProduct(material.e) + system.b * dba;
  };
  // Merit: half the squared residual per unit dt W, i.e. in V/m per cell (any diagonal scaling
  // keeps the Newton direction a descent direction).
  const Eigen::VectorXd scale = (dt * system.w).cwiseInverse();
  auto merit = [&](const Eigen::VectorXd& r) { return 0.5 * r.cwiseProduct(scale).squaredNorm(); };

  Eigen::VectorXd r, trial, r_trial;
  residual(j, r);
  double phi = merit(r);
  Eigen::LLT<Eigen::MatrixXd> llt;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu;
  Eigen::MatrixXd jacobian(n, n);
  // Chord iterations: once Newton contracts fast and the update is small, the last factorization
  // is reused (the Jacobian barely changes); a poor contraction or a failed line search refactors.
  bool reuse = false;
  double last_max_delta = std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < options.max_newton_iterations; ++iteration) {
    ++stats.iterations;
    const bool reusing = reuse && iteration > 0;
    if (!reusing) {
      jacobian = system.l;
      jacobian.diagonal() += dt * system.w.cwiseProduct(material.de_dj);
      if (material.field_dependent()) {
        // d|B|_i/dJ_k = (Bz_i gz_ik + Br_i gr_ik) / |B|_i, chained through dE_i/d|B|_i.
        Eigen::VectorXd cz(n), cr(n);
        for (Eigen::Index i = 0; i < n; ++i) {
          const double b = material.bnorm(i);
          const double c = b > 0 ? dt * system.w(i) * material.de_dbnorm(i) / b : 0;
          cz(i) = c * material.bz(i);
          cr(i) = c * material.br(i);
        }
        jacobian.noalias() += cz.asDiagonal() * system.gz;
        jacobian.noalias() += cr.asDiagonal() * system.gr;
        lu.compute(jacobian);
      } else {
        llt.compute(jacobian);
        if (llt.info() != Eigen::Success) return false;
      }
      ++stats.factorizations;
    }
    Eigen::VectorXd delta =
        material.field_dependent() ? Eigen::VectorXd(-lu.solve(r)) : Eigen::VectorXd(-llt.solve(r));
    if (!delta.allFinite()) return false;

    // Cells on the steep part of the power law take the update through E: the linearized
    // E + (dE/dJ) delta is mapped back by the inverse power law, which Newton in J would reach
    // only after many short steps from above (docs/methods/magnet.md §4.2). Elsewhere the growth
    // of |J| is capped at max(|J|, Jc) (1 + 2/n) against overshoot from below. If that update
    // fails the line search, the plain (capped) Newton direction is backtracked instead.
    Eigen::VectorXd mapped = delta;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double limit = std::max(std::fabs(j(i)), material.jc(i)) * (1 + 2.0 / material.n());
      const double next = j(i) + delta(i);
      if (std::fabs(next) > limit) delta(i) = std::copysign(limit, next) - j(i);
      mapped(i) = delta(i);
      const double x = std::fabs(j(i)) / material.jc(i);
      const double e_next = material.e(i) + material.de_dj(i) * (next - j(i));
      if (x > 0.9 && e_next * material.e(i) > 0) {
        const double magnitude =
            material.jc(i) * std::pow(std::fabs(e_next) / material.e0(), 1 / material.n());
        mapped(i) = std::copysign(magnitude, j(i)) - j(i);
      }
    }
    // Backtracking (Armijo) on the merit.
    double step = 1;
    bool accepted = false;
    for (int attempt = 0; attempt < 2 && !accepted; ++attempt) {
      const Eigen::VectorXd& direction = attempt == 0 ? mapped : delta;
      step = 1;
      for (int halving = 0; halving < (attempt == 0 ? 3 : 30); ++halving) {
        trial = j + step * direction;
        residual(trial, r_trial);
        const double phi_trial = merit(r_trial);
        if (std::isfinite(phi_trial) && phi_trial <= (1 - 1e-4 * step) * phi) {
          accepted = true;
          delta = direction;
          break;
        }
        step *= 0.5;
      }
    }
    if (!accepted) {
      if (reusing) {  // a stale Jacobian: refactor and try again
        reuse = false;
        continue;
      }
      // No decrease: converged to rounding if the update is negligible, else failed.
      return delta.cwiseAbs().maxCoeff() <= options.newton_tol * jc_scale * 10;
    }
    j = trial;
    r = r_trial;
    phi = merit(r);
    const double max_delta = step * delta.cwiseAbs().maxCoeff();
    if (step == 1 && max_delta <= options.newton_tol * jc_scale) return true;
    reuse = step == 1 && max_delta < 0.02 * jc_scale && max_delta < 0.25 * last_max_delta;
    last_max_delta = max_delta;
  }
  return false;
}

}  // namespace

std::string ToString(Termination termination) {
  switch (termination) {
    case Termination::kStepFailed:
      return "step_failed";
    case Termination::kCancelled:
      return "cancelled";
    case Termination::kCompleted:
      break;
  }
  return "completed";
}

std::vector<Issue> Options::Validate() const {
  IssueList issues;
  auto positive = [&](double value, const char* name) {
    if (!(value > 0)) issues.Add(name, "options.invalid", std::string(name) + " must be positive");
  };
  positive(rtol, "rtol");
  positive(newton_tol, "newton_tol");
  positive(initial_step_s, "initial_step_s");
  positive(max_step_s, "max_step_s");
  positive(min_step_s, "min_step_s");
  if (max_newton_iterations < 1) {
    issues.Add("max_newton_iterations", "options.invalid", "max_newton_iterations must be >= 1");
  }
  if (max_steps < 1) issues.Add("max_steps", "options.invalid", "max_steps must be >= 1");
  if (field_near_order < 2 || field_near_order > 16) {
    issues.Add("field_near_order", "options.invalid", "field_near_order must lie in [2, 16]");
  }
  if (flux_near_order < 2 || flux_near_order > 16) {
    issues.Add("flux_near_order", "options.invalid", "flux_near_order must lie in [2, 16]");
  }
  return issues.issues();
}

Result Run(const Spec& spec, const Options& options, ProgressSink* progress) {
  {
    IssueList issues;
    issues.Append(Validate(spec));
    issues.Append(options.Validate());
    issues.ThrowIfAny();
  }
  NullProgress null_progress;
  if (!progress) progress = &null_progress;
  const auto start = Clock::now();

  Result result;
  Summary& summary = result.summary;
  double ba = 0;
  const std::vector<Segment> schedule = BuildSchedule(spec.protocol, &ba);
  summary.t_end_s = schedule.empty() ? 0 : schedule.back().t1;

  // 1. Mesh, matrices and probe operators.
  progress->Update({"assemble", 0, "building the inductance matrix"});
  const detail::Quadrature quadrature{options.field_near_order, options.flux_near_order, 1.0};
  const detail::Mesh mesh = detail::BuildMesh(spec, options.use_symmetry);
  const bool kim = spec.material.model == JcModel::kKim;
  const detail::System system = detail::Assemble(mesh, kim, quadrature);
  const Probes probes = BuildProbes(spec, mesh, quadrature);
  result.cells = mesh.cells;
  summary.num_cells = static_cast<int>(mesh.cells.size());
  summary.num_unknowns = mesh.num_unknowns();
  summary.symmetry_used = mesh.symmetric;
  summary.jacobian = kim ? "lu (Jc(B) in the Jacobian)" : "cholesky (Jc independent of B)";
  summary.assembly_seconds = Seconds(start);

  // 2. Time integration.
  const auto solve_start = Clock::now();
  PowerLaw material(spec.material, system);
  Recorder recorder(spec, mesh, probes, result, options.keep_maps);
  const Eigen::Index n = mesh.num_unknowns();
  Eigen::VectorXd j = Eigen::VectorXd::Zero(n);
  double t = 0;
  double temperature = schedule.empty() ? spec.protocol.temperature_k : schedule.front().temp0;
  material.Evaluate(j, ba, temperature);
  recorder.Record(t, ba, j);

  std::optional<double> end_of_ramp_time;
  for (const Segment& s : schedule) {
    if (s.field_ramp) end_of_ramp_time = s.t1;
  }

  // Largest (L 1)_i / W_i: the flux per unit J of the fully critical state, the error scale.
  const double flux_scale =
      (system.l * Eigen::VectorXd::Ones(n)).cwiseQuotient(system.w).cwiseAbs().maxCoeff();
  bool failed = false, cancelled = false;
  std::int64_t attempts = 0;
  for (const Segment& segment : schedule) {
    double dt = std::min(options.initial_step_s, segment.t1 - segment.t0);
    double dt_prev = 0;
    Eigen::VectorXd rate = Eigen::VectorXd::Zero(n);  // dJ/dt of the last accepted step
    bool have_rate = false;
    while (t < segment.t1 && !failed && !cancelled) {
      if (++attempts > options.max_steps) {
        failed = true;
        summary.message = "max_steps reached";
        break;
      }
      double t1 = t + dt;
      if (t1 > segment.t1 - 1e-3 * dt) t1 = segment.t1;
      const double h = t1 - t;
      const double ba1 = segment.Ba(t1);
      const double temp1 = segment.Temperature(t1);
      const double jc_scale = material.Jc0(temp1);

      // Predictor: linear extrapolation, never beyond max(|J0|, Jc) in magnitude.
      Eigen::VectorXd predicted = j;
      if (have_rate) predicted += h * rate;
      for (Eigen::Index i = 0; i < n; ++i) {
        const double cap = std::max(std::fabs(j(i)), material.jc(i));
        predicted(i) = std::clamp(predicted(i), -cap, cap);
      }
      Eigen::VectorXd j1 = predicted;
      StepStats stats;
      const bool converged =
          SolveStep(system, material, options, j, h, ba1, ba1 - ba, temp1, jc_scale, j1, stats);
      summary.num_newton_iterations += stats.iterations;
      summary.num_factorizations += stats.factorizations;
      double error = 0;
      if (converged && have_rate) {
        // Backward-Euler local error of J ~ h/(h + h_prev) (J1 - J_pred) (predictor-corrector),
        // measured as the flux it induces, (L e)_i / W_i, relative to the flux of the fully
        // critical state: kinks of single cells (a cell reaching Jc) matter only as much as
        // the fields they change (docs/methods/magnet.md §4.3).
        const Eigen::VectorXd estimate =
            (h / (h + dt_prev)) * (system.l * (j1 - (j + h * rate))).cwiseQuotient(system.w) /
            (options.rtol * flux_scale * jc_scale);
        error = std::sqrt(estimate.squaredNorm() / static_cast<double>(n));
      }
      if (!converged || error > 1) {
        ++summary.num_rejected_steps;
        dt = converged ? h * std::max(0.2, 0.9 / std::sqrt(error)) : h / 4;
        if (dt < options.min_step_s) {
          failed = true;
          summary.message = converged ? "step size underflow in error control"
                                      : "Newton did not converge at the minimum step";
        }
        continue;
      }
      rate = (j1 - j) / h;
      have_rate = true;
      j = std::move(j1);
      t = t1;
      ba = ba1;
      temperature = temp1;
      dt_prev = h;
      ++summary.num_steps;
      material.Evaluate(j, ba, temperature);
      recorder.Record(t, ba, j);
      const double growth = error > 0 ? std::min(4.0, 0.9 / std::sqrt(error)) : 2.0;
      dt = std::min(options.max_step_s, h * std::max(0.2, growth));
      if (end_of_ramp_time && t == *end_of_ramp_time) {
        result.end_of_ramp = recorder.Take(t, ba, temperature, j, material.jc);
      }
      if (summary.num_steps % 10 == 0 || t == segment.t1) {
        const double fraction = summary.t_end_s > 0 ? t / summary.t_end_s : 1;
        if (!progress->Update({segment.stage, fraction, "t = " + std::to_string(t) + " s"})) {
          cancelled = true;
        }
      }
    }
    if (failed || cancelled) break;
  }
  summary.t_reached_s = t;
  if (failed) {
    summary.termination = Termination::kStepFailed;
    summary.message += " at t = " + std::to_string(t) + " s";
  } else if (cancelled) {
    summary.termination = Termination::kCancelled;
    summary.message = "cancelled at t = " + std::to_string(t) + " s";
  } else {
    summary.termination = Termination::kCompleted;
    summary.message = "protocol completed";
  }
  result.final_state = recorder.Take(t, ba, temperature, j, material.jc);
  summary.solve_seconds = Seconds(solve_start);
  return result;
}

}  // namespace kyoso::sim::magnet
