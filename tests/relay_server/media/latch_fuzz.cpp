// libFuzzer target for the latch: arbitrary datagrams from a few candidate sources, on
// either channel, at advancing times. Invariants: nothing is forwarded to a peer that has
// not learned, and a leg only ever locks onto a source that signalling made a candidate.
#include "relay_server/media/latch.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

using namespace tipring;
using namespace tipring::relay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Endpoint kSources[4] = {
      {IpAddress::v4(0xcb007105), 61000},  // the client's NAT (signalling IP)
      {IpAddress::v4(0xcb007105), 61001},  // same NAT, another port
      {IpAddress::v4(0xc6336407), 4000},   // the advertised address
      {IpAddress::v4(0xc0000242), 5000},   // a stranger
  };
  LatchPolicy policy;
  policy.media_handover = size > 0 && (data[0] & 1) != 0;
  LegLatch leg;
  leg.signalling.advertised = kSources[2];
  leg.signalling.signalling_source = kSources[0].ip;
  leg.signalling.published = true;
  leg.signalling.rtcp_mux = size > 0 && (data[0] & 2) != 0;
  leg.signalling.advertised_rtcp_port = 4001;
  LegLatch peer;
  peer.signalling = leg.signalling;
  const bool peer_learned = size > 0 && (data[0] & 4) != 0;
  if (peer_learned) {
    peer.learned = true;
    peer.source = peer.target = kSources[2];
  }
  TimePoint now{std::chrono::seconds(10)};
  std::size_t at = 1;
  // Records: [selector][length][bytes...]; selector picks source, channel and time step.
  while (at + 2 <= size) {
    const std::uint8_t selector = data[at];
    const std::size_t length = std::min<std::size_t>(data[at + 1], size - at - 2);
    const std::span<const std::uint8_t> packet(data + at + 2, length);
    at += 2 + length;
    now += std::chrono::milliseconds(selector >> 4);
    const Endpoint& source = kSources[selector & 3];
    const PacketChannel channel = (selector & 4) != 0 ? PacketChannel::rtcp : PacketChannel::rtp;
    const LatchVerdict v = latch_packet(leg, peer, policy, source, packet, channel, now);
    if (v.forward && !peer_learned) {
      std::abort();
    }
    if (leg.learned && leg.source.ip != kSources[0].ip && leg.source.ip != kSources[2].ip) {
      std::abort();
    }
  }
  return 0;
}
