// `kyoso init SPEC.json`: creates a campaign from a spec (docs/spec.md).
#include <iostream>
#include <memory>

#include "kyoso/base/json_reader.h"
#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddInitCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::string spec_path;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("init", "Create a campaign from a spec file (JSON)");
  AddCommonOptions(*verb, args->options.common);
  verb->add_option("--by", args->options.by, "Who creates it (default: $USER)");
  verb->add_option("SPEC", args->spec_path, "Campaign spec file (JSON, see docs/spec.md)")
      ->required();
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      const nlohmann::json spec = ParseJson(ReadFileText(args->spec_path), args->spec_path);
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Init(*db, spec, WhoOrUser(args->options.by));
      if (args->options.common.json) {
        PrintJson({{"campaign", campaign::CampaignJson(c.record)}});
        return;
      }
      std::cout << "created campaign '" << c.spec.name << "' in " << args->options.common.db << ": "
                << c.spec.space.num_parameters() << " parameters, objective "
                << c.spec.primary().name << " (" << campaign::ToString(c.spec.primary().direction)
                << ")\nnext: kyoso suggest --db " << args->options.common.db << std::endl;
    });
  });
}

}  // namespace kyoso::cli
