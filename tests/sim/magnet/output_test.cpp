// Writers of sim/magnet: the --json document shape of issue 5, CSV tables and the VTK map.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "kyoso/sim/magnet/magnet.h"
#include "sim/magnet/test_specs.h"
#include "support/expect_close.h"

namespace kyoso::sim::magnet {
namespace {

using kyoso::testing::ExpectClose;

class Writers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spec_ = new Spec(testing::StackedPair(4, 2, 30, 10));
    spec_->probes.push_back({"profile", ProbeKind::kLine, 0, 0.0065, 0, 0.02, 5});
    result_ = new Result(magnet::Run(*spec_, Options{}));
  }
  static void TearDownTestSuite() {
    delete spec_;
    delete result_;
  }
  static Spec* spec_;
  static Result* result_;
};
Spec* Writers::spec_ = nullptr;
Result* Writers::result_ = nullptr;

TEST_F(Writers, JsonHasTheIssueShape) {
  const nlohmann::json j = ToJson(*result_, *spec_);
  const nlohmann::json& centre = j["probes"]["centre"];
  EXPECT_EQ(centre["t"].size(), centre["bz"].size());
  EXPECT_EQ(centre["t"].size(), centre["br"].size());
  ExpectClose(j["end_of_ramp"]["centre"]["bz"].get<double>(), result_->end_of_ramp->probe_bz_t[0],
              1e-15);
  ExpectClose(j["final"]["hall"]["bz"].get<double>(), result_->final_state.probe_bz_t[1], 1e-15);
  EXPECT_EQ(j["probes"]["profile"]["r"].size(), 5u);
  EXPECT_EQ(j["probes"]["profile"]["final"]["bz"].size(), 5u);
  EXPECT_EQ(j["summary"]["termination"], "completed");
  EXPECT_EQ(j["summary"]["num_cells"], 16);
}

TEST_F(Writers, CsvAndVtkHaveOneRowPerSampleOrCell) {
  std::ostringstream probes, map, vtk, profiles;
  WriteProbesCsv(*result_, *spec_, probes);
  WriteMapCsv(*result_, result_->final_state, *spec_, map);
  WriteMapVtk(*result_, result_->final_state, vtk);
  WriteProfilesCsv(result_->final_state, profiles);
  auto lines = [](const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  };
  EXPECT_EQ(lines(probes.str()), 1 + result_->series[0].t_s.size());
  EXPECT_EQ(probes.str().substr(0, 40), "t_s,centre_bz_T,centre_br_T,hall_bz_T,ha");
  EXPECT_EQ(lines(map.str()), 1 + 16u);
  EXPECT_EQ(lines(profiles.str()), 1 + 5u);
  EXPECT_NE(vtk.str().find("CELLS 16 80"), std::string::npos);
  EXPECT_NE(vtk.str().find("SCALARS J_A_per_m2"), std::string::npos);
}

}  // namespace
}  // namespace kyoso::sim::magnet
