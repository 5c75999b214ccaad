#include "protocol/sip/digest.h"

#include "protocol/core/hex.h"
#include "protocol/core/md5.h"
#include "protocol/core/sha256.h"

#include <array>
#include <charconv>
#include <utility>
#include <vector>

namespace tipring::sip {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// H(part0 ":" part1 ":" ...) in lower-case hex, streaming so nothing is concatenated.
template <class Hash>
std::string hash_joined(std::initializer_list<std::string_view> parts) {
  Hash hash;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) {
      hash.update(std::string_view(":"));
    }
    hash.update(part);
    first = false;
  }
  return to_hex(hash.finish());
}

std::string hash_joined(DigestAlgorithm algorithm, std::initializer_list<std::string_view> parts) {
  if (base_algorithm(algorithm) == DigestAlgorithm::sha256) {
    return hash_joined<Sha256>(parts);
  }
  return hash_joined<Md5>(parts);
}

}  // namespace

std::string_view to_string(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::md5:
      return "MD5";
    case DigestAlgorithm::md5_sess:
      return "MD5-sess";
    case DigestAlgorithm::sha256:
      return "SHA-256";
    case DigestAlgorithm::sha256_sess:
      return "SHA-256-sess";
  }
  return "MD5";
}

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name) {
  for (auto algorithm : {DigestAlgorithm::md5, DigestAlgorithm::md5_sess, DigestAlgorithm::sha256,
                         DigestAlgorithm::sha256_sess}) {
    if (iequals(name, to_string(algorithm))) {
      return algorithm;
    }
  }
  return std::nullopt;
}

bool is_session_variant(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::md5_sess || algorithm == DigestAlgorithm::sha256_sess;
}

DigestAlgorithm base_algorithm(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::md5:
    case DigestAlgorithm::md5_sess:
      return DigestAlgorithm::md5;
    case DigestAlgorithm::sha256:
    case DigestAlgorithm::sha256_sess:
      return DigestAlgorithm::sha256;
  }
  return DigestAlgorithm::md5;
}

int strength(DigestAlgorithm algorithm) {
  return base_algorithm(algorithm) == DigestAlgorithm::sha256 ? 2 : 1;
}

std::string ha1_hex(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                    std::string_view password) {
  return hash_joined(algorithm, {username, realm, password});
}

std::string session_ha1_hex(DigestAlgorithm algorithm, std::string_view base_ha1,
                            std::string_view nonce, std::string_view cnonce) {
  return hash_joined(algorithm, {base_ha1, nonce, cnonce});
}

std::string format_nonce_count(std::uint32_t nonce_count) {
  std::array<std::uint8_t, 4> bytes = {
      static_cast<std::uint8_t>(nonce_count >> 24), static_cast<std::uint8_t>(nonce_count >> 16),
      static_cast<std::uint8_t>(nonce_count >> 8), static_cast<std::uint8_t>(nonce_count)};
  return to_hex(bytes);
}

std::string response_hex(DigestAlgorithm algorithm, std::string_view effective_ha1,
                         const DigestRequestFields& fields) {
  const std::string ha2 = hash_joined(algorithm, {fields.method, fields.uri});
  if (!fields.qop_auth) {
    return hash_joined(algorithm, {effective_ha1, fields.nonce, ha2});
  }
  const std::string nc = format_nonce_count(fields.nonce_count);
  return hash_joined(algorithm, {effective_ha1, fields.nonce, nc, fields.cnonce, "auth", ha2});
}

}  // namespace tipring::sip
