#include "relay_server/store/sqlite_directory.h"

#include "tests/relay_server/store/directory_behaviour.h"
#include "tests/relay_server/temp_dir.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace tipring::relay {
namespace {

struct SqliteBackend {
  TempDir dir;
  std::string path = dir.file("directory.sqlite");

  [[nodiscard]] bool ready() const { return !dir.path().empty(); }
  std::unique_ptr<Directory> open() {
    auto directory = SqliteDirectory::open(path);
    EXPECT_TRUE(directory) << directory.error().describe();
    return directory ? std::move(*directory) : nullptr;
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, DirectoryBehaviour, SqliteBackend);

// Runs one statement on a separate raw connection, as another tool would.
std::string query_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* statement = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(statement, 0);
    out = text ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return out;
}

TEST(SqliteDirectory, OpensInWalModeAtTheCurrentSchemaVersion) {
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  auto directory = SqliteDirectory::open(path);
  ASSERT_TRUE(directory) << directory.error().describe();
  EXPECT_EQ(query_text(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(path, "PRAGMA user_version"),
            std::to_string(SqliteDirectory::kSchemaVersion));
}

TEST(SqliteDirectory, RefusesAFileWrittenByANewerSchema) {
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  query_text(path, "PRAGMA user_version = 99");
  auto directory = SqliteDirectory::open(path);
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().describe().find("newer"), std::string::npos);
}

TEST(SqliteDirectory, UnopenableFileIsNamedInTheError) {
  auto directory = SqliteDirectory::open("/nonexistent-dir/d.sqlite");
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().describe().find("/nonexistent-dir/d.sqlite"), std::string::npos);
}

TEST(SqliteDirectory, StoresNoColumnThatCouldHoldAPassword) {
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  ASSERT_TRUE(SqliteDirectory::open(path));
  const auto columns =
      query_text(path, "SELECT group_concat(name, ',') FROM pragma_table_info('users')");
  EXPECT_EQ(columns, "user,realm,ha1_md5,ha1_sha256");
}

}  // namespace
}  // namespace tipring::relay
