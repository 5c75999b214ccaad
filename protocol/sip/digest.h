// Digest authentication values and arithmetic (RFC 7616 §3.3–§3.4.3, RFC 8760 for SIP,
// RFC 3261 §22.4): the challenge a server sends in WWW-/Proxy-Authenticate, the credentials a
// client returns in Authorization/Proxy-Authorization, and the H(A1)/response computation
// shared by DigestClient and DigestServer. Only qop=auth and RFC 2069 (no qop) are supported.
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tipring::sip {

// RFC 7616 §3.3 "algorithm"; RFC 8760 registers the same names for SIP.
enum class DigestAlgorithm : std::uint8_t { md5, md5_sess, sha256, sha256_sess };

// "MD5", "MD5-sess", "SHA-256", "SHA-256-sess" (the wire spelling).
[[nodiscard]] std::string_view to_string(DigestAlgorithm algorithm);
// Case-insensitive; nullopt for algorithms we do not implement (e.g. SHA-512-256, AKAv1-MD5).
[[nodiscard]] std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name);
// True for the -sess variants, whose H(A1) also covers the nonce and cnonce (RFC 7616 §3.4.2).
[[nodiscard]] bool is_session_variant(DigestAlgorithm algorithm);
// The algorithm without "-sess": the one a stored H(A1) was computed with.
[[nodiscard]] DigestAlgorithm base_algorithm(DigestAlgorithm algorithm);
// Relative strength for choosing among challenges: SHA-256 family above MD5 family.
[[nodiscard]] int strength(DigestAlgorithm algorithm);

// One challenge: the auth-params of a WWW-Authenticate or Proxy-Authenticate "Digest" value.
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;  // absent means MD5 (RFC 7616 §3.3)
  bool qop_auth = false;                             // "auth" is among the offered qop values
  bool stale = false;  // the previous nonce was valid but old: retry, keep the password

  friend bool operator==(const DigestChallenge&, const DigestChallenge&) = default;
};

// The client's answer: the auth-params of an Authorization or Proxy-Authorization value.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;       // the Request-URI as sent (RFC 3261 §22.4)
  std::string response;  // lower-case hex
  std::optional<std::string> opaque;
  std::optional<DigestAlgorithm> algorithm;  // absent means MD5
  bool qop_auth = false;                     // qop=auth; then cnonce and nonce_count are set
  std::optional<std::string> cnonce;
  std::optional<std::uint32_t> nonce_count;  // "nc", eight hex digits on the wire

  [[nodiscard]] DigestAlgorithm effective_algorithm() const {
    return algorithm.value_or(DigestAlgorithm::md5);
  }
  friend bool operator==(const DigestCredentials&, const DigestCredentials&) = default;
};

// H(A1) = H(username ":" realm ":" password), lower-case hex: what a registrar stores instead
// of the password, one per base algorithm (RFC 7616 §3.4.2). For -sess algorithms pass the
// base algorithm's H(A1) to session_ha1_hex.
[[nodiscard]] std::string ha1_hex(DigestAlgorithm algorithm, std::string_view username,
                                  std::string_view realm, std::string_view password);

// H(A1) for -sess: H(H(username:realm:password) ":" nonce ":" cnonce).
[[nodiscard]] std::string session_ha1_hex(DigestAlgorithm algorithm, std::string_view base_ha1,
                                          std::string_view nonce, std::string_view cnonce);

// The inputs of request-digest apart from H(A1) (RFC 7616 §3.4.1).
struct DigestRequestFields {
  std::string_view method;
  std::string_view uri;
  std::string_view nonce;
  // With qop=auth: KD(H(A1), nonce:nc:cnonce:auth:H(A2)); without (RFC 2069 form, which
  // RFC 3261 §22.4 still requires clients to support): KD(H(A1), nonce:H(A2)).
  bool qop_auth = false;
  std::string_view cnonce;
  std::uint32_t nonce_count = 0;
};

// request-digest in lower-case hex, from the effective H(A1) (already session-adjusted).
[[nodiscard]] std::string response_hex(DigestAlgorithm algorithm, std::string_view effective_ha1,
                                       const DigestRequestFields& fields);

// "00000001": nc as RFC 7616 §3.4 writes it.
[[nodiscard]] std::string format_nonce_count(std::uint32_t nonce_count);

// Header-value forms, e.g. `Digest realm="x", nonce="y", algorithm=SHA-256, qop="auth"`.
// Parsing rejects a scheme other than Digest and a value missing a required parameter.
[[nodiscard]] Result<DigestChallenge> parse_digest_challenge(std::string_view header_value);
[[nodiscard]] std::string format_digest_challenge(const DigestChallenge& challenge);
[[nodiscard]] Result<DigestCredentials> parse_digest_credentials(std::string_view header_value);
[[nodiscard]] std::string format_digest_credentials(const DigestCredentials& credentials);

}  // namespace tipring::sip
