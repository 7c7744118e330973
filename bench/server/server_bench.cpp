// Request throughput of the server plumbing over loopback (authentication + routing + JSON), one
// keep-alive client: the overhead every API call pays before its use case runs.
//   build/release/bench/server/server_bench --benchmark_min_time=2
#include <unistd.h>

#include <memory>
#include <thread>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include "kyoso/base/error.h"
#include "kyoso/server/server.h"

namespace {

constexpr char kToken[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Running {
  std::unique_ptr<kyoso::server::Server> server;
  std::thread thread;
  Running() {
    for (int attempt = 0; attempt < 50 && !server; ++attempt) {
      kyoso::server::ServerOptions options;
      options.port = 20000 + (static_cast<int>(::getpid()) * 11 + attempt * 137) % 12000;
      server = std::make_unique<kyoso::server::Server>(
          options, kyoso::server::Authenticator::SingleToken("bench", kToken));
      server->AddRoute(kyoso::server::Method::kPost, "/api/echo", "echo",
                       [](const kyoso::server::ApiRequest& r) {
                         return kyoso::server::ApiResponse::Json({{"body", r.JsonBody()}});
                       });
      try {
        server->Bind();
      } catch (const kyoso::Error&) {
        server.reset();
      }
    }
    thread = std::thread([this] { server->Run(); });
  }
  ~Running() {
    server->Stop();
    thread.join();
  }
};

void BM_AuthenticatedGet(benchmark::State& state) {
  Running running;
  httplib::Client client("127.0.0.1", running.server->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms to a POST
  const httplib::Headers headers = {{"Authorization", std::string("Bearer ") + kToken}};
  for (auto _ : state) {
    auto r = client.Get("/api/session", headers);
    if (!r || r->status != 200) state.SkipWithError("request failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuthenticatedGet)->UseRealTime();

void BM_JsonPost(benchmark::State& state) {
  Running running;
  httplib::Client client("127.0.0.1", running.server->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms to a POST
  const httplib::Headers headers = {{"Authorization", std::string("Bearer ") + kToken}};
  const std::string body = R"({"params":{"heating_rate":49.8,"max_temp":556,"hold_time":32.47}})";
  for (auto _ : state) {
    auto r = client.Post("/api/echo", headers, body, "application/json");
    if (!r || r->status != 200) state.SkipWithError("request failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JsonPost)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
