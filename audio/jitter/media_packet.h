// MediaPacket: what the jitter buffer needs from one received RTP packet (RFC 3550 §5.1),
// as a plain struct so that audio/ does not wait on the RTP parser: the client fills it
// from protocol/rtp and passes the arrival time from its monotonic clock.
#pragma once

#include "protocol/core/time.h"

#include <cstdint>
#include <type_traits>
#include <vector>

namespace tipring::audio {

struct MediaPacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t ssrc = 0;
  bool marker = false;
  std::vector<std::uint8_t> payload;
  TimePoint arrival;
};

// Extends RTP's wrapping counters (16-bit sequence numbers, 32-bit timestamps) to 64 bits
// by taking the nearest value to the last one seen (RFC 3550 Appendix A.1's idea).
template <class Wrapped>
class Unwrapper {
public:
  std::int64_t unwrap(Wrapped value) {
    if (!last_) {
      last_ = true;
      last_value_ = value;
      return value;
    }
    using Signed = std::make_signed_t<Wrapped>;
    const auto delta =
        static_cast<Signed>(static_cast<Wrapped>(value - static_cast<Wrapped>(last_value_)));
    last_value_ += delta;
    return last_value_;
  }
  // Like unwrap() but does not move the reference (for a packet that may be rejected).
  std::int64_t peek(Wrapped value) const {
    if (!last_) {
      return value;
    }
    using Signed = std::make_signed_t<Wrapped>;
    return last_value_ +
           static_cast<Signed>(static_cast<Wrapped>(value - static_cast<Wrapped>(last_value_)));
  }
  void reset() { last_ = false; }

private:
  bool last_ = false;
  std::int64_t last_value_ = 0;
};

}  // namespace tipring::audio
