// Shared helpers of the store tests: a fresh database per test for either backend, a snapshot of
// everything a database holds (to assert "exactly as before" after a failed write), and SQLite's
// own integrity check.
//
// Backends: "sqlite" uses a file in a fresh temporary directory; "postgresql" uses the server that
// tests/store/pg_test_env.sh started (ctest fixture), whose URL is in KYOSO_PG_TEST_URL, and
// empties its public schema before each test.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "kyoso/base/error.h"
#include "kyoso/store/store.h"

namespace kyoso::store::testing {

// A directory removed (with its contents) at scope exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("kyoso_store_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Everything a store holds, in a comparable form.
struct Snapshot {
  std::vector<CampaignRecord> campaigns;
  std::vector<std::vector<Experiment>> experiments;  // per campaign
  std::vector<std::vector<HistoryEntry>> events;     // per campaign
  bool operator==(const Snapshot&) const = default;
};

inline Snapshot TakeSnapshot(Store& store) {
  Snapshot snapshot;
  snapshot.campaigns = store.ListCampaigns();
  for (const CampaignRecord& campaign : snapshot.campaigns) {
    snapshot.experiments.push_back(store.ListExperiments(campaign.id));
    snapshot.events.push_back(store.Events(campaign.id));
  }
  return snapshot;
}

// PRAGMA integrity_check on a SQLite file through a separate connection: "ok" when intact.
inline std::string SqliteIntegrity(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string result = "cannot open";
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close_v2(db);
  return result;
}

// Runs one SQL script on a SQLite file through a separate raw connection.
inline void SqliteExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
            SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close_v2(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

// The PostgreSQL URL the ctest fixture exported, or "" when none.
inline std::string PostgresUrl() {
  const char* url = std::getenv("KYOSO_PG_TEST_URL");
  return url ? url : "";
}

// Drops every table of the test database so each test starts from an empty (version 0) database.
inline void ResetPostgres(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::nontransaction session(connection);
  session.exec("SET client_min_messages = warning");
  session.exec("DROP SCHEMA public CASCADE");
  session.exec("CREATE SCHEMA public");
}

// A fresh, empty database location for the backend named by the test parameter.
class FreshDatabase {
 public:
  explicit FreshDatabase(const std::string& backend) : backend_(backend) {
    if (backend == "postgresql") {
      location_ = PostgresUrl();
      if (location_.empty()) {
        ADD_FAILURE() << "KYOSO_PG_TEST_URL is not set: run through ctest (fixture pg_server)";
      } else {
        ResetPostgres(location_);
      }
    } else {
      location_ = dir_.File("kyoso.db");
    }
  }
  const std::string& location() const { return location_; }
  bool is_sqlite() const { return backend_ == "sqlite"; }

 private:
  std::string backend_;
  TempDir dir_;
  std::string location_;
};

// Expects `body` to throw a kyoso::Error with `code`.
template <class Body>
void ExpectErrorCode(const std::string& code, Body&& body) {
  try {
    body();
    ADD_FAILURE() << "expected error " << code << ", nothing was thrown";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
  }
}

}  // namespace kyoso::store::testing
