#include "protocol/sip/digest_server.h"

#include "protocol/core/hex.h"
#include "protocol/core/sha256.h"

#include <charconv>

namespace tipring::sip {
namespace {

// nonce = 16 hex issue time (µs) | 16 hex salt
//         | 32 hex HMAC-SHA-256(secret, head ":" generation ":" realm)
// The generation is not written out: a nonce of another generation simply fails its MAC.
constexpr std::size_t kHeadHexDigits = 32;

std::string hex_u64(std::uint64_t value) {
  std::array<std::uint8_t, 8> bytes{};
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[i] = static_cast<std::uint8_t>(value >> (56 - 8 * i));
  }
  return to_hex(bytes);
}

// Compares without an early exit, so response timing does not reveal how much matched.
bool equal_in_constant_time(std::string_view expected, std::string_view given) {
  if (expected.size() != given.size()) {
    return false;
  }
  unsigned difference = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    char c = given[i];
    if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c + 32);  // LHEX, but upper-case hex is a harmless deviation
    }
    difference |= static_cast<unsigned>(static_cast<unsigned char>(expected[i]) ^
                                        static_cast<unsigned char>(c));
  }
  return difference == 0;
}

}  // namespace

std::string_view to_string(DigestVerdict verdict) {
  switch (verdict) {
    case DigestVerdict::accepted:
      return "accepted";
    case DigestVerdict::stale_nonce:
      return "stale nonce";
    case DigestVerdict::replayed:
      return "replayed nonce-count";
    case DigestVerdict::wrong_response:
      return "wrong response";
    case DigestVerdict::wrong_realm:
      return "wrong realm";
    case DigestVerdict::unsupported:
      return "unsupported credentials";
  }
  return "unknown";
}

bool NonceCountWindow::accept(std::uint32_t nonce_count) {
  if (nonce_count == 0) {
    return false;
  }
  if (nonce_count > highest_) {
    const std::uint32_t shift = nonce_count - highest_;
    seen_ = shift >= 64 ? 0 : seen_ << shift;
    seen_ |= 1;
    highest_ = nonce_count;
    return true;
  }
  const std::uint32_t behind = highest_ - nonce_count;
  if (behind >= 64) {
    return false;
  }
  const std::uint64_t bit = std::uint64_t{1} << behind;
  if ((seen_ & bit) != 0) {
    return false;
  }
  seen_ |= bit;
  return true;
}

DigestServer::DigestServer(DigestServerConfig config, std::span<const std::uint8_t> secret,
                           RandomSource& random)
    : config_(std::move(config)),
      secret_(secret.begin(), secret.end()),
      random_(random),
      generation_(hex_u64(random.next_u64())) {
  // Derived from the secret alone, so it survives restarts: a client echoing the old opaque
  // with an old nonce hears "stale", not "unsupported".
  const auto tag = mac("opaque");
  opaque_ = to_hex(std::span(tag.data(), 8));
}

std::array<std::uint8_t, DigestServer::kMacBytes> DigestServer::mac(std::string_view text) const {
  std::string message(text);
  message.push_back(':');
  message.append(config_.realm);
  const auto digest = hmac_sha256(
      secret_, std::span(reinterpret_cast<const std::uint8_t*>(message.data()), message.size()));
  std::array<std::uint8_t, kMacBytes> out{};
  std::copy_n(digest.begin(), kMacBytes, out.begin());
  return out;
}

std::array<std::uint8_t, DigestServer::kMacBytes> DigestServer::nonce_mac(
    std::string_view nonce_head) const {
  std::string text(nonce_head);
  text.push_back(':');
  text.append(generation_);
  return mac(text);
}

std::string DigestServer::make_nonce(TimePoint issued, std::uint64_t salt) const {
  std::string nonce = hex_u64(static_cast<std::uint64_t>(issued.since_epoch.count()));
  nonce.append(hex_u64(salt));
  const auto tag = nonce_mac(nonce);
  nonce.append(to_hex(tag));
  return nonce;
}

std::optional<TimePoint> DigestServer::authentic_issue_time(std::string_view nonce) const {
  if (nonce.size() != kHeadHexDigits + 2 * kMacBytes) {
    return std::nullopt;
  }
  std::array<std::uint8_t, kMacBytes> given{};
  if (!from_hex(nonce.substr(kHeadHexDigits), given)) {
    return std::nullopt;
  }
  const auto expected = nonce_mac(nonce.substr(0, kHeadHexDigits));
  std::uint8_t difference = 0;
  for (std::size_t i = 0; i < kMacBytes; ++i) {
    difference = static_cast<std::uint8_t>(difference | (expected[i] ^ given[i]));
  }
  if (difference != 0) {
    return std::nullopt;
  }
  std::uint64_t issued = 0;
  const char* begin = nonce.data();
  const auto parsed = std::from_chars(begin, begin + 16, issued, 16);
  if (parsed.ec != std::errc() || parsed.ptr != begin + 16) {
    return std::nullopt;
  }
  return TimePoint{Duration(static_cast<Duration::rep>(issued))};
}

std::vector<DigestChallenge> DigestServer::challenges(TimePoint now, bool stale) {
  const std::string nonce = make_nonce(now, random_.next_u64());
  std::vector<DigestChallenge> out;
  out.reserve(config_.algorithms.size());
  for (DigestAlgorithm algorithm : config_.algorithms) {
    out.push_back(DigestChallenge{config_.realm, nonce, opaque_, algorithm, true, stale});
  }
  return out;
}

DigestVerdict DigestServer::verify(const DigestCredentials& credentials, std::string_view method,
                                   const StoredHa1& stored, TimePoint now) {
  if (credentials.realm != config_.realm) {
    return DigestVerdict::wrong_realm;
  }
  const DigestAlgorithm algorithm = credentials.effective_algorithm();
  bool offered = false;
  for (DigestAlgorithm candidate : config_.algorithms) {
    offered = offered || candidate == algorithm;
  }
  // qop=auth is always offered, and without it there is no nonce-count to stop replays.
  if (!offered || !credentials.qop_auth || !credentials.cnonce || !credentials.nonce_count ||
      credentials.opaque != opaque_) {
    return DigestVerdict::unsupported;
  }
  const std::string& base_ha1 =
      base_algorithm(algorithm) == DigestAlgorithm::sha256 ? stored.sha256 : stored.md5;
  if (base_ha1.empty()) {
    return DigestVerdict::unsupported;
  }
  const std::string effective_ha1 =
      is_session_variant(algorithm)
          ? session_ha1_hex(algorithm, base_ha1, credentials.nonce, *credentials.cnonce)
          : base_ha1;
  const DigestRequestFields fields{method, credentials.uri,     credentials.nonce,
                                   true,   *credentials.cnonce, *credentials.nonce_count};
  if (!equal_in_constant_time(response_hex(algorithm, effective_ha1, fields),
                              credentials.response)) {
    return DigestVerdict::wrong_response;
  }
  // The password is right from here on; what remains is whether this nonce may still be used.
  const auto issued = authentic_issue_time(credentials.nonce);
  if (!issued || *issued > now || now - *issued > config_.nonce_lifetime) {
    return DigestVerdict::stale_nonce;
  }
  return record_use(credentials.nonce, *issued, *credentials.nonce_count, now);
}

DigestVerdict DigestServer::record_use(const std::string& nonce, TimePoint issued,
                                       std::uint32_t nonce_count, TimePoint now) {
  auto key = std::make_pair(issued, nonce);
  auto entry = ledger_.find(key);
  if (entry == ledger_.end()) {
    if (issued <= forgotten_through_) {
      return DigestVerdict::stale_nonce;  // its nonce-counts were forgotten: cannot rule out a
                                          // replay
    }
    // Expired entries go first: their nonces are refused as stale by age anyway.
    while (!ledger_.empty() && now - ledger_.begin()->first.first > config_.nonce_lifetime) {
      ledger_.erase(ledger_.begin());
    }
    while (!ledger_.empty() && ledger_.size() >= config_.max_tracked_nonces) {
      forgotten_through_ = std::max(forgotten_through_, ledger_.begin()->first.first);
      ledger_.erase(ledger_.begin());
    }
    if (issued <= forgotten_through_) {
      return DigestVerdict::stale_nonce;
    }
    entry = ledger_.emplace(std::move(key), NonceCountWindow{}).first;
  }
  return entry->second.accept(nonce_count) ? DigestVerdict::accepted : DigestVerdict::replayed;
}

}  // namespace tipring::sip
