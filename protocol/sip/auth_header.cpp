#include "protocol/sip/auth_header.h"

#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

namespace tipring::sip {
namespace {

constexpr std::string_view kRule = "RFC 3261 §25.1 challenge/credentials";

bool is_token68_char(char c) {
  return syntax::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
         c == '/';
}

// One scanner for both uses: with `out` it builds the header, without it only checks the
// grammar (the message parser validates every auth header without allocating).
Result<void> scan(std::string_view value, AuthHeader* out) {
  syntax::Scanner s{value, 0};
  s.skip_lws();
  auto scheme = s.token();
  if (scheme.empty()) {
    return fail(kRule, "missing auth-scheme");
  }
  if (out != nullptr) {
    out->scheme = std::string(scheme);
  }
  std::size_t before = s.pos;
  s.skip_lws();
  if (s.done()) {
    return {};
  }
  if (s.pos == before) {
    return fail(kRule, "expected LWS after the auth-scheme");
  }
  {
    // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" (RFC 7235 §2.1)
    syntax::Scanner t = s;
    auto chars = t.take_while([](char c) { return is_token68_char(c); });
    t.take_while([](char c) { return c == '='; });
    std::size_t end = t.pos;
    t.skip_lws();
    if (!chars.empty() && t.done()) {
      if (out != nullptr) {
        out->token68 = std::string(s.text.substr(s.pos, end - s.pos));
      }
      return {};
    }
  }
  do {
    s.skip_lws();
    auto name = s.token();
    if (name.empty() || !s.consume_separator('=')) {
      return fail(kRule, "expected auth-param = name \"=\" (token / quoted-string)");
    }
    std::string_view raw;
    bool quoted = s.peek() == '"';
    if (quoted) {
      auto q = syntax::quoted_string(s, kRule);
      if (!q) {
        return tl::unexpected(q.error());
      }
      raw = *q;
    } else {
      raw = s.token();
      if (raw.empty()) {
        return fail(kRule,
                    syntax::cat("auth-param '", name, "' needs a token or quoted-string value"));
      }
    }
    if (out != nullptr) {
      out->params.push_back(AuthParam{
          std::string(name), quoted ? syntax::unquote(raw) : std::string(raw), true, quoted});
    }
  } while (s.consume_separator(','));
  s.skip_lws();
  if (!s.done()) {
    return fail(kRule, syntax::cat("unexpected '", s.rest(), "'"));
  }
  return {};
}

}  // namespace

namespace views {

Result<void> check_auth_header(std::string_view value) {
  return scan(value, nullptr);
}

}  // namespace views

Result<AuthHeader> AuthHeader::parse(std::string_view value) {
  AuthHeader out;
  if (auto ok = scan(value, &out); !ok) {
    return tl::unexpected(ok.error());
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
