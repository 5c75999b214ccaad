#include "relay_server/store/sqlite_directory.h"

#include "tests/relay_server/file_writes_refused.h"
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

constexpr UnixSeconds kNow{std::chrono::seconds(1'800'000'000)};

Binding binding_of(std::string aor, std::string contact) {
  Binding b;
  b.aor = std::move(aor);
  b.contact_uri = std::move(contact);
  b.expires_at = kNow + std::chrono::seconds(600);
  b.flow = Flow{"udp", "198.18.0.7", 40123, "127.0.0.1:5060"};
  b.owner_proxy = "proxy-a";
  b.call_id = "reg-1@198.18.0.7";
  b.cseq = 1;
  return b;
}

std::string bindings_seen_by_another_connection(const std::string& path) {
  return query_text(path, "SELECT count(*) FROM bindings");
}

TEST(SqliteDirectoryBatch, WritesBecomeVisibleToOtherConnectionsOnlyAtEndBatch) {
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  auto directory = SqliteDirectory::open(path);
  ASSERT_TRUE(directory) << directory.error().describe();
  (*directory)->begin_batch();
  ASSERT_TRUE((*directory)->put_binding(binding_of("sip:a@x", "sip:a@198.18.0.7:1"), kNow));
  ASSERT_TRUE((*directory)->put_binding(binding_of("sip:b@x", "sip:b@198.18.0.7:2"), kNow));
  // The batch's own reads see its writes (the registrar answers from them) ...
  auto own = (*directory)->bindings_for("sip:a@x", kNow);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->size(), 1U);
  // ... another connection does not, until the one commit.
  EXPECT_EQ(bindings_seen_by_another_connection(path), "0");
  ASSERT_TRUE((*directory)->end_batch());
  EXPECT_EQ(bindings_seen_by_another_connection(path), "2");
}

TEST(SqliteDirectoryBatch, AfterEndBatchEveryWriteIsDurableWhenItReturns) {
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  auto directory = SqliteDirectory::open(path);
  ASSERT_TRUE(directory) << directory.error().describe();
  (*directory)->begin_batch();
  ASSERT_TRUE((*directory)->end_batch());  // a batch without writes opens no transaction
  ASSERT_TRUE((*directory)->put_binding(binding_of("sip:a@x", "sip:a@198.18.0.7:1"), kNow));
  EXPECT_EQ(bindings_seen_by_another_connection(path), "1");
  auto removed = (*directory)->remove_bindings("sip:a@x");
  ASSERT_TRUE(removed);
  EXPECT_EQ(bindings_seen_by_another_connection(path), "0");
}

TEST(SqliteDirectoryBatch, CommittedBatchSurvivesReopening) {
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  {
    auto directory = SqliteDirectory::open(path);
    ASSERT_TRUE(directory) << directory.error().describe();
    (*directory)->begin_batch();
    ASSERT_TRUE((*directory)->put_binding(binding_of("sip:a@x", "sip:a@198.18.0.7:1"), kNow));
    ASSERT_TRUE((*directory)->remove_binding("sip:a@x", "sip:a@198.18.0.7:1"));
    ASSERT_TRUE((*directory)->put_binding(binding_of("sip:a@x", "sip:a@198.18.0.7:3"), kNow));
    ASSERT_TRUE((*directory)->end_batch());
  }
  auto reopened = SqliteDirectory::open(path);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  auto bindings = (*reopened)->bindings_for("sip:a@x", kNow);
  ASSERT_TRUE(bindings);
  ASSERT_EQ(bindings->size(), 1U);
  EXPECT_EQ((*bindings)[0].contact_uri, "sip:a@198.18.0.7:3");
}

TEST(SqliteDirectoryBatch, AnUncommittedBatchIsLostWithTheConnection) {
  // What "a crash loses only writes not yet answered" rests on: nothing of an open batch
  // reaches the file, so the relay must (and does) commit before it answers.
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  {
    auto directory = SqliteDirectory::open(path);
    ASSERT_TRUE(directory) << directory.error().describe();
    (*directory)->begin_batch();
    ASSERT_TRUE((*directory)->put_binding(binding_of("sip:a@x", "sip:a@198.18.0.7:1"), kNow));
  }
  EXPECT_EQ(bindings_seen_by_another_connection(path), "0");
}

TEST(SqliteDirectoryBatch, AFailedCommitStoresNothingOfTheBatchAndTheNextBatchCommits) {
  // BEGIN IMMEDIATE and the writes succeed; only the COMMIT meets a refused write (see
  // FileWritesRefused for why that is the failure a WAL COMMIT can really meet: a lock
  // cannot fail it, BEGIN IMMEDIATE already holds the write lock and WAL readers never
  // block a commit).
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  auto directory = SqliteDirectory::open(path);
  ASSERT_TRUE(directory) << directory.error().describe();
  auto& store = **directory;
  ASSERT_TRUE(store.put_binding(binding_of("sip:c@x", "sip:c@198.18.0.7:3"), kNow));
  store.begin_batch();
  ASSERT_TRUE(store.put_binding(binding_of("sip:a@x", "sip:a@198.18.0.7:1"), kNow));
  ASSERT_TRUE(store.remove_binding("sip:c@x", "sip:c@198.18.0.7:3"));
  Result<void> committed;
  {
    const FileWritesRefused refused;
    ASSERT_TRUE(refused.active());
    committed = store.end_batch();
  }
  ASSERT_FALSE(committed);
  EXPECT_NE(committed.error().describe().find("disk I/O error"), std::string::npos)
      << committed.error().describe();
  // Rolled back, on this connection as on any other and in the file: a is not there, c is.
  EXPECT_TRUE(store.bindings_for("sip:a@x", kNow)->empty());
  EXPECT_EQ(store.bindings_for("sip:c@x", kNow)->size(), 1U);
  EXPECT_EQ(bindings_seen_by_another_connection(path), "1");

  store.begin_batch();
  ASSERT_TRUE(store.put_binding(binding_of("sip:b@x", "sip:b@198.18.0.7:2"), kNow));
  ASSERT_TRUE(store.end_batch());
  directory->reset();
  auto reopened = SqliteDirectory::open(path);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  EXPECT_TRUE((*reopened)->bindings_for("sip:a@x", kNow)->empty());
  EXPECT_EQ((*reopened)->bindings_for("sip:b@x", kNow)->size(), 1U);
  EXPECT_EQ((*reopened)->bindings_for("sip:c@x", kNow)->size(), 1U);
}

TEST(SqliteDirectoryBatch, ALockedStoreFailsTheBatchAtBeginAndItsOtherWritesAtOnce) {
  // In WAL mode a lock cannot fail a COMMIT: another writer holding the lock past the busy
  // timeout fails the batch's BEGIN IMMEDIATE, i.e. its first write, which the registrar
  // answers 500 at once. The batch's later writes then fail without waiting again.
  TempDir dir;
  const auto path = dir.file("d.sqlite");
  auto directory = SqliteDirectory::open(path, std::chrono::milliseconds(0));
  ASSERT_TRUE(directory) << directory.error().describe();
  auto& store = **directory;
  auto other = SqliteDirectory::open(path);  // e.g. the `user` subcommand, mid-write
  ASSERT_TRUE(other) << other.error().describe();
  (*other)->begin_batch();
  ASSERT_TRUE((*other)->put_user({"carol", "x", std::string(32, '0'), std::string(64, '0')}));

  store.begin_batch();
  auto first = store.put_binding(binding_of("sip:a@x", "sip:a@198.18.0.7:1"), kNow);
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().describe().find("database is locked"), std::string::npos)
      << first.error().describe();
  ASSERT_TRUE((*other)->end_batch());  // the lock is free again, but this batch has failed
  EXPECT_FALSE(store.put_binding(binding_of("sip:b@x", "sip:b@198.18.0.7:2"), kNow));
  EXPECT_TRUE(store.end_batch());  // nothing was begun, so nothing to commit
  EXPECT_EQ(bindings_seen_by_another_connection(path), "0");

  store.begin_batch();
  ASSERT_TRUE(store.put_binding(binding_of("sip:b@x", "sip:b@198.18.0.7:2"), kNow));
  ASSERT_TRUE(store.end_batch());
  EXPECT_EQ(bindings_seen_by_another_connection(path), "1");
}

}  // namespace
}  // namespace tipring::relay
