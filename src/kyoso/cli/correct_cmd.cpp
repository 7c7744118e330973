// `kyoso correct ID obj=value --reason TEXT`: replaces a measurement; the old one stays in history.
#include <iostream>
#include <memory>

#include "kyoso/base/error.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddCorrectCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::int64_t id = 0;
    std::string value;
    std::string reason;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("correct", "Correct a measurement (reason required)");
  AddCampaignOptions(*verb, args->options);
  verb->add_option("ID", args->id, "Experiment id")->required();
  verb->add_option("VALUE", args->value, "obj=value or obj=value+-sigma")->required();
  verb->add_option("--reason", args->reason, "Why the measurement is corrected");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const std::string who = WhoOrUser(args->options.by);
      const auto results = campaign::ParseResults(c.spec, {args->value}, who);
      const auto& [objective, measurement] = *results.begin();
      const store::Experiment e =
          campaign::Correct(*db, c, args->id, objective, measurement, who, args->reason);
      if (args->options.common.json) {
        PrintJson({{"experiment", campaign::ExperimentJson(e)}});
      } else {
        std::cout << "corrected " << DescribeExperiment(c.spec, e) << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
