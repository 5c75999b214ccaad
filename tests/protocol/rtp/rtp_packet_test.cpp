#include "protocol/rtp/rtp_packet.h"

#include "tests/protocol/rtp/bytes.h"

#include <array>
#include <vector>

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

namespace tipring::rtp {
namespace {

struct RoundTripCase {
  const char* name;
  bool marker;
  std::uint8_t payload_type;
  std::uint16_t sequence;
  std::uint32_t timestamp;
  std::size_t csrc_count;
  std::size_t extension_words;
  std::size_t payload_bytes;
  std::uint8_t padding;
};

class BuildThenParse : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(BuildThenParse, GivesBackEveryField) {
  const auto& c = GetParam();
  std::vector<std::uint32_t> csrcs(c.csrc_count);
  for (std::size_t i = 0; i < csrcs.size(); ++i) {
    csrcs[i] = 0x1000U + static_cast<std::uint32_t>(i);
  }
  const bool with_extension = c.extension_words != static_cast<std::size_t>(-1);
  test::ByteVector ext(with_extension ? 4 * c.extension_words : 0, 0x5A);
  test::ByteVector payload(c.payload_bytes);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>(i * 7);
  }
  RtpHeader h;
  h.marker = c.marker;
  h.payload_type = c.payload_type;
  h.sequence = c.sequence;
  h.timestamp = c.timestamp;
  h.ssrc = 0x89ABCDEF;
  h.csrcs = csrcs;
  if (with_extension) {
    h.extension = HeaderExtension{0x1000, test::view(ext)};
  }
  h.padding_bytes = c.padding;
  std::vector<std::uint8_t> out(rtp_packet_size(h, payload.size()));
  auto n = build_rtp(h, test::view(payload), out);
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  ASSERT_EQ(*n, out.size());

  auto p = parse_rtp(out);
  ASSERT_TRUE(p.has_value()) << p.error().describe();
  EXPECT_EQ(p->marker, c.marker);
  EXPECT_EQ(p->payload_type, c.payload_type);
  EXPECT_EQ(p->sequence, c.sequence);
  EXPECT_EQ(p->timestamp, c.timestamp);
  EXPECT_EQ(p->ssrc, 0x89ABCDEFU);
  ASSERT_EQ(p->csrc_count, c.csrc_count);
  for (std::size_t i = 0; i < csrcs.size(); ++i) {
    EXPECT_EQ(p->csrc(i), csrcs[i]);
  }
  ASSERT_EQ(p->extension.has_value(), h.extension.has_value());
  if (p->extension) {
    EXPECT_EQ(test::ByteVector(p->extension->data.begin(), p->extension->data.end()), ext);
  }
  EXPECT_EQ(p->padding_bytes, c.padding);
  EXPECT_EQ(test::ByteVector(p->payload.begin(), p->payload.end()), payload);
}

constexpr std::size_t kNoExtension = static_cast<std::size_t>(-1);

INSTANTIATE_TEST_SUITE_P(
    Variants, BuildThenParse,
    ::testing::Values(
        RoundTripCase{"bare", false, 0, 0, 0, 0, kNoExtension, 160, 0},
        RoundTripCase{"marker_opus", true, 111, 65535, 0xFFFFFFFF, 0, kNoExtension, 80, 0},
        RoundTripCase{"fifteen_csrcs", false, 8, 1, 2, 15, kNoExtension, 1, 0},
        RoundTripCase{"empty_extension", false, 96, 7, 8, 0, 0, 20, 0},
        RoundTripCase{"extension_and_padding", false, 101, 9, 10, 3, 5, 4, 255},
        RoundTripCase{"empty_payload_with_padding", false, 13, 3, 4, 0, kNoExtension, 0, 1}),
    [](const auto& test) { return std::string(test.param.name); });

}  // namespace
}  // namespace tipring::rtp
