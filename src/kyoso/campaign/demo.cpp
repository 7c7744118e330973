// The demo campaign of demo.h.
#include "kyoso/campaign/demo.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "kyoso/base/error.h"
#include "kyoso/campaign/virtual_lab.h"

namespace kyoso::campaign {
namespace {

constexpr const char* kLabName = "virtual-lab (simulated)";

struct Schedule {
  double rate = 50;
  double temp = 600;
  double hold = 5;
  auto Key() const { return std::make_tuple(rate, temp, hold); }
};

Schedule FromParams(const nlohmann::json& params) {
  return {params.at("heating_rate").get<double>(), params.at("max_temp").get<double>(),
          params.at("hold_time").get<double>()};
}

// The best measured schedule of the campaign so far (researchers read the engine's data too).
Schedule BestSoFar(store::Store& store, const Campaign& campaign) {
  const std::vector<store::Experiment> best = Best(store, campaign, "", 1);
  if (best.empty()) return {};
  return FromParams(best.front().params);
}

// The scripted researcher loop: what a team with a furnace does by experience, in coarse steps.
//   round 1: temperature scan 500..700 degC in 50 degC steps at 50 degC/min, 5 min hold;
//   round 2: hold-time scan (2, 10, 20 min) at the best temperature so far;
//   round 3: heating-rate scan (25, 100 degC/min) at the best temperature and hold;
//   round 4+: +-25 degC around the best, then +-12 degC, ... (halving the step each round).
std::vector<Schedule> ResearcherRound(int round, const Schedule& best, std::string& rationale) {
  std::vector<Schedule> plan;
  if (round == 1) {
    rationale = "temperature scan in 50 degC steps at 50 degC/min, 5 min hold";
    for (double t = 500; t <= 700; t += 50) plan.push_back({50, t, 5});
  } else if (round == 2) {
    rationale = "hold-time scan at the best temperature so far";
    for (double h : {2.0, 10.0, 20.0}) plan.push_back({best.rate, best.temp, h});
  } else if (round == 3) {
    rationale = "heating-rate scan at the best temperature and hold so far";
    for (double r : {25.0, 100.0}) plan.push_back({r, best.temp, best.hold});
  } else {
    const double step = std::max(1.0, std::floor(50.0 / std::pow(2.0, round - 3)));
    rationale = "refine temperature by +-" + std::to_string(static_cast<int>(step)) +
                " degC around the best so far";
    for (double sign : {-1.0, 1.0}) {
      plan.push_back({best.rate, std::clamp(best.temp + sign * step, 500.0, 700.0), best.hold});
    }
  }
  return plan;
}

}  // namespace

nlohmann::json Ba122Spec(const std::string& name) {
  return {
      {"name", name},
      {"description",
       "K-doped Ba122 bulk by spark-plasma sintering: maximize the critical current density"},
      {"parameters",
       {{{"name", "heating_rate"},
         {"type", "continuous"},
         {"low", 10},
         {"high", 100},
         {"unit", "degC/min"}},
        {{"name", "max_temp"},
         {"type", "discrete"},
         {"low", 500},
         {"high", 700},
         {"step", 1},
         {"unit", "degC"}},
        {{"name", "hold_time"},
         {"type", "continuous"},
         {"low", 1},
         {"high", 60},
         {"scale", "log"},
         {"unit", "min"}}}},
      {"objectives",
       {{{"name", "jc"}, {"direction", "maximize"}, {"unit", "A/cm^2"}, {"scale", "log"}}}},
  };
}

std::vector<std::string> DemoOptions::Validate() const {
  std::vector<std::string> problems;
  if (rounds < 1 || rounds > 20) problems.push_back("rounds must be in [1, 20]");
  if (engine_batch < 1 || engine_batch > 10) problems.push_back("engine batch must be in [1, 10]");
  if (!(noise_relative_stddev >= 0 && noise_relative_stddev <= 0.5)) {
    problems.push_back("noise must be in [0, 0.5]");
  }
  if (researcher.empty()) problems.push_back("researcher name must not be empty");
  return problems;
}

DemoResult RunDemo(store::Store& store, const DemoOptions& options, ProgressSink* progress) {
  {
    IssueList issues;
    for (const std::string& p : options.Validate()) issues.Add("", "demo.options", p);
    issues.ThrowIfAny();
  }
  DemoResult result;
  VirtualSpsLab lab({.noise_relative_stddev = options.noise_relative_stddev, .seed = options.seed});
  // Coarse grid maximum of the noiseless lab, for context in the demo's output.
  for (double rate = 10; rate <= 100; rate += 5) {
    for (double temp = 500; temp <= 700; temp += 2) {
      for (int k = 0; k <= 30; ++k) {
        const double hold = std::exp(std::log(60.0) * k / 30.0);
        result.lab_max_jc = std::max(result.lab_max_jc, lab.TrueJc({rate, temp, hold}));
      }
    }
  }
  result.campaign = Init(store, Ba122Spec(options.campaign_name), options.researcher);
  const Campaign& campaign = result.campaign;
  const int total = options.rounds * (5 + options.engine_batch);  // approximate, for the bar
  int done = 0;
  const auto report = [&](const DemoStep& step) {
    if (progress == nullptr) return;
    progress->Update(
        {"demo", std::min(1.0, static_cast<double>(done) / total),
         "round " + std::to_string(step.round) + " " + step.loop + " #" + std::to_string(step.id)});
  };
  const auto run = [&](const store::Experiment& e, int round, const std::string& loop) {
    const Schedule s = FromParams(e.params);
    Start(store, campaign, e.id, kLabName);
    DemoStep step;
    step.round = round;
    step.loop = loop;
    step.id = e.id;
    step.params = e.params;
    step.rationale = e.rationale;
    step.jc = lab.Measure({s.rate, s.temp, s.hold});
    store::Measurement m;
    m.value = step.jc;
    m.by = kLabName;
    RecordResults(store, campaign, e.id, {{"jc", m}}, kLabName);
    ++done;
    report(step);
    result.steps.push_back(step);
  };
  std::set<std::tuple<double, double, double>> tried;
  for (int round = 1; round <= options.rounds; ++round) {
    // Researchers: propose their round (each proposal gets the model's prediction), run it.
    std::string rationale;
    for (const Schedule& s : ResearcherRound(round, BestSoFar(store, campaign), rationale)) {
      if (!tried.insert(s.Key()).second) continue;
      Proposal proposal;
      proposal.params = {{"heating_rate", s.rate}, {"max_temp", s.temp}, {"hold_time", s.hold}};
      proposal.by = options.researcher;
      proposal.rationale = rationale;
      run(AddProposal(store, campaign, proposal).experiment, round, "researchers");
    }
    // Engine: one batch on everything measured so far.
    SuggestRequest request;
    request.batch_size = options.engine_batch;
    request.seed = options.seed + static_cast<std::uint64_t>(round);
    for (const store::Experiment& e : Suggest(store, campaign, request).experiments) {
      const Schedule s = FromParams(e.params);
      tried.insert(s.Key());
      run(e, round, "engine");
    }
  }
  result.comparison = Compare(campaign.spec, List(store, campaign));
  return result;
}

}  // namespace kyoso::campaign
