// Exception -> HTTP mapping of http_error.h.
#include "kyoso/server/http_error.h"

#include "kyoso/base/error.h"

namespace kyoso::server {
namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nlohmann::json IssuesJson(const std::vector<Issue>& issues) {
  nlohmann::json list = nlohmann::json::array();
  for (const Issue& issue : issues) {
    list.push_back({{"path", issue.path}, {"code", issue.code}, {"message", issue.message}});
  }
  return list;
}

// The status a code asks for, or 0 when the code alone does not decide (then InputError -> 400,
// any other Error -> 500). Codes decide first, so a duplicate or a missing record reported as
// InputError by a use case still answers 409 / 404.
int StatusForCode(const std::string& code) {
  if (EndsWith(code, "not_found") || code == "campaign.none") return 404;
  if (EndsWith(code, "transition") || EndsWith(code, "duplicate_campaign") ||
      EndsWith(code, "already_measured") || EndsWith(code, "not_measured") ||
      EndsWith(code, ".exists") || EndsWith(code, "insufficient_data")) {
    return 409;
  }
  if (EndsWith(code, "reason_required") || code == "campaign.ambiguous") return 400;
  if (EndsWith(code, ".busy")) return 503;
  return 0;
}

}  // namespace

nlohmann::json ErrorBody(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}, {"issues", nlohmann::json::array()}}}};
}

HttpError ToHttpError(std::exception_ptr error) {
  HttpError result;
  try {
    std::rethrow_exception(error);
  } catch (const InputError& e) {
    const int status = StatusForCode(e.code());
    result.status = status != 0 ? status : 400;
    result.body = ErrorBody(e.code(), e.what());
    result.body["error"]["issues"] = IssuesJson(e.issues());
  } catch (const InternalError& e) {
    result.status = 500;
    result.body = ErrorBody(e.code(), e.what());
  } catch (const Error& e) {
    const int status = StatusForCode(e.code());
    result.status = status != 0 ? status : 500;
    if (result.status == 503) result.retry_after_seconds = 1;
    result.body = ErrorBody(e.code(), e.what());
  } catch (const nlohmann::json::exception& e) {
    // A handler read a JSON value with the wrong type after validation: a bug, not bad input.
    result.status = 500;
    result.body = ErrorBody("server.internal", std::string("internal error: ") + e.what());
  } catch (const std::exception& e) {
    result.status = 500;
    result.body = ErrorBody("server.internal", std::string("internal error: ") + e.what());
  } catch (...) {
    result.status = 500;
    result.body = ErrorBody("server.internal", "internal error: unknown exception");
  }
  return result;
}

}  // namespace kyoso::server
