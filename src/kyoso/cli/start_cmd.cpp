// `kyoso start ID`: proposed -> running.
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddStartCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::int64_t id = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("start", "Mark an experiment as running");
  AddCampaignOptions(*verb, args->options);
  verb->add_option("ID", args->id, "Experiment id")->required();
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const store::Experiment e = campaign::Start(*db, c, args->id, WhoOrUser(args->options.by));
      if (args->options.common.json) {
        PrintJson({{"experiment", campaign::ExperimentJson(e)}});
      } else {
        std::cout << "started " << DescribeExperiment(c.spec, e) << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
