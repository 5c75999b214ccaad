#include "protocol/sip/header_values.h"

#include "protocol/sip/syntax.h"
#include "protocol/sip/views.h"

#include <cstdint>
#include <cstring>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
namespace {

#if defined(__SSE2__)
// A token list of fewer than 64 octets decided from class masks, sixteen octets at a time:
// true if valid, false if not, nullopt if the value is longer or holds an octet outside
// token / COMMA / SP / HTAB (a folded line, or an error the scalar scan below names).
std::optional<bool> token_list_by_masks(std::string_view value) {
  const std::size_t n = value.size();
  if (n >= 64) {
    return std::nullopt;
  }
  std::uint64_t token = 0;
  std::uint64_t comma = 0;
  std::uint64_t space = 0;
  for (std::size_t block = 0; block < n; block += 16) {
    char tail[16] = {};
    const char* octets = value.data() + block;
    if (block + 16 > n) {
      std::memcpy(tail, octets, n - block);
      octets = tail;
    }
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(octets));
    auto is = [&x](char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
    // Signed compares: octets >= 0x80 are negative and fall outside both ranges.
    const __m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i t = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                           _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))),
                             _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                           _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1))));
    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    t = _mm_or_si128(t,
                     _mm_or_si128(_mm_or_si128(is('-'), is('.')), _mm_or_si128(is('!'), is('%'))));
    t = _mm_or_si128(t,
                     _mm_or_si128(_mm_or_si128(is('*'), is('_')), _mm_or_si128(is('+'), is('`'))));
    t = _mm_or_si128(t, _mm_or_si128(is('\''), is('~')));
    const auto shift = static_cast<unsigned>(block);
    token |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(t))) << shift;
    comma |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(is(',')))) << shift;
    space |= static_cast<std::uint64_t>(
                 static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(is(' '), is('\t')))))
             << shift;
  }
  const std::uint64_t all = (std::uint64_t{1} << n) - 1;
  token &= all;
  comma &= all;
  space &= all;
  if ((token | comma | space) != all) {
    return std::nullopt;
  }
  const std::uint64_t solid = token | comma;
  if (solid == 0) {
    return true;  // an empty list
  }
  // Adding a bit at the start of a run of spaces carries it to the first octet after the run:
  // the first non-space octet after each token must be a COMMA or the end, the one after each
  // COMMA a token (the end, bit n, is not one), and the first of all a token.
  const std::uint64_t token_ends = token & ~(token >> 1);
  const std::uint64_t after_tokens = (space + (token_ends << 1)) & ~space & all;
  const std::uint64_t after_commas = (space + (comma << 1)) & ~space;
  const bool first_is_token = (solid & (~solid + 1) & token) != 0;
  return first_is_token && (after_tokens & ~comma) == 0 && (after_commas & ~token) == 0;
}
#endif

}  // namespace

Result<void> check_token_list(std::string_view value) {
  constexpr std::string_view kRule = "RFC 3261 §25.1 option-tag";
#if defined(__SSE2__)
  if (auto decided = token_list_by_masks(value); decided && *decided) {
    return {};
  }
#endif
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
