// RTP data packets (RFC 3550 §5.1, §5.3.1): a parsed view into the received datagram, and a
// builder that writes into a caller's buffer. Neither allocates: the relay parses every
// packet it forwards, and the audio path builds every packet it sends.
#pragma once

#include "protocol/core/error.h"
#include "protocol/rtp/byte_order.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tipring::rtp {

inline constexpr std::size_t kRtpFixedHeaderBytes = 12;
inline constexpr std::size_t kMaxCsrcs = 15;

// The header extension of §5.3.1: a 16-bit profile value and 32-bit words of data.
struct HeaderExtension {
  std::uint16_t profile = 0;
  Bytes data;  // length is a multiple of 4
};

// A view into one datagram; valid while the datagram's bytes are.
struct RtpPacketView {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::uint8_t csrc_count = 0;
  std::optional<HeaderExtension> extension;
  Bytes payload;                   // without padding
  std::uint8_t padding_bytes = 0;  // including the count octet; 0 without padding

  Bytes csrc_bytes;  // 4 * csrc_count bytes
  [[nodiscard]] std::uint32_t csrc(std::size_t index) const {
    return read_u32(csrc_bytes, 4 * index);
  }
};

// Parses and validates an RTP packet: version 2, CSRC list, extension and padding within
// the datagram, padding count non-zero. Never allocates (error details are short).
[[nodiscard]] Result<RtpPacketView> parse_rtp(Bytes datagram);

// What to write; the payload is copied after the header.
struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::span<const std::uint32_t> csrcs;
  std::optional<HeaderExtension> extension;  // data must be a multiple of 4 bytes
  // Padding to append (1..255, the last octet holds the count), 0 for none.
  std::uint8_t padding_bytes = 0;
};

// The size build_rtp() needs for this header and payload.
[[nodiscard]] std::size_t rtp_packet_size(const RtpHeader& header, std::size_t payload_bytes);

// Writes header, payload and padding into `out`; returns the packet length. Fails if `out`
// is too small or the header is not representable (over 15 CSRCs, 7-bit payload type,
// extension data not whole 32-bit words or over 65535 words).
[[nodiscard]] Result<std::size_t> build_rtp(const RtpHeader& header, Bytes payload,
                                            MutableBytes out);

}  // namespace tipring::rtp
