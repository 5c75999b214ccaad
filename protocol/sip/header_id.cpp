#include "protocol/sip/header_id.h"

#include "protocol/sip/syntax.h"

#include <array>

namespace tipring::sip {
namespace {

struct HeaderName {
  std::string_view name;
  HeaderId id;
};

// Indexed by HeaderId.
constexpr std::array<HeaderName, static_cast<std::size_t>(HeaderId::Count_)> kNames{{
    {"", HeaderId::Other},
    {"Via", HeaderId::Via},
    {"From", HeaderId::From},
    {"To", HeaderId::To},
    {"Call-ID", HeaderId::CallId},
    {"CSeq", HeaderId::CSeq},
    {"Contact", HeaderId::Contact},
    {"Max-Forwards", HeaderId::MaxForwards},
    {"Content-Length", HeaderId::ContentLength},
    {"Content-Type", HeaderId::ContentType},
    {"Content-Encoding", HeaderId::ContentEncoding},
    {"Content-Disposition", HeaderId::ContentDisposition},
    {"Route", HeaderId::Route},
    {"Record-Route", HeaderId::RecordRoute},
    {"Path", HeaderId::Path},
    {"Expires", HeaderId::Expires},
    {"Min-Expires", HeaderId::MinExpires},
    {"WWW-Authenticate", HeaderId::WwwAuthenticate},
    {"Proxy-Authenticate", HeaderId::ProxyAuthenticate},
    {"Authorization", HeaderId::Authorization},
    {"Proxy-Authorization", HeaderId::ProxyAuthorization},
    {"Authentication-Info", HeaderId::AuthenticationInfo},
    {"Allow", HeaderId::Allow},
    {"Supported", HeaderId::Supported},
    {"Require", HeaderId::Require},
    {"Proxy-Require", HeaderId::ProxyRequire},
    {"Unsupported", HeaderId::Unsupported},
    {"Flow-Timer", HeaderId::FlowTimer},
    {"Subject", HeaderId::Subject},
    {"Event", HeaderId::Event},
    {"Allow-Events", HeaderId::AllowEvents},
    {"Refer-To", HeaderId::ReferTo},
    {"Referred-By", HeaderId::ReferredBy},
    {"Session-Expires", HeaderId::SessionExpires},
    {"Accept", HeaderId::Accept},
    {"User-Agent", HeaderId::UserAgent},
    {"Server", HeaderId::Server},
    {"Date", HeaderId::Date},
    {"Timestamp", HeaderId::Timestamp},
    {"Warning", HeaderId::Warning},
    {"Retry-After", HeaderId::RetryAfter},
    {"Reason", HeaderId::Reason},
}};

// Compact forms: RFC 3261 §7.3.3 (i m e l c f s k t v), RFC 6665 (o u), RFC 3515 (r),
// RFC 3892 (b), RFC 4028 (x).
HeaderId compact_id(char c) {
  switch (syntax::to_lower(c)) {
    case 'i':
      return HeaderId::CallId;
    case 'm':
      return HeaderId::Contact;
    case 'e':
      return HeaderId::ContentEncoding;
    case 'l':
      return HeaderId::ContentLength;
    case 'c':
      return HeaderId::ContentType;
    case 'f':
      return HeaderId::From;
    case 's':
      return HeaderId::Subject;
    case 'k':
      return HeaderId::Supported;
    case 't':
      return HeaderId::To;
    case 'v':
      return HeaderId::Via;
    case 'o':
      return HeaderId::Event;
    case 'u':
      return HeaderId::AllowEvents;
    case 'r':
      return HeaderId::ReferTo;
    case 'b':
      return HeaderId::ReferredBy;
    case 'x':
      return HeaderId::SessionExpires;
    default:
      return HeaderId::Other;
  }
}

}  // namespace

HeaderId header_id(std::string_view name) {
  if (name.size() == 1) {
    return compact_id(name[0]);
  }
  if (name.empty()) {
    return HeaderId::Other;
  }
  char first = syntax::to_lower(name[0]);
  for (const HeaderName& h : kNames) {
    if (h.name.size() == name.size() && syntax::to_lower(h.name[0]) == first &&
        syntax::iequals(h.name, name)) {
      return h.id;
    }
  }
  return HeaderId::Other;
}

std::string_view header_name(HeaderId id) {
  auto index = static_cast<std::size_t>(id);
  return index < kNames.size() ? kNames[index].name : std::string_view{};
}

bool is_list_header(HeaderId id) {
  switch (id) {
    case HeaderId::Via:
    case HeaderId::Contact:
    case HeaderId::Route:
    case HeaderId::RecordRoute:
    case HeaderId::Path:
    case HeaderId::Allow:
    case HeaderId::Supported:
    case HeaderId::Require:
    case HeaderId::ProxyRequire:
    case HeaderId::Unsupported:
    case HeaderId::AllowEvents:
    case HeaderId::Accept:
    case HeaderId::ContentEncoding:
    case HeaderId::Warning:
    case HeaderId::Reason:
      return true;
    default:
      return false;
  }
}

}  // namespace tipring::sip
