// The small bodies in-dialog requests carry besides SDP: DTMF as SIP INFO (the
// application/dtmf-relay form most PBXs send, and RFC 6086 application/dtmf), the fallback
// when the peer did not negotiate RFC 4733 telephone-event; and the message/sipfrag status
// line of a NOTIFY that reports a REFER's progress (RFC 3515 §2.4.5).
#pragma once

#include "protocol/core/error.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tipring::client {

inline constexpr std::string_view kDtmfRelayType = "application/dtmf-relay";
inline constexpr std::string_view kSipfragType = "message/sipfrag;version=2.0";

struct DtmfInfo {
  char digit = '0';  // 0-9, *, #, A-D
  std::chrono::milliseconds duration{160};
};

[[nodiscard]] bool is_dtmf_digit(char c);
// "Signal=5\r\nDuration=160\r\n"
[[nodiscard]] std::string format_dtmf_relay(const DtmfInfo& info);
// Reads application/dtmf-relay ("Signal=5", "Duration=160" lines, any order, spaces
// tolerated) or application/dtmf (the digit alone); `content_type` selects which.
[[nodiscard]] Result<DtmfInfo> parse_dtmf_info(std::string_view content_type,
                                               std::string_view body);

// "SIP/2.0 180 Ringing\r\n"
[[nodiscard]] std::string format_sipfrag(int status_code);
// The status code of a sipfrag's status line.
[[nodiscard]] Result<int> parse_sipfrag_status(std::string_view body);

}  // namespace tipring::client
