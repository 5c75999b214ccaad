// Demultiplexing RTP and RTCP that share one port (rtcp-mux, RFC 5761 §4): the second
// octet of an RTCP packet is its packet type, 192..223, which would be RTP payload types
// 64..95 with the marker bit set; those payload types are therefore never used for RTP.
#pragma once

#include "protocol/rtp/byte_order.h"

namespace tipring::rtp {

enum class MuxedPacketKind {
  rtp,
  rtcp,
  other,  // not version 2 or shorter than two octets (STUN, garbage): not media
};

[[nodiscard]] MuxedPacketKind classify_muxed_packet(Bytes datagram);

}  // namespace tipring::rtp
