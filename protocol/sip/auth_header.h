// AuthHeader: the generic form of WWW-Authenticate, Proxy-Authenticate, Authorization and
// Proxy-Authorization (RFC 3261 §20.7, §20.27, §20.28, §20.44, §25.1 challenge/credentials):
// an auth scheme and its ordered auth-params, quoted values unquoted. Digest (RFC 7616) is
// built on top of this elsewhere; this type knows no scheme.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/param.h"

#include <string>
#include <string_view>

namespace tipring::sip {

// An auth-param: `value` is unquoted; `quoted` says how to write it back.
using AuthParam = Param;

struct AuthHeader {
  std::string scheme;  // e.g. "Digest"; compare case-insensitively
  Params params;       // in the order received
  // A token68 credential (RFC 7235 §2.1, e.g. Basic) instead of params; empty otherwise.
  std::string token68;

  static Result<AuthHeader> parse(std::string_view value);

  // The auth-param called `name` (case-insensitive), or null.
  [[nodiscard]] const AuthParam* find(std::string_view name) const {
    return find_param(params, name);
  }
  // The value of `name`, or empty.
  [[nodiscard]] std::string_view value(std::string_view name) const;
  void set(std::string_view name, std::string_view value, bool quoted) {
    set_param(params, name, value, quoted);
  }

  // `scheme name=value, name="value"`.
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const AuthHeader&, const AuthHeader&) = default;
};

}  // namespace tipring::sip
