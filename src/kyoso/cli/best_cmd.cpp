// `kyoso best`: the best measured experiment(s) of an objective.
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddBestCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::string objective;
    int top = 1;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("best", "Show the best measured experiment(s)");
  AddCampaignOptions(*verb, args->options, false);
  verb->add_option("--objective", args->objective, "Objective (default: the first)");
  verb->add_option("--top", args->top, "How many, best first")->capture_default_str();
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const std::string objective =
          args->objective.empty() ? c.spec.primary().name : args->objective;
      const std::vector<store::Experiment> best =
          campaign::Best(*db, c, objective, std::max(1, args->top));
      if (args->options.common.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const store::Experiment& e : best) list.push_back(campaign::ExperimentJson(e));
        PrintJson({{"objective", objective},
                   {"experiment", best.empty() ? nlohmann::json(nullptr) : list.front()},
                   {"experiments", list}});
        return;
      }
      if (best.empty()) std::cout << "nothing measured yet" << std::endl;
      for (const store::Experiment& e : best)
        std::cout << DescribeExperiment(c.spec, e) << std::endl;
    });
  });
}

}  // namespace kyoso::cli
