// The HTTP server of `kyoso serve`: the JSON API under /api/ and the embedded web UI, in one
// process over cpp-httplib. This file owns the plumbing every route shares, so each route stays a
// thin shell over one use case (STYLE.md, "Shells are thin"):
//   request ──► authenticate (Bearer / ?token= / cookie) ──► 401, handler never runs
//           ──► Origin check for cookie-authenticated writes ──► 403
//           ──► handler(ApiRequest) ──► ApiResponse (JSON or text)
//           └─► exception ──► ToHttpError (http_error.h), the one mapping; server keeps running
// Requests run on a pool of worker threads (ServerOptions::num_threads), so a long fit in one
// request does not block the others. See docs/http-api.md.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "kyoso/server/auth.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace kyoso::server {

struct ServerOptions {
  std::string host = "127.0.0.1";          // address to bind; off loopback needs named users
  int port = 8050;                         // TCP port; 0 = any free port (see Server::port())
  int num_threads = 8;                     // worker threads serving requests concurrently
  int keep_alive_max_count = 100;          // requests per keep-alive connection
  int keep_alive_timeout_seconds = 5;      // idle keep-alive connections close after this
  int read_timeout_seconds = 30;           // a client sending slower than this is dropped
  std::size_t max_body_bytes = 64u << 20;  // larger request bodies get 413
  // Called once per finished request with a one-line access log (method, path, status, user);
  // the library never prints, the CLI passes a function writing to stderr.
  std::function<void(const std::string&)> log;
  // Every problem, as "field: message"; empty when valid.
  std::vector<std::string> Validate() const;
};

enum class Method { kGet, kPost, kPut, kPatch, kDelete };
std::string ToString(Method method);

// What a route handler sees of a request.
class ApiRequest {
 public:
  ApiRequest(const httplib::Request& http, std::string user);
  const std::string& user() const { return user_; }  // authenticated name, for history "who"
  // The i-th capture group of the route pattern (1-based, as in std::smatch), URL-decoded.
  std::string PathParam(std::size_t i) const;
  std::optional<std::string> Query(const std::string& name) const;
  const std::string& body() const;
  // The body parsed as JSON: an empty body is {}; a syntax error is InputError "json.syntax"
  // at "line:col"; a body that is not an object is InputError "request.type" at "/".
  nlohmann::json JsonBody() const;
  const httplib::Request& http() const { return *http_; }

 private:
  const httplib::Request* http_;
  std::string user_;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json json;       // sent when `text` is empty
  std::string text;          // a non-JSON body (CSV export)
  std::string content_type;  // for `text`
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse Json(nlohmann::json document, int status = 200);
  // A downloadable text file, e.g. Text(csv, "text/csv", "ba122.csv").
  static ApiResponse Text(std::string body, std::string content_type, std::string filename = "");
};

using ApiHandler = std::function<ApiResponse(const ApiRequest&)>;

// One registered route, listed by GET /api (the endpoint index).
struct RouteInfo {
  Method method;
  std::string pattern;  // regex over the path, e.g. "/api/campaigns/([^/]+)"
  std::string summary;  // one line for the index
};

class Server {
 public:
  Server(ServerOptions options, Authenticator authenticator);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Registers `handler` for `method` on paths matching `pattern` (anchored, ECMAScript regex).
  // Every /api/ route requires authentication. Register before Bind().
  void AddRoute(Method method, const std::string& pattern, std::string summary, ApiHandler handler);
  const std::vector<RouteInfo>& routes() const { return routes_; }

  // Binds the socket. Throws kyoso::Error "server.bind" when the address/port is unavailable,
  // InputError "server.options" for invalid options.
  void Bind();
  // The bound port (after Bind).
  int port() const { return port_; }
  // Serves until Stop(); blocks the calling thread.
  void Run();
  // Stops a running server (thread-safe, from any thread); Run() returns.
  void Stop();

 private:
  void InstallPlumbing();
  std::optional<std::string> Authenticate(const httplib::Request& request, bool& from_cookie) const;
  void ServeAsset(const httplib::Request& request, httplib::Response& response) const;

  ServerOptions options_;
  Authenticator authenticator_;
  std::unique_ptr<httplib::Server> http_;
  std::vector<RouteInfo> routes_;
  int port_ = 0;
  bool bound_ = false;
};

// The name of the cookie that keeps the token after `?token=` (HttpOnly, SameSite=Strict).
inline constexpr char kTokenCookie[] = "kyoso_token";

}  // namespace kyoso::server
