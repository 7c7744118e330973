// `kyoso campaigns`: lists the campaigns of a database.
#include <iostream>
#include <memory>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddCampaignsCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  CLI::App* verb = app.add_subcommand("campaigns", "List the campaigns of the database");
  AddCommonOptions(*verb, *options);
  verb->callback([options, &exit_code]() {
    exit_code = RunGuarded(*options, [&]() {
      auto db = OpenDatabase(*options);
      const std::vector<store::CampaignRecord> all = db->ListCampaigns();
      if (options->json) {
        nlohmann::json list = nlohmann::json::array();
        for (const store::CampaignRecord& r : all) list.push_back(campaign::CampaignJson(r));
        PrintJson({{"campaigns", list}});
        return;
      }
      if (all.empty()) std::cout << "no campaigns in " << options->db << std::endl;
      for (const store::CampaignRecord& r : all) {
        const std::size_t n = db->ListExperiments(r.id).size();
        std::cout << r.name << "  (" << n << " experiments, created " << r.created_at << " by "
                  << r.created_by << ")" << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
