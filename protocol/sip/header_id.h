// HeaderId: the header fields this stack gives typed access to, resolved from a header name
// without allocation. Names compare case-insensitively and compact forms map to their full
// names (RFC 3261 §7.3.1, §7.3.3, §20).
#pragma once

#include <cstdint>
#include <string_view>

namespace tipring::sip {

enum class HeaderId : std::uint8_t {
  Other,  // an extension header; the message keeps its name
  Via,
  From,
  To,
  CallId,
  CSeq,
  Contact,
  MaxForwards,
  ContentLength,
  ContentType,
  ContentEncoding,
  ContentDisposition,
  Route,
  RecordRoute,
  Path,
  Expires,
  MinExpires,
  WwwAuthenticate,
  ProxyAuthenticate,
  Authorization,
  ProxyAuthorization,
  AuthenticationInfo,
  Allow,
  Supported,
  Require,
  ProxyRequire,
  Unsupported,
  FlowTimer,
  Subject,
  Event,
  AllowEvents,
  ReferTo,
  ReferredBy,
  SessionExpires,
  Accept,
  UserAgent,
  Server,
  Date,
  Timestamp,
  Warning,
  RetryAfter,
  Reason,
  Count_,  // number of ids; not a header
};

// The id for a header name (full or compact, any case); HeaderId::Other if unknown.
HeaderId header_id(std::string_view name);
// The canonical full name ("Call-ID", "CSeq", "WWW-Authenticate"); empty for Other.
std::string_view header_name(HeaderId id);

// Header fields whose value is a comma-separated list (§7.3.1), so that several header
// lines of the name may be combined, and one line may carry several values.
bool is_list_header(HeaderId id);

}  // namespace tipring::sip
