// Uri: a SIP or SIPS URI (RFC 3261 §19.1), a tel URI (RFC 3966) or any other absoluteURI
// kept opaque. Parsing follows the §25.1 grammar (IPv6 references, parameters, headers,
// %-escapes); equality is the URI comparison of RFC 3261 §19.1.4.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/param.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tipring::sip {

enum class UriScheme : std::uint8_t { Sip, Sips, Tel, Other };

struct Uri {
  UriScheme scheme = UriScheme::Sip;
  // The scheme as written for UriScheme::Other (e.g. "http"); empty otherwise.
  std::string other_scheme;
  // sip/sips: the user part, escapes as written. tel: the telephone-subscriber number.
  std::string user;
  std::string password;
  bool has_password = false;
  // hostname, IPv4 address or IPv6 reference (with its brackets); empty for tel/other.
  std::string host;
  std::optional<std::uint16_t> port;
  // uri-parameters and headers (§19.1.1), values with their escapes as written.
  Params params;
  Params headers;
  // UriScheme::Other: everything after "scheme:".
  std::string opaque;

  // Parses a whole URI (no surrounding whitespace).
  static Result<Uri> parse(std::string_view text);
  // A sip: URI for user@host[:port]; `user` may be empty.
  static Uri sip(std::string_view user, std::string_view host,
                 std::optional<std::uint16_t> port = std::nullopt);

  [[nodiscard]] bool is_sip_or_sips() const {
    return scheme == UriScheme::Sip || scheme == UriScheme::Sips;
  }
  [[nodiscard]] const Param* param(std::string_view name) const { return find_param(params, name); }
  // The transport= parameter, or empty.
  [[nodiscard]] std::string_view transport() const;
  // "user@host:port"-style key without parameters, for registrar bindings and logs.
  [[nodiscard]] std::string address_of_record() const;

  [[nodiscard]] std::string to_string() const;
  void append_to(std::string& out) const;
};

// RFC 3261 §19.1.4: scheme, user and password exact after unescaping; host case-insensitive;
// a port, transport, user, ttl, method or maddr present in one must be present and equal in
// the other; other parameters compared only if in both; headers must all match.
bool operator==(const Uri& a, const Uri& b);

std::string_view scheme_name(const Uri& uri);

}  // namespace tipring::sip
