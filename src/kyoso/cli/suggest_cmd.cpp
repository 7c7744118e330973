// `kyoso suggest`: asks the engine for the next batch and stores it (source engine, predictions).
#include <iostream>
#include <memory>
#include <sstream>

#include "kyoso/base/error.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddSuggestCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    int batch = 1;
    std::string acquisition = "ei";
    std::string local_search = "alternate";
    std::string batch_policy = "believer";
    std::string shared;
    std::uint64_t seed = 0;
    CLI::Option* seed_option = nullptr;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("suggest", "Ask the engine for the next experiments");
  AddCampaignOptions(*verb, args->options, false);
  verb->add_option("--batch,-q", args->batch, "Number of experiments (q)")->capture_default_str();
  verb->add_option("--acquisition", args->acquisition, "ei, ucb or pi")->capture_default_str();
  verb->add_option("--local-search", args->local_search,
                   "alternate (global and trust-region steps), off (global only) or trust_region")
      ->capture_default_str();
  verb->add_option("--batch-policy", args->batch_policy,
                   "believer (kriging believer) or penalization (local penalization, as BOXVIA)")
      ->capture_default_str();
  verb->add_option("--shared", args->shared,
                   "Comma-separated parameters identical across the batch (one furnace run)");
  args->seed_option =
      verb->add_option("--seed", args->seed, "Seed (default: derived from the database state)");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      campaign::SuggestRequest request;
      request.batch_size = args->batch;
      const std::optional<optimize::AcquisitionKind> kind =
          optimize::ParseAcquisitionKind(args->acquisition);
      if (!kind) {
        throw InputError("--acquisition", "cli.bad_option",
                         "'" + args->acquisition + "' is not one of ei, ucb, pi");
      }
      request.acquisition = *kind;
      const std::optional<optimize::LocalSearch> local =
          optimize::ParseLocalSearch(args->local_search);
      if (!local) {
        throw InputError("--local-search", "cli.bad_option",
                         "'" + args->local_search + "' is not one of alternate, off, trust_region");
      }
      request.local_search = *local;
      const std::optional<optimize::BatchPolicy> policy =
          optimize::ParseBatchPolicy(args->batch_policy);
      if (!policy) {
        throw InputError("--batch-policy", "cli.bad_option",
                         "'" + args->batch_policy + "' is not one of believer, penalization");
      }
      request.batch_policy = *policy;
      std::stringstream shared(args->shared);
      for (std::string name; std::getline(shared, name, ',');) {
        if (!name.empty()) request.shared.push_back(name);
      }
      if (args->seed_option->count() > 0) request.seed = args->seed;
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      TerminalProgress progress(!args->options.common.json);
      const campaign::SuggestOutcome outcome = campaign::Suggest(*db, c, request, &progress);
      if (args->options.common.json) {
        nlohmann::json experiments = nlohmann::json::array();
        for (const store::Experiment& e : outcome.experiments) {
          experiments.push_back(campaign::ExperimentJson(e));
        }
        PrintJson({{"experiments", experiments},
                   {"summary", outcome.summary.ToJson()},
                   {"batch_id",
                    outcome.batch_id ? nlohmann::json(*outcome.batch_id) : nlohmann::json(nullptr)},
                   {"seed", outcome.seed},
                   {"observations", outcome.num_observations},
                   {"pending", outcome.num_pending}});
        return;
      }
      std::cout << "engine (" << outcome.summary.termination << ", " << outcome.num_observations
                << " observations, " << outcome.num_pending << " pending, seed " << outcome.seed
                << "):" << std::endl;
      for (const store::Experiment& e : outcome.experiments) {
        std::cout << "  " << DescribeExperiment(e) << std::endl;
      }
      for (const std::string& w : outcome.summary.warnings) {
        std::cout << "  warning: " << w << std::endl;
      }
      if (outcome.experiments.empty()) {
        std::cout << "  no suggestion: " << outcome.summary.message << std::endl;
      } else {
        std::cout << "next: kyoso start ID, then kyoso result ID " << c.spec.primary().name
                  << "=VALUE" << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
