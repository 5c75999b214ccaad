// Via: one via-parm of a Via header (RFC 3261 §20.42, §25.1): the sent-protocol, the
// sent-by host and port, and the parameters branch (§8.1.1.7), received (§18.2.1) and
// rport (RFC 3581, including the valueless form a client sends).
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/param.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::sip {

// The magic cookie that marks an RFC 3261 branch (§8.1.1.7).
inline constexpr std::string_view kBranchMagicCookie = "z9hG4bK";

// Whether `branch` can serve as an RFC 3261 transaction id (§8.1.1.7, §17.2.3): it begins
// with the magic cookie (case-sensitive) *and* has something after it. A bare "z9hG4bK" claims
// RFC 3261 but identifies nothing: every such request from the source would match one
// transaction. RFC 4475 §3.2.1 lets an element answer it with 400, which the transaction layer
// does, as for an RFC 2543 branch.
constexpr bool is_rfc3261_branch(std::string_view branch) {
  return branch.size() > kBranchMagicCookie.size() && branch.starts_with(kBranchMagicCookie);
}

struct Via {
  std::string protocol_name = "SIP";
  std::string protocol_version = "2.0";
  std::string transport = "UDP";  // as written; compare case-insensitively
  std::string host;               // IPv6 references keep their brackets
  std::optional<std::uint16_t> port;
  Params params;  // in order: branch, received, rport, maddr, ttl, extensions

  // One via-parm (a Via header value may hold several; see parse_via_list).
  static Result<Via> parse(std::string_view value);

  [[nodiscard]] std::string_view branch() const;
  // is_rfc3261_branch(branch()): the cookie and at least one octet after it.
  [[nodiscard]] bool has_rfc3261_branch() const;
  [[nodiscard]] std::optional<std::string_view> received() const;
  // rport present at all (with or without a value).
  [[nodiscard]] bool has_rport() const;
  // The rport value a server filled in (RFC 3581 §4), if any.
  [[nodiscard]] std::optional<std::uint16_t> rport() const;

  void set_branch(std::string_view branch) { set_param(params, "branch", branch); }
  void set_received(std::string_view address) { set_param(params, "received", address); }
  void set_rport(std::uint16_t value) { set_param(params, "rport", std::to_string(value)); }
  void request_rport() { set_flag_param(params, "rport"); }

  [[nodiscard]] std::string to_string() const;
  void append_to(std::string& out) const;

  friend bool operator==(const Via&, const Via&) = default;
};

// A Via header value: one or more comma-separated via-parms.
Result<std::vector<Via>> parse_via_list(std::string_view value);

}  // namespace tipring::sip
