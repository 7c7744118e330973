// A real kyoso::server::Server on a loopback port below 32768 (NOTES.md: higher ports can collide
// with the kernel's ephemeral client ports), run on a background thread for the test's lifetime.
#pragma once

#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "kyoso/base/error.h"
#include "kyoso/server/server.h"

namespace kyoso::server::testing {

class RunningServer {
 public:
  // `setup` registers routes before the server binds.
  RunningServer(ServerOptions options, Authenticator auth,
                const std::function<void(Server&)>& setup = {}) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      options.host = "127.0.0.1";
      options.port = 20000 + (static_cast<int>(::getpid()) * 7 + attempt * 131) % 12000;
      server_ = std::make_unique<Server>(options, auth);
      if (setup) setup(*server_);
      try {
        server_->Bind();
        break;
      } catch (const Error& e) {
        if (e.code() != "server.bind") throw;
        server_.reset();
      }
    }
    if (!server_) throw Error("test.port", "no free loopback port below 32768");
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~RunningServer() {
    server_->Stop();
    thread_.join();
  }
  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port());
    client.set_read_timeout(30, 0);
    client.set_tcp_nodelay(true);
    return client;
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

}  // namespace kyoso::server::testing
