#include "protocol/sip/auth_header.h"

#include "protocol/sip/syntax.h"

namespace tipring::sip {
namespace {

constexpr std::string_view kRule = "RFC 3261 §25.1 challenge/credentials";

bool is_token68_char(char c) {
  return syntax::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
         c == '/';
}

}  // namespace

Result<AuthHeader> AuthHeader::parse(std::string_view value) {
  syntax::Scanner s{value, 0};
  s.skip_lws();
  AuthHeader out;
  auto scheme = s.token();
  if (scheme.empty()) {
    return fail(kRule, "missing auth-scheme");
  }
  out.scheme = std::string(scheme);
  std::size_t before = s.pos;
  s.skip_lws();
  if (s.done()) {
    return out;
  }
  if (s.pos == before) {
    return fail(kRule, "expected LWS after the auth-scheme");
  }
  {
    // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" (RFC 7235 §2.1)
    syntax::Scanner t = s;
    auto chars = t.take_while(is_token68_char);
    t.take_while([](char c) { return c == '='; });
    std::size_t end = t.pos;
    t.skip_lws();
    if (!chars.empty() && t.done()) {
      out.token68 = std::string(s.text.substr(s.pos, end - s.pos));
      return out;
    }
  }
  do {
    s.skip_lws();
    auto name = s.token();
    if (name.empty() || !s.consume_separator('=')) {
      return fail(kRule, "expected auth-param = name \"=\" (token / quoted-string)");
    }
    AuthParam p;
    p.name = std::string(name);
    p.has_value = true;
    if (s.peek() == '"') {
      auto q = syntax::quoted_string(s, kRule);
      if (!q) {
        return tl::unexpected(q.error());
      }
      p.value = syntax::unquote(*q);
      p.quoted = true;
    } else {
      auto token = s.token();
      if (token.empty()) {
        return fail(kRule, "auth-param '" + p.name + "' needs a token or quoted-string value");
      }
      p.value = std::string(token);
    }
    out.params.push_back(std::move(p));
  } while (s.consume_separator(','));
  s.skip_lws();
  if (!s.done()) {
    return fail(kRule, "unexpected '" + std::string(s.rest()) + "'");
  }
  return out;
}

std::string_view AuthHeader::value(std::string_view name) const {
  const AuthParam* p = find(name);
  return p != nullptr ? std::string_view(p->value) : std::string_view{};
}

std::string AuthHeader::to_string() const {
  std::string out = scheme;
  if (!token68.empty()) {
    out.push_back(' ');
    out.append(token68);
    return out;
  }
  const char* separator = " ";
  for (const AuthParam& p : params) {
    out.append(separator);
    separator = ", ";
    out.append(p.name);
    out.push_back('=');
    out.append(p.quoted ? syntax::quote(p.value) : p.value);
  }
  return out;
}

}  // namespace tipring::sip
