#include "protocol/rtp/mux.h"

#include "tests/protocol/rtp/bytes.h"

#include <gtest/gtest.h>

namespace tipring::rtp {
namespace {

struct MuxCase {
  const char* name;
  test::ByteVector bytes;
  MuxedPacketKind kind;
};

class RtcpMuxDemultiplexing : public ::testing::TestWithParam<MuxCase> {};

TEST_P(RtcpMuxDemultiplexing, ClassifiesBySecondOctet) {
  EXPECT_EQ(classify_muxed_packet(test::view(GetParam().bytes)), GetParam().kind);
}

// RFC 5761 §4: second octet 192..223 is RTCP; RTP payload types 64..95 are therefore unusable.
INSTANTIATE_TEST_SUITE_P(
    Rfc5761, RtcpMuxDemultiplexing,
    ::testing::Values(MuxCase{"pcmu", {0x80, 0x00}, MuxedPacketKind::rtp},
                      MuxCase{"pcmu_with_marker", {0x80, 0x80}, MuxedPacketKind::rtp},
                      MuxCase{"opus_111", {0x80, 111}, MuxedPacketKind::rtp},
                      MuxCase{"pt_63_with_marker_191", {0x80, 191}, MuxedPacketKind::rtp},
                      MuxCase{"lowest_rtcp_192", {0x80, 192}, MuxedPacketKind::rtcp},
                      MuxCase{"sender_report_200", {0x80, 200}, MuxedPacketKind::rtcp},
                      MuxCase{"receiver_report_201", {0x81, 201}, MuxedPacketKind::rtcp},
                      MuxCase{"bye_203", {0x81, 203}, MuxedPacketKind::rtcp},
                      MuxCase{"highest_rtcp_223", {0x80, 223}, MuxedPacketKind::rtcp},
                      MuxCase{"pt_96_with_marker_224", {0x80, 224}, MuxedPacketKind::rtp},
                      MuxCase{"stun_version_0", {0x00, 0x01, 0x00, 0x00}, MuxedPacketKind::other},
                      MuxCase{"one_byte", {0x80}, MuxedPacketKind::other},
                      MuxCase{"empty", {}, MuxedPacketKind::other}),
    [](const auto& test) { return std::string(test.param.name); });

}  // namespace
}  // namespace tipring::rtp
