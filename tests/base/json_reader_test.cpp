#include "kyoso/base/json_reader.h"

#include <gtest/gtest.h>

#include "support/expect_close.h"

namespace kyoso {
namespace {

using kyoso::testing::ExpectClose;
using nlohmann::json;

TEST(JsonPointer, EscapesTildeAndSlash) {
  EXPECT_EQ(JsonPointer("/a", "b/c~d"), "/a/b~1c~0d");
  EXPECT_EQ(JsonPointer("/bodies", std::size_t{2}), "/bodies/2");
}

TEST(ObjectReader, ReadsValuesAndQuantities) {
  json j = json::parse(R"({"radius": "15 mm", "n": 50, "name": "lower", "on": true, "k": 3})");
  IssueList issues;
  ObjectReader r(j, "/bodies/0", issues);
  ExpectClose(*r.Quantity("radius", dim::kLength), 0.015, 1e-15);
  ExpectClose(*r.Number("n"), 50.0, 0);
  EXPECT_EQ(*r.String("name"), "lower");
  EXPECT_TRUE(*r.Bool("on"));
  EXPECT_EQ(*r.Integer("k"), 3);
  r.CheckNoUnknownKeys();
  EXPECT_TRUE(issues.empty()) << FormatIssues(issues.issues());
}

TEST(ObjectReader, CollectsEveryProblemWithItsPointer) {
  json j = json::parse(R"({"radius": "15 s", "n": "fifty", "shape": "cube", "raduis": 1})");
  IssueList issues;
  ObjectReader r(j, "/bodies/1", issues);
  r.Quantity("radius", dim::kLength);
  r.Number("n");
  r.Choice("shape", {"disc", "ring"});
  r.Number("height", /*required=*/true);
  r.CheckNoUnknownKeys();
  ASSERT_EQ(issues.size(), 5u) << FormatIssues(issues.issues());
  EXPECT_EQ(issues.issues()[0].path, "/bodies/1/radius");
  EXPECT_EQ(issues.issues()[0].code, "units.dimension");
  EXPECT_EQ(issues.issues()[1].code, "spec.type");
  EXPECT_EQ(issues.issues()[2].code, "spec.choice");
  EXPECT_EQ(issues.issues()[3].path, "/bodies/1/height");
  EXPECT_EQ(issues.issues()[3].code, "spec.missing");
  EXPECT_EQ(issues.issues()[4].path, "/bodies/1/raduis");
  EXPECT_EQ(issues.issues()[4].code, "spec.unknown_key");
}

TEST(ObjectReader, NonObjectIsReported) {
  json j = json::array();
  IssueList issues;
  ObjectReader r(j, "/material", issues);
  EXPECT_FALSE(r.Number("n").has_value());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues.issues()[0].code, "spec.type");
}

TEST(ParseJson, SyntaxErrorGivesLineAndColumn) {
  try {
    ParseJson("{\n  \"a\": 1,\n  \"b\": ]\n}", "spec.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "json.syntax");
    EXPECT_EQ(e.issues()[0].path.rfind("spec.json:3:", 0), 0u) << e.issues()[0].path;
  }
}

}  // namespace
}  // namespace kyoso
