// Directory: where tipring-relay keeps its users (HA1 digests only, never a password) and
// the registrar's bindings (RFC 3261 §10.3, with the RFC 5626 instance-id/reg-id and the
// flow a registration arrived on), so that a restart loses no registration and several
// proxies sharing one backend know which of them owns a client's flow (the "Path"/owner).
// It also keeps the proxy's long-lived secret (keep_secret).
// Backends: SqliteDirectory (embedded default) and RedisDirectory (shared).
#pragma once

#include "protocol/core/error.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::relay {

// Bindings outlive the process, so their expiry is wall-clock (Unix) time, passed in.
using UnixSeconds = std::chrono::sys_seconds;

struct UserRecord {
  std::string user;
  std::string realm;
  std::string ha1_md5;     // 32 lower-case hex digits: MD5(user:realm:password)
  std::string ha1_sha256;  // 64 lower-case hex digits: SHA-256(user:realm:password)

  friend bool operator==(const UserRecord&, const UserRecord&) = default;
};

// Where a registration came from: the received/rport of its REGISTER (RFC 3581) and the
// local socket it arrived on, so requests for the client go back over the same NAT binding.
struct Flow {
  std::string transport;  // "udp", "tcp", "tls"
  std::string address;    // source IP as text
  std::uint16_t port = 0;
  std::string local_socket;  // the proxy's socket id, e.g. its listen address

  friend bool operator==(const Flow&, const Flow&) = default;
};

struct Binding {
  std::string aor;           // "sip:alice@example.test"
  std::string contact_uri;   // as registered
  std::string instance_id;   // RFC 5626 +sip.instance, empty if none
  std::uint32_t reg_id = 0;  // RFC 5626 reg-id, 0 if none
  UnixSeconds expires_at{};
  std::uint16_t q_thousandths = 1000;  // q-value × 1000 (q=0.5 is 500), kept integral
  Flow flow;
  std::string path;         // RFC 3327 Path, comma-joined, empty if none
  std::string owner_proxy;  // proxy id of the proxy holding the flow
  std::string call_id;      // of the REGISTER that created or refreshed it
  std::uint32_t cseq = 0;

  // What identifies a binding within its AOR: the instance and reg-id when the client
  // uses outbound (RFC 5626 §6), otherwise the contact URI (RFC 3261 §10.3 step 7).
  [[nodiscard]] std::string identity() const;

  friend bool operator==(const Binding&, const Binding&) = default;
};

class Directory {
public:
  virtual ~Directory() = default;

  // Users. put_user inserts or replaces by (user, realm).
  virtual Result<void> put_user(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> find_user(std::string_view user,
                                                      std::string_view realm) = 0;
  // False when there was no such user.
  virtual Result<bool> remove_user(std::string_view user, std::string_view realm) = 0;
  // Ordered by realm, then user.
  virtual Result<std::vector<UserRecord>> list_users() = 0;

  // Bindings. put_binding inserts or replaces by (aor, identity()). `now` lets a backend
  // with TTLs compute them; a binding already expired at `now` is not stored.
  virtual Result<void> put_binding(const Binding& binding, UnixSeconds now) = 0;
  virtual Result<bool> remove_binding(std::string_view aor, std::string_view identity) = 0;
  // Removes every binding of the AOR (REGISTER with "Contact: *", RFC 3261 §10.3 step 6).
  virtual Result<std::size_t> remove_bindings(std::string_view aor) = 0;
  // Bindings still valid at `now`, highest q first, then the longest-lived first.
  virtual Result<std::vector<Binding>> bindings_for(std::string_view aor, UnixSeconds now) = 0;
  // Distinct owner_proxy ids among the AOR's live bindings (which proxy to forward to).
  virtual Result<std::vector<std::string>> owners_of(std::string_view aor, UnixSeconds now) = 0;
  // Deletes bindings expired at `now`; returns how many it removed.
  virtual Result<std::size_t> purge_expired(UnixSeconds now) = 0;
  // Live bindings in total (the registrations gauge).
  virtual Result<std::size_t> count_bindings(UnixSeconds now) = 0;

  // Group commit: between begin_batch() and end_batch() a backend may gather the writes in
  // one transaction, and end_batch() makes them all durable at once. The caller sends no
  // answer that depends on a write (a REGISTER's 200) until end_batch() has returned, so
  // every acknowledged write is as durable as without batching; a crash loses only writes
  // not yet answered. Reads inside a batch see its writes. The default: every write is
  // durable when it returns, and both calls do nothing.
  virtual void begin_batch() {}
  virtual Result<void> end_batch() { return {}; }

  // A secret that must outlive the process (the proxy's HMAC key for digest nonces and
  // Record-Route flow tokens, so both stay valid across a restart): the value stored under
  // `name`, or `candidate`, stored first, when there was none. Atomic: of two processes
  // racing on one name, both get the same value.
  virtual Result<std::string> keep_secret(std::string_view name, std::string_view candidate) = 0;
};

// Sorts by the order bindings_for promises; shared by the backends.
void sort_by_preference(std::vector<Binding>& bindings);

}  // namespace tipring::relay
