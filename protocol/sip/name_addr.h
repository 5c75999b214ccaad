// NameAddr: the name-addr / addr-spec of From, To, Contact, Route and Record-Route
// (RFC 3261 §20.10, §25.1) with its header parameters, and Contact (§20.10 with the
// RFC 5626 +sip.instance and reg-id parameters) including the "*" wildcard of REGISTER.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/param.h"
#include "protocol/sip/uri.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::sip {

struct NameAddr {
  // The display name with quotes and quoted-pairs removed; empty if there is none.
  std::string display_name;
  Uri uri;
  // Header parameters after the address (tag, expires, q, lr-style flags, ...).
  Params params;

  // One header value holding exactly one address, e.g. a From or To value.
  static Result<NameAddr> parse(std::string_view value);

  [[nodiscard]] const Param* param(std::string_view name) const { return find_param(params, name); }
  // The tag parameter (§19.3), or empty.
  [[nodiscard]] std::string_view tag() const;
  void set_tag(std::string_view tag) { set_param(params, "tag", tag); }

  // Always the name-addr form (<uri>), which is valid for every URI.
  [[nodiscard]] std::string to_string() const;
  void append_to(std::string& out) const;

  friend bool operator==(const NameAddr&, const NameAddr&) = default;
};

// A comma-separated list of addresses (Route, Record-Route, Contact, Path, ...).
Result<std::vector<NameAddr>> parse_name_addr_list(std::string_view value);

struct Contact {
  NameAddr address;

  // expires parameter in seconds; values beyond 2^32-1 saturate (RFC 3261 §20.19).
  [[nodiscard]] std::optional<std::uint32_t> expires_s() const;
  // q parameter in thousandths (q=0.5 -> 500), §20.10 qvalue.
  [[nodiscard]] std::optional<std::uint16_t> q_thousandths() const;
  // +sip.instance (RFC 5626 §4.1) without its quotes, e.g. "<urn:uuid:...>", or empty.
  [[nodiscard]] std::string_view instance() const;
  // reg-id (RFC 5626 §4.2).
  [[nodiscard]] std::optional<std::uint32_t> reg_id() const;

  friend bool operator==(const Contact&, const Contact&) = default;
};

struct ContactList {
  bool wildcard = false;  // "Contact: *" (only valid in REGISTER with Expires: 0, §10.2.2)
  std::vector<Contact> contacts;
};

// A Contact header value: "*" or a list of contact-params.
Result<ContactList> parse_contacts(std::string_view value);

}  // namespace tipring::sip
