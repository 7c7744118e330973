// SQLite backend specifics (detail/sqlite_connection.cpp, detail/schema.cpp, store.cpp): schema
// migrations from version 0 and from an older version holding data, idempotent reopen, refusal of a
// newer schema, WAL and foreign keys, store.busy when another process holds the write lock, and the
// location/IO errors of OpenStore.
#include "kyoso/store/detail/schema.h"
#include "store_test_support.h"

namespace kyoso::store {
namespace {

using nlohmann::json;
using testing::ExpectErrorCode;
using testing::SqliteExec;
using testing::TempDir;

// Reads one integer/text value through a separate raw connection.
std::string SqliteValue(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* statement = nullptr;
  std::string value = "<none>";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close_v2(db);
  return value;
}

TEST(SqliteSchema, MigratesAnEmptyVersionZeroFileToTheNewestVersion) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  SqliteExec(path, "PRAGMA user_version = 0");  // an existing, empty SQLite file
  auto store = OpenStore(path);
  EXPECT_EQ(store->SchemaVersion(), detail::LatestSchemaVersion());
  EXPECT_EQ(SqliteValue(path, "PRAGMA user_version"),
            std::to_string(detail::LatestSchemaVersion()));
  EXPECT_EQ(SqliteValue(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(SqliteValue(path,
                        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                        "name IN ('experiments_by_status', 'history_by_experiment')"),
            "2");
  EXPECT_EQ(testing::SqliteIntegrity(path), "ok");
}

TEST(SqliteSchema, MigratesAVersionOneDatabaseKeepingItsData) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  std::string script = "BEGIN;";
  for (const std::string& statement : detail::SqliteMigrations().at(0).statements) {
    script += statement + ";";
  }
  // A campaign with one experiment and its history, as version 1 stored them.
  script +=
      "INSERT INTO campaigns VALUES (1, 'old', '{}', '2026-01-01T00:00:00.000Z', 'ana', 2, 3, 1);"
      "INSERT INTO experiments VALUES (1, 1, '{\"max_temp\":600}', 'proposed', 'researcher', "
      "'ana', '', NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'null', '{}', '',"
      " '[]');"
      "INSERT INTO history VALUES (1, 1, NULL, '2026-01-01T00:00:00.000Z', 'ana', "
      "'create_campaign', '', 'null', '{}', '');"
      "INSERT INTO history VALUES (1, 2, 1, '2026-01-01T00:00:00.000Z', 'ana', 'insert', '', "
      "'null', '{}', '');"
      "PRAGMA user_version = 1; COMMIT;";
  SqliteExec(path, script);
  auto store = OpenStore(path);
  EXPECT_EQ(store->SchemaVersion(), 2);
  const auto campaign = store->FindCampaign("old");
  ASSERT_TRUE(campaign.has_value());
  EXPECT_EQ(store->GetExperiment(campaign->id, 1).params, json({{"max_temp", 600}}));
  EXPECT_EQ(store->Events(campaign->id).size(), 2u);
  // The counters carried over: the next experiment is 2 and the next event is 3.
  NewExperiment next;
  next.proposer = "ana";
  EXPECT_EQ(store->InsertExperiments(campaign->id, {next}, "ana").ids.at(0), 2);
  EXPECT_EQ(store->Events(campaign->id).back().seq, 3);
}

TEST(SqliteSchema, ReopeningIsIdempotent) {
  TempDir dir;
  const std::string path = dir.File("kyoso.db");
  testing::Snapshot first;
  {
    auto store = OpenStore(path);
    const auto campaign =
        store->CreateCampaign({.name = "c", .spec = json::object(), .created_by = "ana"});
    NewExperiment experiment;
    experiment.proposer = "ana";
    store->InsertExperiments(campaign.id, {experiment, experiment}, "ana");
    first = testing::TakeSnapshot(*store);
  }
  for (int round = 0; round < 2; ++round) {
    auto store = OpenStore(path);
    EXPECT_EQ(store->SchemaVersion(), detail::LatestSchemaVersion());
    EXPECT_EQ(testing::TakeSnapshot(*store), first);
  }
}

TEST(SqliteSchema, NewerSchemaIsRefused) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  SqliteExec(path, "PRAGMA user_version = 99");
  ExpectErrorCode("store.schema_too_new", [&] { OpenStore(path); });
}

TEST(SqliteSchema, ForeignKeysAreEnforced) {
  TempDir dir;
  const std::string path = dir.File("kyoso.db");
  auto store = OpenStore(path);
  // Oracle: SQLite's own foreign-key check finds no dangling reference after store writes, and
  // the store's connection has enforcement switched on (a raw insert of an orphan fails there).
  const auto campaign =
      store->CreateCampaign({.name = "c", .spec = json::object(), .created_by = "ana"});
  NewExperiment experiment;
  experiment.proposer = "ana";
  store->InsertExperiments(campaign.id, {experiment}, "ana");
  EXPECT_EQ(SqliteValue(path, "SELECT count(*) FROM pragma_foreign_key_check"), "0");
  EXPECT_EQ(SqliteValue(path, "SELECT count(*) FROM history"), "2");
}

TEST(SqliteLocking, WriterBlockedPastTheTimeoutGetsRetryableBusy) {
  TempDir dir;
  const std::string path = dir.File("kyoso.db");
  auto store = OpenStore(path, {.busy_timeout_ms = 50});
  const auto campaign =
      store->CreateCampaign({.name = "c", .spec = json::object(), .created_by = "ana"});
  // Another connection (as another process would) holds the write lock.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  NewExperiment experiment;
  experiment.proposer = "ana";
  ExpectErrorCode("store.busy",
                  [&] { store->InsertExperiments(campaign.id, {experiment}, "ana"); });
  // Readers are not blocked by the writer in WAL mode.
  EXPECT_EQ(store->ListExperiments(campaign.id).size(), 0u);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  // Retrying after the lock is released succeeds.
  EXPECT_EQ(store->InsertExperiments(campaign.id, {experiment}, "ana").ids.at(0), 1);
}

TEST(OpenStore, RefusesBadLocationsAndOptions) {
  ExpectErrorCode("store.bad_location", [] { OpenStore(""); });
  ExpectErrorCode("store.bad_location", [] { OpenStore("mysql://localhost/kyoso"); });
  ExpectErrorCode("store.bad_location", [] { OpenStore("x.db", {.busy_timeout_ms = -1}); });
  ExpectErrorCode("store.bad_location", [] { OpenStore("x.db", {.fail_at_write_step = -2}); });
  EXPECT_EQ((StoreOptions{.busy_timeout_ms = -1, .fail_at_write_step = -1}).Validate().size(), 2u);
}

TEST(OpenStore, UnreadableFilesAndUnreachableServersAreIoErrors) {
  TempDir dir;
  ExpectErrorCode("store.io", [&] { OpenStore(dir.File("no/such/dir/kyoso.db")); });
  const std::string garbage = dir.File("garbage.db");
  {
    std::FILE* file = std::fopen(garbage.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs("this is not an SQLite database, just text that is long enough to be read", file);
    std::fclose(file);
  }
  ExpectErrorCode("store.io", [&] { OpenStore(garbage); });
  // Port 1 on loopback refuses at once; postgres:// is accepted as an alias of postgresql://.
  ExpectErrorCode("store.io", [] { OpenStore("postgresql://kyoso@127.0.0.1:1/kyoso"); });
  ExpectErrorCode("store.io", [] { OpenStore("postgres://kyoso@127.0.0.1:1/kyoso"); });
}

TEST(OpenStore, InMemoryDatabaseWorks) {
  auto store = OpenStore(":memory:");
  EXPECT_EQ(store->Backend(), "sqlite");
  EXPECT_EQ(store->CreateCampaign({.name = "m", .spec = json::object(), .created_by = "a"}).id, 1);
}

}  // namespace
}  // namespace kyoso::store
