// RTP header extension elements (RFC 8285 §4.2 one-byte and §4.3 two-byte forms) read out of
// the §5.3.1 extension block, without allocating: the caller supplies the output array.
#pragma once

#include "protocol/core/error.h"
#include "protocol/rtp/rtp_packet.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace tipring::rtp {

inline constexpr std::uint16_t kOneByteExtensionProfile = 0xBEDE;
// Two-byte form: 0x100 in the top 12 bits, 4 "appbits" below.
inline constexpr std::uint16_t kTwoByteExtensionProfileMask = 0xFFF0;
inline constexpr std::uint16_t kTwoByteExtensionProfile = 0x1000;

struct ExtensionElement {
  std::uint8_t id = 0;  // 1..14 (one-byte form), 1..255 (two-byte form)
  Bytes data;
};

// Fills `out` with the elements of an RFC 8285 extension block and returns how many.
// Padding bytes are skipped; a one-byte ID of 15 ends processing (§4.2). Fails if the
// block is not in an RFC 8285 form, an element runs past the block, or `out` is full.
[[nodiscard]] Result<std::size_t> parse_extension_elements(const HeaderExtension& extension,
                                                           std::span<ExtensionElement> out);

}  // namespace tipring::rtp
