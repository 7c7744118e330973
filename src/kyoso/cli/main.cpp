// The `kyoso` command: one file per verb, each a thin shell over a use case of the modules.
#include <CLI/CLI.hpp>

#include "kyoso/cli/common.h"

int main(int argc, char** argv) {
  CLI::App app{"kyoso: researchers and a Bayesian-optimization engine designing synthesis "
               "processes together"};
  app.require_subcommand(1);
  int exit_code = 0;
  kyoso::cli::AddVersionCommand(app, exit_code);
  kyoso::cli::AddServeCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
