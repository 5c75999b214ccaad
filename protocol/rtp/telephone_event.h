// RFC 4733 §2.3 telephone-event payload: one named event (DTMF digit, flash...) with its
// end bit, volume and duration so far. Four bytes, parsed and built without allocating.
#pragma once

#include "protocol/core/error.h"
#include "protocol/rtp/byte_order.h"

#include <cstdint>
#include <optional>

namespace tipring::rtp {

inline constexpr std::size_t kTelephoneEventBytes = 4;

// RFC 4733 §3.2 event codes: 0-9, then * # A B C D, then hook flash.
inline constexpr std::uint8_t kEventStar = 10;
inline constexpr std::uint8_t kEventPound = 11;
inline constexpr std::uint8_t kEventFlash = 16;

struct TelephoneEvent {
  std::uint8_t event = 0;
  bool end = false;
  std::uint8_t volume = 0;     // 0..63, power level in -dBm0
  std::uint16_t duration = 0;  // timestamp units since the event began

  friend bool operator==(const TelephoneEvent&, const TelephoneEvent&) = default;
};

// Reads the first event of the payload (a payload may carry more than one only with
// RFC 2198 redundancy, which is not used here). The reserved bit is ignored (§2.3).
[[nodiscard]] Result<TelephoneEvent> parse_telephone_event(Bytes payload);

// Writes four bytes; fails if `out` is shorter or the volume is over 63.
[[nodiscard]] Result<std::size_t> build_telephone_event(const TelephoneEvent& event,
                                                        MutableBytes out);

// '0'-'9', '*', '#', 'A'-'D' (either case) to event codes 0-15, and back.
[[nodiscard]] std::optional<std::uint8_t> dtmf_event_from_char(char digit);
[[nodiscard]] std::optional<char> dtmf_char_from_event(std::uint8_t event);

}  // namespace tipring::rtp
