// The kyoso side of the regret benchmark (bench/peers/): runs the engine through its front door,
// kyoso::optimize::Suggest, on the test problems of problems.h from the same 5-point initial design
// per seed as the peers, sequentially (--batch 1) or in batches (--batch 4: the same number of
// evaluations, q points per Suggest call, the last call taking what remains), and writes the traces
// in the JSON format of bench/peers/peers.py for compare.py. Not a test: it judges nothing itself.
//
//   bo_regret --problem hartmann6 --seeds 0-9 --budget 100 --batch 1 --out DIR
//     -> DIR/kyoso-q1_hartmann6_s0-9.json (compare.py merges files of one method and problem)
//
// Optional engine settings for ablations (defaults = SuggestOptions defaults): --local-search
// off|trust_region|alternate, --incumbent best_observed|best_mean, --incumbent-candidates N,
// --tr-min-length L, --tr-local-points N, --batch-policy penalization|believer,
// --noiseless 0|1, --output-warping none|yeo_johnson, --mean gls|sample; --tag T appends T to the
// method name (kyoso-q1T) so variants can share DIR.
// --trace-models 1 records each call's fitted global model (summary.model: length scales, signal
// and noise variances, output scaling) in the run's "models" array, for diagnosing a run.
// --noise-sd S adds Gaussian noise of standard deviation S (objective units; seeded per run) to
// every observed value, as in a lab; the regret is then that of the best evaluated point by its
// TRUE value ("true_values" holds them). Peers have no such flag: noisy runs are ablations.
// Each run records the trust-region side length per call ("trust_region_lengths").
//
// Each Suggest call gets a seed derived from (run seed, call index) and the previous call's fitted
// hyperparameters as warm start, as the campaign use case does. CPU seconds are process CPU time
// (all threads) around the Suggest call. A call that returns no point ends the run early; the
// trace is then padded with its last best value and the reason is recorded ("stopped").
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/base/rng.h"
#include "kyoso/optimize/suggest.h"
#include "kyoso/space/space.h"
#include "problems.h"

namespace {

namespace opt = kyoso::optimize;
namespace sp = kyoso::space;
using kyoso::bench::Problem;

constexpr int kNumInitial = 5;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double WallSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::vector<std::uint64_t> ParseSeeds(const std::string& text) {
  std::vector<std::uint64_t> seeds;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    if (dash == std::string::npos) {
      seeds.push_back(std::stoull(part));
    } else {
      const std::uint64_t lo = std::stoull(part.substr(0, dash));
      const std::uint64_t hi = std::stoull(part.substr(dash + 1));
      for (std::uint64_t s = lo; s <= hi; ++s) seeds.push_back(s);
    }
    start = comma + 1;
  }
  return seeds;
}

sp::Space MakeSpace(const Problem& problem) {
  std::vector<sp::Parameter> params;
  for (std::size_t j = 0; j < problem.Dim(); ++j) {
    sp::Parameter p;
    p.name = "x" + std::to_string(j + 1);
    p.kind = sp::ParameterKind::kContinuous;
    p.low = problem.lower[j];
    p.high = problem.upper[j];
    params.push_back(p);
  }
  return sp::Space::Create(params, {});
}

nlohmann::json RunSeed(const Problem& problem, const sp::Space& space, std::uint64_t seed,
                       int budget, int batch, const opt::SuggestOptions& base, bool trace_models,
                       double noise_sd) {
  std::vector<opt::Observation> observations;
  std::vector<double> values;       // as observed (with noise when noise_sd > 0)
  std::vector<double> true_values;  // the noiseless objective at the same points
  kyoso::Rng noise(seed * 7919ULL + 17ULL);
  auto observe = [&](const std::vector<double>& x) {
    const double truth = problem.fn(x);
    const double value = noise_sd > 0 ? truth + noise_sd * noise.Normal() : truth;
    observations.push_back({x, value});
    values.push_back(value);
    true_values.push_back(truth);
  };
  for (const auto& x : kyoso::bench::InitialDesign(problem, seed, kNumInitial)) observe(x);
  std::vector<double> cpu_seconds;
  std::vector<double> wall_seconds;
  std::vector<int> points_per_call;
  std::vector<double> region_lengths;  // trust-region side length per call (0: none)
  std::vector<std::string> warnings;
  nlohmann::json models = nlohmann::json::array();  // --trace-models: the fitted model per call
  std::string stopped;
  nlohmann::json warm_start;
  for (std::uint64_t call = 0; static_cast<int>(values.size()) < budget; ++call) {
    opt::SuggestOptions options = base;
    options.batch_size = std::min(batch, budget - static_cast<int>(values.size()));
    options.direction = opt::Direction::kMinimize;
    options.num_initial = kNumInitial;
    options.seed = seed * 1000003ULL + call;
    options.warm_start = warm_start;
    const double cpu0 = CpuSeconds();
    const double wall0 = WallSeconds();
    const opt::SuggestResult result = opt::Suggest(space, observations, {}, options);
    cpu_seconds.push_back(CpuSeconds() - cpu0);
    wall_seconds.push_back(WallSeconds() - wall0);
    points_per_call.push_back(static_cast<int>(result.points.size()));
    const nlohmann::json& region = result.summary.used.value("local_search", nlohmann::json());
    region_lengths.push_back(region.contains("state") ? region["state"].value("length", 0.0) : 0.0);
    for (const auto& w : result.summary.warnings) {
      if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
    }
    if (result.points.empty()) {
      stopped = result.summary.termination + ": " + result.summary.message;
      break;
    }
    warm_start = result.summary.model;
    if (trace_models) models.push_back(result.summary.model);
    for (const auto& point : result.points) observe(point.params);
  }
  // Regret of the best evaluated point by its true value (= by its observed value without noise).
  std::vector<double> best(true_values.size());
  std::partial_sum(true_values.begin(), true_values.end(), best.begin(),
                   [](double a, double b) { return std::min(a, b); });
  while (static_cast<int>(best.size()) < budget) best.push_back(best.back());
  nlohmann::json run = {{"seed", seed},
                        {"values", values},
                        {"best_so_far", best},
                        {"suggest_cpu_seconds", cpu_seconds},
                        {"suggest_wall_seconds", wall_seconds},
                        {"points_per_call", points_per_call},
                        {"trust_region_lengths", region_lengths},
                        {"warnings", warnings}};
  if (!stopped.empty()) run["stopped"] = stopped;
  if (trace_models) run["models"] = models;
  if (noise_sd > 0) {
    run["noise_sd"] = noise_sd;
    run["true_values"] = true_values;
  }
  std::fprintf(stderr, "kyoso-q%d %s seed %llu: regret %.3g after %d (%.4f s CPU per call)%s\n",
               batch, problem.name.c_str(), static_cast<unsigned long long>(seed),
               best.back() - problem.optimum, budget,
               cpu_seconds.empty() ? 0.0
                                   : std::accumulate(cpu_seconds.begin(), cpu_seconds.end(), 0.0) /
                                         static_cast<double>(cpu_seconds.size()),
               stopped.empty() ? "" : (" stopped: " + stopped).c_str());
  return run;
}

int Usage(const char* message) {
  std::fprintf(
      stderr,
      "bo_regret: %s\nusage: bo_regret --problem NAME --seeds 0-9 --budget 100 "
      "--batch 1 --out DIR [--local-search MODE] [--incumbent KIND] [--incumbent-candidates N]\n"
      "       [--tr-min-length L] [--tr-local-points N] [--batch-policy P] [--noiseless 0|1]\n"
      "       [--output-warping none|yeo_johnson] [--mean gls|sample]\n"
      "       [--tag T] [--trace-models 0|1] [--noise-sd S]\n",
      message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string problem_name;
  std::string seeds_text = "0-9";
  std::string out_dir;
  int budget = 100;
  int batch = 1;
  std::string tag;
  bool trace_models = false;
  double noise_sd = 0.0;
  opt::SuggestOptions base;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return Usage(("missing value after " + arg).c_str());
    const std::string value = argv[++i];
    try {
      if (arg == "--problem") {
        problem_name = value;
      } else if (arg == "--seeds") {
        seeds_text = value;
      } else if (arg == "--budget") {
        budget = std::stoi(value);
      } else if (arg == "--batch") {
        batch = std::stoi(value);
      } else if (arg == "--out") {
        out_dir = value;
      } else if (arg == "--local-search") {
        const auto mode = opt::ParseLocalSearch(value);
        if (!mode) return Usage("--local-search must be off, trust_region or alternate");
        base.local_search = *mode;
      } else if (arg == "--incumbent") {
        const auto incumbent = opt::ParseIncumbent(value);
        if (!incumbent) return Usage("--incumbent must be best_observed or best_mean");
        base.incumbent = *incumbent;
      } else if (arg == "--incumbent-candidates") {
        base.num_incumbent_candidates = std::stoi(value);
      } else if (arg == "--tr-local-points") {
        base.trust_region.min_local_points = std::stoi(value);
      } else if (arg == "--tr-min-length") {
        base.trust_region.min_length = std::stod(value);
      } else if (arg == "--batch-policy") {
        const auto policy = opt::ParseBatchPolicy(value);
        if (!policy) return Usage("--batch-policy must be penalization or believer");
        base.batch_policy = *policy;
      } else if (arg == "--noiseless") {
        base.noiseless = value == "1";
      } else if (arg == "--output-warping") {
        const auto warping = opt::ParseOutputWarping(value);
        if (!warping) return Usage("--output-warping must be none or yeo_johnson");
        base.output_warping = *warping;
      } else if (arg == "--mean") {
        if (value != "gls" && value != "sample") return Usage("--mean must be gls or sample");
        base.estimate_mean = value == "gls";
      } else if (arg == "--noise-sd") {
        noise_sd = std::stod(value);
        if (!(noise_sd >= 0)) return Usage("--noise-sd must be >= 0");
      } else if (arg == "--trace-models") {
        trace_models = value == "1";
      } else if (arg == "--tag") {
        tag = value;
      } else {
        return Usage(("unknown argument " + arg).c_str());
      }
    } catch (const std::exception&) {
      return Usage(("bad value for " + arg + ": " + value).c_str());
    }
  }
  const auto problems = kyoso::bench::AllProblems();
  const auto it = std::find_if(problems.begin(), problems.end(),
                               [&](const Problem& p) { return p.name == problem_name; });
  if (it == problems.end()) return Usage("--problem must be branin, hartmann3, hartmann6, ackley5");
  if (budget <= kNumInitial) return Usage("--budget must exceed the 5 initial points");
  if (batch < 1) return Usage("--batch must be >= 1");
  if (out_dir.empty()) return Usage("--out is required");
  std::vector<std::uint64_t> seeds;
  try {
    seeds = ParseSeeds(seeds_text);
  } catch (const std::exception&) {
    return Usage("--seeds must look like 0-9 or 0,3,5");
  }

  const std::string method = "kyoso-q" + std::to_string(batch) + tag;
  nlohmann::json doc = {{"method", method},           {"problem", it->name},
                        {"dim", it->Dim()},           {"optimum", it->optimum},
                        {"budget", budget},           {"batch_size", batch},
                        {"num_initial", kNumInitial}, {"runs", nlohmann::json::array()}};
  try {
    const sp::Space space = MakeSpace(*it);
    for (std::uint64_t seed : seeds)
      doc["runs"].push_back(RunSeed(*it, space, seed, budget, batch, base, trace_models, noise_sd));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bo_regret: %s\n", e.what());
    return 1;
  }
  std::string seeds_tag = seeds_text;
  std::replace(seeds_tag.begin(), seeds_tag.end(), ',', '+');
  const std::string path = out_dir + "/" + method + "_" + it->name + "_s" + seeds_tag + ".json";
  std::error_code ignored;  // a failure to create it shows as "cannot write" below
  std::filesystem::create_directories(out_dir, ignored);
  std::ofstream out(path);
  out << doc.dump() << "\n";
  if (!out) {
    std::fprintf(stderr, "bo_regret: cannot write %s\n", path.c_str());
    return 1;
  }
  return 0;
}
