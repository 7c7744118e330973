// Helpers shared by the campaign verbs (common.h): campaign options, opening the database, the
// acting user, reading files and one-line experiment descriptions (in the spec's order).
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "kyoso/base/error.h"
#include "kyoso/campaign/spec.h"
#include "kyoso/cli/common.h"

namespace kyoso::cli {

void AddCampaignOptions(CLI::App& verb, CampaignOptions& options, bool with_by) {
  AddCommonOptions(verb, options.common);
  verb.add_option("--campaign", options.campaign,
                  "Campaign name (optional when the database has one campaign)");
  if (with_by) {
    verb.add_option("--by", options.by, "Who is acting (default: $USER)");
  }
}

std::unique_ptr<store::Store> OpenDatabase(const CommonOptions& options) {
  return store::OpenStore(options.db);
}

std::string WhoOrUser(const std::string& by) {
  if (!by.empty()) return by;
  // The shell, not the library, reads the environment.
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "unknown";
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cli.io", "cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

// Six significant digits: what a person reads and types back (--json keeps every digit).
std::string Short(double value) {
  std::ostringstream out;
  out << std::setprecision(6) << value;
  return out.str();
}

double Number(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : std::nan("");
}

}  // namespace

std::string DescribeExperiment(const campaign::CampaignSpec& spec, const store::Experiment& e) {
  std::ostringstream out;
  out << "#" << e.id << " " << store::ToString(e.status) << " " << store::ToString(e.source) << " "
      << e.proposer << ":";
  // Parameters in the spec's order (a JSON object iterates alphabetically), then any the spec does
  // not name (none in a consistent database).
  const auto param = [&out](const std::string& name, const nlohmann::json& value) {
    out << " " << name << "="
        << (value.is_string()         ? value.get<std::string>()
            : value.is_number_float() ? Short(value.get<double>())
                                      : value.dump());
  };
  for (const space::Parameter& p : spec.space.parameters()) {
    if (const auto it = e.params.find(p.name); it != e.params.end()) param(p.name, *it);
  }
  for (auto it = e.params.begin(); it != e.params.end(); ++it) {
    if (spec.space.Index(it.key()) < 0) param(it.key(), *it);
  }
  // Objectives in the spec's order too.
  std::vector<std::string> objectives;
  for (const campaign::Objective& o : spec.objectives) objectives.push_back(o.name);
  for (const auto& [name, m] : e.results) {
    if (spec.ObjectiveIndex(name) < 0) objectives.push_back(name);
  }
  // A failed experiment with results was measured, then retracted (`kyoso fail` on a done one):
  // its values stay visible, marked, since the model and `best` no longer use them.
  const bool retracted = e.status == store::Status::kFailed && !e.results.empty();
  for (const std::string& name : objectives) {
    const auto found = e.results.find(name);
    if (found == e.results.end()) continue;
    const store::Measurement& m = found->second;
    out << " | " << (retracted ? "retracted " : "") << name << "=" << Short(m.value);
    if (m.uncertainty) out << "+-" << Short(*m.uncertainty);
  }
  if (e.prediction.is_object()) {
    for (const std::string& name : objectives) {
      const auto it = e.prediction.find(name);
      if (it == e.prediction.end() || !it->is_object() || !std::isfinite(Number(*it, "mean"))) {
        continue;
      }
      if (it->value("scale", std::string("linear")) == "log") {
        // mean and stddev are of ln(value): show the value's median and 2-sigma range instead
        // (docs/spec.md, "Log-scale objectives").
        const double mean = Number(*it, "mean");
        const double stddev = Number(*it, "stddev");
        out << " (predicted " << name << " " << Short(std::exp(mean)) << ", 2σ range "
            << Short(std::exp(mean - 2 * stddev)) << "-" << Short(std::exp(mean + 2 * stddev))
            << ")";
      } else {
        out << " (predicted " << name << " " << Short(Number(*it, "mean")) << " +- "
            << Short(Number(*it, "stddev")) << ")";
      }
    }
  }
  if (!e.reason.empty()) out << " reason: " << e.reason;
  for (const std::string& flag : e.flags) out << " [" << flag << "]";
  return out.str();
}

}  // namespace kyoso::cli
