// The one place where the server turns an exception into an HTTP status and the error document
//   {"error":{"code","message","issues":[{"path","code","message"}]}}
// so every route answers errors the same way (STYLE.md, "Errors"):
// The code decides first (for InputError and Error alike), then the class:
//   InputError (bad body, spec, CSV, constraint text)      -> 400, with every issue and its path
//   Error "*not_found", "campaign.none"                     -> 404 (store.campaign_not_found, ...)
//   Error "*transition", "*duplicate_campaign",
//         "*already_measured", "*not_measured", "*.exists",
//         "model.insufficient_data"                        -> 409 (state, duplicates, no model yet)
//   Error "*reason_required", "campaign.ambiguous"          -> 400 (a request the user must fix)
//   Error "*.busy"                                          -> 503 with Retry-After (store locked)
//   InternalError, any other exception                      -> 500; the server keeps running
//   other Error (store.io, I/O)                             -> 500 with its code
// Handlers run their use case in one store transaction, so a thrown error has written nothing.
#pragma once

#include <exception>
#include <string>

#include <nlohmann/json.hpp>

namespace kyoso::server {

struct HttpError {
  int status = 500;
  nlohmann::json body;          // {"error":{...}}
  int retry_after_seconds = 0;  // > 0: send a Retry-After header
};

// Maps the exception `error` (from a route handler) to its HTTP answer.
HttpError ToHttpError(std::exception_ptr error);

// The error document for a code and message without issues (e.g. 401, 404 for unknown routes).
nlohmann::json ErrorBody(const std::string& code, const std::string& message);

}  // namespace kyoso::server
