// The store's schema as ordered migrations, one list per backend with the same tables, columns
// and meaning (docs/store.md has the table-by-table description). A database records the number
// of migrations applied (SQLite: PRAGMA user_version; PostgreSQL: table kyoso_schema); opening it
// applies the missing ones in order inside one write transaction. Never edit a released migration:
// append a new one.
#pragma once

#include <string>
#include <vector>

namespace kyoso::store::detail {

struct Migration {
  int version = 0;                      // the schema version after this migration, 1, 2, ...
  std::vector<std::string> statements;  // DDL run in order
};

const std::vector<Migration>& SqliteMigrations();
const std::vector<Migration>& PostgresMigrations();
// Newest schema version this build knows (equal for both backends).
int LatestSchemaVersion();

}  // namespace kyoso::store::detail
