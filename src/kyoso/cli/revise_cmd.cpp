// `kyoso revise ID --set name=value ... [--note TEXT] [--by NAME]`: edits a proposed experiment
// before it is run (campaign::Revise): the changed conditions become the researcher's proposal and
// the original is withdrawn with a reason naming its replacement.
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddReviseCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::int64_t id = 0;
    std::vector<std::string> sets;
    std::string note;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand(
      "revise", "Change a proposed experiment before running it (the original is withdrawn)");
  AddCampaignOptions(*verb, args->options);
  verb->add_option("ID", args->id, "Experiment id (status proposed)")->required();
  verb->add_option("--set", args->sets, "Changed parameter, name=value (repeat)")->required();
  verb->add_option("--note", args->note, "Why (rationale of the new proposal)");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      campaign::Proposal changes;
      for (std::size_t i = 0; i < args->sets.size(); ++i) {
        auto [name, value] =
            campaign::ParseAssignment(args->sets[i], "--set[" + std::to_string(i) + "]");
        changes.params[name] = value;
      }
      changes.by = WhoOrUser(args->options.by);
      changes.rationale = args->note;
      const campaign::ReviseOutcome outcome = campaign::Revise(*db, c, args->id, changes);
      if (args->options.common.json) {
        nlohmann::json warnings = nlohmann::json::array();
        for (const Issue& w : outcome.warnings) {
          warnings.push_back({{"path", w.path}, {"code", w.code}, {"message", w.message}});
        }
        PrintJson({{"experiment", campaign::ExperimentJson(outcome.experiment)},
                   {"replaces", campaign::ExperimentJson(outcome.replaces)},
                   {"warnings", warnings}});
        return;
      }
      for (const Issue& w : outcome.warnings) {
        std::cerr << "warning[" << w.code << "]: " << w.message << std::endl;
      }
      std::cout << "added " << DescribeExperiment(c.spec, outcome.experiment) << std::endl
                << "withdrew " << DescribeExperiment(c.spec, outcome.replaces) << std::endl;
    });
  });
}

}  // namespace kyoso::cli
