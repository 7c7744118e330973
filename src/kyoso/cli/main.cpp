// The `kyoso` command: one file per verb, each a thin shell over a use case of the modules.
#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "kyoso/cli/common.h"

int main(int argc, char** argv) {
  CLI::App app{"kyoso: researchers and a Bayesian-optimization engine designing synthesis "
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
    // Under --json a script reads one JSON error object on stderr, like every other error.
    bool json = false;
    for (int i = 1; i < argc; ++i) json = json || std::string_view(argv[i]) == "--json";
    if (!json) return app.exit(e) == 0 ? 0 : 2;
    nlohmann::json error = {{"code", "cli.usage"}, {"message", e.what()},
                            {"issues", nlohmann::json::array()}};
    std::cerr << nlohmann::json{{"error", error}}.dump() << std::endl;
    return 2;
  }
  return exit_code;
}
