// RTP payload formats in SDP: a=rtpmap (RFC 8866 §6.6), a=fmtp (§6.15) and the static
// payload types of RFC 3551 §6, so offer/answer can compare what each side means by a
// payload type number.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sdp/session_description.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::sdp {

struct RtpMap {
  std::string encoding_name;  // as written; compare with same_encoding()
  std::uint32_t clock_rate = 8000;
  std::uint8_t channels = 1;

  friend bool operator==(const RtpMap&, const RtpMap&) = default;
};

// "<encoding name>/<clock rate>[/<channels>]", the part of a=rtpmap after the payload type.
[[nodiscard]] Result<RtpMap> parse_rtpmap(std::string_view text);
[[nodiscard]] std::string format_rtpmap(const RtpMap& map);

// RFC 3551 §6 static audio payload types that need no rtpmap (PCMU 0, GSM 3, PCMA 8,
// G722 9, G729 18).
[[nodiscard]] std::optional<RtpMap> static_rtpmap(std::string_view payload_type);

// The mapping of `format` in a media section: its a=rtpmap, else the static table.
[[nodiscard]] std::optional<RtpMap> rtpmap_for(const MediaDescription& media,
                                               std::string_view format);

// Encoding names compare case-insensitively (RFC 4855 §3); rate and channels exactly.
[[nodiscard]] bool same_encoding(const RtpMap& a, const RtpMap& b);

struct FormatParameter {
  std::string name;
  std::string value;

  friend bool operator==(const FormatParameter&, const FormatParameter&) = default;
};

// "name=value;name=value" (spaces after ';' tolerated), as Opus (RFC 7587 §7) uses. A part
// without '=' (telephone-event's "0-16") becomes a parameter with an empty name.
[[nodiscard]] std::vector<FormatParameter> parse_format_parameters(std::string_view fmtp);
[[nodiscard]] std::string format_format_parameters(const std::vector<FormatParameter>& params);
[[nodiscard]] std::optional<std::string_view> find_parameter(
    const std::vector<FormatParameter>& params, std::string_view name);

}  // namespace tipring::sdp
