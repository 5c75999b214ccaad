#include "protocol/rtp/rtcp_packet.h"
#include "protocol/rtp/rtcp_writer.h"
#include "tests/protocol/rtp/bytes.h"

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::rtp {
namespace {

using test::ByteVector;
using test::concat;
using test::view;

// RFC 3550 §6.4.1 SR with one report block: V=2 P=0 RC=1, PT=200, length 12 words.
const ByteVector kSr = {
    0x81, 0xC8, 0x00, 0x0C,  // header
    0x11, 0x22, 0x33, 0x44,  // SSRC of sender
    0xE1, 0xA2, 0xB3, 0xC4,  // NTP timestamp, most significant word
    0x80, 0x00, 0x00, 0x00,  // NTP timestamp, least significant word
    0x00, 0x00, 0x1F, 0x40,  // RTP timestamp 8000
    0x00, 0x00, 0x00, 0x64,  // sender's packet count 100
    0x00, 0x00, 0x3E, 0x80,  // sender's octet count 16000
    0x55, 0x66, 0x77, 0x88,  // SSRC_1
    0x40, 0xFF, 0xFF, 0xFF,  // fraction lost 64/256, cumulative lost -1
    0x00, 0x01, 0x00, 0x0A,  // extended highest sequence: 1 cycle, seq 10
    0x00, 0x00, 0x00, 0x10,  // interarrival jitter 16
    0xB3, 0xC4, 0x80, 0x00,  // LSR
    0x00, 0x01, 0x00, 0x00,  // DLSR: one second
};

// §6.5 SDES, one chunk: CNAME "alice@host1" (11 bytes), null terminator, padding to 20.
const ByteVector kSdes = {0x81, 0xCA, 0x00, 0x05, 0x11, 0x22, 0x33, 0x44, 0x01, 0x0B, 'a',  'l',
                          'i',  'c',  'e',  '@',  'h',  'o',  's',  't',  '1',  0x00, 0x00, 0x00};

// §6.6 BYE, one SSRC, reason "hangup" (length octet + 6, padded to 8).
const ByteVector kBye = {0x81, 0xCB, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,
                         0x06, 'h',  'a',  'n',  'g',  'u',  'p',  0x00};

// §6.4.2 RR without report blocks.
const ByteVector kEmptyRr = {0x80, 0xC9, 0x00, 0x01, 0x99, 0x88, 0x77, 0x66};

const ReportBlock kBlock{0x55667788, 0x40, -1, 0x0001000A, 16, 0xB3C48000, 0x00010000};
const SenderInfo kSender{0x11223344, 0xE1A2B3C480000000ULL, 8000, 100, 16000};

std::vector<RtcpPacketView> packets_of(const ByteVector& compound) {
  auto c = parse_rtcp_compound(view(compound));
  EXPECT_TRUE(c.has_value()) << c.error().describe();
  std::vector<RtcpPacketView> out;
  if (c) {
    for (auto p : *c) {
      out.push_back(p);
    }
  }
  return out;
}

TEST(RtcpCompound, IteratesSrSdesAndBye) {
  const auto compound = concat({kSr, kSdes, kBye});
  auto packets = packets_of(compound);
  ASSERT_EQ(packets.size(), 3U);
  EXPECT_EQ(packets[0].packet_type, 200);
  EXPECT_EQ(packets[1].packet_type, 202);
  EXPECT_EQ(packets[2].packet_type, 203);
}

TEST(RtcpCompound, SenderReportFieldsAndReportBlockDecode) {
  auto packets = packets_of(kSr);
  ASSERT_EQ(packets.size(), 1U);
  auto sr = parse_sender_report(packets[0]);
  ASSERT_TRUE(sr.has_value()) << sr.error().describe();
  EXPECT_EQ(sr->sender.ssrc, kSender.ssrc);
  EXPECT_EQ(sr->sender.ntp_timestamp, kSender.ntp_timestamp);
  EXPECT_EQ(sr->sender.rtp_timestamp, 8000U);
  EXPECT_EQ(sr->sender.packet_count, 100U);
  EXPECT_EQ(sr->sender.octet_count, 16000U);
  ASSERT_EQ(sr->reports.size(), 1U);
  EXPECT_EQ(sr->reports.block(0), kBlock);
}

TEST(RtcpCompound, SdesYieldsTheCname) {
  const auto compound = concat({kEmptyRr, kSdes});
  auto packets = packets_of(compound);
  ASSERT_EQ(packets.size(), 2U);
  std::array<SdesItem, 4> items{};
  auto n = parse_sdes(packets[1], items);
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  ASSERT_EQ(*n, 1U);
  EXPECT_EQ(items[0].ssrc, 0x11223344U);
  EXPECT_EQ(items[0].type, kSdesCname);
  EXPECT_EQ(items[0].text, "alice@host1");
}

TEST(RtcpCompound, SdesWithTwoChunksAndTwoItems) {
  // Chunk 1: SSRC 1, CNAME "a", NAME (type 2) "bc", one null: 4+3+4+1 = 12 bytes.
  // Chunk 2: SSRC 2, CNAME "xy", nulls to the word boundary: 4+4+4 = 12 bytes.
  const ByteVector sdes = {0x82, 0xCA, 0x00, 0x06, 0,    0,    0,    1,   0x01, 0x01,
                           'a',  0x02, 0x02, 'b',  'c',  0x00, 0,    0,   0,    2,
                           0x01, 0x02, 'x',  'y',  0x00, 0x00, 0x00, 0x00};
  const auto compound = concat({kEmptyRr, sdes});
  auto packets = packets_of(compound);
  ASSERT_EQ(packets.size(), 2U);
  std::array<SdesItem, 4> items{};
  auto n = parse_sdes(packets[1], items);
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  ASSERT_EQ(*n, 3U);
  EXPECT_EQ(items[1].type, 2);
  EXPECT_EQ(items[1].text, "bc");
  EXPECT_EQ(items[2].ssrc, 2U);
  EXPECT_EQ(items[2].text, "xy");
}

TEST(RtcpCompound, ByeYieldsSsrcsAndReason) {
  const auto compound = concat({kEmptyRr, kBye});
  auto packets = packets_of(compound);
  ASSERT_EQ(packets.size(), 2U);
  auto bye = parse_bye(packets[1]);
  ASSERT_TRUE(bye.has_value());
  ASSERT_EQ(bye->size(), 1U);
  EXPECT_EQ(bye->ssrc(0), 0x11223344U);
  EXPECT_EQ(bye->reason, "hangup");
}

TEST(RtcpCompound, TypedReaderRefusesAnotherType) {
  auto packets = packets_of(kSr);
  ASSERT_EQ(packets.size(), 1U);
  EXPECT_FALSE(parse_receiver_report(packets[0]).has_value());
  EXPECT_FALSE(parse_bye(packets[0]).has_value());
}

TEST(RtcpCompound, PaddingOnTheLastPacketIsRemovedFromItsBody) {
  // BYE with P=1 and 4 bytes of padding (count 4).
  const ByteVector padded_bye = {0xA1, 0xCB, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 4};
  const auto compound = concat({kEmptyRr, padded_bye});
  auto packets = packets_of(compound);
  ASSERT_EQ(packets.size(), 2U);
  auto bye = parse_bye(packets[1]);
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(bye->size(), 1U);
  EXPECT_TRUE(bye->reason.empty());
}

struct BadCompound {
  const char* name;
  ByteVector bytes;
  std::string_view rule_prefix;
};

class MalformedRtcp : public ::testing::TestWithParam<BadCompound> {};

TEST_P(MalformedRtcp, IsRejectedByTheA2Checks) {
  auto c = parse_rtcp_compound(view(GetParam().bytes));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().rule.substr(0, GetParam().rule_prefix.size()), GetParam().rule_prefix)
      << c.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    AppendixA2, MalformedRtcp,
    ::testing::Values(
        BadCompound{"too_short", {0x80, 0xC9}, "RFC 3550 A.2: shorter"},
        BadCompound{"first_is_sdes", kSdes, "RFC 3550 A.2: first packet"},
        BadCompound{"first_is_bye", kBye, "RFC 3550 A.2: first packet"},
        BadCompound{"version_1", {0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1}, "RFC 3550 A.2: version"},
        BadCompound{"first_has_padding",
                    {0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 4},
                    "RFC 3550 A.2: first packet"},
        BadCompound{
            "length_past_end", {0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1}, "RFC 3550 A.2: length"},
        BadCompound{
            "trailing_bytes", {0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x81}, "RFC 3550 A.2: length"},
        BadCompound{"second_packet_version_0", concat({kEmptyRr, {0x01, 0xCB, 0x00, 0x00}}),
                    "RFC 3550 A.2: version"},
        BadCompound{"padding_not_on_last",
                    concat({kEmptyRr, {0xA1, 0xCB, 0x00, 0x01, 0, 0, 0, 4}, kBye}),
                    "RFC 3550 §6.4.1: padding"},
        BadCompound{"padding_count_zero", concat({kEmptyRr, {0xA1, 0xCB, 0x00, 0x01, 0, 0, 0, 0}}),
                    "RFC 3550 §6.4.1: padding"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(RtcpTypedReaders, RejectCountsLargerThanTheBody) {
  // SR claiming 2 report blocks but carrying one; RR claiming one with none.
  ByteVector sr = kSr;
  sr[0] = 0x82;
  auto sr_packets = packets_of(sr);
  ASSERT_EQ(sr_packets.size(), 1U);
  EXPECT_FALSE(parse_sender_report(sr_packets[0]).has_value());
  ByteVector rr = kEmptyRr;
  rr[0] = 0x81;
  auto rr_packets = packets_of(rr);
  ASSERT_EQ(rr_packets.size(), 1U);
  EXPECT_FALSE(parse_receiver_report(rr_packets[0]).has_value());
  const auto bye = concat({kEmptyRr, {0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1}});
  auto bye_packets = packets_of(bye);
  ASSERT_EQ(bye_packets.size(), 2U);
  EXPECT_FALSE(parse_bye(bye_packets[1]).has_value());
}

TEST(RtcpTypedReaders, SdesChunkWithoutTerminatorIsRejected) {
  const auto compound =
      concat({kEmptyRr, {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'}});
  auto packets = packets_of(compound);
  ASSERT_EQ(packets.size(), 2U);
  std::array<SdesItem, 2> items{};
  EXPECT_FALSE(parse_sdes(packets[1], items).has_value());
}

TEST(RtcpWriter, BuildsTheHandWrittenCompoundByteForByte) {
  std::array<std::uint8_t, 256> buffer{};
  RtcpWriter w(buffer);
  const std::array<ReportBlock, 1> blocks{kBlock};
  ASSERT_TRUE(w.add_sender_report(kSender, blocks).has_value());
  ASSERT_TRUE(w.add_sdes_cname(0x11223344, "alice@host1").has_value());
  const std::array<std::uint32_t, 1> ssrcs{0x11223344};
  ASSERT_TRUE(w.add_bye(ssrcs, "hangup").has_value());
  EXPECT_EQ(ByteVector(w.bytes().begin(), w.bytes().end()), concat({kSr, kSdes, kBye}));
}

TEST(RtcpWriter, BuildsAnEmptyReceiverReport) {
  std::array<std::uint8_t, 8> buffer{};
  RtcpWriter w(buffer);
  ASSERT_TRUE(w.add_receiver_report(0x99887766, {}).has_value());
  EXPECT_EQ(ByteVector(w.bytes().begin(), w.bytes().end()), kEmptyRr);
}

TEST(RtcpWriter, CnameLengthsPadToWholeWordsWithAtLeastOneNull) {
  for (std::size_t length = 0; length < 12; ++length) {
    std::array<std::uint8_t, 64> buffer{};
    RtcpWriter w(buffer);
    ASSERT_TRUE(w.add_receiver_report(1, {}).has_value());
    const std::string cname(length, 'c');
    ASSERT_TRUE(w.add_sdes_cname(2, cname).has_value());
    EXPECT_EQ(w.size() % 4, 0U);
    ByteVector bytes(w.bytes().begin(), w.bytes().end());
    auto packets = packets_of(bytes);
    ASSERT_EQ(packets.size(), 2U);
    std::array<SdesItem, 2> items{};
    auto n = parse_sdes(packets[1], items);
    ASSERT_TRUE(n.has_value()) << "length " << length;
    ASSERT_EQ(*n, 1U);
    EXPECT_EQ(items[0].text, cname);
  }
}

TEST(RtcpWriter, FailsWithoutWritingWhenTheBufferIsFull) {
  std::array<std::uint8_t, 12> buffer{};
  RtcpWriter w(buffer);
  ASSERT_TRUE(w.add_receiver_report(1, {}).has_value());
  EXPECT_FALSE(w.add_sdes_cname(1, "x").has_value());
  EXPECT_EQ(w.size(), 8U);
}

TEST(RtcpWriter, NegativeCumulativeLostRoundTrips) {
  std::array<std::uint8_t, 64> buffer{};
  RtcpWriter w(buffer);
  ReportBlock b = kBlock;
  b.cumulative_lost = -12345;
  const std::array<ReportBlock, 1> blocks{b};
  ASSERT_TRUE(w.add_receiver_report(7, blocks).has_value());
  ByteVector bytes(w.bytes().begin(), w.bytes().end());
  auto packets = packets_of(bytes);
  ASSERT_EQ(packets.size(), 1U);
  auto rr = parse_receiver_report(packets[0]);
  ASSERT_TRUE(rr.has_value());
  EXPECT_EQ(rr->reports.block(0).cumulative_lost, -12345);
}

}  // namespace
}  // namespace tipring::rtp
