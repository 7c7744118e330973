// `kyoso import FILE.csv [--by NAME] [--format auto|boxvia|full]`: all-or-nothing CSV import.
#include <iostream>
#include <memory>
#include <optional>

#include "kyoso/base/error.h"
#include "kyoso/campaign/csv.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddImportCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::string file;
    std::string format = "auto";
    std::string duplicates = "refuse";
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("import", "Import experiments from a CSV file (docs/csv.md)");
  AddCampaignOptions(*verb, args->options);
  verb->add_option("FILE", args->file, "CSV file")->required();
  verb->add_option("--format", args->format, "auto, boxvia or full")->capture_default_str();
  verb->add_option("--duplicates", args->duplicates,
                   "Rows already in the campaign: refuse (nothing imported), skip (import only "
                   "the new rows) or import (again)")
      ->capture_default_str();
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      campaign::ImportOptions options;
      if (args->format != "auto") {
        options.layout = campaign::ParseCsvLayout(args->format);
        if (!options.layout) {
          throw InputError("--format", "cli.bad_option",
                           "'" + args->format + "' is not one of auto, boxvia, full");
        }
      }
      const std::optional<campaign::DuplicateRows> duplicates =
          campaign::ParseDuplicateRows(args->duplicates);
      if (!duplicates) {
        throw InputError("--duplicates", "cli.bad_option",
                         "'" + args->duplicates + "' is not one of refuse, skip, import");
      }
      options.duplicates = *duplicates;
      options.by = WhoOrUser(args->options.by);
      const std::string text = ReadFileText(args->file);
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const campaign::ImportOutcome outcome = campaign::ImportCsv(*db, c, text, options);
      if (args->options.common.json) {
        nlohmann::json warnings = nlohmann::json::array();
        for (const Issue& w : outcome.warnings) {
          warnings.push_back({{"path", w.path}, {"code", w.code}, {"message", w.message}});
        }
        PrintJson({{"imported", outcome.ids.size()},
                   {"ids", outcome.ids},
                   {"layout", campaign::ToString(outcome.layout)},
                   {"skipped_lines", outcome.skipped_lines},
                   {"warnings", warnings}});
        return;
      }
      for (const Issue& w : outcome.warnings) {
        std::cerr << "warning[" << w.code << "]: " << w.path << ": " << w.message << std::endl;
      }
      std::cout << "imported " << outcome.ids.size() << " experiments ("
                << campaign::ToString(outcome.layout) << " layout) into '" << c.spec.name << "'"
                << std::endl;
      if (!outcome.skipped_lines.empty()) {
        std::cout << "skipped " << outcome.skipped_lines.size()
                  << " row(s) already in the campaign, lines:";
        for (int line : outcome.skipped_lines) std::cout << " " << line;
        std::cout << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
