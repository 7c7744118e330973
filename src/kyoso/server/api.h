// The campaign API under /api/campaigns: one route per use case of the campaign module (the same
// use cases the `kyoso` verbs call, so the CLI, the HTTP API and the web UI agree), plus the
// server's model views. Each handler is thin: open the store, parse the body (errors at their JSON
// pointer), call one use case, serialize. The authenticated user is the "who" of every write.
// Endpoints and bodies: docs/http-api.md and docs/openapi.yaml.
#pragma once

#include <string>

#include "kyoso/server/server.h"
#include "kyoso/store/store.h"

namespace kyoso::server {

struct ApiOptions {
  std::string db = "kyoso.db";  // store location (SQLite path or postgresql:// URL)
  store::StoreOptions store;    // busy timeout etc.; each request opens its own connection
  int max_loo = 60;             // leave-one-out diagnostics refit at most this many points
};

// Registers every campaign route on `server` (before Server::Bind). Opens the store once first
// (creating and migrating it), so store.* errors of a bad location surface here.
void RegisterCampaignApi(Server& server, const ApiOptions& options);

}  // namespace kyoso::server
