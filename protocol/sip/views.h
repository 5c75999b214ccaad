// Non-allocating views of the structured SIP values, used by the message parser to validate
// header fields eagerly and to pick out the hot fields (branch, tags, sent-by) without
// copying. The owning types (Uri, NameAddr, Via) are built from these. Internal to
// protocol/sip; views point into the caller's text.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/syntax.h"
#include "protocol/sip/uri.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace tipring::sip::views {

struct UriView {
  UriScheme scheme = UriScheme::Sip;
  std::string_view scheme_text;
  std::string_view user;
  std::string_view password;
  bool has_password = false;
  std::string_view host;
  std::optional<std::uint16_t> port;
  std::string_view params;   // ";a=b;c" as written (validated uri-parameters)
  std::string_view headers;  // "a=b&c=d" after the '?', as written
  std::string_view opaque;
};

enum class UriContext : std::uint8_t {
  RequestUri,  // no headers allowed (§19.1.1 table)
  Bracketed,   // inside < >
};

Result<UriView> parse_uri(std::string_view text, UriContext context);
// The same, filling `out` in place (the hot path: no copies of the view). Tries
// scan_common_sip_uri() first, then the full grammar.
Result<void> parse_uri_into(std::string_view text, UriContext context, UriView& out);
// The full §25.1 / RFC 3966 grammar alone (the tests check the one-pass scan against it).
Result<void> parse_uri_full(std::string_view text, UriContext context, UriView& out);

// The common shape of a sip:/sips: URI (no password, IPv6 reference or headers) in one pass
// from the start of `text`, stopping at the first octet that cannot continue it: returns
// the octets taken, or 0 if the text does not start with that shape. When the URI ends
// where the caller's grammar says it must (the end of a Request-URI, the '>' of a
// name-addr), the views are exactly those parse_uri_into() gives; otherwise the caller
// falls back to parse_uri_into() for the full grammar and its error.
std::size_t scan_common_sip_uri(std::string_view text, UriView& out);

struct NameAddrView {
  std::string_view display_name;  // raw: a quoted-string with its quotes, or *(token LWS)
  bool bracketed = false;         // name-addr (with < >) rather than addr-spec
  std::string_view uri_text;
  UriView uri;
  std::string_view params;  // raw header params (validated generic-params)
  syntax::ParamView tag;    // the tag parameter, if any (has_value false if absent)
};

// Parses one name-addr / addr-spec followed by header params, at the scanner; stops before
// a following COMMA or the end. `rule` names the header's grammar for errors. Tries
// scan_common_name_addr() first, then the full grammar.
Result<NameAddrView> parse_name_addr(syntax::Scanner& s, std::string_view rule);
// The full grammar alone (the tests check the one-pass scan against it).
Result<NameAddrView> parse_name_addr_full(syntax::Scanner& s, std::string_view rule);
// The common shape of a name-addr in one pass: [display-name] "<" sip-uri ">" followed by
// header params written without LWS, ending the text or before a COMMA. Returns false,
// leaving the scanner alone, for anything else (an addr-spec, another scheme, LWS inside
// the params, a malformed value): the full grammar then decides and names the rule.
// Whatever this accepts, the full grammar accepts with the same views and end position.
bool scan_common_name_addr(syntax::Scanner& s, NameAddrView& out);
// A whole header value holding exactly one name-addr/addr-spec with params.
Result<NameAddrView> parse_single_name_addr(std::string_view value, std::string_view rule);

struct ViaView {
  std::string_view protocol_name;
  std::string_view protocol_version;
  std::string_view transport;
  std::string_view host;
  std::optional<std::uint16_t> port;
  std::string_view params;
  syntax::ParamView branch;  // the branch parameter, if any (has_value false if absent)
};

// Parses one via-parm at the scanner; stops before a following COMMA or the end.
Result<ViaView> parse_via(syntax::Scanner& s);
// The full grammar alone (the tests check the one-pass scan against it).
Result<ViaView> parse_via_full(syntax::Scanner& s);
// The common shape of a via-parm in one pass: "SIP/2.0/" transport SP host [":" port]
// followed by token-valued params written without LWS, ending the text or before a COMMA.
// Returns false, leaving the scanner alone, for anything else; whatever it accepts, the
// full grammar accepts with the same views and end position.
bool scan_common_via(syntax::Scanner& s, ViaView& out);

// Grammar checks without building the owning values (the parser validates every known
// header field; callers ask for typed values only when they need them).
Result<void> check_token_list(std::string_view value);
Result<void> check_media_type(std::string_view value);
Result<void> check_auth_header(std::string_view value);

// Host validity (§25.1 host): hostname, IPv4address or IPv6reference.
bool valid_host(std::string_view host);
// The run of hostname/IPv4 octets (alphanum, "-", ".") at the start of `text`, and whether
// it is a valid hostname or IPv4address; one pass, for the parser's hot path.
struct HostScan {
  std::size_t length = 0;
  bool valid = false;
};
HostScan scan_host(std::string_view text);
bool valid_ipv4(std::string_view s);
bool valid_ipv6(std::string_view s);

}  // namespace tipring::sip::views
