// `kyoso show ID`: one experiment with its full history.
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "kyoso/campaign/campaign.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddShowCommand(CLI::App& app, int& exit_code) {
  struct Args {
    CampaignOptions options;
    std::int64_t id = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = app.add_subcommand("show", "Show an experiment with its history");
  AddCampaignOptions(*verb, args->options, false);
  verb->add_option("ID", args->id, "Experiment id")->required();
  verb->callback([args, &exit_code]() {
    exit_code = RunGuarded(args->options.common, [&]() {
      auto db = OpenDatabase(args->options.common);
      const campaign::Campaign c = campaign::Open(*db, args->options.campaign);
      const campaign::ExperimentDetail detail = campaign::Show(*db, c, args->id);
      if (args->options.common.json) {
        nlohmann::json experiment = campaign::ExperimentJson(detail.experiment, true);
        nlohmann::json history = nlohmann::json::array();
        for (const store::HistoryEntry& h : detail.history) history.push_back(store::ToJson(h));
        experiment["history"] = history;
        PrintJson({{"experiment", experiment}});
        return;
      }
      const store::Experiment& e = detail.experiment;
      std::cout << DescribeExperiment(c.spec, e) << "\n  rationale: " << e.rationale
                << "\n  created: " << e.created_at << "\n  history:" << std::endl;
      // One line per change: "status  proposed -> running", "correct jc  25000 -> 26000".
      const auto value = [](const nlohmann::json& v) -> std::string {
        if (v.is_string()) return v.get<std::string>();
        if (v.is_object() && v.contains("value") && v["value"].is_number()) {
          std::ostringstream out;
          out << std::setprecision(6) << v["value"].get<double>();
          if (v.contains("uncertainty") && v["uncertainty"].is_number()) {
            out << "+-" << v["uncertainty"].get<double>();
          }
          return out.str();
        }
        return v.dump();
      };
      for (const store::HistoryEntry& h : detail.history) {
        std::cout << "    " << h.seq << "  " << h.at << "  " << h.who << "  " << h.action;
        std::string field = h.field;
        if (field.starts_with("results/")) field = field.substr(8);
        if (!field.empty() && field != h.action) std::cout << " " << field;
        if (h.action != "insert" && (!h.old_value.is_null() || !h.new_value.is_null())) {
          std::cout << "  " << (h.old_value.is_null() ? "" : value(h.old_value) + " ") << "-> "
                    << value(h.new_value);
        }
        if (!h.reason.empty()) std::cout << "  (" << h.reason << ")";
        std::cout << std::endl;
      }
    });
  });
}

}  // namespace kyoso::cli
