// PostgreSQL implementation of detail::Connection (libpqxx 6.4 API, NOTES.md): for a lab sharing
// one server. A write transaction is a pqxx::work (READ COMMITTED); the store logic locks the
// campaign row with SELECT ... FOR UPDATE, so ids and event numbers are allocated in commit order
// under that lock (NOTES.md: a global sequence used as a read cursor would skip late commits).
// Waiting for a lock longer than busy_timeout_ms (lock_timeout), a cancelled statement, a
// serialization failure or a deadlock becomes store.busy. The schema version lives in table
// kyoso_schema; migrations run under a transaction-scoped advisory lock so concurrent first opens
// migrate once.
#include <pqxx/pqxx>

#include <string>

#include "kyoso/store/detail/connection.h"
#include "kyoso/store/detail/schema.h"

namespace kyoso::store::detail {

namespace {

// Arbitrary constant naming kyoso's migration lock among the server's advisory locks.
constexpr const char* kMigrationLockKey = "727001";

// Rewrites SQLite-style ?N placeholders to PostgreSQL's $N (the store's SQL has no '?' in text).
std::string ToPostgresPlaceholders(const std::string& sql) {
  std::string out = sql;
  for (char& c : out) {
    if (c == '?') c = '$';
  }
  return out;
}

[[noreturn]] void Rethrow(const std::string& context) {
  try {
    throw;
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    const std::string message = std::string(e.what()) + " (" + context + ")";
    // 55P03 lock_not_available (lock_timeout), 40001 serialization failure, 40P01 deadlock, and
    // 57014 query_canceled: under heavy load a lock wait ended by lock_timeout was seen to report
    // "canceling statement due to user request" (PostgreSQL's ProcessInterrupts reports a pending
    // cancel as "user request" when the lock-timeout indicator was already cleared, which happens
    // when the timer fires just as the lock is granted; we send no cancels). In every case the statement's transaction is
    // rolled back and nothing was written, so the caller may retry.
    if (state == "55P03" || state == "40001" || state == "40P01" || state == "57014") {
      throw Error("store.busy", "PostgreSQL: lock not obtained in time, retry: " + message);
    }
    if (state == "23505") throw UniqueViolation(message);
    throw Error("store.io", "PostgreSQL error: " + message);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("store.io", "PostgreSQL error: " + std::string(e.what()) + " (" + context + ")");
  }
}

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(const std::string& url, const StoreOptions& options) {
    try {
      connection_ = std::make_unique<pqxx::connection>(url);
      pqxx::nontransaction session(*connection_);
      // lock_timeout 0 would mean "wait forever"; the store's 0 means "do not wait".
      session.exec("SET lock_timeout = " + std::to_string(std::max(1, options.busy_timeout_ms)));
      session.exec("SET client_min_messages = warning");
    } catch (...) {
      Rethrow("connecting to the PostgreSQL server");
    }
    Migrate();
  }

  ~PostgresConnection() override { Rollback(); }

  std::string Backend() const override { return "postgresql"; }

  void BeginWrite() override {
    try {
      work_ = std::make_unique<pqxx::work>(*connection_);
    } catch (...) {
      Rethrow("BEGIN");
    }
  }

  void Commit() override {
    try {
      work_->commit();
      work_.reset();
    } catch (...) {
      work_.reset();
      Rethrow("COMMIT");
    }
  }

  void Rollback() noexcept override {
    if (!work_) return;
    try {
      work_->abort();
    } catch (...) {
      // The server already dropped the transaction; nothing more to undo.
    }
    work_.reset();
  }

  std::vector<SqlRow> Query(const std::string& sql, const std::vector<SqlValue>& params) override {
    std::vector<std::string> storage;
    storage.reserve(params.size());
    std::vector<const char*> values;
    for (const SqlValue& param : params) {
      if (const auto* number = std::get_if<std::int64_t>(&param)) {
        storage.push_back(std::to_string(*number));
        values.push_back(storage.back().c_str());
      } else if (const auto* text = std::get_if<std::string>(&param)) {
        storage.push_back(*text);
        values.push_back(storage.back().c_str());
      } else {
        values.push_back(nullptr);
      }
    }
    const std::string pg_sql = ToPostgresPlaceholders(sql);
    try {
      pqxx::result result;
      if (work_) {
        result = work_->exec_params(pg_sql, pqxx::prepare::make_dynamic_params(values));
      } else {
        pqxx::nontransaction autocommit(*connection_);
        result = autocommit.exec_params(pg_sql, pqxx::prepare::make_dynamic_params(values));
      }
      std::vector<SqlRow> rows;
      rows.reserve(result.size());
      for (const auto& row : result) {
        SqlRow out(row.size());
        for (std::size_t column = 0; column < row.size(); ++column) {
          if (!row[static_cast<pqxx::row::size_type>(column)].is_null()) {
            out[column] = row[static_cast<pqxx::row::size_type>(column)].c_str();
          }
        }
        rows.push_back(std::move(out));
      }
      return rows;
    } catch (...) {
      Rethrow(sql);
    }
  }

  std::string ForUpdate() const override { return " FOR UPDATE"; }

  int SchemaVersion() override {
    const auto rows = Query("SELECT version FROM kyoso_schema", {});
    return rows.empty() ? 0 : static_cast<int>(std::stoll(rows[0][0].value()));
  }

 private:
  void Migrate() {
    const int latest = LatestSchemaVersion();
    BeginWrite();
    try {
      Query(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")", {});
      Query("CREATE TABLE IF NOT EXISTS kyoso_schema (version INTEGER NOT NULL)", {});
      auto rows = Query("SELECT version FROM kyoso_schema", {});
      if (rows.empty()) {
        Query("INSERT INTO kyoso_schema (version) VALUES (0)", {});
        rows = Query("SELECT version FROM kyoso_schema", {});
      }
      const int version = static_cast<int>(std::stoll(rows.at(0).at(0).value()));
      if (version > latest) {
        throw Error("store.schema_too_new", "PostgreSQL database has schema version " +
                                                std::to_string(version) +
                                                " but this kyoso knows only up to " +
                                                std::to_string(latest) + "; upgrade kyoso");
      }
      for (const Migration& migration : PostgresMigrations()) {
        if (migration.version <= version) continue;
        for (const std::string& statement : migration.statements) Query(statement, {});
        Query("UPDATE kyoso_schema SET version = " + std::to_string(migration.version), {});
      }
      Commit();
    } catch (...) {
      Rollback();
      throw;
    }
  }

  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::work> work_;
};

}  // namespace

std::unique_ptr<Connection> OpenPostgres(const std::string& url, const StoreOptions& options) {
  return std::make_unique<PostgresConnection>(url, options);
}

}  // namespace kyoso::store::detail
