// `kyoso compare`: the researcher loop(s) and the engine loop side by side (compare.h).
#include <cstdio>
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/campaign/compare.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

// Prints the comparison as a table (shared with the demo verb).
void PrintComparison(const campaign::Comparison& comparison) {
  char overall[64] = "-";
  if (comparison.best) {
    std::snprintf(overall, sizeof overall, "%.4g (#%lld)", *comparison.best,
                  static_cast<long long>(*comparison.best_id));
  }
  std::printf("objective %s (%s): %d measured, best %s\n", comparison.objective.c_str(),
              campaign::ToString(comparison.direction).c_str(), comparison.num_measured, overall);
  std::printf("%-16s %5s %8s %12s %10s %9s %8s %8s\n", "loop", "exps", "measured", "best",
              "reached@", "improved", "mean z", "rms z");
  for (const campaign::LoopStats& loop : comparison.loops) {
    char best[32] = "-";
    char reached[32] = "-";
    if (loop.best) {
      std::snprintf(best, sizeof best, "%.4g", *loop.best);
      std::snprintf(reached, sizeof reached, "%d (#%d)", loop.best_campaign_n,
                    static_cast<int>(*loop.best_id));
    }
    char mean_z[16] = "-";
    char rms_z[16] = "-";
    if (loop.calibration.count > 0) {
      std::snprintf(mean_z, sizeof mean_z, "%.2f", loop.calibration.mean_z);
      std::snprintf(rms_z, sizeof rms_z, "%.2f", loop.calibration.rms_z);
    }
    std::printf("%-16s %5d %8d %12s %10s %8.0f%% %8s %8s\n", loop.label.c_str(),
                loop.num_experiments, loop.num_measured, best, reached, 100.0 * loop.improved_share,
                mean_z, rms_z);
  }
  std::printf(
      "reached@: measured experiment of the campaign (and id) at which the loop's best "
      "was reached;\nimproved: share of the loop's measurements that beat the campaign's "
      "best so far;\nz = (measured - predicted) / predicted stddev at proposal time.\n");
  std::fflush(stdout);
}

void AddCompareCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::string objective;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb =
      app.add_subcommand("compare", "Compare the researcher and engine loops side by side");
  AddCampaignOptions(*verb, args->options, false);
  verb->add_option("--objective", args->objective, "Objective (default: the first)");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const campaign::Comparison comparison =
          campaign::Compare(c.spec, campaign::List(*db, c), args->objective);
      if (args->options.common.json) {
        PrintJson(campaign::ToJson(comparison));
      } else {
        PrintComparison(comparison);
      }
    });
  });
}

}  // namespace kyoso::cli
