// `kyoso version`: the program version and the versions of the libraries it was built with.
#include <iostream>
#include <memory>

#include "kyoso/cli/common.h"
#include "kyoso/cli/version.h"

namespace kyoso::cli {

void AddVersionCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  CLI::App* verb = app.add_subcommand("version", "Print the kyoso version");
  verb->add_flag("--json", options->json, "Print one JSON document");
  verb->callback([options, &exit_code]() {
    exit_code = RunGuarded(*options, [&]() {
      if (options->json) {
        PrintJson({{"kyoso", kVersion}});
      } else {
        std::cout << "kyoso " << kVersion << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
