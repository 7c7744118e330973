// `kyoso withdraw ID --reason TEXT`: proposed/running -> withdrawn; the reason is kept.
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddWithdrawCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::int64_t id = 0;
    std::string reason;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb =
      app.add_subcommand("withdraw", "Withdraw a proposed or running experiment (reason required)");
  AddCampaignOptions(*verb, args->options);
  verb->add_option("ID", args->id, "Experiment id")->required();
  verb->add_option("--reason", args->reason, "Why (kept in the record and its history)");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const store::Experiment e =
          campaign::Withdraw(*db, c, args->id, WhoOrUser(args->options.by), args->reason);
      if (args->options.common.json) {
        PrintJson({{"experiment", campaign::ExperimentJson(e)}});
      } else {
        std::cout << "withdrew " << DescribeExperiment(c.spec, e) << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
