#include "protocol/sip/header_id.h"

#include "protocol/sip/syntax.h"

#include <array>
#include <cstdint>
#include <cstring>

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

// Equal ignoring ASCII case; `lower` is a canonical name in lower case. OR-ing 0x20 folds
// letters and leaves '-' and digits alone; `name` is a token, so no other octet can fold
// onto a letter or '-'. Whole words at a time: OR-ing 0x20 into every octet of a word folds
// all of them at once.
// Names of 8 octets or more compare 8-octet words, the last one overlapping the one before;
// shorter ones two (possibly overlapping) 4-octet words, or octet by octet below 4.
template <class Word>
Word load(const char* p) {
  Word w = 0;
  std::memcpy(&w, p, sizeof w);
  return w;
}

bool equals_lowered(std::string_view name, std::string_view lower) {
  const std::size_t n = name.size();
  if (n >= 8) {
    constexpr auto kFold = static_cast<std::uint64_t>(0x2020202020202020ULL);
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if ((load<std::uint64_t>(name.data() + i) | kFold) != load<std::uint64_t>(lower.data() + i)) {
        return false;
      }
    }
    return (load<std::uint64_t>(name.data() + n - 8) | kFold) ==
           load<std::uint64_t>(lower.data() + n - 8);
  }
  if (n >= 4) {
    constexpr auto kFold = static_cast<std::uint32_t>(0x20202020U);
    return (load<std::uint32_t>(name.data()) | kFold) == load<std::uint32_t>(lower.data()) &&
           (load<std::uint32_t>(name.data() + n - 4) | kFold) ==
               load<std::uint32_t>(lower.data() + n - 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<char>(name[i] | 0x20) != lower[i]) {
      return false;
    }
  }
  return true;
}

// Candidates keyed by first letter and length: at most two canonical names share a bucket
// today (checked at compile time), so a lookup compares against one or two names instead
// of walking every name with the same first letter.
constexpr std::size_t kMaxNameLength = 32;
constexpr std::size_t kBucketSize = 3;

struct NameBuckets {
  std::array<std::array<std::uint8_t, kBucketSize>, 26 * kMaxNameLength> ids{};
  std::array<std::array<char, kMaxNameLength>, static_cast<std::size_t>(HeaderId::Count_)>
      lowered{};
  bool fits = true;
};

constexpr NameBuckets make_buckets() {
  NameBuckets t;
  for (std::size_t i = 1; i < kNames.size(); ++i) {
    std::string_view name = kNames[i].name;
    if (name.size() >= kMaxNameLength) {
      t.fits = false;
      continue;
    }
    for (std::size_t j = 0; j < name.size(); ++j) {
      t.lowered[i][j] = syntax::to_lower(name[j]);
    }
    auto& bucket =
        t.ids[static_cast<std::size_t>(t.lowered[i][0] - 'a') * kMaxNameLength + name.size()];
    std::size_t k = 0;
    while (k < kBucketSize && bucket[k] != 0) {
      ++k;
    }
    if (k == kBucketSize) {
      t.fits = false;
      continue;
    }
    bucket[k] = static_cast<std::uint8_t>(kNames[i].id);
  }
  return t;
}

constexpr NameBuckets kBuckets = make_buckets();
static_assert(kBuckets.fits, "raise kMaxNameLength or kBucketSize");

}  // namespace

HeaderId header_id(std::string_view name) {
  if (name.size() == 1) {
    return compact_id(name[0]);
  }
  if (name.empty() || !syntax::is_alpha(name[0])) {
    return HeaderId::Other;
  }
  if (name.size() >= kMaxNameLength) {
    return HeaderId::Other;
  }
  const auto& bucket =
      kBuckets.ids[static_cast<std::size_t>(syntax::to_lower(name[0]) - 'a') * kMaxNameLength +
                   name.size()];
  for (std::uint8_t id : bucket) {
    if (id == 0) {
      break;
    }
    if (equals_lowered(name, std::string_view(kBuckets.lowered[id].data(), name.size()))) {
      return static_cast<HeaderId>(id);
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
