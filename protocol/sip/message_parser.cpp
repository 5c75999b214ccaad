// Message::parse: splits the start line and header fields (RFC 3261 §7, §7.3.1 folding),
// validates every header field this stack knows against its §25.1 grammar, picks out the
// hot fields, and frames the body (§18.3). One pass, views only: the buffer and the header
// vector are the only allocations.
#include "protocol/sip/message.h"
#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tipring::sip {

class MessageParser {
public:
  MessageParser(Message& m, Framing framing) : m_(m), framing_(framing) {}
  Result<void> run();
  // Validates (strict) or just indexes (lenient) the hot and typed header fields; with
  // `only` set, re-derives just the hot fields of that header (after a mutation).
  static Result<void> index(Message& m, bool strict, HeaderId only = HeaderId::Other);
  // Checks that need the whole message: mandatory fields, CSeq against the method, and the
  // grammar of the other typed header fields.
  static Result<void> check_message(const Message& m);

private:
  Result<void> start_line(std::string_view line);
  Result<void> request_line(std::string_view line);
  Result<void> status_line(std::string_view line);
  Result<void> header_line(std::string_view line);
  Result<void> body(std::size_t start);

  Message& m_;
  Framing framing_;
};

namespace {

constexpr std::string_view kRequestLine = "RFC 3261 §25.1 Request-Line";
constexpr std::string_view kRequestUri = "RFC 3261 §25.1 Request-URI";
constexpr std::string_view kStatusLine = "RFC 3261 §25.1 Status-Line";
constexpr std::string_view kMessageHeader = "RFC 3261 §7.3 message-header";
constexpr std::string_view kFraming = "RFC 3261 §18.3 Content-Length framing";

bool valid_sip_version(std::string_view v) {
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; "SIP" is case-insensitive (§7.1).
  return v.size() == 7 && syntax::iequals(v.substr(0, 4), "SIP/") && v.substr(4) == "2.0";
}

bool looks_like_sip_version(std::string_view v) {
  if (v.size() < 7 || !syntax::iequals(v.substr(0, 4), "SIP/")) {
    return false;
  }
  std::size_t dot = v.find('.', 4);
  return dot != std::string_view::npos && dot > 4 && dot + 1 < v.size() &&
         v.substr(4, dot - 4).find_first_not_of("0123456789") == std::string_view::npos &&
         v.substr(dot + 1).find_first_not_of("0123456789") == std::string_view::npos;
}

#if defined(__SSE2__)
// callid = word [ "@" word ] for values under 64 octets, from SSE2 class masks: true if
// valid, nullopt otherwise (longer values, and errors, which the scalar check names).
std::optional<bool> call_id_by_masks(std::string_view value) {
  const std::size_t n = value.size();
  if (n == 0 || n >= 64) {
    return std::nullopt;
  }
  std::uint64_t word = 0;
  std::uint64_t at = 0;
  for (std::size_t block = 0; block < n; block += 16) {
    char tail[16] = {};
    const char* octets = value.data() + block;
    if (block + 16 > n) {
      std::memcpy(tail, octets, n - block);
      octets = tail;
    }
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(octets));
    auto is = [&x](char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
    // word = the visible octets %x21-7E but # $ & , ; = @ ^ | (signed compares: octets
    // >= 0x80 are negative and not visible ASCII).
    const __m128i visible = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x20)),
                                          _mm_cmplt_epi8(x, _mm_set1_epi8(0x7F)));
    const __m128i excluded =
        _mm_or_si128(_mm_or_si128(_mm_or_si128(is('#'), is('$')), _mm_or_si128(is('&'), is(','))),
                     _mm_or_si128(_mm_or_si128(is(';'), is('=')),
                                  _mm_or_si128(_mm_or_si128(is('@'), is('^')), is('|'))));
    const auto shift = static_cast<unsigned>(block);
    word |= static_cast<std::uint64_t>(
                static_cast<unsigned>(_mm_movemask_epi8(_mm_andnot_si128(excluded, visible))))
            << shift;
    at |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(is('@')))) << shift;
  }
  const std::uint64_t all = (std::uint64_t{1} << n) - 1;
  word &= all;
  at &= all;
  // Every octet a word octet but at most one "@", which neither starts nor ends the value.
  const bool ok = (word | at) == all &&
                  (at == 0 || ((at & (at - 1)) == 0 && (at & 1) == 0 && (at >> (n - 1)) == 0));
  return ok ? std::optional<bool>(true) : std::nullopt;
}
#endif

Result<void> check_call_id(std::string_view value) {
  // callid = word [ "@" word ]
#if defined(__SSE2__)
  if (call_id_by_masks(value)) {
    return {};
  }
#endif
  std::size_t at = value.find('@');
  auto word_ok = [](std::string_view w) {
    if (w.empty()) {
      return false;
    }
    for (char c : w) {
      if (!syntax::has_class(c, syntax::kWord)) {
        return false;
      }
    }
    return true;
  };
  bool ok = at == std::string_view::npos
                ? word_ok(value)
                : word_ok(value.substr(0, at)) && word_ok(value.substr(at + 1));
  if (!ok) {
    return fail("RFC 3261 §25.1 Call-ID", syntax::cat("'", value, "' is not word[@word]"));
  }
  return {};
}

Result<void> check_name_addr_list(std::string_view value, bool bracketed_only,
                                  std::string_view rule) {
  syntax::Scanner s{value, 0};
  views::NameAddrView common;
  do {
    if (views::scan_common_name_addr(s, common)) {
      continue;  // bracketed, and checked in place (no Result to copy the view through)
    }
    auto v = views::parse_name_addr_full(s, rule);
    if (!v) {
      return tl::unexpected(v.error());
    }
    if (bracketed_only && !v->bracketed) {
      return fail(rule, "the address must be a name-addr in < >");
    }
  } while (s.consume_separator(','));
  s.skip_lws();
  if (!s.done()) {
    return fail(rule, syntax::cat("unexpected '", s.rest(), "'"));
  }
  return {};
}

// rfc1123-date = wkday "," SP date1 SP time SP "GMT" (§20.17: only GMT is allowed).
Result<void> check_date(std::string_view value) {
  constexpr std::string_view kDays = "Mon,Tue,Wed,Thu,Fri,Sat,Sun,";
  constexpr std::string_view kMonths = "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,";
  // "Sat, 13 Nov 2010 23:29:00 GMT"
  // Shape: w = weekday letter, N = month letter, d/y/h/m/s = digit, others literal.
  constexpr std::string_view kShape = "www, dd NNN yyyy hh:mm:ss GMT";
  bool ok = value.size() == kShape.size();
  for (std::size_t i = 0; ok && i < kShape.size(); ++i) {
    char want = kShape[i];
    char got = value[i];
    if (std::string_view("dyhms").find(want) != std::string_view::npos) {
      ok = syntax::is_digit(got);
    } else if (want != 'w' && want != 'N') {
      ok = got == want;
    }
  }
  ok = ok && kDays.find(syntax::cat(value.substr(0, 3), ",")) != std::string_view::npos &&
       kMonths.find(syntax::cat(value.substr(8, 3), ",")) != std::string_view::npos;
  if (!ok) {
    return fail("RFC 3261 §25.1 Date", syntax::cat("'", value, "' is not an rfc1123-date in GMT"));
  }
  return {};
}

Result<void> check_digits(std::string_view value, std::string_view rule) {
  if (!parse_saturating_number(value)) {
    return fail(rule, syntax::cat("'", value, "' is not a number"));
  }
  return {};
}

}  // namespace

Result<void> MessageParser::run() {
  std::string_view all = m_.buffer_;
  std::size_t pos = 0;
  // §7.5: CRLFs before the start line are ignored (keepalives, stray line ends).
  while (pos + 1 < all.size() && all[pos] == '\r' && all[pos + 1] == '\n') {
    pos += 2;
  }
  bool first = true;
  while (true) {
    if (pos >= all.size()) {
      return fail(kMessageHeader, "the header section does not end with an empty line");
    }
    std::size_t line_start = pos;
    std::size_t eol = 0;
    // A header field ends at a CRLF not followed by SP/HTAB (§7.3.1 line folding).
    while (true) {
      std::size_t cr = syntax::find_line_break(all, pos);
      if (cr == all.size()) {
        return fail(kMessageHeader, "the header section does not end with an empty line");
      }
      if (all[cr] == '\n') {
        return fail(kMessageHeader, "a line ends with LF instead of CRLF");
      }
      if (cr + 1 >= all.size() || all[cr + 1] != '\n') {
        return fail(kMessageHeader, "bare CR inside a line");
      }
      eol = cr + 1;
      pos = eol + 1;
      if (first || eol - 1 == line_start || pos >= all.size() ||
          (all[pos] != ' ' && all[pos] != '\t')) {
        break;
      }
    }
    std::string_view line = all.substr(line_start, eol - 1 - line_start);
    if (first) {
      if (auto r = start_line(line); !r) {
        return r;
      }
      first = false;
      continue;
    }
    if (line.empty()) {
      break;
    }
    if (auto r = header_line(line); !r) {
      return r;
    }
  }
  if (auto r = index(m_, true); !r) {
    return r;
  }
  return body(pos);
}

Result<void> MessageParser::start_line(std::string_view line) {
  if (line.substr(0, 4) == "SIP/" || syntax::iequals(line.substr(0, 4), "SIP/")) {
    return status_line(line);
  }
  return request_line(line);
}

Result<void> MessageParser::request_line(std::string_view line) {
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF, exactly one SP each.
  std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) {
    return fail(kRequestLine, "expected 'Method SP Request-URI SP SIP-Version'");
  }
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return fail(kRequestLine, "expected 'Method SP Request-URI SP SIP-Version'");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!syntax::is_token(method)) {
    return fail(kRequestLine, "the method is not a token");
  }
  // A well-formed line passes the first test; the others name what is wrong with the rest.
  const bool well_formed =
      !uri.empty() && valid_sip_version(version) && uri.find('\t') == std::string_view::npos;
  if (!well_formed && (uri.empty() || version.find_first_of(" \t") != std::string_view::npos ||
                       uri.find('\t') != std::string_view::npos)) {
    return fail(kRequestLine, "elements must be separated by exactly one SP, with no LWS");
  }
  if (!well_formed) {
    if (looks_like_sip_version(version)) {
      return fail(rules::kSipVersion, syntax::cat("'", version, "' is not SIP/2.0"));
    }
    return fail(kRequestLine, syntax::cat("'", version, "' is not a SIP-Version"));
  }
  views::UriView parsed_uri;
  if (auto u = views::parse_uri_into(uri, views::UriContext::RequestUri, parsed_uri); !u) {
    if (u.error().rule.find("Request-URI") != std::string_view::npos) {
      return tl::unexpected(u.error());
    }
    return fail(kRequestUri, syntax::cat(u.error().rule, ": ", u.error().detail));
  }
  m_.method_text_ = m_.span_of(method);
  m_.method_ = method_from_token(method);
  m_.request_uri_ = m_.span_of(uri);
  return {};
}

Result<void> MessageParser::status_line(std::string_view line) {
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF. A missing SP before an
  // empty reason is tolerated (RFC 4475 §3.1.1.13 sends the SP; some peers do not).
  std::size_t sp1 = line.find(' ');
  std::string_view version = line.substr(0, sp1);
  if (!valid_sip_version(version)) {
    if (looks_like_sip_version(version)) {
      return fail(rules::kSipVersion, syntax::cat("'", version, "' is not SIP/2.0"));
    }
    return fail(kStatusLine, syntax::cat("'", version, "' is not a SIP-Version"));
  }
  if (sp1 == std::string_view::npos) {
    return fail(kStatusLine, "missing Status-Code");
  }
  std::string_view rest = line.substr(sp1 + 1);
  std::string_view code = rest.substr(0, 3);
  auto value = syntax::parse_decimal(code, 699);
  if (code.size() != 3 || !value || *value < 100 || (rest.size() > 3 && rest[3] != ' ')) {
    return fail(kStatusLine, "Status-Code must be three digits from 100 to 699");
  }
  std::string_view reason = rest.size() > 4 ? rest.substr(4) : std::string_view{};
  for (char c : reason) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) {
      return fail(kStatusLine, "control character in the Reason-Phrase");
    }
  }
  m_.status_code_ = static_cast<int>(*value);
  m_.reason_ = m_.span_of(reason);
  return {};
}

Result<void> MessageParser::header_line(std::string_view line) {
  // message-header = field-name HCOLON field-value; HCOLON = *( SP / HTAB ) ":" SWS
#if defined(__SSE2__)
  // Most names are known and end at a ':' within sixteen octets. A name that resolves to a
  // known id is one of the canonical (token) names in some case, so it needs no octet-by-
  // octet token check; every other line takes the general path below.
  const char* const first = line.data();
  if (m_.buffer_.data() + m_.buffer_.size() - first >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first));
    const auto colons =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(':'))));
    if (colons != 0) {
      const auto colon = static_cast<std::size_t>(std::countr_zero(colons));
      const HeaderId id = colon < line.size() ? header_id(line.substr(0, colon)) : HeaderId::Other;
      if (id != HeaderId::Other) {
        Message::StoredHeader h;
        h.id = id;
        h.name = m_.span_of(line.substr(0, colon));
        h.value = m_.span_of(syntax::trim_lws(line.substr(colon + 1)));
        m_.headers_.push_back(h);
        return {};
      }
    }
  }
#endif
  std::size_t end = 0;
  while (end < line.size() && syntax::is_token_char(line[end])) {
    ++end;
  }
  std::string_view name = line.substr(0, end);
  while (end < line.size() && (line[end] == ' ' || line[end] == '\t')) {
    ++end;
  }
  if (name.empty() || end >= line.size() || line[end] != ':') {
    return fail(kMessageHeader, syntax::cat("'", line.substr(0, end + 1),
                                            "' is not a header name (token) followed by ':'"));
  }
  std::string_view value = syntax::trim_lws(line.substr(end + 1));
  Message::StoredHeader h;
  h.id = header_id(name);
  h.name = m_.span_of(name);
  h.value = m_.span_of(value);
  m_.headers_.push_back(h);
  return {};
}

Result<void> MessageParser::index(Message& m, bool strict, HeaderId only) {
  const bool all = only == HeaderId::Other;
  if (all || only == HeaderId::CallId) {
    m.call_id_ = {};
  }
  if (all || only == HeaderId::CSeq) {
    m.cseq_method_text_ = {};
    m.cseq_number_ = 0;
    m.cseq_method_ = Method::Unknown;
  }
  if (all || only == HeaderId::Via) {
    m.branch_ = m.via_transport_ = m.via_host_ = {};
    m.via_port_.reset();
  }
  if (all || only == HeaderId::From) {
    m.from_tag_ = {};
  }
  if (all || only == HeaderId::To) {
    m.to_tag_ = {};
  }
  if (all || only == HeaderId::MaxForwards) {
    m.max_forwards_.reset();
  }
  if (all || only == HeaderId::ContentLength) {
    m.content_length_.reset();
  }
  bool seen[static_cast<std::size_t>(HeaderId::Count_)] = {};
  auto single = [&](HeaderId id, std::string_view name) -> Result<void> {
    bool& was = seen[static_cast<std::size_t>(id)];
    if (was && strict) {
      return fail(rules::kSingleValued, syntax::cat(name, " appears more than once"));
    }
    was = true;
    return {};
  };
  for (const Message::StoredHeader& h : m.headers_) {
    if (!all && h.id != only) {
      continue;
    }
    std::string_view value = m.view(h.value);
    Result<void> ok;
    switch (h.id) {
      case HeaderId::Via: {
        syntax::Scanner s{value, 0};
        bool top = !seen[static_cast<std::size_t>(HeaderId::Via)];
        seen[static_cast<std::size_t>(HeaderId::Via)] = true;
        do {
          auto v = views::parse_via(s);
          if (!v) {
            ok = tl::unexpected(v.error());
            break;
          }
          if (top) {
            top = false;
            m.via_transport_ = m.span_of(v->transport);
            m.via_host_ = m.span_of(v->host);
            m.via_port_ = v->port;
            if (v->branch.has_value) {
              m.branch_ = m.span_of(v->branch.value);
            }
          }
          if (!strict) {
            break;
          }
        } while (s.consume_separator(','));
        s.skip_lws();
        if (ok && strict && !s.done()) {
          ok = fail("RFC 3261 §25.1 Via", syntax::cat("unexpected '", s.rest(), "'"));
        }
        break;
      }
      case HeaderId::From:
      case HeaderId::To: {
        bool is_from = h.id == HeaderId::From;
        ok = single(h.id, is_from ? "From" : "To");
        if (!ok) {
          break;
        }
        // The one-pass scan in place first (no Result to copy the view through).
        views::NameAddrView v;
        syntax::Scanner s{value, 0};
        if (!views::scan_common_name_addr(s, v) || !s.done()) {
          auto full = views::parse_single_name_addr(
              value, is_from ? "RFC 3261 §25.1 From" : "RFC 3261 §25.1 To");
          if (!full) {
            ok = tl::unexpected(full.error());
            break;
          }
          v = *full;
        }
        if (v.tag.has_value) {
          if (v.tag.quoted()) {
            ok = fail("RFC 3261 §25.1 tag-param", "a tag is a token, not a quoted-string");
            break;
          }
          (is_from ? m.from_tag_ : m.to_tag_) = m.span_of(v.tag.value);
        }
        break;
      }
      case HeaderId::CallId:
        ok = single(h.id, "Call-ID");
        if (ok) {
          ok = check_call_id(value);
          m.call_id_ = h.value;
        }
        break;
      case HeaderId::CSeq: {
        ok = single(h.id, "CSeq");
        if (!ok) {
          break;
        }
        syntax::Scanner s{value, 0};
        auto number = syntax::parse_decimal(s.digits(), kMaxCSeq);
        std::size_t before = s.pos;
        s.skip_lws();
        auto method = s.token();
        if (!number || s.pos == before || method.empty() || !s.done()) {
          ok = fail("RFC 3261 §20.16 CSeq",
                    syntax::cat("'", value, "' is not 'number method' with number < 2^31"));
          break;
        }
        m.cseq_number_ = static_cast<std::uint32_t>(*number);
        m.cseq_method_ = method_from_token(method);
        m.cseq_method_text_ = m.span_of(method);
        break;
      }
      case HeaderId::MaxForwards: {
        ok = single(h.id, "Max-Forwards");
        auto v = syntax::parse_decimal(value, 255);
        if (ok && !v) {
          ok = fail("RFC 3261 §20.22 Max-Forwards", "must be a number from 0 to 255");
        }
        if (v) {
          m.max_forwards_ = static_cast<std::uint32_t>(*v);
        }
        break;
      }
      case HeaderId::ContentLength: {
        ok = single(h.id, "Content-Length");
        auto v = syntax::parse_decimal(value, UINT32_MAX);
        if (ok && !v) {
          ok = fail("RFC 3261 §20.14 Content-Length", "must be a non-negative number");
        }
        if (v) {
          m.content_length_ = static_cast<std::uint32_t>(*v);
        }
        break;
      }
      default:
        break;
    }
    if (!ok && strict) {
      return ok;
    }
  }
  return {};
}

Result<void> MessageParser::body(std::size_t start) {
  std::size_t available = m_.buffer_.size() - start;
  std::size_t length = available;
  if (m_.content_length_) {
    length = *m_.content_length_;
    if (length > available) {
      return fail(kFraming, syntax::cat("Content-Length ", std::to_string(length), " exceeds the ",
                                        std::to_string(available), " octets that follow"));
    }
    if (framing_ == Framing::Stream && length != available) {
      return fail(kFraming, "octets after the body on a stream transport");
    }
  } else if (framing_ == Framing::Stream) {
    return fail(kFraming, "Content-Length is mandatory on stream transports");
  }
  m_.body_ = {static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(length)};
  return {};
}

Result<void> MessageParser::check_message(const Message& m) {
  bool present[static_cast<std::size_t>(HeaderId::Count_)] = {};
  for (const Message::StoredHeader& stored : m.headers_) {
    present[static_cast<std::size_t>(stored.id)] = true;
    const std::string_view value = m.view(stored.value);
    Result<void> ok;
    switch (stored.id) {
      case HeaderId::Contact:
        if (syntax::trim_lws(value) != "*") {
          ok = check_name_addr_list(value, false, "RFC 3261 §25.1 Contact");
        }
        break;
      case HeaderId::Route:
      case HeaderId::RecordRoute:
      case HeaderId::Path:
        ok = check_name_addr_list(value, true, "RFC 3261 §25.1 Route/Record-Route");
        break;
      case HeaderId::ReferTo:
        ok = check_name_addr_list(value, false, "RFC 3261 §25.1 name-addr");
        break;
      case HeaderId::Expires:
      case HeaderId::MinExpires:
        ok = check_digits(value, "RFC 3261 §20.19 Expires");
        break;
      case HeaderId::Date:
        ok = check_date(value);
        break;
      case HeaderId::FlowTimer:
        ok = check_digits(value, "RFC 5626 §11 Flow-Timer");
        break;
      case HeaderId::ContentType:
        ok = views::check_media_type(value);
        break;
      case HeaderId::Allow:
      case HeaderId::Supported:
      case HeaderId::Require:
      case HeaderId::ProxyRequire:
      case HeaderId::Unsupported:
        ok = views::check_token_list(value);
        break;
      case HeaderId::WwwAuthenticate:
      case HeaderId::ProxyAuthenticate:
      case HeaderId::Authorization:
      case HeaderId::ProxyAuthorization:
        ok = views::check_auth_header(value);
        break;
      default:
        break;
    }
    if (!ok) {
      return ok;
    }
  }
  for (HeaderId id :
       {HeaderId::Via, HeaderId::From, HeaderId::To, HeaderId::CallId, HeaderId::CSeq}) {
    if (!present[static_cast<std::size_t>(id)]) {
      return fail(rules::kMandatoryHeaders, syntax::cat("missing ", header_name(id)));
    }
  }
  if (m.is_request() && m.cseq_method_text() != m.method_text()) {
    return fail("RFC 3261 §8.1.1.5 CSeq",
                syntax::cat("CSeq method '", m.cseq_method_text(),
                            "' does not match the request method '", m.method_text(), "'"));
  }
  return {};
}

Result<Message> Message::parse(std::string_view bytes, Framing framing) {
  return parse(std::string(bytes), framing);
}

Result<Message> Message::parse(std::string&& bytes, Framing framing) {
  if (bytes.size() > UINT32_MAX) {
    return fail(kFraming, "message larger than 4 GiB");
  }
  Message m;
  m.buffer_ = std::move(bytes);
  m.headers_.reserve(16);
  MessageParser parser(m, framing);
  if (auto r = parser.run(); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = MessageParser::check_message(m); !r) {
    return tl::unexpected(r.error());
  }
  return m;
}

void Message::reindex(HeaderId id) {
  switch (id) {
    case HeaderId::Via:
    case HeaderId::From:
    case HeaderId::To:
    case HeaderId::CallId:
    case HeaderId::CSeq:
    case HeaderId::MaxForwards:
    case HeaderId::ContentLength:
      (void)MessageParser::index(*this, false, id);
      break;
    default:
      break;  // not a hot field: nothing picked out of it
  }
}

}  // namespace tipring::sip
