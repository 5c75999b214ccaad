#include "protocol/sip/name_addr.h"

#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

namespace tipring::sip {
namespace views {

bool scan_common_name_addr(syntax::Scanner& s, NameAddrView& v) {
  const std::string_view t = s.text;
  const std::size_t n = t.size();
  std::size_t i = s.pos;
  auto skip_lws = [&] {
    while (i < n && syntax::has_scan_class(t[i], syntax::kLwsChar)) {
      ++i;
    }
  };
  auto skip_token = [&] {
    while (i < n && syntax::is_token_char(t[i])) {
      ++i;
    }
  };
  skip_lws();
  const std::size_t start = i;
  if (i < n && t[i] == '"') {
    syntax::Scanner quoted{t, i};
    auto q = syntax::quoted_string(quoted, {});
    if (!q) {
      return false;
    }
    v.display_name = *q;
    i = quoted.pos;
    skip_lws();
  } else if (i < n && t[i] != '<') {
    std::size_t display_end = i;
    while (true) {
      const std::size_t token_start = i;
      skip_token();
      if (i == token_start) {
        break;
      }
      display_end = i;
      skip_lws();
    }
    v.display_name = t.substr(start, display_end - start);
  }
  if (i >= n || t[i] != '<') {
    return false;
  }
  ++i;
  const std::size_t used = scan_common_sip_uri(t.substr(i), v.uri);
  if (used == 0 || i + used >= n || t[i + used] != '>') {
    return false;
  }
  v.bracketed = true;
  v.uri_text = t.substr(i, used);
  i += used + 1;
  const std::size_t params_start = i;
  v.tag = {};
  v.tag.name = "tag";
  bool have_tag = false;
  while (i < n && t[i] == ';') {
    syntax::ParamView p;
    const std::size_t name_start = ++i;
    skip_token();
    if (i == name_start) {
      return false;
    }
    p.name = t.substr(name_start, i - name_start);
    if (i < n && t[i] == '=') {
      p.has_value = true;
      const std::size_t value_start = ++i;
      if (i < n && t[i] == '"') {
        syntax::Scanner quoted{t, i};
        auto q = syntax::quoted_string(quoted, {});
        if (!q) {
          return false;
        }
        i = quoted.pos;
      } else {
        skip_token();
        if (i == value_start) {
          return false;
        }
      }
      p.value = t.substr(value_start, i - value_start);
    }
    if (!have_tag && p.name.size() == 3 && syntax::iequals(p.name, "tag")) {
      v.tag = p;
      have_tag = true;
    }
  }
  if (i < n && t[i] != ',') {
    return false;
  }
  v.params = t.substr(params_start, i - params_start);
  s.pos = i;
  return true;
}

Result<NameAddrView> parse_name_addr(syntax::Scanner& s, std::string_view rule) {
  NameAddrView v;
  if (scan_common_name_addr(s, v)) {
    return v;
  }
  return parse_name_addr_full(s, rule);
}

Result<NameAddrView> parse_name_addr_full(syntax::Scanner& s, std::string_view rule) {
  NameAddrView v;
  s.skip_lws();
  std::size_t start = s.pos;
  if (s.peek() == '"') {
    auto q = syntax::quoted_string(s, rule);
    if (!q) {
      return tl::unexpected(q.error());
    }
    v.display_name = *q;
    s.skip_lws();
    if (s.peek() != '<') {
      return fail(rule, "a quoted display-name must be followed by <addr-spec>");
    }
  } else if (s.peek() != '<') {
    // display-name = *(token LWS): only a display name if a '<' follows the tokens.
    std::size_t display_end = s.pos;
    while (!s.token().empty()) {
      display_end = s.pos;
      s.skip_lws();
    }
    if (s.peek() == '<') {
      v.display_name = s.text.substr(start, display_end - start);
    } else {
      s.pos = start;
    }
  }
  if (s.consume('<')) {
    v.bracketed = true;
    std::size_t uri_start = s.pos;
    s.take_while([](char c) { return !syntax::has_scan_class(c, syntax::kAngleStop); });
    v.uri_text = s.text.substr(uri_start, s.pos - uri_start);
    if (!s.consume('>')) {
      return fail(rule,
                  s.done() ? "missing '>' after the addr-spec" : "whitespace inside <addr-spec>");
    }
  } else {
    std::size_t uri_start = s.pos;
    s.take_while([](char c) { return c != ';' && c != ',' && !syntax::is_lws(c); });
    v.uri_text = s.text.substr(uri_start, s.pos - uri_start);
    if (v.uri_text.find('?') != std::string_view::npos) {
      return fail("RFC 3261 §20 addr-spec",
                  "a URI containing '?' must be enclosed in < > (name-addr form)");
    }
  }
  if (v.uri_text.empty()) {
    return fail(rule, "missing addr-spec");
  }
  if (auto uri = parse_uri_into(v.uri_text, UriContext::Bracketed, v.uri); !uri) {
    // Name the header's rule; the URI grammar's complaint becomes the detail.
    return fail(rule, syntax::cat(uri.error().rule, ": ", uri.error().detail));
  }
  v.tag.name = "tag";
  auto params = syntax::generic_params(s, rule, &v.tag);
  if (!params) {
    return tl::unexpected(params.error());
  }
  v.params = *params;
  return v;
}

Result<NameAddrView> parse_single_name_addr(std::string_view value, std::string_view rule) {
  syntax::Scanner s{value, 0};
  auto v = parse_name_addr(s, rule);
  if (!v) {
    return v;
  }
  s.skip_lws();
  if (!s.done()) {
    return fail(rule, syntax::cat("unexpected '", s.rest(), "' after the address"));
  }
  return v;
}

}  // namespace views

namespace {

constexpr std::string_view kNameAddrRule = "RFC 3261 §25.1 name-addr";

Params owned_header_params(std::string_view raw) {
  Params out;
  syntax::ParamCursor cursor(raw);
  syntax::ParamView p;
  while (cursor.next(p)) {
    Param owned;
    owned.name = std::string(p.name);
    owned.has_value = p.has_value;
    owned.quoted = p.quoted();
    owned.value = owned.quoted ? syntax::unquote(p.value) : std::string(p.value);
    out.push_back(std::move(owned));
  }
  return out;
}

Result<NameAddr> owned(const views::NameAddrView& v) {
  NameAddr out;
  if (!v.display_name.empty() && v.display_name.front() == '"') {
    out.display_name = syntax::unquote(v.display_name);
  } else {
    // *(token LWS): keep the tokens, one space between them.
    syntax::Scanner s{v.display_name, 0};
    for (auto t = s.token(); !t.empty(); t = s.token()) {
      if (!out.display_name.empty()) {
        out.display_name.push_back(' ');
      }
      out.display_name.append(t);
      s.skip_lws();
    }
  }
  auto uri = Uri::parse(v.uri_text);
  if (!uri) {
    return tl::unexpected(uri.error());
  }
  out.uri = std::move(*uri);
  out.params = owned_header_params(v.params);
  return out;
}

std::optional<std::uint64_t> numeric_param(const Params& params, std::string_view name,
                                           std::uint64_t max) {
  const Param* p = find_param(params, name);
  if (p == nullptr || !p->has_value) {
    return std::nullopt;
  }
  return syntax::parse_decimal(p->value, max);
}

}  // namespace

Result<NameAddr> NameAddr::parse(std::string_view value) {
  auto v = views::parse_single_name_addr(value, kNameAddrRule);
  if (!v) {
    return tl::unexpected(v.error());
  }
  return owned(*v);
}

std::string_view NameAddr::tag() const {
  const Param* p = param("tag");
  return p != nullptr ? std::string_view(p->value) : std::string_view{};
}

void NameAddr::append_to(std::string& out) const {
  if (!display_name.empty()) {
    out.append(syntax::quote(display_name));
    out.push_back(' ');
  }
  out.push_back('<');
  uri.append_to(out);
  out.push_back('>');
  append_params(out, params);
}

std::string NameAddr::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

Result<std::vector<NameAddr>> parse_name_addr_list(std::string_view value) {
  std::vector<NameAddr> out;
  syntax::Scanner s{value, 0};
  do {
    auto v = views::parse_name_addr(s, kNameAddrRule);
    if (!v) {
      return tl::unexpected(v.error());
    }
    auto na = owned(*v);
    if (!na) {
      return tl::unexpected(na.error());
    }
    out.push_back(std::move(*na));
  } while (s.consume_separator(','));
  s.skip_lws();
  if (!s.done()) {
    return fail(kNameAddrRule, syntax::cat("unexpected '", s.rest(), "' in address list"));
  }
  return out;
}

std::optional<std::uint32_t> Contact::expires_s() const {
  const Param* p = address.param("expires");
  if (p == nullptr || !p->has_value || p->value.empty()) {
    return std::nullopt;
  }
  auto v = syntax::parse_decimal(p->value, UINT64_MAX / 10);
  if (!v) {
    // All digits but too long to hold: saturate as §20.19 allows for Expires.
    bool digits = p->value.find_first_not_of("0123456789") == std::string::npos;
    return digits ? std::optional<std::uint32_t>(UINT32_MAX) : std::nullopt;
  }
  return *v > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(*v);
}

std::optional<std::uint16_t> Contact::q_thousandths() const {
  const Param* p = address.param("q");
  if (p == nullptr || !p->has_value) {
    return std::nullopt;
  }
  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  std::string_view q = p->value;
  if (q.empty() || (q[0] != '0' && q[0] != '1')) {
    return std::nullopt;
  }
  unsigned value = (q[0] == '1') ? 1000U : 0U;
  if (q.size() > 1) {
    if (q[1] != '.' || q.size() > 5) {
      return std::nullopt;
    }
    unsigned scale = 100;
    for (char c : q.substr(2)) {
      if (!syntax::is_digit(c)) {
        return std::nullopt;
      }
      value += static_cast<unsigned>(c - '0') * scale;
      scale /= 10;
    }
  }
  if (value > 1000) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

std::string_view Contact::instance() const {
  const Param* p = address.param("+sip.instance");
  return p != nullptr ? std::string_view(p->value) : std::string_view{};
}

std::optional<std::uint32_t> Contact::reg_id() const {
  auto v = numeric_param(address.params, "reg-id", UINT32_MAX);
  if (!v) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(*v);
}

Result<ContactList> parse_contacts(std::string_view value) {
  ContactList out;
  if (syntax::trim_lws(value) == "*") {
    out.wildcard = true;
    return out;
  }
  auto list = parse_name_addr_list(value);
  if (!list) {
    return tl::unexpected(list.error());
  }
  out.contacts.reserve(list->size());
  for (NameAddr& na : *list) {
    out.contacts.push_back(Contact{std::move(na)});
  }
  return out;
}

}  // namespace tipring::sip
