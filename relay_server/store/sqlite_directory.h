// SqliteDirectory: the embedded Directory backend, one SQLite file in WAL mode
// (https://sqlite.org/wal.html) so the `user` subcommand can write while the relay reads.
// The schema is versioned with PRAGMA user_version and migrated forward on open. Writes in
// a batch (Directory::begin_batch) share one BEGIN IMMEDIATE ... COMMIT: one WAL commit and
// one round of file locks for a whole wake-up's REGISTERs instead of one per binding.
#pragma once

#include "relay_server/store/directory.h"
#include "relay_server/store/sqlite_handle.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace tipring::relay {

class SqliteDirectory final : public Directory {
public:
  static constexpr std::int64_t kSchemaVersion = 2;

  // Creates the file and schema if needed; refuses a file from a newer schema.
  static Result<std::unique_ptr<SqliteDirectory>> open(
      const std::string& path,
      std::chrono::milliseconds busy_timeout = SqliteDatabase::kDefaultBusyTimeout);

  Result<void> put_user(const UserRecord& user) override;
  Result<std::optional<UserRecord>> find_user(std::string_view user,
                                              std::string_view realm) override;
  Result<bool> remove_user(std::string_view user, std::string_view realm) override;
  Result<std::vector<UserRecord>> list_users() override;

  Result<void> put_binding(const Binding& binding, UnixSeconds now) override;
  Result<bool> remove_binding(std::string_view aor, std::string_view identity) override;
  Result<std::size_t> remove_bindings(std::string_view aor) override;
  Result<std::vector<Binding>> bindings_for(std::string_view aor, UnixSeconds now) override;
  Result<std::vector<std::string>> owners_of(std::string_view aor, UnixSeconds now) override;
  Result<std::size_t> purge_expired(UnixSeconds now) override;
  Result<std::size_t> count_bindings(UnixSeconds now) override;
  Result<std::string> keep_secret(std::string_view name, std::string_view candidate) override;
  void begin_batch() override { batching_ = true; }
  Result<void> end_batch() override;

private:
  struct Statements {
    SqliteStatement put_user, find_user, remove_user, list_users;
    SqliteStatement put_binding, remove_binding, remove_bindings, bindings_for, owners_of,
        purge_expired, count_bindings;
    SqliteStatement add_secret, find_secret;
  };
  SqliteDirectory(SqliteDatabase database, Statements statements)
      : database_(std::move(database)), statements_(std::move(statements)) {}

  // Opens the batch's transaction before its first write; nothing outside a batch.
  Result<void> join_batch();

  SqliteDatabase database_;
  Statements statements_;
  bool batching_ = false;
  bool in_transaction_ = false;
  // The batch's BEGIN failed (the write lock stayed taken past the busy timeout): its other
  // writes fail at once with the same error instead of each waiting the timeout out again,
  // which for a wake-up of 64 REGISTERs would stall the signalling loop for minutes.
  std::optional<Error> begin_failure_;
};

}  // namespace tipring::relay
