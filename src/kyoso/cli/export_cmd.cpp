// `kyoso export [--format boxvia|full] [-o FILE]`: the experiments as CSV (docs/csv.md).
#include <fstream>
#include <iostream>
#include <memory>

#include "kyoso/base/error.h"
#include "kyoso/campaign/csv.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddExportCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::string format = "full";
    std::string output;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("export", "Export the experiments as CSV");
  AddCampaignOptions(*verb, args->options, false);
  verb->add_option("--format", args->format, "boxvia or full")->capture_default_str();
  verb->add_option("-o,--output", args->output, "Output file (default: stdout)");
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      const std::optional<campaign::CsvLayout> layout = campaign::ParseCsvLayout(args->format);
      if (!layout) {
        throw InputError("--format", "cli.bad_option",
                         "'" + args->format + "' is not one of boxvia, full");
      }
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const std::string csv = campaign::ExportCsv(*db, c, *layout);
      const long rows = static_cast<long>(std::count(csv.begin(), csv.end(), '\n')) - 1;
      if (!args->output.empty()) {
        std::ofstream out(args->output, std::ios::binary);
        out << csv;
        if (!out) throw Error("cli.io", "cannot write '" + args->output + "'");
      }
      if (args->options.common.json) {
        nlohmann::json doc = {{"format", args->format}, {"rows", rows}};
        if (args->output.empty()) {
          doc["csv"] = csv;
        } else {
          doc["file"] = args->output;
        }
        PrintJson(doc);
      } else if (args->output.empty()) {
        std::cout << csv;
      } else {
        std::cout << "wrote " << rows << " rows to " << args->output << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
