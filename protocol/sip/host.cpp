// Host validity (RFC 3261 §25.1 host = hostname / IPv4address / IPv6reference), shared by
// the URI and Via parsers. The hostname/IPv4 run is classified sixteen octets at a time:
// every URI and Via of every message passes through here.
#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tipring::sip::views {

bool valid_ipv4(std::string_view s) {
  // IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255.
  int parts = 1;
  int digits = 0;
  int value = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0 || ++parts > 4) {
        return false;
      }
      digits = 0;
      value = 0;
    } else if (syntax::is_digit(c) && digits < 3) {
      value = value * 10 + (c - '0');
      ++digits;
      if (value > 255) {
        return false;
      }
    } else {
      return false;
    }
  }
  return parts == 4 && digits > 0;
}

bool valid_ipv6(std::string_view s) {
  // IPv6address = hexpart [ ":" IPv4address ]; hexpart = hexseq / hexseq "::" [ hexseq ] /
  // "::" [ hexseq ]. Count 16-bit groups; an embedded IPv4 counts as two.
  if (s.size() < 2) {
    return false;
  }
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
  }
  while (i < s.size()) {
    std::size_t end = s.find(':', i);
    std::string_view group = s.substr(i, end == std::string_view::npos ? s.npos : end - i);
    if (end == std::string_view::npos && group.find('.') != std::string_view::npos) {
      if (!valid_ipv4(group)) {
        return false;
      }
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4) {
      return false;
    }
    for (char c : group) {
      if (!syntax::is_hex(c)) {
        return false;
      }
    }
    ++groups;
    if (end == std::string_view::npos) {
      break;
    }
    if (end + 1 < s.size() && s[end + 1] == ':') {
      if (compressed) {
        return false;
      }
      compressed = true;
      i = end + 2;
    } else {
      i = end + 1;
      if (i == s.size()) {
        return false;
      }
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

namespace {

HostScan scan_host_scalar(std::string_view text) {
  // One pass over the run of host octets, checking the hostname label rules at each "." and
  // "-"; the top label tells the two forms apart (a hostname's starts with ALPHA, an
  // IPv4address's with a digit), and only the IPv4 form is looked at a second time.
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* p = begin;
  const char* label = begin;
  const char* previous_label = begin;
  bool labels_ok = true;
  while (true) {
    while (p < end && syntax::is_alnum(*p)) {
      ++p;
    }
    if (p == end || (*p != '.' && *p != '-')) {
      break;
    }
    if (p == label || (*p == '.' && p[-1] == '-')) {
      labels_ok = false;  // a label may not be empty, start with '-' or end with '-'
    }
    if (*p == '.') {
      previous_label = label;
      label = p + 1;
    }
    ++p;
  }
  HostScan out{static_cast<std::size_t>(p - begin), false};
  // hostname = *( domainlabel "." ) toplabel [ "." ]
  const char* top = label;
  const char* top_end = p;
  if (label == p && p != begin) {
    top = previous_label;
    top_end = p - 1;
  }
  if (!labels_ok || top >= top_end) {
    return out;
  }
  if (syntax::is_digit(*top)) {
    out.valid = valid_ipv4(text.substr(0, out.length));
  } else {
    out.valid = syntax::is_alpha(*top) && top_end[-1] != '-';
  }
  return out;
}

#if defined(__SSE2__)
// Bit i set where octet i of the sixteen at `p` is in the class.
struct HostMasks {
  std::uint32_t alnum = 0;
  std::uint32_t digit = 0;
  std::uint32_t dot = 0;
  std::uint32_t dash = 0;
};

HostMasks classify16(const char* p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed compares: octets >= 0x80 are negative and fall outside every range.
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
  const __m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20));
  const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                      _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1)));
  HostMasks m;
  m.digit = static_cast<std::uint32_t>(_mm_movemask_epi8(digit));
  m.alnum = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(digit, alpha)));
  m.dot = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.'))));
  m.dash = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('-'))));
  return m;
}
#endif

}  // namespace

HostScan scan_host(std::string_view text) {
#if defined(__SSE2__)
  // Masks of up to 64 octets; a longer run of host octets takes the scalar path.
  std::uint64_t alnum = 0;
  std::uint64_t digit = 0;
  std::uint64_t dot = 0;
  std::uint64_t dash = 0;
  std::size_t length = 64;
  for (std::size_t block = 0; block < 64; block += 16) {
    HostMasks m;
    if (block + 16 <= text.size()) {
      m = classify16(text.data() + block);
    } else {
      // The last partial block: zero octets after the text end the run.
      char tail[16] = {};
      if (block < text.size()) {
        std::memcpy(tail, text.data() + block, text.size() - block);
      }
      m = classify16(tail);
    }
    alnum |= static_cast<std::uint64_t>(m.alnum) << block;
    digit |= static_cast<std::uint64_t>(m.digit) << block;
    dot |= static_cast<std::uint64_t>(m.dot) << block;
    dash |= static_cast<std::uint64_t>(m.dash) << block;
    const std::uint32_t host = m.alnum | m.dot | m.dash;
    if (host != 0xFFFFU) {
      length = block + static_cast<std::size_t>(std::countr_one(host));
      break;
    }
  }
  if (length == 64) {
    return scan_host_scalar(text);
  }
  HostScan out{length, false};
  const std::uint64_t in_run = (std::uint64_t{1} << length) - 1;
  const std::uint64_t sep = (dot | dash) & in_run;
  // hostname = *( domainlabel "." ) toplabel [ "." ]; labels are alphanum, with inner "-".
  // A label may not be empty or start with "-" (a separator first or after a dot), nor end
  // with "-" (a dash before a dot).
  if (length == 0 || (sep & 1) != 0 || ((dot << 1) & sep) != 0 ||
      ((dash << 1) & dot & in_run) != 0) {
    return out;
  }
  std::size_t top_end = length;
  if ((dot >> (length - 1)) & 1) {
    --top_end;  // the trailing "." of an absolute name
  }
  if (top_end == 0 || ((dash >> (top_end - 1)) & 1) != 0) {
    return out;
  }
  const std::uint64_t dots_before = dot & ((std::uint64_t{1} << top_end) - 1);
  const std::size_t top =
      dots_before == 0 ? 0 : 64 - static_cast<std::size_t>(std::countl_zero(dots_before));
  if ((digit >> top) & 1) {
    out.valid = valid_ipv4(text.substr(0, length));
  } else {
    out.valid = ((alnum >> top) & 1) != 0;  // an ALPHA: the octet is alphanum, not a digit
  }
  return out;
#else
  return scan_host_scalar(text);
#endif
}

bool valid_host(std::string_view host) {
  if (host.empty()) {
    return false;
  }
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']' && valid_ipv6(host.substr(1, host.size() - 2));
  }
  HostScan scanned = scan_host(host);
  return scanned.valid && scanned.length == host.size();
}

}  // namespace tipring::sip::views
