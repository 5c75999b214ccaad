#include "protocol/sdp/address.h"
#include "protocol/sdp/session_description.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace tipring::sdp {
namespace {

constexpr std::string_view kRuleLine = "RFC 8866 §5: <type>=<value> line";
constexpr std::string_view kRuleOrder = "RFC 8866 §5: line order";
constexpr std::string_view kRuleVersion = "RFC 8866 §5.1: v=0";
constexpr std::string_view kRuleOrigin = "RFC 8866 §5.2: o=";
constexpr std::string_view kRuleName = "RFC 8866 §5.3: s=";
constexpr std::string_view kRuleConnection = "RFC 8866 §5.7: c=";
constexpr std::string_view kRuleBandwidth = "RFC 8866 §5.8: b=";
constexpr std::string_view kRuleTiming = "RFC 8866 §5.9: t=";
constexpr std::string_view kRuleAttribute = "RFC 8866 §5.13: a=";
constexpr std::string_view kRuleMedia = "RFC 8866 §5.14: m=";
constexpr std::string_view kRuleLimits = "SDP parse limits";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// RFC 8866 §9 token-char.
bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x27) || u == 0x2A || u == 0x2B || u == 0x2D ||
         u == 0x2E || (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5A) ||
         (u >= 0x5E && u <= 0x7E);
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

bool is_hostname(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
  });
}

// Fields separated by exactly one space; an empty field (two spaces, a leading or trailing
// space) is a grammar error.
std::vector<std::string_view> split_fields(std::string_view value) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t space = value.find(' ', start);
    fields.push_back(value.substr(start, space - start));
    if (space == std::string_view::npos) {
      return fields;
    }
    start = space + 1;
  }
}

bool no_empty_field(const std::vector<std::string_view>& fields) {
  return std::none_of(fields.begin(), fields.end(), [](std::string_view f) { return f.empty(); });
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (!is_digits(s)) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s.substr(0, 80)) + "'";
}

// A connection-address per address type: a literal (multicast may add /ttl[/n]) or an FQDN.
bool valid_connection_address(std::string_view type, std::string_view address) {
  std::string_view host = address.substr(0, address.find('/'));
  if (type == "IP4") {
    return is_ipv4_literal(host) || (is_hostname(host) && !is_digit(host.back()));
  }
  if (type == "IP6") {
    return is_ipv6_literal(host) || (is_hostname(host) && !is_digit(host.back()));
  }
  return is_token(address.substr(0, 1)) && address.find(' ') == std::string_view::npos;
}

Result<Connection> parse_connection(std::string_view value) {
  auto f = split_fields(value);
  if (f.size() != 3 || !no_empty_field(f)) {
    return fail(kRuleConnection, "expected '<nettype> <addrtype> <address>', got " + quoted(value));
  }
  if (!is_token(f[0]) || !is_token(f[1])) {
    return fail(kRuleConnection, "nettype and addrtype must be tokens in " + quoted(value));
  }
  if (f[0] == "IN" && !valid_connection_address(f[1], f[2])) {
    return fail(kRuleConnection, "not an " + std::string(f[1]) + " address: " + quoted(f[2]));
  }
  return Connection{std::string(f[0]), std::string(f[1]), std::string(f[2])};
}

Result<Origin> parse_origin(std::string_view value) {
  auto f = split_fields(value);
  if (f.size() != 6 || !no_empty_field(f)) {
    return fail(kRuleOrigin, "expected 6 space-separated fields, got " + quoted(value));
  }
  if (!is_digits(f[1]) || !is_digits(f[2])) {
    return fail(kRuleOrigin, "sess-id and sess-version must be digits in " + quoted(value));
  }
  if (!is_token(f[3]) || !is_token(f[4])) {
    return fail(kRuleOrigin, "nettype and addrtype must be tokens in " + quoted(value));
  }
  return Origin{std::string(f[0]), std::string(f[1]), std::string(f[2]),
                std::string(f[3]), std::string(f[4]), std::string(f[5])};
}

Result<Bandwidth> parse_bandwidth(std::string_view value) {
  const std::size_t colon = value.find(':');
  Bandwidth b;
  if (colon == std::string_view::npos || !is_token(value.substr(0, colon)) ||
      !parse_number(value.substr(colon + 1), b.value)) {
    return fail(kRuleBandwidth, "expected '<bwtype>:<bandwidth>', got " + quoted(value));
  }
  b.type = std::string(value.substr(0, colon));
  return b;
}

Result<Timing> parse_timing(std::string_view value) {
  auto f = split_fields(value);
  if (f.size() != 2 || !is_digits(f[0]) || !is_digits(f[1])) {
    return fail(kRuleTiming, "expected '<start-time> <stop-time>', got " + quoted(value));
  }
  return Timing{std::string(f[0]), std::string(f[1]), {}};
}

Result<Attribute> parse_attribute(std::string_view value) {
  const std::size_t colon = value.find(':');
  std::string_view name = value.substr(0, colon);
  if (!is_token(name)) {
    return fail(kRuleAttribute, "attribute name is not a token: " + quoted(value));
  }
  if (colon == std::string_view::npos) {
    return Attribute{std::string(name), std::nullopt};
  }
  return Attribute{std::string(name), std::string(value.substr(colon + 1))};
}

Result<MediaDescription> parse_media(std::string_view value) {
  auto f = split_fields(value);
  if (f.size() < 4 || !no_empty_field(f)) {
    return fail(kRuleMedia, "expected '<media> <port> <proto> <fmt> ...', got " + quoted(value));
  }
  MediaDescription m;
  if (!is_token(f[0])) {
    return fail(kRuleMedia, "media is not a token: " + quoted(f[0]));
  }
  m.media = std::string(f[0]);
  std::string_view port = f[1];
  const std::size_t slash = port.find('/');
  if (slash != std::string_view::npos) {
    std::uint16_t count = 0;
    if (!parse_number(port.substr(slash + 1), count)) {
      return fail(kRuleMedia, "bad port count in " + quoted(f[1]));
    }
    m.port_count = count;
    port = port.substr(0, slash);
  }
  if (!parse_number(port, m.port)) {
    return fail(kRuleMedia, "port is not a number 0..65535: " + quoted(f[1]));
  }
  const bool proto_ok =
      std::all_of(f[2].begin(), f[2].end(), [](char c) { return is_token_char(c) || c == '/'; });
  if (!proto_ok) {
    return fail(kRuleMedia, "proto is not token['/'token]: " + quoted(f[2]));
  }
  m.protocol = std::string(f[2]);
  for (std::size_t i = 3; i < f.size(); ++i) {
    if (!is_token(f[i])) {
      return fail(kRuleMedia, "format is not a token: " + quoted(f[i]));
    }
    m.formats.emplace_back(f[i]);
  }
  return m;
}

// Position of each type letter in §5's order; within a section ranks may not decrease.
int session_rank(char type) {
  switch (type) {
    case 'v':
      return 0;
    case 'o':
      return 1;
    case 's':
      return 2;
    case 'i':
      return 3;
    case 'u':
      return 4;
    case 'e':
      return 5;
    case 'p':
      return 6;
    case 'c':
      return 7;
    case 'b':
      return 8;
    case 't':
      return 9;
    case 'r':
      return 9;
    case 'z':
      return 10;
    case 'k':
      return 11;
    case 'a':
      return 12;
    default:
      return -1;
  }
}

int media_rank(char type) {
  switch (type) {
    case 'i':
      return 1;
    case 'c':
      return 2;
    case 'b':
      return 3;
    case 'k':
      return 4;
    case 'a':
      return 5;
    default:
      return -1;
  }
}

// Lines that may appear once per section.
bool single(char type, bool in_media) {
  if (in_media) {
    return type == 'i' || type == 'k';
  }
  return type == 'v' || type == 'o' || type == 's' || type == 'i' || type == 'u' || type == 'c' ||
         type == 'z' || type == 'k';
}

class Parser {
public:
  explicit Parser(const ParseLimits& limits) : limits_(limits) {}

  Result<SessionDescription> run(std::string_view text) {
    if (text.size() > limits_.max_bytes) {
      return fail(kRuleLimits,
                  "description larger than " + std::to_string(limits_.max_bytes) + " bytes");
    }
    const std::size_t first_newline = text.find('\n');
    if (first_newline != std::string_view::npos && first_newline > 0 &&
        text[first_newline - 1] != '\r') {
      sdp_.line_ending = "\n";
    }
    std::size_t start = 0;
    std::size_t number = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      std::string_view line = text.substr(start, end - start);
      start = end == std::string_view::npos ? text.size() : end + 1;
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      ++number;
      if (auto r = line_of(line); !r) {
        r.error().detail = "line " + std::to_string(number) + ": " + r.error().detail;
        return tl::unexpected(r.error());
      }
    }
    return finish();
  }

private:
  Result<void> line_of(std::string_view line) {
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      return fail(kRuleLine, "not '<letter>=<value>': " + quoted(line));
    }
    if (line.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos) {
      return fail(kRuleLine, "NUL or CR inside a line");
    }
    const char type = line[0];
    const std::string_view value = line.substr(2);
    if (seen_lines_ == 0 && type != 'v') {
      return fail(kRuleVersion, "the first line must be v=");
    }
    ++seen_lines_;
    if (type == 'm') {
      return media_line(value);
    }
    const bool in_media = !sdp_.media.empty();
    const int rank = in_media ? media_rank(type) : session_rank(type);
    if (rank < 0) {
      return fail(kRuleLine, std::string("unknown or misplaced type letter '") + type + "='");
    }
    if (rank < rank_ || (rank == rank_ && single(type, in_media) && type == last_type_) ||
        (type == 'r' && last_type_ != 't' && last_type_ != 'r')) {
      return fail(kRuleOrder, std::string("'") + type + "=' out of order");
    }
    rank_ = rank;
    last_type_ = type;
    return in_media ? media_field(type, value) : session_field(type, value);
  }

  Result<void> media_line(std::string_view value) {
    if (sdp_.media.size() == limits_.max_media) {
      return fail(kRuleLimits, "more than " + std::to_string(limits_.max_media) + " m= lines");
    }
    if (!have_timing_) {
      return fail(kRuleOrder, "m= before the session's t=");
    }
    auto m = parse_media(value);
    if (!m) {
      return tl::unexpected(m.error());
    }
    sdp_.media.push_back(std::move(*m));
    rank_ = 0;
    last_type_ = 'm';
    return {};
  }

  Result<void> add_attribute(Attributes& attrs, std::string_view value) {
    if (attrs.items.size() == limits_.max_attributes_per_section) {
      return fail(kRuleLimits, "more than " + std::to_string(limits_.max_attributes_per_section) +
                                   " attributes in one section");
    }
    auto a = parse_attribute(value);
    if (!a) {
      return tl::unexpected(a.error());
    }
    attrs.items.push_back(std::move(*a));
    return {};
  }

  Result<void> session_field(char type, std::string_view value) {
    switch (type) {
      case 'v':
        if (value != "0") {
          return fail(kRuleVersion, "version " + quoted(value) + " is not 0");
        }
        return {};
      case 'o': {
        auto o = parse_origin(value);
        if (!o) {
          return tl::unexpected(o.error());
        }
        sdp_.origin = std::move(*o);
        have_origin_ = true;
        return {};
      }
      case 's':
        // §9 requires text here, but RFC 3264's and RFC 4317's own examples send "s=":
        // accepted, and reproduced as it came.
        sdp_.session_name = std::string(value);
        have_name_ = true;
        return {};
      case 'i':
        sdp_.information = std::string(value);
        return {};
      case 'u':
        sdp_.uri = std::string(value);
        return {};
      case 'e':
        sdp_.emails.emplace_back(value);
        return {};
      case 'p':
        sdp_.phones.emplace_back(value);
        return {};
      case 'c': {
        auto c = parse_connection(value);
        if (!c) {
          return tl::unexpected(c.error());
        }
        sdp_.connection = std::move(*c);
        return {};
      }
      case 'b': {
        auto b = parse_bandwidth(value);
        if (!b) {
          return tl::unexpected(b.error());
        }
        sdp_.bandwidths.push_back(*b);
        return {};
      }
      case 't': {
        auto t = parse_timing(value);
        if (!t) {
          return tl::unexpected(t.error());
        }
        if (!have_timing_) {
          sdp_.timings.clear();  // replace the default t=0 0
          have_timing_ = true;
        }
        sdp_.timings.push_back(std::move(*t));
        return {};
      }
      case 'r':
        if (value.empty()) {
          return fail(kRuleTiming, "empty r= line");
        }
        sdp_.timings.back().repeats.emplace_back(value);
        return {};
      case 'z':
        sdp_.time_zones = std::string(value);
        return {};
      case 'k':
        sdp_.key = std::string(value);
        return {};
      default:
        return add_attribute(sdp_.attributes, value);
    }
  }

  Result<void> media_field(char type, std::string_view value) {
    MediaDescription& m = sdp_.media.back();
    switch (type) {
      case 'i':
        m.title = std::string(value);
        return {};
      case 'c': {
        auto c = parse_connection(value);
        if (!c) {
          return tl::unexpected(c.error());
        }
        m.connections.push_back(std::move(*c));
        return {};
      }
      case 'b': {
        auto b = parse_bandwidth(value);
        if (!b) {
          return tl::unexpected(b.error());
        }
        m.bandwidths.push_back(*b);
        return {};
      }
      case 'k':
        m.key = std::string(value);
        return {};
      default:
        return add_attribute(m.attributes, value);
    }
  }

  Result<SessionDescription> finish() {
    if (seen_lines_ == 0) {
      return fail(kRuleVersion, "empty description");
    }
    if (!have_origin_) {
      return fail(kRuleOrigin, "missing o= line");
    }
    if (!have_name_) {
      return fail(kRuleName, "missing s= line");
    }
    if (!have_timing_) {
      return fail(kRuleTiming, "missing t= line");
    }
    for (std::size_t i = 0; i < sdp_.media.size(); ++i) {
      if (!sdp_.media[i].rejected() && sdp_.connection_for(i) == nullptr) {
        return fail(kRuleConnection, "m= line " + std::to_string(i + 1) +
                                         " has no c= and there is no session-level c=");
      }
    }
    return std::move(sdp_);
  }

  const ParseLimits& limits_;
  SessionDescription sdp_;
  std::size_t seen_lines_ = 0;
  int rank_ = -1;
  char last_type_ = 0;
  bool have_origin_ = false;
  bool have_name_ = false;
  bool have_timing_ = false;
};

}  // namespace

Result<SessionDescription> parse(std::string_view text, const ParseLimits& limits) {
  return Parser(limits).run(text);
}

}  // namespace tipring::sdp
