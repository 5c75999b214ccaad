// DigestServer: the registrar/proxy side of digest authentication (RFC 3261 §22.1/§22.3,
// RFC 7616 §3.3–§3.5, RFC 8760 §2.4). Nonces carry their issue time and an HMAC under a
// server secret and this instance's boot generation, so they are checked without
// per-challenge state and go stale after a lifetime or a restart; credentials are verified
// from stored H(A1) values, never a cleartext password; nonce-counts are tracked per nonce in
// bounded memory so a captured request cannot be replayed.
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "protocol/sip/digest.h"

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tipring::sip {

struct DigestServerConfig {
  std::string realm;
  // Offered in this order, one challenge each (RFC 8760 §2.4: most preferred first).
  std::vector<DigestAlgorithm> algorithms = {DigestAlgorithm::sha256, DigestAlgorithm::md5};
  Duration nonce_lifetime = std::chrono::minutes(5);
  // Nonces whose nonce-counts are remembered; the oldest is forgotten beyond this, and a
  // forgotten nonce is answered as stale (bounded memory, never a replay hole).
  std::size_t max_tracked_nonces = 4096;
};

// What a user directory stores instead of the password: H(username ":" realm ":" password)
// in lower-case hex for each base algorithm it wants to accept (empty: not accepted).
struct StoredHa1 {
  std::string md5;
  std::string sha256;
};

// The outcome of checking one Authorization/Proxy-Authorization value.
enum class DigestVerdict : std::uint8_t {
  accepted,        // let the request through
  stale_nonce,     // right password, nonce expired or unknown: challenge with stale=TRUE
  replayed,        // nonce-count already used: challenge with stale=TRUE (a replayer has no
                   // password to answer it with; a confused honest client recovers)
  wrong_response,  // wrong password or H(A1): challenge again with stale=FALSE
  wrong_realm,     // credentials for another realm: challenge again for ours
  unsupported,     // algorithm not offered, qop not auth, opaque altered, or no stored H(A1)
                   // for that algorithm: challenge again (or 400 if it keeps happening)
};

[[nodiscard]] std::string_view to_string(DigestVerdict verdict);

// Anti-replay window over nonce-counts (the IPsec sliding window of RFC 4303 §3.4.3):
// accepts each count once, tolerating reordering of up to 64 in-flight requests.
class NonceCountWindow {
public:
  // False for 0, a count seen before, or one more than 63 behind the highest seen.
  bool accept(std::uint32_t nonce_count);

private:
  std::uint32_t highest_ = 0;
  std::uint64_t seen_ = 0;  // bit i: highest_ - i was seen
};

class DigestServer {
public:
  // `secret` keys the nonce MAC and the opaque; at least 16 random bytes, kept stable across
  // restarts so the opaque a client echoes stays right. The boot generation, drawn from
  // `random` here, is MACed into every nonce: the nonce-count ledger lives only in this
  // instance's memory, so a nonce of an earlier instance (whose counts it never saw) must
  // be answered stale, or a request captured before a restart could be replayed after it.
  DigestServer(DigestServerConfig config, std::span<const std::uint8_t> secret,
               RandomSource& random);

  // The challenges for a 401/407, one per configured algorithm, sharing one fresh nonce.
  [[nodiscard]] std::vector<DigestChallenge> challenges(TimePoint now, bool stale = false);

  // Checks credentials for a request with `method`, against the user's stored H(A1).
  DigestVerdict verify(const DigestCredentials& credentials, std::string_view method,
                       const StoredHa1& stored, TimePoint now);

  [[nodiscard]] const DigestServerConfig& config() const { return config_; }
  [[nodiscard]] std::size_t tracked_nonce_count() const { return ledger_.size(); }

private:
  static constexpr std::size_t kMacBytes = 16;

  [[nodiscard]] std::string make_nonce(TimePoint issued, std::uint64_t salt) const;
  // HMAC-SHA-256(secret, text ":" realm), truncated.
  [[nodiscard]] std::array<std::uint8_t, kMacBytes> mac(std::string_view text) const;
  [[nodiscard]] std::array<std::uint8_t, kMacBytes> nonce_mac(std::string_view nonce_head) const;
  // The issue time of a nonce this server made, or nullopt for a forged/foreign one.
  [[nodiscard]] std::optional<TimePoint> authentic_issue_time(std::string_view nonce) const;
  DigestVerdict record_use(const std::string& nonce, TimePoint issued, std::uint32_t nonce_count,
                           TimePoint now);

  DigestServerConfig config_;
  std::vector<std::uint8_t> secret_;
  std::string opaque_;
  RandomSource& random_;
  std::string generation_;  // hex; bound into this instance's nonces by their MAC
  // Keyed by (issue time, nonce) so the oldest is first when memory runs out.
  std::map<std::pair<TimePoint, std::string>, NonceCountWindow> ledger_;
  // Nonces issued at or before this time may have been forgotten: without an entry they
  // are stale rather than new.
  TimePoint forgotten_through_{Duration::min()};
};

}  // namespace tipring::sip
