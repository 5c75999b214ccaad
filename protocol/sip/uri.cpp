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

HostScan scan_host(std::string_view text) {
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

Result<UriView> parse_uri(std::string_view text, UriContext context) {
  UriView v;
  if (auto r = parse_uri_into(text, context, v); !r) {
    return tl::unexpected(r.error());
  }
  return v;
}

Result<void> parse_uri_into(std::string_view text, UriContext context, UriView& v) {
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
