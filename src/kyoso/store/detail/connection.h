// The narrow SQL connection the store's logic (sql_store.cpp) runs on, implemented once per
// backend (sqlite_connection.cpp, postgres_connection.cpp). It knows how to run parameterised SQL
// and to begin/commit/roll back a write transaction; it knows nothing of campaigns.
//
// SQL text uses SQLite-style numbered placeholders ?1, ?2, ...; the PostgreSQL connection rewrites
// them to $1, $2, .... Every column the store reads is INTEGER or TEXT (doubles live inside JSON
// text, which round-trips them exactly), so rows come back as optional strings.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kyoso/base/error.h"
#include "kyoso/store/store.h"

namespace kyoso::store::detail {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;
using SqlRow = std::vector<std::optional<std::string>>;

// Thrown by a connection when a UNIQUE/PRIMARY KEY constraint refuses a write; callers that expect
// it (CreateCampaign racing another creator) translate it to a domain code.
class UniqueViolation : public Error {
 public:
  explicit UniqueViolation(const std::string& message) : Error("store.io", message) {}
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::string Backend() const = 0;
  // Starts a write transaction holding the database's write lock (SQLite: BEGIN IMMEDIATE;
  // PostgreSQL: BEGIN, rows are locked by SELECT ... FOR UPDATE). store.busy on timeout.
  virtual void BeginWrite() = 0;
  virtual void Commit() = 0;
  // Never throws; safe to call when no transaction is open.
  virtual void Rollback() noexcept = 0;
  // Runs one statement and returns its rows (empty for writes). Throws store.busy, store.io or
  // UniqueViolation.
  virtual std::vector<SqlRow> Query(const std::string& sql,
                                    const std::vector<SqlValue>& params) = 0;
  // " FOR UPDATE" on PostgreSQL (row lock on the campaign), "" on SQLite (the write transaction
  // already holds the database's only write lock).
  virtual std::string ForUpdate() const = 0;
  // Current schema version (after OpenStore's migrations: the newest).
  virtual int SchemaVersion() = 0;
};

// Makes the store logic run on `connection` (takes ownership).
std::unique_ptr<Store> MakeSqlStore(std::unique_ptr<Connection> connection,
                                    const StoreOptions& options);

std::unique_ptr<Connection> OpenSqlite(const std::string& path, const StoreOptions& options);
std::unique_ptr<Connection> OpenPostgres(const std::string& url, const StoreOptions& options);

}  // namespace kyoso::store::detail
