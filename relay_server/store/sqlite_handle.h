// RAII wrappers over the SQLite C API (https://sqlite.org/c3ref/intro.html): a database
// connection and a prepared statement, with errors as Result values naming the SQL that
// failed. The directory code above them never sees a raw sqlite3 handle.
#pragma once

#include "protocol/core/error.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tipring::relay {

class SqliteStatement {
public:
  enum class Step { row, done };

  SqliteStatement() = default;

  // Binding indexes start at 1, as in SQL's "?1".
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t value);
  Result<Step> step();
  // step() until done, for statements that return no rows.
  Result<void> run();
  // Clears bindings and rewinds so the statement can be reused.
  void reset();

  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  // Rows changed by the last run() of this statement's connection.
  [[nodiscard]] std::int64_t changes() const;

private:
  friend class SqliteDatabase;
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  SqliteStatement(sqlite3_stmt* statement, sqlite3* database, std::string_view sql)
      : statement_(statement), database_(database), sql_(sql) {}

  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
  sqlite3* database_ = nullptr;
  std::string sql_;
};

class SqliteDatabase {
public:
  // How long a statement waits for another connection's lock before failing "database is
  // locked" (the `user` subcommand may hold the write lock for a moment).
  static constexpr std::chrono::milliseconds kDefaultBusyTimeout{2000};

  static Result<SqliteDatabase> open(const std::string& path,
                                     std::chrono::milliseconds busy_timeout = kDefaultBusyTimeout);

  Result<void> execute(std::string_view sql);
  Result<SqliteStatement> prepare(std::string_view sql);
  Result<std::int64_t> user_version();
  Result<void> set_user_version(std::int64_t version);

private:
  struct Closer {
    void operator()(sqlite3* database) const;
  };
  explicit SqliteDatabase(sqlite3* database) : database_(database) {}

  std::unique_ptr<sqlite3, Closer> database_;
};

}  // namespace tipring::relay
