// The lexical rules of RFC 3261 §25.1 shared by every SIP parser here: character classes,
// linear whitespace (folded lines included), tokens, quoted strings, escapes and generic
// parameters. Everything works on string_views over the caller's text and never allocates,
// except the explicit unquote/unescape helpers that build owned strings.
#pragma once

#include "protocol/core/error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tipring::sip::syntax {

enum CharClass : std::uint8_t {
  kToken = 1,  // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
  kUnreserved = 2,         // alphanum / mark
  kUserUnreserved = 4,     // "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
  kPasswordExtra = 8,      // "&" / "=" / "+" / "$" / ","
  kParamUnreserved = 16,   // "[" / "]" / "/" / ":" / "&" / "+" / "$"
  kHeaderUnreserved = 32,  // "[" / "]" / "/" / "?" / ":" / "+" / "$"
  kWord = 64,              // word chars of Call-ID: token plus ( ) < > : \ " / [ ] ? { }
  kAlnum = 128,
};

constexpr std::array<std::uint8_t, 256> make_char_table() {
  std::array<std::uint8_t, 256> t{};
  auto add = [&t](std::string_view chars, std::uint8_t cls) {
    for (char c : chars) {
      t[static_cast<unsigned char>(c)] |= cls;
    }
  };
  for (int c = 0; c < 256; ++c) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum) {
      t[static_cast<std::size_t>(c)] = kToken | kUnreserved | kWord | kAlnum;
    }
  }
  add("-.!%*_+`'~", kToken | kWord);
  add("-_.!~*'()", kUnreserved);
  add("&=+$,;?/", kUserUnreserved);
  add("&=+$,", kPasswordExtra);
  add("[]/:&+$", kParamUnreserved);
  add("[]/?:+$", kHeaderUnreserved);
  add("()<>:\\\"/[]?{}", kWord);
  return t;
}

inline constexpr std::array<std::uint8_t, 256> kCharTable = make_char_table();

// Classes for the parser's innermost loops, one table lookup per octet instead of a chain
// of comparisons (these loops run over every octet of every URI, host and quoted-string).
enum ScanClass : std::uint8_t {
  kHostChar = 1,     // alphanum / "-" / "." (hostname and IPv4address octets)
  kQdtextPlain = 2,  // qdtext other than LWS: %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII, SP, HTAB
  kAngleStop = 4,    // ">" or LWS: ends an addr-spec inside < >
  kLwsChar = 8,      // SP / HTAB / CR / LF
};

constexpr std::array<std::uint8_t, 256> make_scan_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    auto i = static_cast<std::size_t>(c);
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || c == '-' || c == '.') {
      t[i] |= kHostChar;
    }
    if ((c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') || c >= 0x80 || c == '\t') {
      t[i] |= kQdtextPlain;
    }
    if (c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      t[i] |= kAngleStop;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      t[i] |= kLwsChar;
    }
  }
  return t;
}

inline constexpr std::array<std::uint8_t, 256> kScanTable = make_scan_table();

constexpr bool has_scan_class(char c, std::uint8_t cls) {
  return (kScanTable[static_cast<unsigned char>(c)] & cls) != 0;
}

constexpr bool has_class(char c, std::uint8_t cls) {
  return (kCharTable[static_cast<unsigned char>(c)] & cls) != 0;
}
constexpr bool is_token_char(char c) {
  return has_class(c, kToken);
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_alnum(char c) {
  return has_class(c, kAlnum);
}
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Inside a header value a CRLF is always followed by SP/HTAB (the message splitter makes
// sure of that), so CR and LF there are part of a folded LWS.
constexpr bool is_lws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Inline: most calls compare against a short literal and fail on the length.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Concatenates error details. (GCC 12 at -O3 reports a false -Wrestrict on chains of
// std::string operator+, so details are built with append.)
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}
bool is_token(std::string_view s);
// The index of the first CR or LF at or after `pos`, or s.size(). Scans sixteen (SSE2) or
// eight octets at a time: line splitting is the one loop that touches every octet of the
// header section.
std::size_t find_line_break(std::string_view s, std::size_t pos);
// Inline: called for every header field value.
constexpr std::string_view trim_lws(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && has_scan_class(s[b], kLwsChar)) {
    ++b;
  }
  while (e > b && has_scan_class(s[e - 1], kLwsChar)) {
    --e;
  }
  return s.substr(b, e - b);
}
int hex_value(char c);

// A read position over one header value (or one start-line element).
struct Scanner {
  std::string_view text;
  std::size_t pos = 0;

  [[nodiscard]] bool done() const { return pos >= text.size(); }
  [[nodiscard]] char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  [[nodiscard]] std::string_view rest() const { return text.substr(pos); }
  void skip_lws() {
    while (pos < text.size() && has_scan_class(text[pos], kLwsChar)) {
      ++pos;
    }
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // SWS c SWS: the separators of §25.1 (SEMI, COMMA, EQUAL, SLASH, COLON, ...). On failure
  // the position is unchanged.
  bool consume_separator(char c) {
    std::size_t save = pos;
    skip_lws();
    if (consume(c)) {
      skip_lws();
      return true;
    }
    pos = save;
    return false;
  }
  template <class Pred>
  std::string_view take_while(Pred pred) {
    std::size_t start = pos;
    while (pos < text.size() && pred(text[pos])) {
      ++pos;
    }
    return text.substr(start, pos - start);
  }
  std::string_view token() {
    return take_while([](char c) { return is_token_char(c); });
  }
  std::string_view digits() {
    return take_while([](char c) { return is_digit(c); });
  }
};

// quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE, scanner positioned at the
// DQUOTE. Returns the raw text including the quotes.
Result<std::string_view> quoted_string(Scanner& s, std::string_view rule);
// The content of a raw quoted-string with its quoted-pairs resolved.
std::string unquote(std::string_view raw_quoted);
// A quoted-string for `content`, escaping '"' and '\'.
std::string quote(std::string_view content);

// `%` HEXDIG HEXDIG everywhere in `s`; false if a '%' is not followed by two hex digits.
bool valid_escapes(std::string_view s);
std::string unescape(std::string_view s);

// Decimal digits only, value <= max. Leading zeros are allowed (RFC 4475 §3.1.1.1).
std::optional<std::uint64_t> parse_decimal(std::string_view digits, std::uint64_t max);

// One generic-param: token [ EQUAL gen-value ]; value is raw (a quoted value keeps its
// quotes, an IPv6 reference its brackets).
struct ParamView {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
  [[nodiscard]] bool quoted() const { return !value.empty() && value.front() == '"'; }
};

// Parses one generic-param at the scanner (after the SEMI). Fails naming `rule`.
Result<ParamView> generic_param(Scanner& s, std::string_view rule);

// *( SEMI generic-param ) starting at the scanner; returns the raw span of the whole list
// (empty if there is none) and leaves the scanner after it, before any LWS that follows.
// If `capture` is given, the first parameter named capture->name (case-insensitive) is
// stored in *capture (has_value stays false when it is absent), saving a second scan.
Result<std::string_view> generic_params(Scanner& s, std::string_view rule,
                                        ParamView* capture = nullptr);

// Walks a raw parameter list that generic_params() already validated.
class ParamCursor {
public:
  explicit ParamCursor(std::string_view raw) : scanner_{raw, 0} {}
  bool next(ParamView& out);

private:
  Scanner scanner_;
};

// The first parameter called `name` (case-insensitive) in a validated raw list.
std::optional<ParamView> find_param(std::string_view raw, std::string_view name);

// Splits a header value at top-level commas (outside quoted strings and <...>). Calls
// `each(element)` with each trimmed element; stops and returns false if `each` does.
template <class Fn>
bool for_each_element(std::string_view value, Fn&& each) {
  bool in_quotes = false;
  bool in_angle = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (in_quotes) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == '>') {
      in_angle = false;
    } else if (c == ',' && !in_angle) {
      if (!each(trim_lws(value.substr(start, i - start)))) {
        return false;
      }
      start = i + 1;
    }
  }
  return each(trim_lws(value.substr(start)));
}

}  // namespace tipring::sip::syntax
