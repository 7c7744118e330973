// `kyoso list`: the campaign's experiments (optionally filtered), ordered by id.
#include <iostream>
#include <memory>

#include "kyoso/base/error.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddListCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::vector<std::string> statuses;
    std::string source;
    std::string proposer;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("list", "List the experiments of a campaign");
  AddCampaignOptions(*verb, args->options, false);
  verb->add_option("--status", args->statuses,
                   "Only these statuses: " + store::StatusNames() + " (repeat)");
  verb->add_option("--source", args->source, "Only this source: " + store::SourceNames());
  verb->add_option("--proposer", args->proposer, "Only this proposer");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      store::ExperimentFilter filter;
      for (const std::string& s : args->statuses) {
        const std::optional<store::Status> status = store::ParseStatus(s);
        if (!status) {
          throw InputError("--status", "cli.bad_option",
                           "'" + s + "' is not one of " + store::StatusNames());
        }
        filter.statuses.push_back(*status);
      }
      if (!args->source.empty()) {
        filter.source = store::ParseSource(args->source);
        if (!filter.source) {
          throw InputError("--source", "cli.bad_option",
                           "'" + args->source + "' is not one of " + store::SourceNames());
        }
      }
      if (!args->proposer.empty()) filter.proposer = args->proposer;
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const std::vector<store::Experiment> all = campaign::List(*db, c, filter);
      if (args->options.common.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const store::Experiment& e : all) list.push_back(campaign::ExperimentJson(e));
        PrintJson({{"experiments", list}});
        return;
      }
      if (all.empty()) std::cout << "no experiments" << std::endl;
      for (const store::Experiment& e : all)
        std::cout << DescribeExperiment(c.spec, e) << std::endl;
    });
  });
}

}  // namespace kyoso::cli
