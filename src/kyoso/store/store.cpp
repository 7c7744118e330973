// OpenStore: picks the backend from the location string and hands the connection to the shared
// store logic (detail/sql_store.cpp).
#include "kyoso/store/store.h"

#include "kyoso/base/error.h"
#include "kyoso/store/detail/connection.h"

namespace kyoso::store {

std::vector<std::string> StoreOptions::Validate() const {
  std::vector<std::string> problems;
  if (busy_timeout_ms < 0) problems.push_back("busy_timeout_ms must be >= 0");
  if (fail_at_write_step < 0) problems.push_back("fail_at_write_step must be >= 0 (0 = off)");
  return problems;
}

std::unique_ptr<Store> OpenStore(const std::string& location, const StoreOptions& options) {
  const std::vector<std::string> problems = options.Validate();
  if (!problems.empty()) {
    std::string message = "invalid store options:";
    for (const std::string& problem : problems) message += " " + problem + ";";
    throw Error("store.bad_location", message);
  }
  if (location.empty()) {
    throw Error("store.bad_location",
                "empty database location (give a file path or a "
                "postgresql:// URL)");
  }
  const bool is_url = location.find("://") != std::string::npos;
  if (is_url) {
    if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
      return detail::MakeSqlStore(detail::OpenPostgres(location, options), options);
    }
    throw Error("store.bad_location", "unsupported database URL '" + location +
                                          "' (use a file path or postgresql://...)");
  }
  return detail::MakeSqlStore(detail::OpenSqlite(location, options), options);
}

}  // namespace kyoso::store
