#include "relay_server/store/sqlite_handle.h"

#include <sqlite3.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "sqlite";

tl::unexpected<Error> sqlite_failure(sqlite3* database, std::string_view sql) {
  return fail(kRule, std::string(sqlite3_errmsg(database)) + " in: " + std::string(sql));
}

}  // namespace

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

void SqliteDatabase::Closer::operator()(sqlite3* database) const {
  sqlite3_close_v2(database);
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_.get(), index, value);
  return *this;
}

Result<SqliteStatement::Step> SqliteStatement::step() {
  const int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) {
    return Step::row;
  }
  if (rc == SQLITE_DONE) {
    return Step::done;
  }
  auto failure = sqlite_failure(database_, sql_);
  sqlite3_reset(statement_.get());
  return failure;
}

Result<void> SqliteStatement::run() {
  while (true) {
    auto step_result = step();
    if (!step_result) {
      reset();
      return tl::unexpected(step_result.error());
    }
    if (*step_result == Step::done) {
      reset();
      return {};
    }
  }
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_.get());
  sqlite3_clear_bindings(statement_.get());
}

std::string SqliteStatement::text(int column) const {
  const auto* data = sqlite3_column_text(statement_.get(), column);
  const int length = sqlite3_column_bytes(statement_.get(), column);
  if (data == nullptr) {
    return {};
  }
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(length)};
}

std::int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}

std::int64_t SqliteStatement::changes() const {
  return sqlite3_changes64(database_);
}

Result<SqliteDatabase> SqliteDatabase::open(const std::string& path,
                                            std::chrono::milliseconds busy_timeout) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDatabase database(raw);  // closes `raw` even when opening failed
  if (rc != SQLITE_OK) {
    return fail(kRule, path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));
  return database;
}

Result<void> SqliteDatabase::execute(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(database_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string detail = message ? message : "unknown error";
    sqlite3_free(message);
    return fail(kRule, detail + " in: " + text);
  }
  return {};
}

Result<SqliteStatement> SqliteDatabase::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(database_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
    return sqlite_failure(database_.get(), sql);
  }
  return SqliteStatement(statement, database_.get(), sql);
}

Result<std::int64_t> SqliteDatabase::user_version() {
  auto statement = prepare("PRAGMA user_version");
  if (!statement) {
    return tl::unexpected(statement.error());
  }
  auto step = statement->step();
  if (!step) {
    return tl::unexpected(step.error());
  }
  return statement->integer(0);
}

Result<void> SqliteDatabase::set_user_version(std::int64_t version) {
  return execute("PRAGMA user_version = " + std::to_string(version));
}

}  // namespace tipring::relay
