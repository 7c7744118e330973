// The server plumbing over a real socket: authentication (Bearer, ?token= then cookie, 401 with
// nothing run), the error mapping on the wire, the thread pool (a slow request does not block a
// fast one), and the embedded UI assets.
#include "kyoso/server/server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kyoso/base/error.h"
#include "kyoso/server/assets.h"
#include "test_server.h"

namespace kyoso::server {
namespace {

using testing::RunningServer;

constexpr char kToken[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

httplib::Headers Bearer(const std::string& token = kToken) {
  return {{"Authorization", "Bearer " + token}};
}

nlohmann::json Json(const httplib::Result& result) { return nlohmann::json::parse(result->body); }

// Routes that exercise the plumbing; `calls` counts handler runs.
struct Fixture {
  std::atomic<int> calls{0};
  std::unique_ptr<RunningServer> server;
  explicit Fixture(ServerOptions options = {}) {
    server = std::make_unique<RunningServer>(
        options, Authenticator::SingleToken("kato", kToken), [this](Server& s) {
          s.AddRoute(Method::kPost, "/api/echo", "echo", [this](const ApiRequest& r) {
            ++calls;
            return ApiResponse::Json({{"user", r.user()}, {"body", r.JsonBody()}});
          });
          s.AddRoute(Method::kGet, "/api/items/([^/]+)", "item", [](const ApiRequest& r) {
            return ApiResponse::Json({{"name", r.PathParam(1)}});
          });
          s.AddRoute(Method::kGet, "/api/fail/([a-z_.]+)", "fail",
                     [](const ApiRequest& r) -> ApiResponse {
                       const std::string code = r.PathParam(1);
                       if (code == "input")
                         throw InputError("/batch", "request.range", "batch must be >= 1");
                       if (code == "internal") throw InternalError("invariant broken");
                       if (code == "std") throw std::runtime_error("boom");
                       throw Error(code, "mapped " + code);
                     });
        });
  }
};

TEST(Server, RequestsWithoutValidTokenGet401AndRunNothing) {
  Fixture f;
  auto client = f.server->Client();
  auto none = client.Post("/api/echo", R"({"a":1})", "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(Json(none)["error"]["code"], "auth.required");
  auto wrong = client.Post("/api/echo", Bearer(std::string(64, 'f')), R"({})", "application/json");
  EXPECT_EQ(wrong->status, 401);
  auto wrong_query = client.Post("/api/echo?token=nope", R"({})", "application/json");
  EXPECT_EQ(wrong_query->status, 401);
  // Unknown API paths also answer 401 first, so they reveal nothing to strangers.
  EXPECT_EQ(client.Get("/api/does/not/exist")->status, 401);
  EXPECT_EQ(f.calls.load(), 0);

  auto ok = client.Post("/api/echo", Bearer(), R"({"a":1})", "application/json");
  ASSERT_EQ(ok->status, 200);
  EXPECT_EQ(Json(ok)["user"], "kato");
  EXPECT_EQ(Json(ok)["body"]["a"], 1);
  EXPECT_EQ(f.calls.load(), 1);
  EXPECT_EQ(client.Get("/api/does/not/exist", Bearer())->status, 404);
}

TEST(Server, QueryTokenSetsAnHttpOnlyCookieThatAuthenticatesLaterRequests) {
  Fixture f;
  auto client = f.server->Client();
  auto page = client.Get(std::string("/?token=") + kToken);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 302);  // token dropped from the address bar
  EXPECT_EQ(page->get_header_value("Location"), "/");
  const std::string cookie = page->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find(std::string("kyoso_token=") + kToken), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);

  httplib::Headers with_cookie = {{"Cookie", std::string("other=1; kyoso_token=") + kToken}};
  auto session = client.Get("/api/session", with_cookie);
  ASSERT_EQ(session->status, 200);
  EXPECT_EQ(Json(session)["user"], "kato");
  EXPECT_EQ(Json(session)["mode"], "single_token");

  // A cookie-authenticated write from another origin is refused (CSRF) and runs nothing.
  httplib::Headers cross = with_cookie;
  cross.emplace("Origin", "http://evil.example");
  auto refused = client.Post("/api/echo", cross, "{}", "application/json");
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(f.calls.load(), 0);
  httplib::Headers same = with_cookie;
  same.emplace("Origin", "http://127.0.0.1:" + std::to_string(f.server->port()));
  EXPECT_EQ(client.Post("/api/echo", same, "{}", "application/json")->status, 200);

  // Signing in with a pasted token.
  auto login =
      client.Post("/api/login", std::string(R"({"token":")") + kToken + "\"}", "application/json");
  EXPECT_EQ(login->status, 200);
  EXPECT_NE(login->get_header_value("Set-Cookie").find("kyoso_token="), std::string::npos);
  EXPECT_EQ(client.Post("/api/login", R"({"token":"x"})", "application/json")->status, 401);
}

TEST(Server, BadBodiesGet400WithTheJsonPosition) {
  Fixture f;
  auto client = f.server->Client();
  auto syntax =
      client.Post("/api/echo", Bearer(), "{\n  \"a\": 1,\n  \"b\": }", "application/json");
  ASSERT_EQ(syntax->status, 400);
  const auto error = Json(syntax)["error"];
  EXPECT_EQ(error["code"], "json.syntax");
  ASSERT_EQ(error["issues"].size(), 1u);
  EXPECT_EQ(error["issues"][0]["path"], "3:8");  // the '}' where a value was expected
  auto array = client.Post("/api/echo", Bearer(), "[1,2]", "application/json");
  EXPECT_EQ(array->status, 400);
  EXPECT_EQ(Json(array)["error"]["issues"][0]["path"], "/");
  EXPECT_EQ(f.calls.load(), 2);  // the handler ran and threw before doing anything
}

TEST(Server, ErrorsMapInOnePlaceAndTheServerKeepsRunning) {
  Fixture f;
  auto client = f.server->Client();
  auto input = client.Get("/api/fail/input", Bearer());
  EXPECT_EQ(input->status, 400);
  EXPECT_EQ(Json(input)["error"]["issues"][0]["path"], "/batch");
  EXPECT_EQ(client.Get("/api/fail/store.experiment_not_found", Bearer())->status, 404);
  EXPECT_EQ(client.Get("/api/fail/store.bad_transition", Bearer())->status, 409);
  auto busy = client.Get("/api/fail/store.busy", Bearer());
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->get_header_value("Retry-After"), "1");
  EXPECT_EQ(client.Get("/api/fail/internal", Bearer())->status, 500);
  auto std_error = client.Get("/api/fail/std", Bearer());
  EXPECT_EQ(std_error->status, 500);
  EXPECT_EQ(Json(std_error)["error"]["code"], "server.internal");
  // Still serving.
  auto item = client.Get("/api/items/max%20temp", Bearer());
  ASSERT_EQ(item->status, 200);
  EXPECT_EQ(Json(item)["name"], "max temp");
}

TEST(Server, ASlowRequestDoesNotBlockAFastOne) {
  // The slow handler waits until the fast request has completed; with a single-threaded server
  // this would deadlock (caught by the 20 s guard and reported as a failure).
  std::promise<void> fast_done;
  std::shared_future<void> fast_done_future = fast_done.get_future().share();
  std::atomic<bool> slow_saw_fast{false};
  ServerOptions options;
  options.num_threads = 4;
  RunningServer server(options, Authenticator::SingleToken("kato", kToken), [&](Server& s) {
    s.AddRoute(Method::kPost, "/api/slow", "slow", [&](const ApiRequest&) {
      slow_saw_fast =
          fast_done_future.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
      return ApiResponse::Json({{"slow", true}});
    });
    s.AddRoute(Method::kGet, "/api/fast", "fast", [](const ApiRequest&) {
      return ApiResponse::Json({{"fast", true}});
    });
  });
  auto slow = std::async(std::launch::async, [&] {
    auto client = server.Client();
    return client.Post("/api/slow", Bearer(), "{}", "application/json")->status;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the slow one start first
  auto client = server.Client();
  auto fast = client.Get("/api/fast", Bearer());
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->status, 200);
  fast_done.set_value();
  EXPECT_EQ(slow.get(), 200);
  EXPECT_TRUE(slow_saw_fast.load());
}

TEST(Server, RouteIndexListsRegisteredEndpoints) {
  Fixture f;
  auto client = f.server->Client();
  auto index = client.Get("/api", Bearer());
  ASSERT_EQ(index->status, 200);
  bool found = false;
  const nlohmann::json document = Json(index);
  for (const auto& route : document["routes"]) {
    if (route["path"] == "/api/echo" && route["method"] == "POST") found = true;
  }
  EXPECT_TRUE(found);
}

TEST(Server, ServesEmbeddedAssetsCompressedOrPlainWithEtags) {
  Fixture f;
  auto client = f.server->Client();
  const Asset* index = FindAsset("/index.html");
  ASSERT_NE(index, nullptr);
  const std::string expected = Inflate(*index);

  client.set_decompress(false);
  auto gz = client.Get("/", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz->status, 200);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->body.size(), index->gzip_size);  // sent once-compressed, as embedded
  auto plain = client.Get("/index.html", {{"Accept-Encoding", "identity"}});
  ASSERT_EQ(plain->status, 200);
  EXPECT_EQ(plain->body, expected);
  EXPECT_NE(plain->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_FALSE(plain->get_header_value("Content-Security-Policy").empty());

  auto again = client.Get("/index.html", {{"If-None-Match", std::string(index->etag)}});
  EXPECT_EQ(again->status, 304);
  EXPECT_EQ(client.Get("/js/nope.js")->status, 404);
  // Every embedded module is reachable (the page imports them by these paths).
  for (const Asset& asset : EmbeddedAssets()) {
    auto response = client.Get(std::string(asset.path), {{"Accept-Encoding", "identity"}});
    ASSERT_TRUE(response) << asset.path;
    EXPECT_EQ(response->status, 200) << asset.path;
    EXPECT_EQ(response->body.size(), asset.size) << asset.path;
  }
}

TEST(Server, OffLoopbackNeedsNamedUsersAndBadOptionsAreReported) {
  ServerOptions options;
  options.host = "0.0.0.0";
  try {
    Server server(options, Authenticator::SingleToken("kato", kToken));
    FAIL() << "expected server.auth_required";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), "server.auth_required");
  }
  ServerOptions bad;
  bad.num_threads = 0;
  bad.port = 70000;
  try {
    Server server(bad, Authenticator::SingleToken("kato", kToken));
    FAIL() << "expected server.options";
  } catch (const InputError& e) {
    EXPECT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.code(), "server.options");
  }
}

}  // namespace
}  // namespace kyoso::server
