// The `kyoso` command: one file per verb, each a thin shell over a use case of the modules.
#include <CLI/CLI.hpp>

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
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
