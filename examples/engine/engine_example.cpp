//                    kyoso engine example: a short Bayesian-optimization loop
//
// Compile with: cmake --build build/release --target engine_example
//
// Sample run:   build/release/examples/engine/engine_example
//               (or `make demo`; output below is from seed 7, the default)
//
//               Its first and last lines (Release build, Debian 12, GCC 12; the exact numbers
//               move when the GP fitting changes, the shape of the run does not):
//                 kyoso engine example: constrained Ba122-like SPS problem (synthetic Jc, seed 7)
//                 round 0 (initial_design): 4 experiment(s)
//                 ...
//                 round 9 (converged): 2 experiment(s), one furnace
//                   heating_rate = 10 degC/min, max_temp = 630 degC, hold_time = 14.439 min -> ...
//                   heating_rate = 16.6502 degC/min, max_temp = 630 degC, hold_time = 14.439 min -> ...
//                   incumbent: Jc = 1.41e+05 A/cm^2 at heating_rate = 65.5155 degC/min, ...
//                 best of 22 experiments: 94.0% of the surface's maximum 1.5e5 A/cm^2
//               Another seed: build/release/examples/engine/engine_example 3
//
// Description:  A campaign in miniature. Three spark-plasma-sintering parameters of a Ba122-like
//               bulk (heating rate, peak temperature on a 5 degC grid, hold time on a log scale)
//               with two constraints written as text, and a synthetic critical-current-density
//               surface standing in for the furnace and the magnetometer. Each round asks
//               kyoso::optimize::Suggest for experiments (a space-filling design first, then GP
//               + expected improvement with local-penalization batches of two), "measures" them
//               and prints the incumbent. The last round is a one-furnace batch: both samples
//               share the peak temperature and hold time, only the heating-rate die differs.
//               See docs/methods/optimize.md and docs/methods/space.md.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/optimize/suggest.h"
#include "kyoso/space/space.h"

namespace {

// Synthetic Jc in A/cm^2 (a smooth bump with its maximum 1.5e5 at 40 degC/min, 640 degC, 15 min).
double SyntheticJc(const std::vector<double>& x) {
  const double rate = x[0], temp = x[1], hold = x[2];
  const double t = (temp - 640.0) / 45.0;
  const double h = std::log(hold / 15.0);
  const double r = (rate - 40.0) / 60.0;
  return 1.5e5 * std::exp(-t * t) * std::exp(-h * h / 1.2) * (1.0 - 0.25 * r * r);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 7;

  // 1. The search space, parsed from the campaign spec format (docs, DESIGN.md).
  const auto spec = nlohmann::json::parse(R"({
    "parameters": [
      {"name": "heating_rate", "type": "continuous", "low": 10, "high": 100, "unit": "degC/min"},
      {"name": "max_temp", "type": "discrete", "low": 500, "high": 700, "step": 5, "unit": "degC"},
      {"name": "hold_time", "type": "continuous", "low": 1, "high": 60, "unit": "min",
       "scale": "log"}
    ],
    "constraints": ["max_temp - 20*hold_time <= 600", "heating_rate * hold_time >= 100"]
  })");
  const kyoso::space::Space space =
      kyoso::space::Space::FromJson(spec["parameters"], spec["constraints"]);

  // 2. The loop: suggest, measure, record. The previous model warm-starts the next fit.
  std::vector<kyoso::optimize::Observation> observations;
  nlohmann::json warm_start;
  const int num_rounds = 10;
  std::printf(
      "kyoso engine example: constrained Ba122-like SPS problem (synthetic Jc, seed %llu)\n",
      static_cast<unsigned long long>(seed));
  for (int round = 0; round < num_rounds; ++round) {
    kyoso::optimize::SuggestOptions options;
    options.batch_size = round == 0 ? 4 : 2;
    options.num_initial = 4;
    options.seed = seed * 100 + static_cast<std::uint64_t>(round);
    options.warm_start = warm_start;
    if (round == num_rounds - 1) options.shared = {"max_temp", "hold_time"};  // one furnace run
    const kyoso::optimize::SuggestResult result =
        kyoso::optimize::Suggest(space, observations, {}, options);
    std::printf("round %d (%s): %zu experiment(s)%s\n", round, result.summary.termination.c_str(),
                result.points.size(), options.shared.empty() ? "" : ", one furnace");
    for (const auto& point : result.points) {
      const double jc = SyntheticJc(point.params);
      observations.push_back({point.params, jc});
      if (std::isnan(point.mean)) {
        std::printf("  %s -> Jc = %.4g A/cm^2\n", space.Format(point.params).c_str(), jc);
      } else {
        std::printf("  %s -> Jc = %.4g A/cm^2 (predicted %.4g +- %.2g)\n",
                    space.Format(point.params).c_str(), jc, point.mean, point.stddev);
      }
    }
    if (!result.summary.model.is_null()) warm_start = result.summary.model;
    // 3. The incumbent: the best measured experiment so far.
    const kyoso::optimize::Observation* best = &observations.front();
    for (const auto& o : observations) {
      if (o.value > best->value) best = &o;
    }
    std::printf("  incumbent: Jc = %.4g A/cm^2 at %s\n", best->value,
                space.Format(best->params).c_str());
  }
  double best = 0;
  for (const auto& o : observations) best = std::max(best, o.value);
  std::printf("best of %zu experiments: %.1f%% of the surface's maximum 1.5e5 A/cm^2\n",
              observations.size(), 100.0 * best / 1.5e5);
  return 0;
}
