// `kyoso suggest`: asks the engine for the next batch and stores it (source engine, predictions).
#include <iostream>
#include <memory>
#include <sstream>

#include "kyoso/base/error.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {
namespace {

// The value of a word option, or an InputError naming the option and the words it takes.
template <typename Parse>
auto ParseChoice(const std::string& option, const std::string& text, Parse parse,
                 const std::string& choices) {
  const auto value = parse(text);
  if (!value) throw InputError(option, "cli.bad_option", "'" + text + "' is not one of " + choices);
  return *value;
}

}  // namespace

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
  verb->add_option(
      "--by", args->options.by,
      "Who asks for the batch (recorded in its rationale; the proposer is the engine)");
  verb->add_option("--batch,-q", args->batch,
                   "Number of experiments (q), 1.." + std::to_string(campaign::kMaxBatchSize))
      ->capture_default_str();
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
      if (const std::string problem = campaign::CheckBatchSize(args->batch); !problem.empty()) {
        throw InputError("--batch", "suggest.batch", problem);
      }
      campaign::SuggestRequest request;
      request.batch_size = args->batch;
      request.acquisition = ParseChoice("--acquisition", args->acquisition,
                                        optimize::ParseAcquisitionKind, "ei, ucb, pi");
      request.local_search =
          ParseChoice("--local-search", args->local_search, optimize::ParseLocalSearch,
                      "alternate, off, trust_region");
      request.batch_policy = ParseChoice("--batch-policy", args->batch_policy,
                                         optimize::ParseBatchPolicy, "believer, penalization");
      std::stringstream shared(args->shared);
      for (std::string name; std::getline(shared, name, ',');) {
        if (!name.empty()) request.shared.push_back(name);
      }
      if (args->seed_option->count() > 0) request.seed = args->seed;
      request.requested_by = args->options.by;
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      TerminalProgress progress(!args->options.common.json);
      CatchInterrupt();
      const campaign::SuggestOutcome outcome = campaign::Suggest(*db, c, request, &progress);
      if (outcome.summary.termination == "cancelled") {
        throw Error("cli.interrupted", "interrupted (Ctrl-C): no suggestion was stored");
      }
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
                   {"pending", outcome.num_pending},
                   // The HTTP API's names (docs/http-api.md), so scripts can switch.
                   {"num_observations", outcome.num_observations},
                   {"num_pending", outcome.num_pending}});
        return;
      }
      std::cout << "engine (" << outcome.summary.termination << ", " << outcome.num_observations
                << " observations, " << outcome.num_pending << " pending, seed " << outcome.seed
                << "):" << std::endl;
      for (const store::Experiment& e : outcome.experiments) {
        std::cout << "  " << DescribeExperiment(c.spec, e) << std::endl;
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
