#include "protocol/sip/uri.h"

#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

#include <algorithm>
#include <cctype>

namespace tipring::sip {
namespace views {
namespace {

constexpr std::string_view kSipUriRule = "RFC 3261 §25.1 SIP-URI";
constexpr std::string_view kAbsoluteUriRule = "RFC 3261 §25.1 absoluteURI";

bool all_of_class(std::string_view s, std::uint8_t classes) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (syntax::has_class(c, classes)) {
      continue;  // '%' is in none of the classes, so escapes take the slow path
    }
    if (c != '%' || i + 2 >= s.size() || !syntax::is_hex(s[i + 1]) || !syntax::is_hex(s[i + 2])) {
      return false;
    }
    i += 2;
  }
  return true;
}

bool valid_scheme(std::string_view s) {
  if (s.empty() || !syntax::is_alpha(s[0])) {
    return false;
  }
  for (char c : s) {
    if (!syntax::is_alnum(c) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

Result<std::optional<std::uint16_t>> parse_port(std::string_view digits, std::string_view rule) {
  auto v = syntax::parse_decimal(digits, 65535);
  if (!v) {
    return fail(rule, syntax::cat("port '", digits, "' is not a number up to 65535"));
  }
  return std::optional<std::uint16_t>(static_cast<std::uint16_t>(*v));
}

// The end of the run of octets of `classes` or %HH escapes starting at `i`.
std::size_t scan_escaped(std::string_view s, std::size_t i, std::uint8_t classes) {
  while (i < s.size()) {
    if (syntax::has_class(s[i], classes)) {
      ++i;
    } else if (s[i] == '%' && i + 2 < s.size() && syntax::is_hex(s[i + 1]) &&
               syntax::is_hex(s[i + 2])) {
      i += 3;
    } else {
      break;
    }
  }
  return i;
}

// uri-parameters = *( ";" pname [ "=" pvalue ] ), text starting at the first ';'. One pass:
// every parameter is in nearly every Contact and Record-Route URI.
bool valid_uri_params(std::string_view s) {
  constexpr std::uint8_t kParamChar = syntax::kParamUnreserved | syntax::kUnreserved;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t name_start = ++i;  // after the ';'
    i = scan_escaped(s, i, kParamChar);
    if (i == name_start) {
      return false;
    }
    if (i < s.size() && s[i] == '=') {
      const std::size_t value_start = ++i;
      i = scan_escaped(s, i, kParamChar);
      if (i == value_start) {
        return false;
      }
    }
    if (i < s.size() && s[i] != ';') {
      return false;
    }
  }
  return true;
}

// headers = header *( "&" header ); header = hname "=" hvalue
bool valid_uri_headers(std::string_view s) {
  constexpr std::uint8_t kHeaderChar = syntax::kHeaderUnreserved | syntax::kUnreserved;
  while (true) {
    std::size_t end = s.find('&');
    std::string_view header = s.substr(0, end);
    std::size_t eq = header.find('=');
    if (eq == 0 || eq == std::string_view::npos) {
      return false;
    }
    if (!all_of_class(header.substr(0, eq), kHeaderChar) ||
        !all_of_class(header.substr(eq + 1), kHeaderChar)) {
      return false;
    }
    if (end == std::string_view::npos) {
      return true;
    }
    s = s.substr(end + 1);
  }
}

Result<void> parse_sip_uri(UriView& v, std::string_view rest, UriContext context) {
  std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    std::size_t colon = userinfo.find(':');
    v.user = userinfo.substr(0, colon);
    if (v.user.empty() || !all_of_class(v.user, syntax::kUnreserved | syntax::kUserUnreserved)) {
      return fail(kSipUriRule, syntax::cat("invalid user part '", v.user, "'"));
    }
    if (colon != std::string_view::npos) {
      v.has_password = true;
      v.password = userinfo.substr(colon + 1);
      if (!all_of_class(v.password, syntax::kUnreserved | syntax::kPasswordExtra)) {
        return fail(kSipUriRule, "invalid password");
      }
    }
    rest = rest.substr(at + 1);
  }
  std::size_t host_end = 0;
  if (!rest.empty() && rest[0] == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos || !valid_ipv6(rest.substr(1, close - 1))) {
      return fail(kSipUriRule, syntax::cat("invalid IPv6 reference in '", rest, "'"));
    }
    host_end = close + 1;
  } else {
    HostScan scanned = scan_host(rest);
    host_end = scanned.length;
    const bool ends_well = host_end == rest.size() || rest[host_end] == ':' ||
                           rest[host_end] == ';' || rest[host_end] == '?';
    if (!scanned.valid || !ends_well) {
      // Name the host as far as the next delimiter, as a reader would delimit it.
      host_end = std::min(rest.find_first_of(":;?"), rest.size());
      return fail(kSipUriRule, syntax::cat("invalid host '", rest.substr(0, host_end), "'"));
    }
  }
  v.host = rest.substr(0, host_end);
  rest = rest.substr(host_end);
  if (!rest.empty() && rest[0] == ':') {
    std::size_t port_end = rest.find_first_of(";?");
    auto port =
        parse_port(rest.substr(1, port_end == rest.npos ? rest.npos : port_end - 1), kSipUriRule);
    if (!port) {
      return tl::unexpected(port.error());
    }
    v.port = *port;
    rest = port_end == std::string_view::npos ? std::string_view{} : rest.substr(port_end);
  }
  std::size_t q = rest.find('?');
  v.params = rest.substr(0, q);
  if (!valid_uri_params(v.params)) {
    return fail(kSipUriRule, syntax::cat("invalid uri-parameters '", v.params, "'"));
  }
  if (q != std::string_view::npos) {
    if (context == UriContext::RequestUri) {
      return fail("RFC 3261 §19.1.1 Request-URI", "headers are not allowed in a Request-URI");
    }
    v.headers = rest.substr(q + 1);
    if (!valid_uri_headers(v.headers)) {
      return fail(kSipUriRule, syntax::cat("invalid headers '", v.headers, "'"));
    }
  }
  return {};
}

Result<void> parse_tel_uri(UriView& v, std::string_view rest) {
  std::size_t semi = rest.find(';');
  v.user = rest.substr(0, semi);
  if (v.user.empty()) {
    return fail("RFC 3966 §3 telephone-subscriber", "empty number");
  }
  for (char c : v.user) {
    if (!syntax::is_hex(c) && std::string_view("*#+-.()pPwW").find(c) == std::string_view::npos) {
      return fail("RFC 3966 §3 telephone-subscriber",
                  syntax::cat("invalid character in '", v.user, "'"));
    }
  }
  if (semi != std::string_view::npos) {
    v.params = rest.substr(semi);
    if (!valid_uri_params(v.params)) {
      return fail("RFC 3966 §3 telephone-subscriber", "invalid parameters");
    }
  }
  return {};
}

}  // namespace

Result<UriView> parse_uri(std::string_view text, UriContext context) {
  UriView v;
  if (auto r = parse_uri_into(text, context, v); !r) {
    return tl::unexpected(r.error());
  }
  return v;
}

namespace {

// The end of the run of octets of `classes` or %HH escapes starting at `p`.
const char* skip_escaped(const char* p, const char* end, std::uint8_t classes) {
  while (p < end) {
    if (syntax::has_class(*p, classes)) {
      ++p;
    } else if (*p == '%' && end - p > 2 && syntax::is_hex(p[1]) && syntax::is_hex(p[2])) {
      p += 3;
    } else {
      break;
    }
  }
  return p;
}

}  // namespace

std::size_t scan_common_sip_uri(std::string_view text, UriView& v) {
  constexpr std::uint8_t kUserChar = syntax::kUnreserved | syntax::kUserUnreserved;
  constexpr std::uint8_t kParamChar = syntax::kParamUnreserved | syntax::kUnreserved;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  if (text.size() < 5 || (begin[0] | 0x20) != 's' || (begin[1] | 0x20) != 'i' ||
      (begin[2] | 0x20) != 'p') {
    return 0;
  }
  const char* p = begin + 3;
  const bool sips = (*p | 0x20) == 's';
  p += sips ? 1 : 0;
  if (*p != ':') {
    return 0;
  }
  v = UriView{};
  v.scheme = sips ? UriScheme::Sips : UriScheme::Sip;
  v.scheme_text = std::string_view(begin, static_cast<std::size_t>(p - begin));
  ++p;
  // A user is usually a short run of alphanumerics before an '@' (users are rarer than
  // hosts are long, so this cheap run comes before the host scan); a user with other
  // octets is scanned again with the user class. An '@' met anywhere later (a password, a
  // user with ';' or '?') makes the caller's end check fail.
  const char* q = p;
  while (q < end && syntax::has_scan_class(*q, syntax::kHostChar)) {
    ++q;
  }
  if (q < end && *q != '@' && *q != ':' && *q != ';' && *q != '?' &&
      (syntax::has_class(*q, kUserChar) || *q == '%')) {
    q = skip_escaped(p, end, kUserChar);
    if (q == end || *q != '@') {
      return 0;
    }
  }
  if (q < end && *q == '@') {
    if (q == p) {
      return 0;
    }
    v.user = std::string_view(p, static_cast<std::size_t>(q - p));
    p = q + 1;
  }
  const HostScan scanned = scan_host(std::string_view(p, static_cast<std::size_t>(end - p)));
  q = p + scanned.length;
  if (!scanned.valid || scanned.length == 0) {
    return 0;
  }
  v.host = std::string_view(p, scanned.length);
  if (q < end && *q == ':') {
    const char* const digits = ++q;
    std::uint32_t port = 0;
    while (q < end && syntax::is_digit(*q) && q - digits < 5) {
      port = port * 10 + static_cast<std::uint32_t>(*q - '0');
      ++q;
    }
    if (q == digits || port > 65535 || (q < end && syntax::is_digit(*q))) {
      return 0;
    }
    v.port = static_cast<std::uint16_t>(port);
  }
  const char* const params = q;
  while (q < end && *q == ';') {
    const char* const name = q + 1;
    q = skip_escaped(name, end, kParamChar);
    if (q == name) {
      return 0;
    }
    if (q < end && *q == '=') {
      const char* const value = q + 1;
      q = skip_escaped(value, end, kParamChar);
      if (q == value) {
        return 0;
      }
    }
  }
  if (q < end && *q == '?') {
    return 0;
  }
  v.params = std::string_view(params, static_cast<std::size_t>(q - params));
  return static_cast<std::size_t>(q - begin);
}

Result<void> parse_uri_into(std::string_view text, UriContext context, UriView& v) {
  if (scan_common_sip_uri(text, v) == text.size()) {
    return {};
  }
  return parse_uri_full(text, context, v);
}

Result<void> parse_uri_full(std::string_view text, UriContext context, UriView& v) {
  v = UriView{};
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || !valid_scheme(text.substr(0, colon))) {
    return fail(kAbsoluteUriRule, syntax::cat("'", text, "' does not start with a scheme"));
  }
  v.scheme_text = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  if (syntax::iequals(v.scheme_text, "sip") || syntax::iequals(v.scheme_text, "sips")) {
    v.scheme = v.scheme_text.size() == 3 ? UriScheme::Sip : UriScheme::Sips;
    return parse_sip_uri(v, rest, context);
  }
  if (syntax::iequals(v.scheme_text, "tel")) {
    v.scheme = UriScheme::Tel;
    return parse_tel_uri(v, rest);
  }
  v.scheme = UriScheme::Other;
  if (rest.empty()) {
    return fail(kAbsoluteUriRule, "empty URI after the scheme");
  }
  for (char c : rest) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>' || c == '"') {
      return fail(kAbsoluteUriRule, syntax::cat("character not allowed in '", text, "'"));
    }
  }
  v.opaque = rest;
  return {};
}

}  // namespace views

namespace {

Params split_uri_list(std::string_view s, char separator) {
  Params out;
  while (!s.empty()) {
    if (s.front() == separator) {
      s.remove_prefix(1);
    }
    std::size_t end = s.find(separator);
    std::string_view item = s.substr(0, end);
    std::size_t eq = item.find('=');
    Param p;
    p.name = std::string(item.substr(0, eq));
    if (eq != std::string_view::npos) {
      p.has_value = true;
      p.value = std::string(item.substr(eq + 1));
    }
    out.push_back(std::move(p));
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  }
  return out;
}

// For §19.1.4: decode escapes of unreserved characters, upper-case the rest, optionally
// lower-case everything (for the case-insensitive components).
std::string canonical(std::string_view s, bool fold_case) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && syntax::is_hex(s[i + 1]) && syntax::is_hex(s[i + 2])) {
      auto decoded =
          static_cast<char>(syntax::hex_value(s[i + 1]) * 16 + syntax::hex_value(s[i + 2]));
      if (syntax::has_class(decoded, syntax::kUnreserved)) {
        c = decoded;
      } else {
        out.push_back('%');
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1]))));
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2]))));
        i += 2;
        continue;
      }
      i += 2;
    }
    out.push_back(fold_case ? syntax::to_lower(c) : c);
  }
  return out;
}

bool same_text(std::string_view a, std::string_view b, bool fold_case) {
  return canonical(a, fold_case) == canonical(b, fold_case);
}

// Parameter names compare case-insensitively after unescaping (%6C%72 is "lr").
const Param* find_canonical(const Params& params, std::string_view canonical_name) {
  for (const Param& p : params) {
    if (canonical(p.name, true) == canonical_name) {
      return &p;
    }
  }
  return nullptr;
}

bool params_match(const Params& a, const Params& b) {
  static constexpr std::string_view kMustMatch[] = {"transport", "user", "ttl", "method", "maddr"};
  for (std::string_view name : kMustMatch) {
    if ((find_canonical(a, name) == nullptr) != (find_canonical(b, name) == nullptr)) {
      return false;
    }
  }
  for (const Param& pa : a) {
    const Param* pb = find_canonical(b, canonical(pa.name, true));
    if (pb != nullptr && (pa.has_value != pb->has_value || !same_text(pa.value, pb->value, true))) {
      return false;
    }
  }
  return true;
}

bool headers_match(const Params& a, const Params& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (const Param& ha : a) {
    const Param* hb = find_param(b, ha.name);
    if (hb == nullptr || !same_text(ha.value, hb->value, false)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Uri> Uri::parse(std::string_view text) {
  auto v = views::parse_uri(text, views::UriContext::Bracketed);
  if (!v) {
    return tl::unexpected(v.error());
  }
  Uri u;
  u.scheme = v->scheme;
  if (u.scheme == UriScheme::Other) {
    u.other_scheme = std::string(v->scheme_text);
  }
  u.user = std::string(v->user);
  u.password = std::string(v->password);
  u.has_password = v->has_password;
  u.host = std::string(v->host);
  u.port = v->port;
  u.params = split_uri_list(v->params, ';');
  u.headers = split_uri_list(v->headers, '&');
  u.opaque = std::string(v->opaque);
  return u;
}

Uri Uri::sip(std::string_view user, std::string_view host, std::optional<std::uint16_t> port) {
  Uri u;
  u.user = std::string(user);
  u.host = std::string(host);
  u.port = port;
  return u;
}

std::string_view Uri::transport() const {
  const Param* p = param("transport");
  return p != nullptr ? std::string_view(p->value) : std::string_view{};
}

std::string Uri::address_of_record() const {
  Uri bare;
  bare.scheme = scheme;
  bare.other_scheme = other_scheme;
  bare.user = user;
  bare.host = host;
  bare.opaque = opaque;
  return bare.to_string();
}

std::string_view scheme_name(const Uri& uri) {
  switch (uri.scheme) {
    case UriScheme::Sip:
      return "sip";
    case UriScheme::Sips:
      return "sips";
    case UriScheme::Tel:
      return "tel";
    case UriScheme::Other:
      break;
  }
  return uri.other_scheme;
}

void Uri::append_to(std::string& out) const {
  out.append(scheme_name(*this));
  out.push_back(':');
  if (scheme == UriScheme::Other) {
    out.append(opaque);
    return;
  }
  out.append(user);
  if (has_password) {
    out.push_back(':');
    out.append(password);
  }
  if (scheme != UriScheme::Tel) {
    if (!user.empty() || has_password) {
      out.push_back('@');
    }
    out.append(host);
    if (port) {
      out.push_back(':');
      out.append(std::to_string(*port));
    }
  }
  for (const Param& p : params) {
    out.push_back(';');
    out.append(p.name);
    if (p.has_value) {
      out.push_back('=');
      out.append(p.value);
    }
  }
  char separator = '?';
  for (const Param& h : headers) {
    out.push_back(separator);
    separator = '&';
    out.append(h.name);
    out.push_back('=');
    out.append(h.value);
  }
}

std::string Uri::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

bool operator==(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) {
    return false;
  }
  if (a.scheme == UriScheme::Other) {
    return syntax::iequals(a.other_scheme, b.other_scheme) && a.opaque == b.opaque;
  }
  if (!same_text(a.user, b.user, false) || a.has_password != b.has_password ||
      !same_text(a.password, b.password, false)) {
    return false;
  }
  if (!syntax::iequals(a.host, b.host) || a.port != b.port) {
    return false;
  }
  return params_match(a.params, b.params) && params_match(b.params, a.params) &&
         headers_match(a.headers, b.headers);
}

}  // namespace tipring::sip
