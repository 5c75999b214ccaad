#include "protocol/sip/syntax.h"

#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tipring::sip::syntax {

bool is_token(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!is_token_char(c)) {
      return false;
    }
  }
  return true;
}

std::size_t find_line_break(std::string_view s, std::size_t pos) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const char* data = s.data();
#if defined(__SSE2__)
  // Sixteen octets per step where SSE2 is there (every x86-64): a compare per line end
  // character and one movemask, about a third of the word-at-a-time loop's instructions.
  const __m128i cr16 = _mm_set1_epi8('\r');
  const __m128i lf16 = _mm_set1_epi8('\n');
  while (pos + 16 <= s.size()) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(chunk, cr16), _mm_cmpeq_epi8(chunk, lf16));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (mask != 0) {
      return pos + static_cast<std::size_t>(std::countr_zero(mask));
    }
    pos += 16;
  }
#endif
  while (pos + 8 <= s.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, data + pos, 8);
    std::uint64_t cr = word ^ (kOnes * '\r');
    std::uint64_t lf = word ^ (kOnes * '\n');
    // Non-zero iff some byte of cr or lf is zero, i.e. some octet is CR or LF; the lowest
    // set bit marks the first such octet exactly (borrows only propagate upwards).
    std::uint64_t found = (((cr - kOnes) & ~cr) | ((lf - kOnes) & ~lf)) & kHighs;
    if (found != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return pos + static_cast<std::size_t>(std::countr_zero(found)) / 8;
      }
      break;
    }
    pos += 8;
  }
  while (pos < s.size() && data[pos] != '\r' && data[pos] != '\n') {
    ++pos;
  }
  return pos;
}

int hex_value(char c) {
  if (is_digit(c)) {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

Result<std::string_view> quoted_string(Scanner& s, std::string_view rule) {
  std::size_t start = s.pos;
  if (!s.consume('"')) {
    return fail(rule, "expected '\"' to open a quoted-string");
  }
  while (!s.done()) {
    // Plain qdtext (the bulk of any quoted-string) in one tight loop, sixteen octets at a
    // time where SSE2 is there; the special octets below are handled one at a time.
#if defined(__SSE2__)
    while (s.pos + 16 <= s.text.size()) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.text.data() + s.pos));
      // '"', '\', DEL, and the controls %x00-1F (signed compare: octets >= 0x80 are
      // negative, UTF8-NONASCII, and plain).
      const __m128i control = _mm_and_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
                                            _mm_cmpgt_epi8(x, _mm_set1_epi8(-1)));
      const __m128i special =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                       _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)), control));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
      if (mask != 0) {
        s.pos += static_cast<std::size_t>(std::countr_zero(mask));
        break;
      }
      s.pos += 16;
    }
#endif
    while (s.pos < s.text.size() && has_scan_class(s.text[s.pos], kQdtextPlain)) {
      ++s.pos;
    }
    if (s.done()) {
      break;
    }
    char c = s.text[s.pos];
    if (c == '"') {
      ++s.pos;
      return s.text.substr(start, s.pos - start);
    }
    if (c == '\\') {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      if (s.pos + 1 >= s.text.size()) {
        break;
      }
      auto escaped = static_cast<unsigned char>(s.text[s.pos + 1]);
      if (escaped == 0x0A || escaped == 0x0D || escaped > 0x7F) {
        return fail(rule, "quoted-pair escapes a character outside %x00-09 / %x0B-0C / %x0E-7F");
      }
      s.pos += 2;
      continue;
    }
    // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII. Inside LWS a line break is
    // only ever CRLF followed by whitespace (a fold); a bare CR or LF is not text.
    if (c == '\r' || c == '\n') {
      const bool fold = c == '\r' && s.pos + 2 < s.text.size() && s.text[s.pos + 1] == '\n' &&
                        (s.text[s.pos + 2] == ' ' || s.text[s.pos + 2] == '\t');
      if (!fold) {
        return fail(rule, "bare CR or LF inside a quoted-string");
      }
      s.pos += 3;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && !is_lws(c)) {
      return fail(rule, "control character inside a quoted-string");
    }
    if (u == 0x7F) {
      return fail(rule, "DEL inside a quoted-string");
    }
    ++s.pos;
  }
  return fail(rule, "unterminated quoted-string");
}

std::string unquote(std::string_view raw) {
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    raw = raw.substr(1, raw.size() - 2);
  }
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      ++i;
    }
    out.push_back(raw[i]);
  }
  return out;
}

std::string quote(std::string_view content) {
  std::string out;
  out.reserve(content.size() + 2);
  out.push_back('"');
  for (char c : content) {
    if (c == '\r' || c == '\n') {
      continue;  // cannot be carried by a quoted-pair; dropping keeps the header valid
    }
    // qdtext excludes '"', '\\', controls (but HTAB) and DEL: those travel as quoted-pairs.
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || (u < 0x20 && c != '\t') || u == 0x7F) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool valid_escapes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) {
        return false;
      }
      i += 2;
    }
  }
  return true;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_decimal(std::string_view digits, std::uint64_t max) {
  if (digits.empty()) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (char c : digits) {
    if (!is_digit(c)) {
      return std::nullopt;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > max) {
      return std::nullopt;
    }
  }
  return value;
}

Result<ParamView> generic_param(Scanner& s, std::string_view rule) {
  ParamView p;
  p.name = s.token();
  if (p.name.empty()) {
    return fail(rule, "expected a parameter name (token)");
  }
  if (!s.consume_separator('=')) {
    return p;
  }
  p.has_value = true;
  // gen-value = token / host / quoted-string
  if (s.peek() == '"') {
    auto q = quoted_string(s, rule);
    if (!q) {
      return tl::unexpected(q.error());
    }
    p.value = *q;
    return p;
  }
  if (s.peek() == '[') {
    std::size_t start = s.pos;
    s.take_while([](char c) { return c != ']' && !is_lws(c) && c != ';' && c != ','; });
    if (!s.consume(']')) {
      return fail(rule, "unterminated IPv6 reference in parameter value");
    }
    p.value = s.text.substr(start, s.pos - start);
    return p;
  }
  if (iequals(p.name, "received")) {
    // via-received = "received" EQUAL (IPv4address / IPv6address): a bare IPv6 address.
    p.value = s.take_while([](char c) { return is_token_char(c) || c == ':'; });
  } else {
    p.value = s.token();
  }
  if (p.value.empty()) {
    return fail(rule, cat("parameter '", p.name, "' has '=' but no value"));
  }
  return p;
}

Result<std::string_view> generic_params(Scanner& s, std::string_view rule, ParamView* capture) {
  std::size_t start = s.pos;
  std::size_t end = s.pos;
  std::string_view wanted = capture != nullptr ? capture->name : std::string_view{};
  bool captured = false;
  while (s.consume_separator(';')) {
    auto p = generic_param(s, rule);
    if (!p) {
      return tl::unexpected(p.error());
    }
    if (capture != nullptr && !captured && !wanted.empty() && iequals(p->name, wanted)) {
      *capture = *p;
      captured = true;
    }
    end = s.pos;
  }
  s.pos = end;
  return s.text.substr(start, end - start);
}

bool ParamCursor::next(ParamView& out) {
  if (!scanner_.consume_separator(';')) {
    return false;
  }
  auto p = generic_param(scanner_, "");
  if (!p) {
    return false;
  }
  out = *p;
  return true;
}

std::optional<ParamView> find_param(std::string_view raw, std::string_view name) {
  ParamCursor cursor(raw);
  ParamView p;
  while (cursor.next(p)) {
    if (iequals(p.name, name)) {
      return p;
    }
  }
  return std::nullopt;
}

}  // namespace tipring::sip::syntax
