// Synthetic RTP and RTCP datagrams for the media relay tests.
#pragma once

#include <cstdint>
#include <vector>

namespace tipring::relay::testing {

// A 12-byte RTP header (version 2, PT 0) followed by `payload_size` bytes of 0xd5.
inline std::vector<std::uint8_t> rtp_packet(std::uint16_t sequence, std::uint32_t ssrc,
                                            std::size_t payload_size = 160) {
  std::vector<std::uint8_t> p(12 + payload_size, 0xd5);
  p[0] = 0x80;
  p[1] = 0x00;
  p[2] = static_cast<std::uint8_t>(sequence >> 8);
  p[3] = static_cast<std::uint8_t>(sequence);
  for (int i = 4; i < 8; ++i) {
    p[i] = 0;
  }
  p[8] = static_cast<std::uint8_t>(ssrc >> 24);
  p[9] = static_cast<std::uint8_t>(ssrc >> 16);
  p[10] = static_cast<std::uint8_t>(ssrc >> 8);
  p[11] = static_cast<std::uint8_t>(ssrc);
  return p;
}

// An RTCP receiver report with no report blocks (RFC 3550 §6.4.2): 8 bytes.
inline std::vector<std::uint8_t> rtcp_receiver_report(std::uint32_t ssrc) {
  return {0x80,
          201,
          0x00,
          0x01,
          static_cast<std::uint8_t>(ssrc >> 24),
          static_cast<std::uint8_t>(ssrc >> 16),
          static_cast<std::uint8_t>(ssrc >> 8),
          static_cast<std::uint8_t>(ssrc)};
}

}  // namespace tipring::relay::testing
