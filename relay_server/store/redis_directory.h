// RedisDirectory: the Directory backend that several tipring-relay proxies share, so a
// caller's proxy finds which proxy owns the callee's flow. Bindings carry a Redis TTL and
// disappear on their own when they expire.
//
// Key layout (P is store.redis_prefix, default "tipring:"):
//   P user:<realm>:<user>         hash  user, realm, ha1_md5, ha1_sha256
//   P users                       set   "<realm>:<user>" of every user hash
//   P binding:<aor>:<identity>    hash  every Binding field; EXPIRE at its expiry
//   P aor:<aor>                   set   identities of the AOR's bindings (members whose hash
//                                       has expired are removed when next read or purged)
//   P aors                        set   AORs that have an aor: set
// <identity> is Binding::identity(): "<instance-id>;reg-id=<n>" or the contact URI.
#pragma once

#include "relay_server/store/directory.h"
#include "relay_server/store/redis_connection.h"

#include <memory>
#include <string>

namespace tipring::relay {

class RedisDirectory final : public Directory {
public:
  static Result<std::unique_ptr<RedisDirectory>> open(std::string host, std::uint16_t port,
                                                      std::string prefix);

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

private:
  RedisDirectory(RedisConnection connection, std::string prefix)
      : redis_(std::move(connection)), prefix_(std::move(prefix)) {}

  [[nodiscard]] std::string user_key(std::string_view user, std::string_view realm) const;
  [[nodiscard]] std::string binding_key(std::string_view aor, std::string_view identity) const;
  [[nodiscard]] std::string aor_key(std::string_view aor) const;
  Result<std::optional<Binding>> read_binding(const std::string& key);
  // Reads every binding of `aor` (live or not) and drops index entries whose hash is gone.
  Result<std::vector<Binding>> stored_bindings(std::string_view aor);

  RedisConnection redis_;
  std::string prefix_;
};

}  // namespace tipring::relay
