// The one exception -> HTTP mapping (server/http_error.h): every class of error gets its status.
#include "kyoso/server/http_error.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "kyoso/base/error.h"

namespace kyoso::server {
namespace {

template <typename E>
HttpError Map(const E& error) {
  return ToHttpError(std::make_exception_ptr(error));
}

TEST(ToHttpError, InputErrorIs400WithEveryIssueAndPath) {
  const HttpError e = Map(InputError({{"/parameters/1/low", "spec.bounds_order", "low > high"},
                                      {"/constraints/0", "constraint.syntax", "1:5: expected"}}));
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.body["error"]["code"], "spec.bounds_order");
  ASSERT_EQ(e.body["error"]["issues"].size(), 2u);
  EXPECT_EQ(e.body["error"]["issues"][1]["path"], "/constraints/0");
  EXPECT_EQ(e.body["error"]["issues"][1]["message"], "1:5: expected");
  EXPECT_EQ(e.retry_after_seconds, 0);
}

TEST(ToHttpError, StoreAndCampaignCodesMapToTheirStatus) {
  EXPECT_EQ(Map(Error("store.experiment_not_found", "no #9")).status, 404);
  EXPECT_EQ(Map(Error("store.campaign_not_found", "no x")).status, 404);
  // The code decides even when a use case reports it as InputError.
  EXPECT_EQ(Map(InputError("", "campaign.not_found", "no x")).status, 404);
  EXPECT_EQ(Map(InputError("/name", "store.duplicate_campaign", "taken")).status, 409);
  EXPECT_EQ(Map(InputError("/params/x", "params.out_of_bounds", "too hot")).status, 400);
  EXPECT_EQ(Map(Error("campaign.none", "empty db")).status, 404);
  EXPECT_EQ(Map(Error("store.bad_transition", "done -> running")).status, 409);
  EXPECT_EQ(Map(Error("store.duplicate_campaign", "taken")).status, 409);
  EXPECT_EQ(Map(Error("store.already_measured", "use correct")).status, 409);
  EXPECT_EQ(Map(Error("store.not_measured", "nothing to correct")).status, 409);
  EXPECT_EQ(Map(Error("store.reason_required", "why?")).status, 400);
  EXPECT_EQ(Map(Error("store.io", "disk")).status, 500);
}

TEST(ToHttpError, BusyIs503WithRetryAfter) {
  const HttpError e = Map(Error("store.busy", "locked"));
  EXPECT_EQ(e.status, 503);
  EXPECT_EQ(e.retry_after_seconds, 1);
  EXPECT_EQ(e.body["error"]["code"], "store.busy");
}

TEST(ToHttpError, InternalAndUnknownExceptionsAre500) {
  EXPECT_EQ(Map(InternalError("broken invariant")).status, 500);
  const HttpError e = Map(std::runtime_error("boom"));
  EXPECT_EQ(e.status, 500);
  EXPECT_EQ(e.body["error"]["code"], "server.internal");
  EXPECT_EQ(ToHttpError(std::make_exception_ptr(42)).status, 500);
}

}  // namespace
}  // namespace kyoso::server
