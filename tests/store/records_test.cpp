// Tests of records.h: the state machine table, enum round trips, timestamps and JSON forms.
#include "kyoso/store/records.h"

#include <gtest/gtest.h>

#include <regex>

namespace kyoso::store {
namespace {

constexpr Status kAllStatuses[] = {Status::kProposed, Status::kRunning, Status::kDone,
                                   Status::kFailed, Status::kWithdrawn};

TEST(Status, RoundTripsThroughItsName) {
  for (Status status : kAllStatuses) EXPECT_EQ(ParseStatus(ToString(status)), status);
  EXPECT_EQ(ParseStatus("measured"), std::nullopt);
  EXPECT_EQ(ParseStatus(""), std::nullopt);
}

TEST(Source, RoundTripsThroughItsName) {
  for (Source source : {Source::kEngine, Source::kResearcher, Source::kImport}) {
    EXPECT_EQ(ParseSource(ToString(source)), source);
  }
  EXPECT_EQ(ParseSource("manual"), std::nullopt);
}

// Oracle: the diagram in records.h, written out as the full 5 x 5 table (row = from, col = to).
TEST(Status, TransitionsMatchTheDocumentedStateMachine) {
  const bool kAllowed[5][5] = {
      // proposed running done  failed withdrawn
      {false, true, true, true, true},      // proposed
      {false, false, true, true, true},     // running
      {false, false, false, true, false},   // done (corrected; retracted -> failed)
      {false, false, false, false, false},  // failed
      {false, false, false, false, false},  // withdrawn
  };
  for (int from = 0; from < 5; ++from) {
    for (int to = 0; to < 5; ++to) {
      EXPECT_EQ(IsAllowedTransition(kAllStatuses[from], kAllStatuses[to]), kAllowed[from][to])
          << ToString(kAllStatuses[from]) << " -> " << ToString(kAllStatuses[to]);
    }
  }
}

TEST(NowUtc, IsIso8601WithMillisecondsInUtc) {
  const std::string now = NowUtc();
  EXPECT_TRUE(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
      << now;
  EXPECT_LE(now, NowUtc());  // string order is time order
}

TEST(ExperimentJson, HasTheDocumentedFields) {
  Experiment experiment;
  experiment.id = 7;
  experiment.params = {{"max_temp", 556}, {"atmosphere", "Ar"}};
  experiment.status = Status::kDone;
  experiment.source = Source::kEngine;
  experiment.results["jc"] = Measurement{
      .value = 1.5e4, .uncertainty = 300.0, .by = "ana", .at = "2026-01-01T00:00:00.000Z"};
  const nlohmann::json json = ToJson(experiment);
  EXPECT_EQ(json["id"], 7);
  EXPECT_EQ(json["status"], "done");
  EXPECT_EQ(json["source"], "engine");
  EXPECT_EQ(json["params"]["atmosphere"], "Ar");
  EXPECT_EQ(json["batch_id"], nullptr);
  EXPECT_EQ(json["results"]["jc"]["value"], 1.5e4);
  EXPECT_EQ(json["results"]["jc"]["uncertainty"], 300.0);
  EXPECT_EQ(json["results"]["jc"]["by"], "ana");
  for (const char* key : {"campaign_id", "proposer", "rationale", "created_at", "updated_at",
                          "prediction", "reason", "flags"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
}

}  // namespace
}  // namespace kyoso::store
