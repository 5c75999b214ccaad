#include "protocol/rtp/rtp_packet.h"

#include "tests/protocol/rtp/bytes.h"

#include <array>

#include <gtest/gtest.h>

namespace tipring::rtp {
namespace {

using test::ByteVector;
using test::view;

// V=2 P=0 X=0 CC=0 | M=1 PT=0 | seq 0x1234 | ts 0xDEADBEEF | SSRC 0x01020304 | 2 bytes.
const ByteVector kMinimal = {0x80, 0x80, 0x12, 0x34, 0xDE, 0xAD, 0xBE,
                             0xEF, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB};

// V=2 P=1 X=1 CC=2 | M=0 PT=111 | seq 65535 | ts 960 | SSRC 0xCAFEBABE | CSRCs 7, 8 |
// extension 0xBEDE, 1 word: ID 1 L 0 data 0xAB, two padding bytes | payload 3 bytes |
// 4 bytes of padding (count in the last).
const ByteVector kFull = {0xB2, 0x6F, 0xFF, 0xFF, 0x00, 0x00, 0x03, 0xC0, 0xCA, 0xFE, 0xBA, 0xBE,
                          0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0xBE, 0xDE, 0x00, 0x01,
                          0x10, 0xAB, 0x00, 0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x00, 0x04};

TEST(RtpPacket, ParsesTheFixedHeaderFields) {
  auto p = parse_rtp(view(kMinimal));
  ASSERT_TRUE(p.has_value()) << p.error().describe();
  EXPECT_TRUE(p->marker);
  EXPECT_EQ(p->payload_type, 0);
  EXPECT_EQ(p->sequence, 0x1234);
  EXPECT_EQ(p->timestamp, 0xDEADBEEFU);
  EXPECT_EQ(p->ssrc, 0x01020304U);
  EXPECT_EQ(p->csrc_count, 0);
  EXPECT_FALSE(p->extension.has_value());
  EXPECT_EQ(p->padding_bytes, 0);
  ASSERT_EQ(p->payload.size(), 2U);
  EXPECT_EQ(p->payload.data(), kMinimal.data() + 12) << "payload is a view, not a copy";
}

TEST(RtpPacket, ParsesCsrcsExtensionAndPadding) {
  auto p = parse_rtp(view(kFull));
  ASSERT_TRUE(p.has_value()) << p.error().describe();
  EXPECT_FALSE(p->marker);
  EXPECT_EQ(p->payload_type, 111);
  EXPECT_EQ(p->sequence, 65535);
  EXPECT_EQ(p->timestamp, 960U);
  ASSERT_EQ(p->csrc_count, 2);
  EXPECT_EQ(p->csrc(0), 7U);
  EXPECT_EQ(p->csrc(1), 8U);
  ASSERT_TRUE(p->extension.has_value());
  EXPECT_EQ(p->extension->profile, 0xBEDE);
  EXPECT_EQ(p->extension->data.size(), 4U);
  EXPECT_EQ(p->padding_bytes, 4);
  EXPECT_EQ(ByteVector(p->payload.begin(), p->payload.end()), (ByteVector{1, 2, 3}));
}

TEST(RtpPacket, BuildsTheSameBytesAsTheHandWrittenPacket) {
  const std::array<std::uint32_t, 2> csrcs{7, 8};
  const ByteVector ext = {0x10, 0xAB, 0x00, 0x00};
  const ByteVector payload = {1, 2, 3};
  RtpHeader h;
  h.payload_type = 111;
  h.sequence = 65535;
  h.timestamp = 960;
  h.ssrc = 0xCAFEBABE;
  h.csrcs = csrcs;
  h.extension = HeaderExtension{0xBEDE, view(ext)};
  h.padding_bytes = 4;
  std::array<std::uint8_t, 64> out{};
  ASSERT_EQ(rtp_packet_size(h, payload.size()), kFull.size());
  auto n = build_rtp(h, view(payload), out);
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  EXPECT_EQ(ByteVector(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*n)), kFull);
}

TEST(RtpPacket, BuildsTheMinimalPacket) {
  RtpHeader h;
  h.marker = true;
  h.sequence = 0x1234;
  h.timestamp = 0xDEADBEEF;
  h.ssrc = 0x01020304;
  const ByteVector payload = {0xAA, 0xBB};
  std::array<std::uint8_t, 14> out{};
  auto n = build_rtp(h, view(payload), out);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(ByteVector(out.begin(), out.end()), kMinimal);
}

TEST(RtpPacket, BuildFailsWhenTheBufferIsTooSmall) {
  RtpHeader h;
  std::array<std::uint8_t, 13> out{};
  const ByteVector payload = {1, 2};
  EXPECT_FALSE(build_rtp(h, view(payload), out).has_value());
}

TEST(RtpPacket, BuildRejectsUnrepresentableHeaders) {
  std::array<std::uint8_t, 128> out{};
  RtpHeader pt;
  pt.payload_type = 128;
  EXPECT_FALSE(build_rtp(pt, {}, out).has_value());
  const std::array<std::uint32_t, 16> many{};
  RtpHeader csrcs;
  csrcs.csrcs = many;
  EXPECT_FALSE(build_rtp(csrcs, {}, out).has_value());
  const ByteVector three = {1, 2, 3};
  RtpHeader ext;
  ext.extension = HeaderExtension{0xBEDE, view(three)};
  EXPECT_FALSE(build_rtp(ext, {}, out).has_value());
}

struct Malformed {
  const char* name;
  ByteVector bytes;
  std::string_view rule_prefix;
};

class MalformedRtp : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedRtp, IsRejectedNamingTheRule) {
  auto p = parse_rtp(view(GetParam().bytes));
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().rule.substr(0, GetParam().rule_prefix.size()), GetParam().rule_prefix)
      << p.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3550, MalformedRtp,
    ::testing::Values(
        Malformed{"empty", {}, "RFC 3550 §5.1: shorter"},
        Malformed{"eleven_bytes", {0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, "RFC 3550 §5.1: shorter"},
        Malformed{"version_1", {0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, "RFC 3550 §5.1: version"},
        Malformed{"version_0_stun_like",
                  {0x00, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42, 0, 0, 0, 0},
                  "RFC 3550 §5.1: version"},
        Malformed{"csrc_past_end",
                  {0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
                  "RFC 3550 §5.1: CSRC"},
        Malformed{"extension_header_past_end",
                  {0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE},
                  "RFC 3550 §5.3.1"},
        Malformed{"extension_data_past_end",
                  {0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 0, 0, 0, 0},
                  "RFC 3550 §5.3.1"},
        Malformed{"padding_count_zero",
                  {0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x00},
                  "RFC 3550 §5.1: padding"},
        Malformed{"padding_beyond_payload",
                  {0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x03},
                  "RFC 3550 §5.1: padding"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(RtpPacket, PaddingMayConsumeTheWholePayload) {
  const ByteVector p = {0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x02};
  auto parsed = parse_rtp(view(p));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(parsed->payload.empty());
}

}  // namespace
}  // namespace tipring::rtp
