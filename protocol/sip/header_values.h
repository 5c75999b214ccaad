// Typed values of the simple SIP header fields: CSeq (RFC 3261 §20.16), token lists such
// as Allow, Supported and Require (§20.5, §20.37, §20.32), media types of Content-Type
// (§20.15) and the delta-seconds/number fields (Expires, Max-Forwards, Flow-Timer of
// RFC 5626 §11).
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/method.h"
#include "protocol/sip/param.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::sip {

// CSeq numbers are 32-bit unsigned and MUST be less than 2^31 (§8.1.1.5).
inline constexpr std::uint32_t kMaxCSeq = 0x7FFFFFFF;

struct CSeq {
  std::uint32_t number = 0;
  Method method = Method::Unknown;
  std::string method_text;  // the token as written (the name for extension methods)

  static Result<CSeq> parse(std::string_view value);
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const CSeq&, const CSeq&) = default;
};

// A comma-separated list of tokens (Allow, Supported, Require, Proxy-Require, Unsupported).
// An empty value is an empty list (Supported and Allow may be empty).
Result<std::vector<std::string>> parse_token_list(std::string_view value);
std::string join_tokens(const std::vector<std::string>& tokens);

// media-type = m-type SLASH m-subtype *(SEMI m-parameter)
struct MediaType {
  std::string type;     // e.g. "application"; compare case-insensitively
  std::string subtype;  // e.g. "sdp"
  Params params;

  static Result<MediaType> parse(std::string_view value);
  // type/subtype match, ignoring case and parameters.
  [[nodiscard]] bool is(std::string_view type_name, std::string_view subtype_name) const;
  [[nodiscard]] std::string to_string() const;
};

// delta-seconds and other 1*DIGIT fields; values that do not fit saturate at `max`, as
// §20.19 asks for Expires. nullopt if the text is not digits.
std::optional<std::uint32_t> parse_saturating_number(std::string_view value,
                                                     std::uint32_t max = UINT32_MAX);

}  // namespace tipring::sip
