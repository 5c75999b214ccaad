#include "protocol/rtp/telephone_event.h"

#include <string_view>

namespace tipring::rtp {
namespace {

constexpr std::string_view kRuleShort = "RFC 4733 §2.3: payload shorter than 4 bytes";
constexpr std::string_view kRuleVolume = "RFC 4733 §2.3.4: volume is 6 bits (0..63)";
constexpr std::string_view kRuleBuffer = "RFC 4733 build: output buffer too small";
constexpr std::string_view kDtmfDigits = "0123456789*#ABCD";

}  // namespace

Result<TelephoneEvent> parse_telephone_event(Bytes payload) {
  if (payload.size() < kTelephoneEventBytes) {
    return fail(kRuleShort, {});
  }
  TelephoneEvent e;
  e.event = payload[0];
  e.end = (payload[1] & 0x80) != 0;
  e.volume = static_cast<std::uint8_t>(payload[1] & 0x3f);
  e.duration = read_u16(payload, 2);
  return e;
}

Result<std::size_t> build_telephone_event(const TelephoneEvent& event, MutableBytes out) {
  if (event.volume > 63) {
    return fail(kRuleVolume, {});
  }
  if (out.size() < kTelephoneEventBytes) {
    return fail(kRuleBuffer, {});
  }
  out[0] = event.event;
  out[1] = static_cast<std::uint8_t>((event.end ? 0x80 : 0) | event.volume);
  write_u16(out, 2, event.duration);
  return kTelephoneEventBytes;
}

std::optional<std::uint8_t> dtmf_event_from_char(char digit) {
  if (digit >= 'a' && digit <= 'd') {
    digit = static_cast<char>(digit - 'a' + 'A');
  }
  const std::size_t at = kDtmfDigits.find(digit);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return static_cast<std::uint8_t>(at);
}

std::optional<char> dtmf_char_from_event(std::uint8_t event) {
  if (event >= kDtmfDigits.size()) {
    return std::nullopt;
  }
  return kDtmfDigits[event];
}

}  // namespace tipring::rtp
