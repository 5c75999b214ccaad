#include "protocol/sip/header_values.h"

#include "protocol/sip/syntax.h"

namespace tipring::sip {

Result<CSeq> CSeq::parse(std::string_view value) {
  constexpr std::string_view kRule = "RFC 3261 §20.16 CSeq";
  syntax::Scanner s{value, 0};
  s.skip_lws();
  auto digits = s.take_while(syntax::is_digit);
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

Result<std::vector<std::string>> parse_token_list(std::string_view value) {
  std::vector<std::string> out;
  if (syntax::trim_lws(value).empty()) {
    return out;
  }
  syntax::Scanner s{value, 0};
  do {
    s.skip_lws();
    auto token = s.token();
    if (token.empty()) {
      return fail("RFC 3261 §25.1 option-tag", "expected a token in the list");
    }
    out.emplace_back(token);
  } while (s.consume_separator(','));
  s.skip_lws();
  if (!s.done()) {
    return fail("RFC 3261 §25.1 option-tag",
                "unexpected '" + std::string(s.rest()) + "' in a token list");
  }
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
    return fail(kRule, "unexpected '" + std::string(s.rest()) + "'");
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
