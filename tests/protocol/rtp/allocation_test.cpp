// The relay parses every datagram it forwards, so the RTP and RTCP parse paths must not
// allocate. This binary links the allocation counter to hold them to that.
#include "protocol/rtp/mux.h"
#include "protocol/rtp/rtcp_packet.h"
#include "protocol/rtp/rtp_packet.h"
#include "protocol/rtp/source_state.h"
#include "protocol/rtp/telephone_event.h"
#include "tests/protocol/rtp/bytes.h"
#include "tests/support/allocation_counter.h"

#include <array>

#include <gtest/gtest.h>

namespace tipring::rtp {
namespace {

using test::ByteVector;
using test::view;

TEST(ParsePath, ParsesRtpRtcpAndEventsWithoutAllocating) {
  const ByteVector rtp = {0xB1, 0xE5, 0x00, 0x01, 0,    0,    0,    0,    0,    0,
                          0,    1,    0,    0,    0,    2,    0xBE, 0xDE, 0x00, 0x01,
                          0x10, 0xAB, 0x00, 0x00, 0x05, 0x8A, 0x03, 0x20, 0x00, 0x02};
  const ByteVector bad_rtp = {0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA};
  const ByteVector rtcp = {0x80, 0xC9, 0x00, 0x01, 0x99, 0x88, 0x77, 0x66,
                           0x81, 0xCB, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
  const ByteVector bad_rtcp = {0x81, 0xCA, 0x00, 0x01, 0, 0, 0, 0};
  SourceState state(8000);
  std::array<SdesItem, 4> items{};

  const test_support::AllocationScope scope;
  int seen = 0;
  for (int i = 0; i < 100; ++i) {
    if (classify_muxed_packet(view(rtp)) == MuxedPacketKind::rtp) {
      auto p = parse_rtp(view(rtp));
      if (p && parse_telephone_event(p->payload)) {
        state.on_packet(static_cast<std::uint16_t>(p->sequence + i), p->timestamp,
                        TimePoint{Duration{i * 20'000}});
        ++seen;
      }
    }
    seen += parse_rtp(view(bad_rtp)) ? 1 : 0;
    if (auto c = parse_rtcp_compound(view(rtcp))) {
      for (auto packet : *c) {
        seen += parse_receiver_report(packet) ? 1 : 0;
        seen += parse_bye(packet) ? 1 : 0;
        seen += parse_sdes(packet, items) ? 1 : 0;
      }
    }
    seen += parse_rtcp_compound(view(bad_rtcp)) ? 1 : 0;
  }
  const std::uint64_t allocations = scope.count();

  EXPECT_EQ(seen, 300);
  EXPECT_EQ(allocations, 0U);
}

}  // namespace
}  // namespace tipring::rtp
