#include "kyoso/base/error.h"

#include <gtest/gtest.h>

namespace kyoso {
namespace {

TEST(IssueList, ThrowsAllIssuesWithFirstCodeAsErrorCode) {
  IssueList issues;
  issues.Add("/parameters/0/high", "spec.bounds_order", "high must exceed low");
  issues.Add("/parameters/1/name", "spec.duplicate_name", "duplicate parameter name 'x'");
  try {
    issues.ThrowIfAny();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "spec.bounds_order");
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[1].path, "/parameters/1/name");
    EXPECT_NE(std::string(e.what()).find("/parameters/1/name: duplicate parameter name"),
              std::string::npos);
  }
}

TEST(IssueList, EmptyListDoesNotThrow) {
  IssueList issues;
  EXPECT_NO_THROW(issues.ThrowIfAny());
  EXPECT_TRUE(issues.empty());
}

}  // namespace
}  // namespace kyoso
