// ParseSpec/Validate of sim/magnet: the issue-5 spec shape, units, and every error code at its
// JSON pointer.
#include <gtest/gtest.h>

#include "kyoso/base/json_reader.h"
#include "kyoso/sim/magnet/magnet.h"
#include "support/expect_close.h"

namespace kyoso::sim::magnet {
namespace {

using kyoso::testing::ExpectClose;

// The spec shape of issue 5, verbatim.
const char* kIssueSpec = R"({
  "bodies": [
    {"name": "lower", "shape": "disc", "radius": "15 mm", "z_min": "-6 mm", "z_max": "0 mm",
     "mesh": {"nr": 30, "nz": 6}},
    {"name": "upper", "shape": "ring", "inner_radius": "2 mm", "outer_radius": "15 mm",
     "z_min": "0.5 mm", "z_max": "6.5 mm", "mesh": {"nr": 26, "nz": 6}}
  ],
  "material": {"jc": {"model": "kim", "jc0": 2.3e8, "b0": "1 T", "exponent": 1},
               "n": 50, "e0": 1e-4, "tc": "38 K"},
  "protocol": {"kind": "fcm", "field": "7 T", "ramp_rate": "0.01 T/s", "hold": "600 s",
               "temperature": "5 K"},
  "probes": [{"name": "centre", "r": 0, "z": 0}, {"name": "hall", "r": 0, "z": "7 mm"}]
})";

nlohmann::json IssueJson() { return ParseJson(kIssueSpec); }

// Parses and returns the issues (empty when valid).
std::vector<Issue> IssuesOf(const nlohmann::json& json) {
  try {
    ParseSpec(json);
  } catch (const InputError& e) {
    return e.issues();
  }
  return {};
}

bool HasIssue(const std::vector<Issue>& issues, const std::string& path, const std::string& code) {
  for (const Issue& issue : issues) {
    if (issue.path == path && issue.code == code) return true;
  }
  return false;
}

TEST(ParseSpec, ReadsTheIssueSpecWithUnits) {
  const Spec spec = ParseSpec(IssueJson());
  ASSERT_EQ(spec.bodies.size(), 2u);
  EXPECT_EQ(spec.bodies[1].shape, Shape::kRing);
  ExpectClose(spec.bodies[0].outer_radius_m, 0.015, 1e-12);
  ExpectClose(spec.bodies[0].z_min_m, -0.006, 1e-12);
  ExpectClose(spec.bodies[1].inner_radius_m, 0.002, 1e-12);
  EXPECT_EQ(spec.bodies[1].nr, 26);
  EXPECT_EQ(spec.material.model, JcModel::kKim);
  ExpectClose(spec.material.b0_t, 1.0, 1e-12);
  ExpectClose(spec.material.n, 50, 1e-12);
  ExpectClose(spec.protocol.ramp_rate_t_per_s, 0.01, 1e-12);
  ExpectClose(spec.protocol.hold_s, 600, 1e-12);
  ExpectClose(spec.probes[1].z_m, 0.007, 1e-12);
  // Round trip through ToJson.
  const Spec again = ParseSpec(ToJson(spec));
  ExpectClose(again.bodies[1].z_max_m, spec.bodies[1].z_max_m, 1e-15);
  EXPECT_EQ(again.probes.size(), spec.probes.size());
}

TEST(ParseSpec, ReportsOverlappingBodies) {
  nlohmann::json json = IssueJson();
  json["bodies"][1]["z_min"] = "-1 mm";
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/bodies/1", "magnet.bodies_overlap"));
}

TEST(ParseSpec, ReportsNonPositiveSizes) {
  nlohmann::json json = IssueJson();
  json["bodies"][0]["radius"] = "-15 mm";
  json["bodies"][1]["z_max"] = "0.5 mm";
  json["bodies"][1]["mesh"]["nz"] = 0;
  json["bodies"][1]["inner_radius"] = "16 mm";
  const auto issues = IssuesOf(json);
  EXPECT_TRUE(HasIssue(issues, "/bodies/0/radius", "magnet.nonpositive_size"));
  EXPECT_TRUE(HasIssue(issues, "/bodies/1/z_max", "magnet.nonpositive_size"));
  EXPECT_TRUE(HasIssue(issues, "/bodies/1/mesh/nz", "magnet.nonpositive_size"));
  EXPECT_TRUE(HasIssue(issues, "/bodies/1/inner_radius", "magnet.nonpositive_size"));
}

TEST(ParseSpec, ReportsMaterialErrors) {
  nlohmann::json json = IssueJson();
  json["material"]["n"] = 1;
  json["material"]["jc"]["jc0"] = -2e8;
  json["material"]["jc"]["b0"] = 0;
  const auto issues = IssuesOf(json);
  EXPECT_TRUE(HasIssue(issues, "/material/n", "magnet.n_too_small"));
  EXPECT_TRUE(HasIssue(issues, "/material/jc/jc0", "magnet.negative_jc"));
  EXPECT_TRUE(HasIssue(issues, "/material/jc/b0", "magnet.nonpositive_parameter"));
}

TEST(ParseSpec, ReportsARampThatNeverEnds) {
  nlohmann::json json = IssueJson();
  json["protocol"]["ramp_rate"] = "0 T/s";
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/protocol/ramp_rate", "magnet.ramp_never_ends"));
  json = IssueJson();
  json["protocol"]["cool_to"] = "4 K";
  json["protocol"]["cool_rate"] = -1;
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/protocol/cool_rate", "magnet.ramp_never_ends"));
}

TEST(ParseSpec, ReportsUnknownKeysEverywhere) {
  nlohmann::json json = IssueJson();
  json["bodies"][0]["radiuss"] = 1;
  json["material"]["jc"]["jc00"] = 1;
  json["protocol"]["holdd"] = 1;
  json["extra"] = true;
  const auto issues = IssuesOf(json);
  EXPECT_TRUE(HasIssue(issues, "/bodies/0/radiuss", "spec.unknown_key"));
  EXPECT_TRUE(HasIssue(issues, "/material/jc/jc00", "spec.unknown_key"));
  EXPECT_TRUE(HasIssue(issues, "/protocol/holdd", "spec.unknown_key"));
  EXPECT_TRUE(HasIssue(issues, "/extra", "spec.unknown_key"));
}

TEST(ParseSpec, ReportsTemperatureOutsideRange) {
  nlohmann::json json = IssueJson();
  json["protocol"]["temperature"] = "40 K";
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/protocol/temperature", "magnet.temperature_range"));
}

TEST(ParseSpec, ReportsMissingBodiesDuplicatesAndUnits) {
  nlohmann::json json = IssueJson();
  json["bodies"] = nlohmann::json::array();
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/bodies", "magnet.no_bodies"));
  json = IssueJson();
  json["probes"][1]["name"] = "centre";
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/probes/1/name", "magnet.duplicate_name"));
  json = IssueJson();
  json["bodies"][0]["radius"] = "15 T";
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/bodies/0/radius", "units.dimension"));
  json = IssueJson();
  json["bodies"][0]["mesh"] = {{"nr", 200}, {"nz", 100}};
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/bodies", "magnet.too_many_cells"));
  json = IssueJson();
  json["probes"][0] = {{"name", "h"}, {"kind", "hall"}, {"r", 0}, {"z", 0.007}, {"size", 0}};
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/probes/0/size", "magnet.nonpositive_size"));
  json = IssueJson();
  json["material"]["jc"]["model"] = "power";
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/material/jc/model", "spec.choice"));
  json = IssueJson();
  json["material"]["n"] = "fifty";
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/material/n", "spec.type"));
  json = IssueJson();
  json["protocol"].erase("field");
  EXPECT_TRUE(HasIssue(IssuesOf(json), "/protocol/field", "spec.missing"));
}

TEST(ParseSpec, ReadsLineAndHallProbes) {
  nlohmann::json json = IssueJson();
  json["probes"].push_back({{"name", "profile"},
                            {"kind", "line"},
                            {"r", 0},
                            {"r_end", "20 mm"},
                            {"points", 21},
                            {"z", "7 mm"}});
  json["probes"].push_back(
      {{"name", "sensor"}, {"kind", "hall"}, {"r", 0}, {"z", "7 mm"}, {"size", "0.5 mm"}});
  const Spec spec = ParseSpec(json);
  EXPECT_EQ(spec.probes[2].kind, ProbeKind::kLine);
  EXPECT_EQ(spec.probes[2].num_points, 21);
  ExpectClose(spec.probes[3].size_m, 0.0005, 1e-12);
}

}  // namespace
}  // namespace kyoso::sim::magnet
