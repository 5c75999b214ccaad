// The 12-byte RTP fixed header fields the latch needs (RFC 3550 §5.1), and the RTP/RTCP
// split on a multiplexed port (RFC 5761 §4). Stop-gap until tipring::rtp lands on main;
// only the latch calls it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace tipring::relay {

struct RtpFixedHeader {
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t ssrc = 0;
};

// Version 2 and at least the fixed header; nullopt otherwise. Does not judge SSRC 0.
inline std::optional<RtpFixedHeader> parse_rtp_fixed_header(std::span<const std::uint8_t> packet) {
  if (packet.size() < 12 || (packet[0] >> 6) != 2) {
    return std::nullopt;
  }
  RtpFixedHeader h;
  h.payload_type = packet[1] & 0x7f;
  h.sequence = static_cast<std::uint16_t>((packet[2] << 8) | packet[3]);
  h.ssrc = (std::uint32_t{packet[8]} << 24) | (std::uint32_t{packet[9]} << 16) |
           (std::uint32_t{packet[10]} << 8) | std::uint32_t{packet[11]};
  return h;
}

// RFC 5761 §4: on a shared port, a second byte of 192..223 is an RTCP packet type.
inline bool looks_like_rtcp(std::span<const std::uint8_t> packet) {
  return packet.size() >= 2 && packet[1] >= 192 && packet[1] <= 223;
}

// An RTCP compound packet starts with a version-2 header of at least 8 bytes (RFC 3550 §6.4).
inline bool is_plausible_rtcp(std::span<const std::uint8_t> packet) {
  return packet.size() >= 8 && (packet[0] >> 6) == 2;
}

}  // namespace tipring::relay
