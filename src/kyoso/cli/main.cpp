// The `kyoso` command: one file per verb, each a thin shell over a use case of the modules.
#include <algorithm>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "kyoso/campaign/spec.h"
#include "kyoso/cli/common.h"

int main(int argc, char** argv) {
  CLI::App app{
      "kyoso: researchers and a Bayesian-optimization engine designing synthesis "
      "processes together"};
  app.require_subcommand(1);
  int exit_code = 0;
  kyoso::cli::AddVersionCommand(app, exit_code);
  kyoso::cli::AddInitCommand(app, exit_code);
  kyoso::cli::AddCampaignsCommand(app, exit_code);
  kyoso::cli::AddSuggestCommand(app, exit_code);
  kyoso::cli::AddAddCommand(app, exit_code);
  kyoso::cli::AddStartCommand(app, exit_code);
  kyoso::cli::AddResultCommand(app, exit_code);
  kyoso::cli::AddFailCommand(app, exit_code);
  kyoso::cli::AddWithdrawCommand(app, exit_code);
  kyoso::cli::AddCorrectCommand(app, exit_code);
  kyoso::cli::AddReviseCommand(app, exit_code);
  kyoso::cli::AddListCommand(app, exit_code);
  kyoso::cli::AddShowCommand(app, exit_code);
  kyoso::cli::AddBestCommand(app, exit_code);
  kyoso::cli::AddImportCommand(app, exit_code);
  kyoso::cli::AddExportCommand(app, exit_code);
  kyoso::cli::AddCompareCommand(app, exit_code);
  kyoso::cli::AddDemoCommand(app, exit_code);
  kyoso::cli::AddMagnetCommand(app, exit_code);
  kyoso::cli::AddSinterCommand(app, exit_code);
  kyoso::cli::AddServeCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0: print them as CLI11 does.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string message = e.what();
    // The verb the user typed (every option belongs to a verb, so it comes first).
    const std::string verb = argc > 1 && argv[1][0] != '-' ? argv[1] : "";
    std::vector<std::string> verbs;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      verbs.push_back(sub->get_name());
    }
    const bool known = std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
    if (!verb.empty() && !known) {
      const std::string guess = kyoso::campaign::ClosestName(verb, verbs);
      message = "'" + verb + "' is not a kyoso command" +
                (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                " (`kyoso --help` lists them)";
    } else if (known) {
      message += " (`kyoso " + verb + " --help` shows the usage)";
    } else {
      message = "give a command, e.g. `kyoso list` (`kyoso --help` lists them)";
    }
    // Under --json a script reads one JSON error object on stderr, like every other error;
    // otherwise the `error[code]: message` line of every other error (docs/cli.md).
    bool json = false;
    for (int i = 1; i < argc; ++i) json = json || std::string_view(argv[i]) == "--json";
    if (!json) {
      std::cerr << "error[cli.usage]: " << message << std::endl;
      return 2;
    }
    nlohmann::json error = {
        {"code", "cli.usage"}, {"message", message}, {"issues", nlohmann::json::array()}};
    std::cerr << nlohmann::json{{"error", error}}.dump() << std::endl;
    return 2;
  }
  return exit_code;
}
