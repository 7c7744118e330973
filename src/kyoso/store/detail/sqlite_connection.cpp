// SQLite implementation of detail::Connection: the default backend, one database file shared by
// any number of processes. WAL mode lets readers run while one writer writes; every write
// transaction starts with BEGIN IMMEDIATE, so a writer takes the write lock up front (waiting up to
// busy_timeout_ms) instead of failing on a lock upgrade (NOTES.md). Statements are prepared once
// and cached. The schema version is PRAGMA user_version.
#include <sqlite3.h>

#include <map>
#include <string>

#include "kyoso/store/detail/connection.h"
#include "kyoso/store/detail/schema.h"

namespace kyoso::store::detail {

namespace {

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, const StoreOptions& options) : path_(path) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw Error("store.io", "cannot open SQLite database '" + path + "': " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    try {
      ExecScript("PRAGMA foreign_keys = ON");
      // Switching to WAL is persistent in the file; on an existing WAL database it is a no-op.
      ExecScript("PRAGMA journal_mode = WAL");
      Migrate();
    } catch (...) {
      Close();
      throw;
    }
  }

  ~SqliteConnection() override { Close(); }

  std::string Backend() const override { return "sqlite"; }

  void BeginWrite() override { ExecScript("BEGIN IMMEDIATE"); }

  void Commit() override { ExecScript("COMMIT"); }

  void Rollback() noexcept override {
    if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

  std::vector<SqlRow> Query(const std::string& sql, const std::vector<SqlValue>& params) override {
    sqlite3_stmt* statement = Prepare(sql);
    // Reset on every exit so that the cached statement holds no lock and no bindings.
    struct Reset {
      sqlite3_stmt* statement;
      ~Reset() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      }
    } reset{statement};
    for (std::size_t index = 0; index < params.size(); ++index) {
      const int position = static_cast<int>(index) + 1;
      int rc = SQLITE_OK;
      if (const auto* number = std::get_if<std::int64_t>(&params[index])) {
        rc = sqlite3_bind_int64(statement, position, *number);
      } else if (const auto* text = std::get_if<std::string>(&params[index])) {
        rc = sqlite3_bind_text(statement, position, text->data(), static_cast<int>(text->size()),
                               SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(statement, position);
      }
      if (rc != SQLITE_OK) Throw(rc, "binding parameter " + std::to_string(position));
    }
    std::vector<SqlRow> rows;
    const int num_columns = sqlite3_column_count(statement);
    while (true) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) Throw(rc, sql);
      SqlRow row(num_columns);
      for (int column = 0; column < num_columns; ++column) {
        if (sqlite3_column_type(statement, column) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
        row[column] = std::string(text, sqlite3_column_bytes(statement, column));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::string ForUpdate() const override { return ""; }

  int SchemaVersion() override {
    return static_cast<int>(std::stoll(Query("PRAGMA user_version", {}).at(0).at(0).value()));
  }

 private:
  // Applies the missing migrations in one write transaction (re-reading the version under the
  // lock, so two processes opening a new file at once migrate it exactly once).
  void Migrate() {
    const int latest = LatestSchemaVersion();
    int version = SchemaVersion();
    if (version > latest) ThrowTooNew(version, latest);
    if (version == latest) return;
    BeginWrite();
    try {
      version = SchemaVersion();
      if (version > latest) ThrowTooNew(version, latest);
      for (const Migration& migration : SqliteMigrations()) {
        if (migration.version <= version) continue;
        for (const std::string& statement : migration.statements) ExecScript(statement);
        ExecScript("PRAGMA user_version = " + std::to_string(migration.version));
      }
      Commit();
    } catch (...) {
      Rollback();
      throw;
    }
  }

  [[noreturn]] void ThrowTooNew(int version, int latest) const {
    throw Error("store.schema_too_new", "database '" + path_ + "' has schema version " +
                                            std::to_string(version) + " but this kyoso knows " +
                                            "only up to " + std::to_string(latest) +
                                            "; upgrade kyoso");
  }

  sqlite3_stmt* Prepare(const std::string& sql) {
    const auto found = statements_.find(sql);
    if (found != statements_.end()) return found->second;
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) Throw(rc, sql);
    statements_.emplace(sql, statement);
    return statement;
  }

  void ExecScript(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      const std::string text = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      Throw(rc, sql + ": " + text);
    }
  }

  [[noreturn]] void Throw(int rc, const std::string& context) const {
    const std::string message = std::string(sqlite3_errmsg(db_)) + " (" + context + ")";
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      throw Error("store.busy",
                  "database '" + path_ + "' is locked by another writer; retry: " + message);
    }
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      throw UniqueViolation(message);
    }
    throw Error("store.io", "SQLite error on '" + path_ + "': " + message);
  }

  void Close() noexcept {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    statements_.clear();
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

std::unique_ptr<Connection> OpenSqlite(const std::string& path, const StoreOptions& options) {
  return std::make_unique<SqliteConnection>(path, options);
}

}  // namespace kyoso::store::detail
