// `kyoso add --set name=value ... [--result obj=value ...] --by NAME [--note TEXT]`: records a
// researcher's proposal (or a finished experiment) with the model's prediction for it.
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddAddCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::vector<std::string> sets;
    std::vector<std::string> results;
    std::string note;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb =
      app.add_subcommand("add", "Record a researcher's proposal (or a finished experiment)");
  AddCommonOptions(*verb, args->options.common);
  verb->add_option("--campaign", args->options.campaign, "Campaign name");
  verb->add_option("--by", args->options.by, "The researcher proposing it")->required();
  verb->add_option("--set", args->sets, "Parameter value, name=value (repeat)")->required();
  verb->add_option("--result", args->results,
                   "Measured objective, obj=value or obj=value+-sigma (repeat)");
  verb->add_option("--note", args->note, "Rationale (free text)");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      campaign::Proposal proposal;
      for (std::size_t i = 0; i < args->sets.size(); ++i) {
        auto [name, value] =
            campaign::ParseAssignment(args->sets[i], "--set[" + std::to_string(i) + "]");
        proposal.params[name] = value;
      }
      proposal.results = campaign::ParseResults(c.spec, args->results, args->options.by);
      proposal.by = args->options.by;
      proposal.rationale = args->note;
      const campaign::AddOutcome outcome = campaign::AddProposal(*db, c, proposal);
      if (args->options.common.json) {
        nlohmann::json warnings = nlohmann::json::array();
        for (const Issue& w : outcome.warnings) {
          warnings.push_back({{"path", w.path}, {"code", w.code}, {"message", w.message}});
        }
        PrintJson(
            {{"experiment", campaign::ExperimentJson(outcome.experiment)}, {"warnings", warnings}});
        return;
      }
      for (const Issue& w : outcome.warnings) {
        std::cerr << "warning[" << w.code << "]: " << w.message << std::endl;
      }
      std::cout << "added " << DescribeExperiment(c.spec, outcome.experiment) << std::endl;
    });
  });
}

}  // namespace kyoso::cli
