// Server plumbing of server.h: authentication, routing, error mapping, static assets.
#include "kyoso/server/server.h"

#include <httplib.h>

#include <chrono>

#include "kyoso/base/error.h"
#include "kyoso/base/json_reader.h"
#include "kyoso/server/assets.h"
#include "kyoso/server/http_error.h"

namespace kyoso::server {
namespace {

constexpr char kJsonType[] = "application/json";

void SendJson(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), kJsonType);
}

void SendError(httplib::Response& response, const HttpError& error) {
  if (error.retry_after_seconds > 0) {
    response.set_header("Retry-After", std::to_string(error.retry_after_seconds));
  }
  SendJson(response, error.status, error.body);
}

std::string CookieValue(const httplib::Request& request, const std::string& name) {
  const std::string header = request.get_header_value("Cookie");
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    const std::size_t first = pair.find_first_not_of(' ');
    if (first != std::string::npos) pair = pair.substr(first);
    const std::size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    pos = end + 1;
  }
  return "";
}

std::string TokenCookie(const std::string& token) {
  return std::string(kTokenCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
}

bool AcceptsGzip(const httplib::Request& request) {
  return request.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
}

void SetSecurityHeaders(httplib::Response& response) {
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("X-Frame-Options", "DENY");
}

}  // namespace

std::vector<std::string> ServerOptions::Validate() const {
  std::vector<std::string> problems;
  if (host.empty()) problems.push_back("host: must not be empty");
  if (port < 0 || port > 65535) problems.push_back("port: must be in 0..65535");
  if (num_threads < 1 || num_threads > 256) problems.push_back("num_threads: must be in 1..256");
  if (keep_alive_max_count < 1) problems.push_back("keep_alive_max_count: must be >= 1");
  if (keep_alive_timeout_seconds < 1) problems.push_back("keep_alive_timeout_seconds: >= 1");
  if (read_timeout_seconds < 1) problems.push_back("read_timeout_seconds: must be >= 1");
  if (max_body_bytes < 1024) problems.push_back("max_body_bytes: must be >= 1024");
  return problems;
}

std::string ToString(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
  }
  return "GET";
}

ApiRequest::ApiRequest(const httplib::Request& http, std::string user)
    : http_(&http), user_(std::move(user)) {}

std::string ApiRequest::PathParam(std::size_t i) const {
  if (i >= http_->matches.size())
    throw InternalError("route has no capture group " + std::to_string(i));
  return httplib::detail::decode_url(http_->matches[i].str(), false);
}

std::optional<std::string> ApiRequest::Query(const std::string& name) const {
  if (!http_->has_param(name.c_str())) return std::nullopt;
  return http_->get_param_value(name.c_str());
}

const std::string& ApiRequest::body() const { return http_->body; }

nlohmann::json ApiRequest::JsonBody() const {
  if (http_->body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return nlohmann::json::object();
  }
  nlohmann::json document = ParseJson(http_->body);
  if (!document.is_object()) {
    throw InputError("/", "request.type", "the request body must be a JSON object");
  }
  return document;
}

ApiResponse ApiResponse::Json(nlohmann::json document, int status) {
  ApiResponse response;
  response.status = status;
  response.json = std::move(document);
  return response;
}

ApiResponse ApiResponse::Text(std::string body, std::string content_type, std::string filename) {
  ApiResponse response;
  response.text = std::move(body);
  response.content_type = std::move(content_type);
  if (!filename.empty()) {
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"" + filename + "\"");
  }
  return response;
}

Server::Server(ServerOptions options, Authenticator authenticator)
    : options_(std::move(options)),
      authenticator_(std::move(authenticator)),
      http_(std::make_unique<httplib::Server>()) {
  const auto problems = options_.Validate();
  if (!problems.empty()) {
    std::vector<Issue> issues;
    for (const std::string& problem : problems) {
      issues.push_back({problem.substr(0, problem.find(':')), "server.options", problem});
    }
    throw InputError(std::move(issues));
  }
  if (!IsLoopbackHost(options_.host) && authenticator_.single_token()) {
    throw InputError("host", "server.auth_required",
                     "binding to " + options_.host +
                         " (not loopback) requires named users: pass --users FILE "
                         "(create users with `kyoso serve --add-user NAME --users FILE`)");
  }
  const int num_threads = options_.num_threads;
  http_->new_task_queue = [num_threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(num_threads));
  };
  http_->set_tcp_nodelay(true);
  http_->set_keep_alive_max_count(static_cast<std::size_t>(options_.keep_alive_max_count));
  http_->set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  http_->set_read_timeout(options_.read_timeout_seconds, 0);
  http_->set_payload_max_length(options_.max_body_bytes);
  InstallPlumbing();
}

Server::~Server() { Stop(); }

std::optional<std::string> Server::Authenticate(const httplib::Request& request,
                                                bool& from_cookie) const {
  from_cookie = false;
  const std::string authorization = request.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.compare(0, kBearer.size(), kBearer) == 0) {
    return authenticator_.Authenticate(std::string_view(authorization).substr(kBearer.size()));
  }
  if (request.has_param("token")) {
    return authenticator_.Authenticate(request.get_param_value("token"));
  }
  const std::string cookie = CookieValue(request, kTokenCookie);
  if (!cookie.empty()) {
    from_cookie = true;
    return authenticator_.Authenticate(cookie);
  }
  return std::nullopt;
}

void Server::AddRoute(Method method, const std::string& pattern, std::string summary,
                      ApiHandler handler) {
  if (bound_) throw InternalError("routes must be added before Bind()");
  routes_.push_back({method, pattern, std::move(summary)});
  const bool is_write = method != Method::kGet;
  auto wrapped = [this, handler = std::move(handler), is_write](const httplib::Request& request,
                                                                httplib::Response& response) {
    SetSecurityHeaders(response);
    response.set_header("Cache-Control", "no-store");
    bool from_cookie = false;
    const std::optional<std::string> user = Authenticate(request, from_cookie);
    if (!user) {
      response.set_header("WWW-Authenticate", "Bearer realm=\"kyoso\"");
      SendJson(response, 401,
               ErrorBody("auth.required",
                         "a valid token is required: open the URL printed by `kyoso serve`, or "
                         "send `Authorization: Bearer TOKEN`"));
      return;
    }
    if (from_cookie && is_write) {
      // A cookie is sent by the browser whatever page asks; a write from another origin is
      // refused (cross-site request forgery), on top of SameSite=Strict.
      const std::string origin = request.get_header_value("Origin");
      const std::string host = request.get_header_value("Host");
      if (!origin.empty() && origin != "http://" + host && origin != "https://" + host) {
        SendJson(response, 403,
                 ErrorBody("auth.origin", "cross-origin write refused from " + origin));
        return;
      }
    }
    if (request.has_param("token") && !from_cookie) {
      response.set_header("Set-Cookie", TokenCookie(request.get_param_value("token")));
    }
    try {
      ApiResponse result = handler(ApiRequest(request, *user));
      for (const auto& [name, value] : result.headers) response.set_header(name, value);
      response.status = result.status;
      if (!result.text.empty() || !result.content_type.empty()) {
        response.set_content(result.text, result.content_type.c_str());
      } else {
        response.set_content(result.json.dump(), kJsonType);
      }
    } catch (...) {
      SendError(response, ToHttpError(std::current_exception()));
    }
  };
  switch (method) {
    case Method::kGet:
      http_->Get(pattern, wrapped);
      break;
    case Method::kPost:
      http_->Post(pattern, wrapped);
      break;
    case Method::kPut:
      http_->Put(pattern, wrapped);
      break;
    case Method::kPatch:
      http_->Patch(pattern, wrapped);
      break;
    case Method::kDelete:
      http_->Delete(pattern, wrapped);
      break;
  }
}

void Server::ServeAsset(const httplib::Request& request, httplib::Response& response) const {
  std::string path = request.path;
  if (path == "/") path = "/index.html";
  const Asset* asset = FindAsset(path);
  if (asset == nullptr) {
    SendJson(response, 404, ErrorBody("server.not_found", "no such page: " + request.path));
    return;
  }
  SetSecurityHeaders(response);
  response.set_header("Cache-Control", "no-cache");
  response.set_header("ETag", std::string(asset->etag));
  if (path == "/index.html") {
    response.set_header("Content-Security-Policy",
                        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' "
                        "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
                        "frame-ancestors 'none'");
  }
  if (request.get_header_value("If-None-Match") == asset->etag) {
    response.status = 304;
    return;
  }
  response.status = 200;
  if (AcceptsGzip(request)) {
    // A fixed-length content provider is sent as is (cpp-httplib compresses only `body` and
    // chunked providers), so the embedded gzip bytes go out once-compressed.
    response.set_header("Content-Encoding", "gzip");
    response.set_header("Vary", "Accept-Encoding");
    const Asset* a = asset;
    response.set_content_provider(
        a->gzip_size, std::string(a->content_type).c_str(),
        [a](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          sink.write(reinterpret_cast<const char*>(a->gzip_data) + offset, length);
          return true;
        });
  } else {
    response.set_content(Inflate(*asset), std::string(asset->content_type).c_str());
  }
}

void Server::InstallPlumbing() {
  // The page may be opened as /?token=...: keep the token in an HttpOnly cookie and drop it from
  // the address bar (and from the browser history) with a redirect.
  http_->Get("/", [this](const httplib::Request& request, httplib::Response& response) {
    if (request.has_param("token")) {
      const std::string token = request.get_param_value("token");
      if (authenticator_.Authenticate(token)) {
        response.set_header("Set-Cookie", TokenCookie(token));
        response.set_redirect("/");
        return;
      }
    }
    ServeAsset(request, response);
  });
  http_->Get("/(index\\.html|favicon\\.svg|css/.+|js/.+|vendor/.+)",
             [this](const httplib::Request& request, httplib::Response& response) {
               ServeAsset(request, response);
             });
  // Login with a pasted token (the page's sign-in form): sets the cookie.
  http_->Post("/api/login", [this](const httplib::Request& request, httplib::Response& response) {
    SetSecurityHeaders(response);
    try {
      ApiRequest api(request, "");
      const nlohmann::json body = api.JsonBody();
      IssueList issues;
      ObjectReader reader(body, "", issues);
      const std::string token = reader.String("token", true).value_or("");
      reader.CheckNoUnknownKeys();
      issues.ThrowIfAny();
      const std::optional<std::string> user = authenticator_.Authenticate(token);
      if (!user) {
        SendJson(response, 401, ErrorBody("auth.invalid", "this token is not valid here"));
        return;
      }
      response.set_header("Set-Cookie", TokenCookie(token));
      SendJson(response, 200, {{"user", *user}});
    } catch (...) {
      SendError(response, ToHttpError(std::current_exception()));
    }
  });
  http_->Post("/api/logout", [](const httplib::Request&, httplib::Response& response) {
    response.set_header("Set-Cookie", std::string(kTokenCookie) +
                                          "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    SendJson(response, 200, {{"user", nullptr}});
  });
  AddRoute(Method::kGet, "/api/session", "who is signed in, and the server's mode",
           [this](const ApiRequest& request) {
             return ApiResponse::Json(
                 {{"user", request.user()},
                  {"mode", authenticator_.single_token() ? "single_token" : "users"}});
           });
  AddRoute(Method::kGet, "/api", "this index of endpoints", [this](const ApiRequest&) {
    nlohmann::json list = nlohmann::json::array();
    for (const RouteInfo& route : routes_) {
      list.push_back({{"method", ToString(route.method)},
                      {"path", route.pattern},
                      {"summary", route.summary}});
    }
    return ApiResponse::Json({{"routes", list}});
  });
  if (options_.log) {
    http_->set_logger(
        [log = options_.log](const httplib::Request& request, const httplib::Response& response) {
          log(request.method + " " + request.path + " " + std::to_string(response.status));
        });
  }
  http_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        SendError(response, ToHttpError(error));
      });
}

void Server::Bind() {
  if (bound_) return;
  // Unknown /api/ paths: authenticate first (401 reveals nothing), then 404 in the JSON shape.
  const std::string any = "/api/.*";
  auto unknown = [](const ApiRequest& request) -> ApiResponse {
    throw Error("route.not_found",
                "no endpoint " + request.http().method + " " + request.http().path);
  };
  for (Method method :
       {Method::kGet, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete}) {
    AddRoute(method, any, "", unknown);
    routes_.pop_back();
  }
  bool ok = false;
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    ok = port_ > 0;
  } else {
    ok = http_->bind_to_port(options_.host, options_.port);
    port_ = options_.port;
  }
  if (!ok) {
    throw Error("server.bind", "cannot listen on " + options_.host + ":" +
                                   std::to_string(options_.port) +
                                   " (address in use or not available)");
  }
  bound_ = true;
}

void Server::Run() {
  if (!bound_) Bind();
  http_->listen_after_bind();
}

void Server::Stop() {
  if (http_) http_->stop();
}

}  // namespace kyoso::server
