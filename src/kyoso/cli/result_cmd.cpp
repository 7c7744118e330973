// `kyoso result ID obj=value ...`: records measurements (proposed/running -> done).
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddResultCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::int64_t id = 0;
    std::vector<std::string> values;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("result", "Record measured objectives of an experiment");
  AddCampaignOptions(*verb, args->options);
  verb->add_option("ID", args->id, "Experiment id")->required();
  verb->add_option("VALUES", args->values, "obj=value or obj=value+-sigma")->required();
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const std::string who = WhoOrUser(args->options.by);
      const store::Experiment e = campaign::RecordResults(
          *db, c, args->id, campaign::ParseResults(c.spec, args->values, who), who);
      if (args->options.common.json) {
        PrintJson({{"experiment", campaign::ExperimentJson(e)}});
      } else {
        std::cout << "recorded " << DescribeExperiment(c.spec, e) << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
