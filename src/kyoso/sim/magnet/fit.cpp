// Fit() of magnet.h: calibrating Jc0 (optionally the Kim B0 and the power-law n) so that simulated
// probe fields match measured ones. Levenberg-Marquardt on log-parameters with a forward-difference
// Jacobian; each residual evaluation is one full Run(). docs/methods/magnet.md §6.
#include <cmath>
#include <optional>
#include <string>

#include <Eigen/Dense>

#include "kyoso/sim/magnet/magnet.h"

namespace kyoso::sim::magnet {

namespace {

struct Problem {
  const Spec& spec;
  const FitOptions& options;
  std::vector<int> target_series;  // index of each target's probe among the point/Hall probes
  int num_runs = 0;

  // Parameters in log space: log jc0, log b0, log(n - 1).
  Spec Apply(const Eigen::VectorXd& theta) const {
    Spec s = spec;
    int k = 0;
    s.material.jc0_a_per_m2 = std::exp(theta(k++));
    if (options.fit_b0) s.material.b0_t = std::exp(theta(k++));
    if (options.fit_n) s.material.n = 1 + std::exp(theta(k++));
    return s;
  }

  std::optional<Eigen::VectorXd> Simulate(const Eigen::VectorXd& theta) {
    ++num_runs;
    Options run = options.run;
    run.keep_maps = false;
    const Result result = Run(Apply(theta), run, nullptr);
    if (result.summary.termination != Termination::kCompleted) return std::nullopt;
    Eigen::VectorXd values(static_cast<Eigen::Index>(options.targets.size()));
    for (std::size_t k = 0; k < options.targets.size(); ++k) {
      const Snapshot& snap =
          options.targets[k].stage == "final" ? result.final_state : *result.end_of_ramp;
      values(static_cast<Eigen::Index>(k)) = snap.probe_bz_t[target_series[k]];
    }
    return values;
  }
};

}  // namespace

std::vector<Issue> FitOptions::Validate(const Spec& spec) const {
  IssueList issues;
  if (targets.empty()) issues.Add("targets", "fit.no_targets", "at least one target is needed");
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const std::string path = "targets/" + std::to_string(k);
    bool found = false;
    for (const Probe& probe : spec.probes) {
      if (probe.name == targets[k].probe && probe.kind != ProbeKind::kLine) found = true;
    }
    if (!found) {
      issues.Add(path + "/probe", "fit.unknown_probe",
                 "no point or Hall probe named '" + targets[k].probe + "' in the spec");
    }
    if (targets[k].stage != "end_of_ramp" && targets[k].stage != "final") {
      issues.Add(path + "/stage", "fit.stage", "stage must be end_of_ramp or final");
    }
    if (targets[k].stage == "end_of_ramp" && !(spec.protocol.field_t > 0)) {
      issues.Add(path + "/stage", "fit.stage", "the protocol has no field ramp");
    }
  }
  if (fit_b0 && spec.material.model != JcModel::kKim) {
    issues.Add("fit_b0", "fit.b0_needs_kim", "fitting b0 needs the kim Jc model");
  }
  if (max_iterations < 1) issues.Add("max_iterations", "options.invalid", "must be >= 1");
  if (!(tolerance > 0)) issues.Add("tolerance", "options.invalid", "must be positive");
  if (!(fd_relative_step > 0)) issues.Add("fd_relative_step", "options.invalid", "must be > 0");
  issues.Append(run.Validate());
  return issues.issues();
}

FitResult Fit(const Spec& spec, const FitOptions& options, ProgressSink* progress) {
  {
    IssueList issues;
    issues.Append(Validate(spec));
    issues.Append(options.Validate(spec));
    issues.ThrowIfAny();
  }
  NullProgress null_progress;
  if (!progress) progress = &null_progress;

  Problem problem{spec, options, {}, 0};
  for (const Target& target : options.targets) {
    int series = 0;
    for (const Probe& probe : spec.probes) {
      if (probe.kind == ProbeKind::kLine) continue;
      if (probe.name == target.probe) break;
      ++series;
    }
    problem.target_series.push_back(series);
  }
  FitResult fit;
  fit.parameters.push_back("jc0");
  if (options.fit_b0) fit.parameters.push_back("b0");
  if (options.fit_n) fit.parameters.push_back("n");
  const Eigen::Index p = static_cast<Eigen::Index>(fit.parameters.size());
  const Eigen::Index m = static_cast<Eigen::Index>(options.targets.size());
  Eigen::VectorXd measured(m);
  for (Eigen::Index k = 0; k < m; ++k) measured(k) = options.targets[k].bz_t;

  Eigen::VectorXd theta(p);
  {
    Eigen::Index k = 0;
    theta(k++) = std::log(spec.material.jc0_a_per_m2);
    if (options.fit_b0) theta(k++) = std::log(spec.material.b0_t);
    if (options.fit_n) theta(k++) = std::log(spec.material.n - 1);
  }

  auto jacobian_at = [&](const Eigen::VectorXd& at, const Eigen::VectorXd& values,
                         Eigen::MatrixXd& jac) {
    jac.resize(m, p);
    for (Eigen::Index q = 0; q < p; ++q) {
      Eigen::VectorXd shifted = at;
      shifted(q) += options.fd_relative_step;
      const std::optional<Eigen::VectorXd> v = problem.Simulate(shifted);
      if (!v) return false;
      jac.col(q) = (*v - values) / options.fd_relative_step;  // d Bz / d log(parameter)
    }
    return true;
  };

  std::optional<Eigen::VectorXd> values = problem.Simulate(theta);
  if (!values) {
    fit.message = "the simulation at the initial parameters did not complete";
    fit.fitted = spec;
    return fit;
  }
  double cost = (*values - measured).squaredNorm();
  double lambda = 1e-3;
  Eigen::MatrixXd jac;
  bool ok = jacobian_at(theta, *values, jac);
  for (int iteration = 0; ok && iteration < options.max_iterations; ++iteration) {
    fit.num_iterations = iteration + 1;
    const Eigen::VectorXd residual = *values - measured;
    const Eigen::MatrixXd jtj = jac.transpose() * jac;
    const Eigen::VectorXd gradient = jac.transpose() * residual;
    bool improved = false;
    Eigen::VectorXd step;
    for (int attempt = 0; attempt < 12; ++attempt) {
      Eigen::MatrixXd a = jtj;
      a.diagonal() += lambda * jtj.diagonal().cwiseMax(1e-12);
      step = -a.ldlt().solve(gradient);
      // Keep each update within a factor e of the current parameters.
      step = step.cwiseMax(-1.0).cwiseMin(1.0);
      const Eigen::VectorXd trial = theta + step;
      const std::optional<Eigen::VectorXd> v = problem.Simulate(trial);
      if (v && (*v - measured).squaredNorm() < cost) {
        theta = trial;
        values = v;
        cost = (*v - measured).squaredNorm();
        lambda = std::max(lambda / 3, 1e-9);
        improved = true;
        break;
      }
      lambda *= 4;
    }
    progress->Update({"fit", static_cast<double>(iteration + 1) / options.max_iterations,
                      "rms residual " + std::to_string(std::sqrt(cost / m)) + " T"});
    if (!improved || step.cwiseAbs().maxCoeff() < options.tolerance) {
      fit.converged = true;
      fit.message =
          improved ? "parameter change below tolerance" : "no further decrease of the residual";
      break;
    }
    ok = jacobian_at(theta, *values, jac);
  }
  if (!ok) fit.message = "a simulation failed while estimating the Jacobian";
  if (ok && !fit.converged) fit.message = "max_iterations reached";

  fit.fitted = problem.Apply(theta);
  fit.values.push_back(fit.fitted.material.jc0_a_per_m2);
  if (options.fit_b0) fit.values.push_back(fit.fitted.material.b0_t);
  if (options.fit_n) fit.values.push_back(fit.fitted.material.n);
  for (Eigen::Index k = 0; k < m; ++k) {
    fit.simulated_t.push_back((*values)(k));
    fit.residuals_t.push_back((*values)(k)-measured(k));
  }
  fit.rms_residual_t = std::sqrt(cost / static_cast<double>(m));
  // Sensitivities at the fit: d Bz / d log p -> d Bz / d p (n through log(n - 1)).
  if (ok && jacobian_at(theta, *values, jac)) {
    for (Eigen::Index k = 0; k < m; ++k) {
      std::vector<double> row, elasticity_row;
      for (Eigen::Index q = 0; q < p; ++q) {
        const double value = fit.values[q];
        const double dlog = fit.parameters[q] == "n" ? value - 1 : value;  // dp / dlog(.)
        row.push_back(jac(k, q) / dlog);
        elasticity_row.push_back(jac(k, q) / dlog * value / (*values)(k));
      }
      fit.sensitivity.push_back(row);
      fit.elasticity.push_back(elasticity_row);
    }
  }
  fit.num_runs = problem.num_runs;
  return fit;
}

nlohmann::json ToJson(const FitResult& fit) {
  nlohmann::json parameters = nlohmann::json::object();
  for (std::size_t q = 0; q < fit.parameters.size(); ++q) {
    parameters[fit.parameters[q]] = fit.values[q];
  }
  return {{"parameters", parameters},
          {"simulated", fit.simulated_t},
          {"residuals", fit.residuals_t},
          {"rms_residual", fit.rms_residual_t},
          {"sensitivity", fit.sensitivity},
          {"elasticity", fit.elasticity},
          {"parameter_names", fit.parameters},
          {"converged", fit.converged},
          {"num_iterations", fit.num_iterations},
          {"num_runs", fit.num_runs},
          {"message", fit.message},
          {"units", {{"jc0", "A/m^2"}, {"b0", "T"}, {"n", "1"}, {"simulated", "T"}}},
          {"fitted_spec", ToJson(fit.fitted)}};
}

}  // namespace kyoso::sim::magnet
