#include "protocol/sip/header_values.h"

#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

namespace tipring::sip {

Result<CSeq> CSeq::parse(std::string_view value) {
  constexpr std::string_view kRule = "RFC 3261 §20.16 CSeq";
  syntax::Scanner s{value, 0};
  s.skip_lws();
  auto digits = s.digits();
  auto number = syntax::parse_decimal(digits, kMaxCSeq);
  if (!number) {
    return fail(kRule, digits.empty() ? "missing sequence number"
                                      : "sequence number must be less than 2^31");
  }
  std::size_t before = s.pos;
  s.skip_lws();
  if (s.pos == before) {
    return fail(kRule, "expected LWS between the number and the method");
  }
  auto method = s.token();
  s.skip_lws();
  if (method.empty() || !s.done()) {
    return fail(kRule, "expected a method token after the number");
  }
  return CSeq{static_cast<std::uint32_t>(*number), method_from_token(method), std::string(method)};
}

std::string CSeq::to_string() const {
  std::string out = std::to_string(number);
  out.push_back(' ');
  out.append(method_text.empty() ? method_name(method) : std::string_view(method_text));
  return out;
}

namespace views {

Result<void> check_token_list(std::string_view value) {
  constexpr std::string_view kRule = "RFC 3261 §25.1 option-tag";
  // token *( COMMA token ), or nothing at all; one pass with table lookups (Allow and
  // Supported are in nearly every request).
  const std::size_t n = value.size();
  std::size_t i = 0;
  auto skip_lws = [&] {
    while (i < n && syntax::has_scan_class(value[i], syntax::kLwsChar)) {
      ++i;
    }
  };
  skip_lws();
  if (i == n) {
    return {};
  }
  while (true) {
    const std::size_t token_start = i;
    while (i < n && syntax::is_token_char(value[i])) {
      ++i;
    }
    if (i == token_start) {
      return fail(kRule, "expected a token in the list");
    }
    skip_lws();
    if (i == n) {
      return {};
    }
    if (value[i] != ',') {
      return fail(kRule, syntax::cat("unexpected '", value.substr(i), "' in a token list"));
    }
    ++i;
    skip_lws();
  }
}

Result<void> check_media_type(std::string_view value) {
  constexpr std::string_view kRule = "RFC 3261 §25.1 media-type";
  syntax::Scanner s{value, 0};
  s.skip_lws();
  if (s.token().empty() || !s.consume_separator('/')) {
    return fail(kRule, "expected type/subtype");
  }
  if (s.token().empty()) {
    return fail(kRule, "missing subtype");
  }
  auto params = syntax::generic_params(s, kRule);
  if (!params) {
    return tl::unexpected(params.error());
  }
  s.skip_lws();
  if (!s.done()) {
    return fail(kRule, syntax::cat("unexpected '", s.rest(), "'"));
  }
  return {};
}

}  // namespace views

Result<std::vector<std::string>> parse_token_list(std::string_view value) {
  if (auto ok = views::check_token_list(value); !ok) {
    return tl::unexpected(ok.error());
  }
  std::vector<std::string> out;
  syntax::for_each_element(value, [&out](std::string_view token) {
    if (!token.empty()) {
      out.emplace_back(token);
    }
    return true;
  });
  return out;
}

std::string join_tokens(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) {
    if (!out.empty()) {
      out.append(", ");
    }
    out.append(t);
  }
  return out;
}

Result<MediaType> MediaType::parse(std::string_view value) {
  constexpr std::string_view kRule = "RFC 3261 §25.1 media-type";
  syntax::Scanner s{value, 0};
  s.skip_lws();
  MediaType out;
  auto type = s.token();
  if (type.empty() || !s.consume_separator('/')) {
    return fail(kRule, "expected type/subtype");
  }
  auto subtype = s.token();
  if (subtype.empty()) {
    return fail(kRule, "missing subtype");
  }
  out.type = std::string(type);
  out.subtype = std::string(subtype);
  auto params = syntax::generic_params(s, kRule);
  if (!params) {
    return tl::unexpected(params.error());
  }
  s.skip_lws();
  if (!s.done()) {
    return fail(kRule, syntax::cat("unexpected '", s.rest(), "'"));
  }
  syntax::ParamCursor cursor(*params);
  syntax::ParamView p;
  while (cursor.next(p)) {
    bool quoted = p.quoted();
    out.params.push_back(Param{std::string(p.name),
                               quoted ? syntax::unquote(p.value) : std::string(p.value),
                               p.has_value, quoted});
  }
  return out;
}

bool MediaType::is(std::string_view type_name, std::string_view subtype_name) const {
  return syntax::iequals(type, type_name) && syntax::iequals(subtype, subtype_name);
}

std::string MediaType::to_string() const {
  std::string out = type;
  out.push_back('/');
  out.append(subtype);
  append_params(out, params);
  return out;
}

std::optional<std::uint32_t> parse_saturating_number(std::string_view value, std::uint32_t max) {
  value = syntax::trim_lws(value);
  if (value.empty()) {
    return std::nullopt;
  }
  std::uint64_t n = 0;
  for (char c : value) {
    if (!syntax::is_digit(c)) {
      return std::nullopt;
    }
    if (n <= max) {
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
  }
  return n > max ? max : static_cast<std::uint32_t>(n);
}

}  // namespace tipring::sip
