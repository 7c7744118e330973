// `kyoso serve`: the HTTP API and web UI over the same store as the other verbs. Thin: parses
// flags, builds the authenticator (one random token on loopback, named users otherwise), starts
// kyoso::server::Server and waits for Ctrl-C / SIGTERM.
//   kyoso serve --db ba122.db                      # prints http://127.0.0.1:8050/?token=...
//   kyoso serve --add-user alice --users users.json # prints alice's token once, then exits
//   kyoso serve --host 0.0.0.0 --users users.json  # lab server; every request names its user
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "kyoso/base/error.h"
#include "kyoso/cli/common.h"
#include "kyoso/server/api.h"
#include "kyoso/server/auth.h"
#include "kyoso/server/server.h"

namespace kyoso::cli {
namespace {

struct ServeOptions {
  CommonOptions common;
  std::string host = "127.0.0.1";
  int port = 8050;
  int num_threads = 8;
  std::string users_file;
  std::string add_user;
  std::string user;
  bool quiet = false;
};

std::string DefaultUserName() {
  // The shell (not the library) may read the environment: the person who started the server.
  const char* name = std::getenv("USER");
  return name != nullptr && *name != '\0' ? name : "researcher";
}

void Serve(const ServeOptions& options) {
  if (!options.add_user.empty()) {
    if (options.users_file.empty()) {
      throw InputError("--users", "serve.users_file", "--add-user needs --users FILE");
    }
    const std::string token = server::AddUserToFile(options.users_file, options.add_user);
    if (options.common.json) {
      PrintJson({{"user", options.add_user}, {"token", token}, {"users_file", options.users_file}});
    } else {
      std::cout << "user " << options.add_user << " added to " << options.users_file
                << "\ntoken (shown once, give it to " << options.add_user << "): " << token
                << std::endl;
    }
    return;
  }

  std::string token;
  server::Authenticator authenticator = [&] {
    if (!options.users_file.empty()) {
      return server::Authenticator::FromUsers(server::LoadUsersFile(options.users_file));
    }
    token = server::GenerateToken();
    return server::Authenticator::SingleToken(
        options.user.empty() ? DefaultUserName() : options.user, token);
  }();

  server::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.num_threads = options.num_threads;
  if (!options.quiet) {
    server_options.log = [](const std::string& line) { std::cerr << line << '\n'; };
  }

  // SIGINT/SIGTERM are taken by one waiting thread (blocked everywhere else) that stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::Server http(server_options, std::move(authenticator));
  server::ApiOptions api_options;
  api_options.db = options.common.db;
  server::RegisterCampaignApi(http, api_options);
  http.Bind();

  const std::string host =
      options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  const std::string url = "http://" + host + ":" + std::to_string(http.port()) + "/";
  if (options.common.json) {
    PrintJson({{"url", token.empty() ? url : url + "?token=" + token},
               {"port", http.port()},
               {"mode", token.empty() ? "users" : "single_token"}});
  } else {
    std::cout << "kyoso serve: listening on " << options.host << ":" << http.port() << " (database "
              << options.common.db << ")\n";
    if (!token.empty()) {
      std::cout << "open this URL (it holds your access token):\n  " << url << "?token=" << token
                << std::endl;
    } else {
      std::cout << "open " << url << " and sign in with your token (users from "
                << options.users_file << ")" << std::endl;
    }
  }

  std::thread waiter([&http, signals] {
    int received = 0;
    sigwait(&signals, &received);
    http.Stop();
  });
  http.Run();
  // Run() returned: either a signal arrived (waiter done) or the server failed; wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* verb = app.add_subcommand(
      "serve", "Serve the HTTP API and the web UI (loopback with a random token by default)");
  AddCommonOptions(*verb, options->common);
  verb->add_option("--host", options->host, "Address to listen on (off loopback needs --users)")
      ->capture_default_str();
  verb->add_option("--port", options->port, "TCP port (0 = any free port)")->capture_default_str();
  verb->add_option("--threads", options->num_threads, "Worker threads serving requests")
      ->capture_default_str();
  verb->add_option("--users", options->users_file,
                   "Users file (JSON of names and token digests) for named-user tokens");
  verb->add_option("--add-user", options->add_user,
                   "Add NAME to --users FILE with a new token, print the token, and exit");
  verb->add_option("--user", options->user,
                   "Name recorded as 'who' in single-token mode (default: $USER)");
  verb->add_flag("--quiet", options->quiet, "Do not log requests on stderr");
  verb->callback([options, &exit_code]() {
    exit_code = RunGuarded(options->common, [&]() { Serve(*options); });
  });
}

}  // namespace kyoso::cli
