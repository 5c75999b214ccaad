#include "relay_server/store/redis_directory.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace tipring::relay {
namespace {

std::int64_t to_integer(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::map<std::string, std::string> as_fields(const std::vector<std::string>& flat) {
  std::map<std::string, std::string> fields;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
    fields[flat[i]] = flat[i + 1];
  }
  return fields;
}

}  // namespace

Result<std::unique_ptr<RedisDirectory>> RedisDirectory::open(std::string host, std::uint16_t port,
                                                             std::string prefix) {
  auto connection = RedisConnection::connect(std::move(host), port, std::chrono::seconds(2));
  if (!connection) {
    return tl::unexpected(connection.error());
  }
  if (auto pong = connection->command({"PING"}); !pong) {
    return tl::unexpected(pong.error());
  }
  return std::unique_ptr<RedisDirectory>(
      new RedisDirectory(std::move(*connection), std::move(prefix)));
}

std::string RedisDirectory::user_key(std::string_view user, std::string_view realm) const {
  return prefix_ + "user:" + std::string(realm) + ":" + std::string(user);
}

std::string RedisDirectory::binding_key(std::string_view aor, std::string_view identity) const {
  return prefix_ + "binding:" + std::string(aor) + ":" + std::string(identity);
}

std::string RedisDirectory::aor_key(std::string_view aor) const {
  return prefix_ + "aor:" + std::string(aor);
}

Result<void> RedisDirectory::put_user(const UserRecord& user) {
  const std::string member = user.realm + ":" + user.user;
  if (auto r = redis_.command({"HSET", user_key(user.user, user.realm), "user", user.user, "realm",
                               user.realm, "ha1_md5", user.ha1_md5, "ha1_sha256", user.ha1_sha256});
      !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = redis_.command({"SADD", prefix_ + "users", member}); !r) {
    return tl::unexpected(r.error());
  }
  return {};
}

Result<std::optional<UserRecord>> RedisDirectory::find_user(std::string_view user,
                                                            std::string_view realm) {
  auto reply = redis_.command({"HGETALL", user_key(user, realm)});
  if (!reply) {
    return tl::unexpected(reply.error());
  }
  auto fields = as_fields(reply->strings());
  if (fields.empty()) {
    return std::optional<UserRecord>();
  }
  return UserRecord{fields["user"], fields["realm"], fields["ha1_md5"], fields["ha1_sha256"]};
}

Result<bool> RedisDirectory::remove_user(std::string_view user, std::string_view realm) {
  auto deleted = redis_.command({"DEL", user_key(user, realm)});
  if (!deleted) {
    return tl::unexpected(deleted.error());
  }
  const std::string member = std::string(realm) + ":" + std::string(user);
  if (auto r = redis_.command({"SREM", prefix_ + "users", member}); !r) {
    return tl::unexpected(r.error());
  }
  return deleted->integer() > 0;
}

Result<std::vector<UserRecord>> RedisDirectory::list_users() {
  auto members = redis_.command({"SMEMBERS", prefix_ + "users"});
  if (!members) {
    return tl::unexpected(members.error());
  }
  std::vector<UserRecord> users;
  for (const auto& member : members->strings()) {
    auto reply = redis_.command({"HGETALL", prefix_ + "user:" + member});
    if (!reply) {
      return tl::unexpected(reply.error());
    }
    auto fields = as_fields(reply->strings());
    if (!fields.empty()) {
      users.push_back({fields["user"], fields["realm"], fields["ha1_md5"], fields["ha1_sha256"]});
    }
  }
  std::sort(users.begin(), users.end(), [](const UserRecord& a, const UserRecord& b) {
    return std::tie(a.realm, a.user) < std::tie(b.realm, b.user);
  });
  return users;
}

Result<void> RedisDirectory::put_binding(const Binding& b, UnixSeconds now) {
  if (b.expires_at <= now) {
    return {};
  }
  const std::string key = binding_key(b.aor, b.identity());
  // The TTL is relative to the caller's `now`, so the Redis host's clock need not agree.
  const auto ttl = (b.expires_at - now).count();
  const std::vector<std::string> hset = {
      "HSET",          key,
      "aor",           b.aor,
      "contact_uri",   b.contact_uri,
      "instance_id",   b.instance_id,
      "reg_id",        std::to_string(b.reg_id),
      "expires_at",    std::to_string(b.expires_at.time_since_epoch().count()),
      "q_thousandths", std::to_string(b.q_thousandths),
      "transport",     b.flow.transport,
      "flow_address",  b.flow.address,
      "flow_port",     std::to_string(b.flow.port),
      "local_socket",  b.flow.local_socket,
      "path",          b.path,
      "owner_proxy",   b.owner_proxy,
      "call_id",       b.call_id,
      "cseq",          std::to_string(b.cseq)};
  // MULTI/EXEC: another proxy never sees a binding without its TTL or its index entry;
  // pipelined, so a REGISTER costs one round trip to Redis.
  auto replies = redis_.pipeline({{"MULTI"},
                                  {"DEL", key},
                                  hset,
                                  {"EXPIRE", key, std::to_string(ttl)},
                                  {"SADD", aor_key(b.aor), b.identity()},
                                  {"SADD", prefix_ + "aors", b.aor},
                                  {"EXEC"}});
  if (!replies) {
    return tl::unexpected(replies.error());
  }
  if (replies->back().is_nil()) {
    return fail("redis directory", "transaction for " + key + " was aborted");
  }
  return {};
}

Result<bool> RedisDirectory::remove_binding(std::string_view aor, std::string_view identity) {
  auto deleted = redis_.command({"DEL", binding_key(aor, identity)});
  if (!deleted) {
    return tl::unexpected(deleted.error());
  }
  if (auto r = redis_.command({"SREM", aor_key(aor), identity}); !r) {
    return tl::unexpected(r.error());
  }
  return deleted->integer() > 0;
}

Result<std::size_t> RedisDirectory::remove_bindings(std::string_view aor) {
  auto identities = redis_.command({"SMEMBERS", aor_key(aor)});
  if (!identities) {
    return tl::unexpected(identities.error());
  }
  std::size_t removed = 0;
  for (const auto& identity : identities->strings()) {
    auto deleted = redis_.command({"DEL", binding_key(aor, identity)});
    if (!deleted) {
      return tl::unexpected(deleted.error());
    }
    removed += static_cast<std::size_t>(deleted->integer());
  }
  if (auto r = redis_.command({"DEL", aor_key(aor)}); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = redis_.command({"SREM", prefix_ + "aors", aor}); !r) {
    return tl::unexpected(r.error());
  }
  return removed;
}

Result<std::optional<Binding>> RedisDirectory::read_binding(const std::string& key) {
  auto reply = redis_.command({"HGETALL", key});
  if (!reply) {
    return tl::unexpected(reply.error());
  }
  auto f = as_fields(reply->strings());
  if (f.empty()) {
    return std::optional<Binding>();
  }
  Binding b;
  b.aor = f["aor"];
  b.contact_uri = f["contact_uri"];
  b.instance_id = f["instance_id"];
  b.reg_id = static_cast<std::uint32_t>(to_integer(f["reg_id"]));
  b.expires_at = UnixSeconds(std::chrono::seconds(to_integer(f["expires_at"])));
  b.q_thousandths = static_cast<std::uint16_t>(to_integer(f["q_thousandths"]));
  b.flow.transport = f["transport"];
  b.flow.address = f["flow_address"];
  b.flow.port = static_cast<std::uint16_t>(to_integer(f["flow_port"]));
  b.flow.local_socket = f["local_socket"];
  b.path = f["path"];
  b.owner_proxy = f["owner_proxy"];
  b.call_id = f["call_id"];
  b.cseq = static_cast<std::uint32_t>(to_integer(f["cseq"]));
  return b;
}

Result<std::vector<Binding>> RedisDirectory::stored_bindings(std::string_view aor) {
  auto identities = redis_.command({"SMEMBERS", aor_key(aor)});
  if (!identities) {
    return tl::unexpected(identities.error());
  }
  std::vector<Binding> bindings;
  for (const auto& identity : identities->strings()) {
    auto binding = read_binding(binding_key(aor, identity));
    if (!binding) {
      return tl::unexpected(binding.error());
    }
    if (*binding) {
      bindings.push_back(std::move(**binding));
    } else if (auto r = redis_.command({"SREM", aor_key(aor), identity}); !r) {
      return tl::unexpected(r.error());  // the TTL removed the hash: drop its index entry
    }
  }
  return bindings;
}

Result<std::vector<Binding>> RedisDirectory::bindings_for(std::string_view aor, UnixSeconds now) {
  auto stored = stored_bindings(aor);
  if (!stored) {
    return stored;
  }
  std::erase_if(*stored, [now](const Binding& b) { return b.expires_at <= now; });
  sort_by_preference(*stored);
  return stored;
}

Result<std::vector<std::string>> RedisDirectory::owners_of(std::string_view aor, UnixSeconds now) {
  auto live = bindings_for(aor, now);
  if (!live) {
    return tl::unexpected(live.error());
  }
  std::vector<std::string> owners;
  for (const auto& binding : *live) {
    owners.push_back(binding.owner_proxy);
  }
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  return owners;
}

Result<std::size_t> RedisDirectory::purge_expired(UnixSeconds now) {
  auto aors = redis_.command({"SMEMBERS", prefix_ + "aors"});
  if (!aors) {
    return tl::unexpected(aors.error());
  }
  std::size_t removed = 0;
  for (const auto& aor : aors->strings()) {
    auto stored = stored_bindings(aor);
    if (!stored) {
      return tl::unexpected(stored.error());
    }
    std::size_t live = 0;
    for (const auto& binding : *stored) {
      if (binding.expires_at > now) {
        ++live;
        continue;
      }
      // Expired by the caller's clock before Redis's TTL caught up.
      auto r = remove_binding(aor, binding.identity());
      if (!r) {
        return tl::unexpected(r.error());
      }
      removed += *r ? 1U : 0U;
    }
    if (live == 0) {
      if (auto r = redis_.command({"SREM", prefix_ + "aors", aor}); !r) {
        return tl::unexpected(r.error());
      }
    }
  }
  return removed;
}

Result<std::size_t> RedisDirectory::count_bindings(UnixSeconds now) {
  auto aors = redis_.command({"SMEMBERS", prefix_ + "aors"});
  if (!aors) {
    return tl::unexpected(aors.error());
  }
  std::size_t count = 0;
  for (const auto& aor : aors->strings()) {
    auto live = bindings_for(aor, now);
    if (!live) {
      return tl::unexpected(live.error());
    }
    count += live->size();
  }
  return count;
}

Result<std::string> RedisDirectory::keep_secret(std::string_view name, std::string_view candidate) {
  const std::string key = prefix_ + "secret:" + std::string(name);
  // SET NX keeps the first value of any number of proxies racing; GET reads the winner.
  if (auto r = redis_.command({"SET", key, candidate, "NX"}); !r) {
    return tl::unexpected(r.error());
  }
  auto kept = redis_.command({"GET", key});
  if (!kept) {
    return tl::unexpected(kept.error());
  }
  if (kept->is_nil()) {
    return fail("redis directory", "secret " + std::string(name) + " vanished after it was stored");
  }
  return kept->text();
}

}  // namespace tipring::relay
