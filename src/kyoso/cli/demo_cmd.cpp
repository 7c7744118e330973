// `kyoso demo [--db PATH] [--rounds N] [--seed S]`: the Ba122 SPS campaign against a SIMULATED
// lab, researchers and engine taking turns on one database, then `compare` (campaign/demo.h).
#include <cstdio>
#include <iostream>
#include <memory>

#include "kyoso/base/error.h"
#include "kyoso/campaign/demo.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddDemoCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CommonOptions options;
    campaign::DemoOptions demo;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand(
      "demo", "Run the Ba122 spark-plasma-sintering demo campaign against a simulated lab");
  AddCommonOptions(*verb, args->options);
  verb->add_option("--rounds", args->demo.rounds, "Rounds of each loop")->capture_default_str();
  verb->add_option("--batch", args->demo.engine_batch, "Engine suggestions per round")
      ->capture_default_str();
  verb->add_option("--seed", args->demo.seed, "Seed of the simulated lab and the engine")
      ->capture_default_str();
  verb->add_option("--campaign", args->demo.campaign_name, "Name of the demo campaign")
      ->capture_default_str();
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options, [&]() {
      const bool text = !args->options.json;
      const std::string& db_path = args->options.db;
      auto db = OpenDatabase(args->options);
      // Refuse a second demo before printing its banner (RunDemo would refuse it too).
      if (db->FindCampaign(args->demo.campaign_name)) {
        throw Error("store.duplicate_campaign",
                    "a campaign named '" + args->demo.campaign_name + "' already exists in " +
                        db_path + "; use another --db (or delete the file) for a fresh demo");
      }
      if (text) {
        std::printf(
            "kyoso demo: Ba122 spark-plasma-sintering campaign, researchers and engine on one "
            "database.\n"
            "THE LAB IS SIMULATED: every Jc below comes from a synthetic model of sintering\n"
            "(docs/methods/virtual-lab.md) with 3%% noise, not from a furnace or a magnetometer.\n"
            "database: %s   campaign: %s   seed: %llu\n\n",
            db_path.c_str(), args->demo.campaign_name.c_str(),
            static_cast<unsigned long long>(args->demo.seed));
        std::fflush(stdout);
      }
      campaign::DemoResult result;
      {
        TerminalProgress progress(text);
        result = campaign::RunDemo(*db, args->demo, &progress);
      }
      if (!text) {
        nlohmann::json steps = nlohmann::json::array();
        for (const campaign::DemoStep& s : result.steps) {
          steps.push_back({{"round", s.round},
                           {"loop", s.loop},
                           {"id", s.id},
                           {"params", s.params},
                           {"jc", s.jc}});
        }
        PrintJson({{"simulated", true},
                   {"db", db_path},
                   {"campaign", result.campaign.spec.name},
                   {"lab_max_jc", result.lab_max_jc},
                   {"steps", steps},
                   {"compare", campaign::ToJson(result.comparison)}});
        return;
      }
      std::printf("%-5s %-11s %4s %14s %9s %9s %12s\n", "round", "loop", "id", "rate degC/min",
                  "T degC", "hold min", "Jc A/cm^2");
      for (const campaign::DemoStep& s : result.steps) {
        std::printf("%-5d %-11s %4lld %14.1f %9.0f %9.2f %12.4g\n", s.round, s.loop.c_str(),
                    static_cast<long long>(s.id), s.params["heating_rate"].get<double>(),
                    s.params["max_temp"].get<double>(), s.params["hold_time"].get<double>(), s.jc);
      }
      std::printf("\n(the simulated lab's noiseless maximum over the box is %.4g A/cm^2)\n\n",
                  result.lab_max_jc);
      PrintComparison(result.comparison);
      const std::string flag = "--db " + db_path;
      std::printf(
          "\nContinue by hand on the same database:\n"
          "  kyoso list %s                 # every experiment with source, proposer, prediction\n"
          "  kyoso suggest %s --batch 2    # ask the engine for the next two\n"
          "  kyoso add %s --by YOU --set heating_rate=50 --set max_temp=575 --set "
          "hold_time=10 --note \"my idea\"\n"
          "  kyoso start %s ID; kyoso result %s ID jc=VALUE\n"
          "  kyoso compare %s\n"
          "Or in the browser (tables, suggestions, model views, compare):\n"
          "  kyoso serve %s          # then open the http://127.0.0.1:8050/?token=... URL it "
          "prints\n",
          flag.c_str(), flag.c_str(), flag.c_str(), flag.c_str(), flag.c_str(), flag.c_str(),
          flag.c_str());
      std::fflush(stdout);
    });
  });
}

}  // namespace kyoso::cli
