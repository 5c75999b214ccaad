#include "protocol/rtp/mux.h"

namespace tipring::rtp {

MuxedPacketKind classify_muxed_packet(Bytes datagram) {
  if (datagram.size() < 2 || (datagram[0] >> 6) != 2) {
    return MuxedPacketKind::other;
  }
  const std::uint8_t second = datagram[1];
  if (second >= 192 && second <= 223) {
    return MuxedPacketKind::rtcp;
  }
  return MuxedPacketKind::rtp;
}

}  // namespace tipring::rtp
