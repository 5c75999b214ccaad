#include "relay_server/store/sqlite_directory.h"

#include <array>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "sqlite directory";

// Migration N takes the schema from version N to N + 1. Append; never edit a shipped one.
constexpr std::array<std::string_view, SqliteDirectory::kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE users (
  user TEXT NOT NULL,
  realm TEXT NOT NULL,
  ha1_md5 TEXT NOT NULL,
  ha1_sha256 TEXT NOT NULL,
  PRIMARY KEY (user, realm)
) WITHOUT ROWID;
CREATE TABLE bindings (
  aor TEXT NOT NULL,
  identity TEXT NOT NULL,
  contact_uri TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  reg_id INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  q_thousandths INTEGER NOT NULL,
  transport TEXT NOT NULL,
  flow_address TEXT NOT NULL,
  flow_port INTEGER NOT NULL,
  local_socket TEXT NOT NULL,
  path TEXT NOT NULL,
  owner_proxy TEXT NOT NULL,
  call_id TEXT NOT NULL,
  cseq INTEGER NOT NULL,
  PRIMARY KEY (aor, identity)
) WITHOUT ROWID;
CREATE INDEX bindings_by_expiry ON bindings (expires_at);
)sql",
    R"sql(
CREATE TABLE secrets (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"};

constexpr std::string_view kBindingColumns =
    "aor, contact_uri, instance_id, reg_id, expires_at, q_thousandths, transport, "
    "flow_address, flow_port, local_socket, path, owner_proxy, call_id, cseq";

Result<void> migrate(SqliteDatabase& database) {
  auto version = database.user_version();
  if (!version) {
    return tl::unexpected(version.error());
  }
  if (*version > SqliteDirectory::kSchemaVersion) {
    return fail(kRule, "schema version " + std::to_string(*version) +
                           " was written by a newer tipring-relay (this one knows " +
                           std::to_string(SqliteDirectory::kSchemaVersion) + ")");
  }
  for (auto v = *version; v < SqliteDirectory::kSchemaVersion; ++v) {
    const std::string step = "BEGIN IMMEDIATE;" +
                             std::string(kMigrations[static_cast<std::size_t>(v)]) +
                             "PRAGMA user_version = " + std::to_string(v + 1) + ";COMMIT;";
    if (auto r = database.execute(step); !r) {
      (void)database.execute("ROLLBACK");
      return r;
    }
  }
  return {};
}

Binding read_binding(const SqliteStatement& row) {
  Binding b;
  b.aor = row.text(0);
  b.contact_uri = row.text(1);
  b.instance_id = row.text(2);
  b.reg_id = static_cast<std::uint32_t>(row.integer(3));
  b.expires_at = UnixSeconds(std::chrono::seconds(row.integer(4)));
  b.q_thousandths = static_cast<std::uint16_t>(row.integer(5));
  b.flow.transport = row.text(6);
  b.flow.address = row.text(7);
  b.flow.port = static_cast<std::uint16_t>(row.integer(8));
  b.flow.local_socket = row.text(9);
  b.path = row.text(10);
  b.owner_proxy = row.text(11);
  b.call_id = row.text(12);
  b.cseq = static_cast<std::uint32_t>(row.integer(13));
  return b;
}

std::int64_t seconds_of(UnixSeconds t) {
  return t.time_since_epoch().count();
}

// Runs a query to the end, handing each row to `on_row`; resets the statement either way.
template <class OnRow>
Result<void> for_each_row(SqliteStatement& statement, OnRow on_row) {
  while (true) {
    auto step = statement.step();
    if (!step) {
      statement.reset();
      return tl::unexpected(step.error());
    }
    if (*step == SqliteStatement::Step::done) {
      statement.reset();
      return {};
    }
    on_row(statement);
  }
}

}  // namespace

Result<std::unique_ptr<SqliteDirectory>> SqliteDirectory::open(
    const std::string& path, std::chrono::milliseconds busy_timeout) {
  auto database = SqliteDatabase::open(path, busy_timeout);
  if (!database) {
    return tl::unexpected(database.error());
  }
  // WAL: readers and the one writer do not block each other; NORMAL sync is durable
  // across a process crash, which is the failure a restart test exercises.
  for (auto pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"}) {
    if (auto r = database->execute(pragma); !r) {
      return tl::unexpected(r.error());
    }
  }
  if (auto r = migrate(*database); !r) {
    return tl::unexpected(r.error());
  }
  const std::string columns(kBindingColumns);
  std::array<std::pair<SqliteStatement*, std::string>, 13> sql{};
  Statements s;
  sql = {{
      {&s.put_user, "INSERT OR REPLACE INTO users VALUES (?1, ?2, ?3, ?4)"},
      {&s.find_user,
       "SELECT user, realm, ha1_md5, ha1_sha256 FROM users WHERE user = ?1 AND realm = ?2"},
      {&s.remove_user, "DELETE FROM users WHERE user = ?1 AND realm = ?2"},
      {&s.list_users, "SELECT user, realm, ha1_md5, ha1_sha256 FROM users ORDER BY realm, user"},
      {&s.put_binding, "INSERT OR REPLACE INTO bindings (identity, " + columns +
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                           "?14, ?15)"},
      {&s.remove_binding, "DELETE FROM bindings WHERE aor = ?1 AND identity = ?2"},
      {&s.remove_bindings, "DELETE FROM bindings WHERE aor = ?1"},
      {&s.bindings_for, "SELECT " + columns + " FROM bindings WHERE aor = ?1 AND expires_at > ?2"},
      {&s.owners_of,
       "SELECT DISTINCT owner_proxy FROM bindings WHERE aor = ?1 AND expires_at > ?2 "
       "ORDER BY owner_proxy"},
      {&s.purge_expired, "DELETE FROM bindings WHERE expires_at <= ?1"},
      {&s.count_bindings, "SELECT count(*) FROM bindings WHERE expires_at > ?1"},
      {&s.add_secret, "INSERT OR IGNORE INTO secrets VALUES (?1, ?2)"},
      {&s.find_secret, "SELECT value FROM secrets WHERE name = ?1"},
  }};
  for (auto& [statement, text] : sql) {
    auto prepared = database->prepare(text);
    if (!prepared) {
      return tl::unexpected(prepared.error());
    }
    *statement = std::move(*prepared);
  }
  return std::unique_ptr<SqliteDirectory>(new SqliteDirectory(std::move(*database), std::move(s)));
}

Result<void> SqliteDirectory::join_batch() {
  if (!batching_ || in_transaction_) {
    return {};
  }
  if (begin_failure_) {
    return tl::unexpected(*begin_failure_);
  }
  // IMMEDIATE takes the write lock now, so COMMIT cannot meet SQLITE_BUSY later.
  if (auto r = database_.execute("BEGIN IMMEDIATE"); !r) {
    begin_failure_ = r.error();
    return r;
  }
  in_transaction_ = true;
  return {};
}

Result<void> SqliteDirectory::end_batch() {
  batching_ = false;
  begin_failure_.reset();
  if (!in_transaction_) {
    return {};
  }
  in_transaction_ = false;
  if (auto r = database_.execute("COMMIT"); !r) {
    (void)database_.execute("ROLLBACK");
    return r;
  }
  return {};
}

Result<void> SqliteDirectory::put_user(const UserRecord& user) {
  if (auto r = join_batch(); !r) {
    return r;
  }
  return statements_.put_user.bind(1, user.user)
      .bind(2, user.realm)
      .bind(3, user.ha1_md5)
      .bind(4, user.ha1_sha256)
      .run();
}

Result<std::optional<UserRecord>> SqliteDirectory::find_user(std::string_view user,
                                                             std::string_view realm) {
  std::optional<UserRecord> found;
  auto& statement = statements_.find_user.bind(1, user).bind(2, realm);
  auto r = for_each_row(statement, [&](const SqliteStatement& row) {
    found = UserRecord{row.text(0), row.text(1), row.text(2), row.text(3)};
  });
  if (!r) {
    return tl::unexpected(r.error());
  }
  return found;
}

Result<bool> SqliteDirectory::remove_user(std::string_view user, std::string_view realm) {
  if (auto r = join_batch(); !r) {
    return tl::unexpected(r.error());
  }
  auto& statement = statements_.remove_user.bind(1, user).bind(2, realm);
  if (auto r = statement.run(); !r) {
    return tl::unexpected(r.error());
  }
  return statement.changes() > 0;
}

Result<std::vector<UserRecord>> SqliteDirectory::list_users() {
  std::vector<UserRecord> users;
  auto r = for_each_row(statements_.list_users, [&](const SqliteStatement& row) {
    users.push_back(UserRecord{row.text(0), row.text(1), row.text(2), row.text(3)});
  });
  if (!r) {
    return tl::unexpected(r.error());
  }
  return users;
}

Result<void> SqliteDirectory::put_binding(const Binding& b, UnixSeconds now) {
  if (b.expires_at <= now) {
    return {};
  }
  if (auto r = join_batch(); !r) {
    return r;
  }
  return statements_.put_binding.bind(1, b.identity())
      .bind(2, b.aor)
      .bind(3, b.contact_uri)
      .bind(4, b.instance_id)
      .bind(5, std::int64_t{b.reg_id})
      .bind(6, seconds_of(b.expires_at))
      .bind(7, std::int64_t{b.q_thousandths})
      .bind(8, b.flow.transport)
      .bind(9, b.flow.address)
      .bind(10, std::int64_t{b.flow.port})
      .bind(11, b.flow.local_socket)
      .bind(12, b.path)
      .bind(13, b.owner_proxy)
      .bind(14, b.call_id)
      .bind(15, std::int64_t{b.cseq})
      .run();
}

Result<bool> SqliteDirectory::remove_binding(std::string_view aor, std::string_view identity) {
  if (auto r = join_batch(); !r) {
    return tl::unexpected(r.error());
  }
  auto& statement = statements_.remove_binding.bind(1, aor).bind(2, identity);
  if (auto r = statement.run(); !r) {
    return tl::unexpected(r.error());
  }
  return statement.changes() > 0;
}

Result<std::size_t> SqliteDirectory::remove_bindings(std::string_view aor) {
  if (auto r = join_batch(); !r) {
    return tl::unexpected(r.error());
  }
  auto& statement = statements_.remove_bindings.bind(1, aor);
  if (auto r = statement.run(); !r) {
    return tl::unexpected(r.error());
  }
  return static_cast<std::size_t>(statement.changes());
}

Result<std::vector<Binding>> SqliteDirectory::bindings_for(std::string_view aor, UnixSeconds now) {
  std::vector<Binding> bindings;
  auto& statement = statements_.bindings_for.bind(1, aor).bind(2, seconds_of(now));
  auto r = for_each_row(statement,
                        [&](const SqliteStatement& row) { bindings.push_back(read_binding(row)); });
  if (!r) {
    return tl::unexpected(r.error());
  }
  sort_by_preference(bindings);
  return bindings;
}

Result<std::vector<std::string>> SqliteDirectory::owners_of(std::string_view aor, UnixSeconds now) {
  std::vector<std::string> owners;
  auto& statement = statements_.owners_of.bind(1, aor).bind(2, seconds_of(now));
  auto r =
      for_each_row(statement, [&](const SqliteStatement& row) { owners.push_back(row.text(0)); });
  if (!r) {
    return tl::unexpected(r.error());
  }
  return owners;
}

Result<std::size_t> SqliteDirectory::purge_expired(UnixSeconds now) {
  if (auto r = join_batch(); !r) {
    return tl::unexpected(r.error());
  }
  auto& statement = statements_.purge_expired.bind(1, seconds_of(now));
  if (auto r = statement.run(); !r) {
    return tl::unexpected(r.error());
  }
  return static_cast<std::size_t>(statement.changes());
}

Result<std::size_t> SqliteDirectory::count_bindings(UnixSeconds now) {
  std::size_t count = 0;
  auto& statement = statements_.count_bindings.bind(1, seconds_of(now));
  auto r = for_each_row(statement, [&](const SqliteStatement& row) {
    count = static_cast<std::size_t>(row.integer(0));
  });
  if (!r) {
    return tl::unexpected(r.error());
  }
  return count;
}

Result<std::string> SqliteDirectory::keep_secret(std::string_view name,
                                                 std::string_view candidate) {
  if (auto r = join_batch(); !r) {
    return tl::unexpected(r.error());
  }
  // INSERT OR IGNORE keeps the first value; the SELECT reads whichever won.
  if (auto r = statements_.add_secret.bind(1, name).bind(2, candidate).run(); !r) {
    return tl::unexpected(r.error());
  }
  std::optional<std::string> kept;
  auto& statement = statements_.find_secret.bind(1, name);
  auto r = for_each_row(statement, [&](const SqliteStatement& row) { kept = row.text(0); });
  if (!r) {
    return tl::unexpected(r.error());
  }
  if (!kept) {
    return fail(kRule, "secret " + std::string(name) + " vanished after it was stored");
  }
  return *kept;
}

}  // namespace tipring::relay
