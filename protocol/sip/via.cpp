#include "protocol/sip/via.h"

#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

namespace tipring::sip {
namespace views {
namespace {

constexpr std::string_view kViaRule = "RFC 3261 §25.1 Via";

// The via-params with a grammar of their own (§25.1 via-ttl, via-maddr, via-received,
// via-branch; RFC 3581 response-port), checked as the parameter list is scanned.
Result<void> check_via_param(const syntax::ParamView& p) {
  if (syntax::iequals(p.name, "branch") || syntax::iequals(p.name, "received") ||
      syntax::iequals(p.name, "maddr")) {
    if (!p.has_value || p.quoted()) {
      return fail(kViaRule, syntax::cat(p.name, " needs a token value"));
    }
  } else if (syntax::iequals(p.name, "ttl")) {
    if (!p.has_value || !syntax::parse_decimal(p.value, 255)) {
      return fail(kViaRule, "ttl must be a number from 0 to 255");
    }
  } else if (syntax::iequals(p.name, "rport")) {
    if (p.has_value && !syntax::parse_decimal(p.value, 65535)) {
      return fail("RFC 3581 §3 response-port", "rport value must be a port number");
    }
  }
  return {};
}

}  // namespace

bool scan_common_via(syntax::Scanner& s, ViaView& v) {
  const std::string_view t = s.text;
  const std::size_t n = t.size();
  std::size_t i = s.pos;
  while (i < n && syntax::has_scan_class(t[i], syntax::kLwsChar)) {
    ++i;
  }
  auto skip_token = [&] {
    while (i < n && syntax::is_token_char(t[i])) {
      ++i;
    }
  };
  if (n - i < 9 || !syntax::iequals(t.substr(i, 8), "SIP/2.0/")) {
    return false;
  }
  v = ViaView{};
  v.protocol_name = t.substr(i, 3);
  v.protocol_version = t.substr(i + 4, 3);
  i += 8;
  const std::size_t transport = i;
  skip_token();
  if (i == transport || i + 1 >= n || t[i] != ' ' || syntax::is_lws(t[i + 1])) {
    return false;
  }
  v.transport = t.substr(transport, i - transport);
  ++i;
  const HostScan scanned = scan_host(t.substr(i));
  if (!scanned.valid) {
    return false;  // also an IPv6 reference: the full grammar takes those
  }
  v.host = t.substr(i, scanned.length);
  i += scanned.length;
  if (i < n && t[i] == ':') {
    const std::size_t digits = ++i;
    std::uint32_t port = 0;
    while (i < n && syntax::is_digit(t[i]) && i - digits < 5) {
      port = port * 10 + static_cast<std::uint32_t>(t[i] - '0');
      ++i;
    }
    if (i == digits || port > 65535 || (i < n && syntax::is_digit(t[i]))) {
      return false;
    }
    v.port = static_cast<std::uint16_t>(port);
  }
  const std::size_t params = i;
  v.branch.name = "branch";
  bool have_branch = false;
  while (i < n && t[i] == ';') {
    syntax::ParamView p;
    const std::size_t name = ++i;
    skip_token();
    if (i == name) {
      return false;
    }
    p.name = t.substr(name, i - name);
    if (i < n && t[i] == '=') {
      p.has_value = true;
      const std::size_t value = ++i;
      skip_token();
      if (i == value) {
        return false;  // a quoted-string or IPv6 value, or none: the full grammar decides
      }
      p.value = t.substr(value, i - value);
    }
    if (!check_via_param(p)) {
      return false;
    }
    if (!have_branch && p.name.size() == 6 && syntax::iequals(p.name, "branch")) {
      v.branch = p;
      have_branch = true;
    }
  }
  if (i < n && t[i] != ',') {
    return false;
  }
  v.params = t.substr(params, i - params);
  s.pos = i;
  return true;
}

Result<ViaView> parse_via(syntax::Scanner& s) {
  ViaView v;
  if (scan_common_via(s, v)) {
    return v;
  }
  return parse_via_full(s);
}

Result<ViaView> parse_via_full(syntax::Scanner& s) {
  ViaView v;
  s.skip_lws();
  v.protocol_name = s.token();
  if (v.protocol_name.empty() || !s.consume_separator('/')) {
    return fail(kViaRule, "expected sent-protocol such as SIP/2.0/UDP");
  }
  v.protocol_version = s.token();
  if (v.protocol_version.empty() || !s.consume_separator('/')) {
    return fail(kViaRule, "expected protocol-version/transport in sent-protocol");
  }
  v.transport = s.token();
  if (v.transport.empty()) {
    return fail(kViaRule, "missing transport in sent-protocol");
  }
  std::size_t before = s.pos;
  s.skip_lws();
  if (s.pos == before) {
    return fail(kViaRule, "expected LWS between sent-protocol and sent-by");
  }
  std::size_t host_start = s.pos;
  if (s.peek() == '[') {
    s.take_while([](char c) { return c != ']' && !syntax::is_lws(c); });
    s.consume(']');
  } else {
    HostScan scanned = scan_host(s.rest());
    s.pos += scanned.length;
    v.host = s.text.substr(host_start, s.pos - host_start);
    if (!scanned.valid) {
      return fail(kViaRule, syntax::cat("invalid sent-by host '", v.host, "'"));
    }
  }
  v.host = s.text.substr(host_start, s.pos - host_start);
  if (v.host.front() == '[' && !valid_host(v.host)) {
    return fail(kViaRule, syntax::cat("invalid sent-by host '", v.host, "'"));
  }
  if (s.consume_separator(':')) {
    auto digits = s.digits();
    auto port = syntax::parse_decimal(digits, 65535);
    if (!port) {
      return fail(kViaRule, "invalid sent-by port");
    }
    v.port = static_cast<std::uint16_t>(*port);
  }
  // *( SEMI via-params ), in one pass: each parameter is checked and the branch picked out
  // as it is scanned (as generic_params() does, plus the via-params rules).
  v.branch.name = "branch";
  bool have_branch = false;
  const std::size_t params_start = s.pos;
  std::size_t params_end = s.pos;
  while (s.consume_separator(';')) {
    auto p = syntax::generic_param(s, kViaRule);
    if (!p) {
      return tl::unexpected(p.error());
    }
    if (auto checked = check_via_param(*p); !checked) {
      return tl::unexpected(checked.error());
    }
    if (!have_branch && syntax::iequals(p->name, "branch")) {
      v.branch = *p;
      have_branch = true;
    }
    params_end = s.pos;
  }
  s.pos = params_end;
  v.params = s.text.substr(params_start, params_end - params_start);
  return v;
}

}  // namespace views

namespace {

Via owned(const views::ViaView& v) {
  Via out;
  out.protocol_name = std::string(v.protocol_name);
  out.protocol_version = std::string(v.protocol_version);
  out.transport = std::string(v.transport);
  out.host = std::string(v.host);
  out.port = v.port;
  syntax::ParamCursor cursor(v.params);
  syntax::ParamView p;
  while (cursor.next(p)) {
    Param owned_param;
    owned_param.name = std::string(p.name);
    owned_param.has_value = p.has_value;
    owned_param.quoted = p.quoted();
    owned_param.value = owned_param.quoted ? syntax::unquote(p.value) : std::string(p.value);
    out.params.push_back(std::move(owned_param));
  }
  return out;
}

}  // namespace

Result<Via> Via::parse(std::string_view value) {
  syntax::Scanner s{value, 0};
  auto v = views::parse_via(s);
  if (!v) {
    return tl::unexpected(v.error());
  }
  s.skip_lws();
  if (!s.done()) {
    return fail("RFC 3261 §25.1 Via", syntax::cat("unexpected '", s.rest(), "'"));
  }
  return owned(*v);
}

Result<std::vector<Via>> parse_via_list(std::string_view value) {
  std::vector<Via> out;
  syntax::Scanner s{value, 0};
  do {
    auto v = views::parse_via(s);
    if (!v) {
      return tl::unexpected(v.error());
    }
    out.push_back(owned(*v));
  } while (s.consume_separator(','));
  s.skip_lws();
  if (!s.done()) {
    return fail("RFC 3261 §25.1 Via", syntax::cat("unexpected '", s.rest(), "'"));
  }
  return out;
}

std::string_view Via::branch() const {
  const Param* p = find_param(params, "branch");
  return p != nullptr ? std::string_view(p->value) : std::string_view{};
}

bool Via::has_rfc3261_branch() const {
  return is_rfc3261_branch(branch());
}

std::optional<std::string_view> Via::received() const {
  const Param* p = find_param(params, "received");
  if (p == nullptr) {
    return std::nullopt;
  }
  return std::string_view(p->value);
}

bool Via::has_rport() const {
  return find_param(params, "rport") != nullptr;
}

std::optional<std::uint16_t> Via::rport() const {
  const Param* p = find_param(params, "rport");
  if (p == nullptr || !p->has_value) {
    return std::nullopt;
  }
  auto v = syntax::parse_decimal(p->value, 65535);
  if (!v) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(*v);
}

void Via::append_to(std::string& out) const {
  out.append(protocol_name);
  out.push_back('/');
  out.append(protocol_version);
  out.push_back('/');
  out.append(transport);
  out.push_back(' ');
  out.append(host);
  if (port) {
    out.push_back(':');
    out.append(std::to_string(*port));
  }
  append_params(out, params);
}

std::string Via::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

}  // namespace tipring::sip
