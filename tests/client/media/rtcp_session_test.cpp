// RtcpSession on a fake clock: report timing, SR vs RR, report blocks read back for loss
// and round-trip time, BYE. Two sessions talk to each other through byte buffers.
#include "client/media/rtcp_session.h"

#include "protocol/rtp/rtcp_writer.h"

#include <array>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

TimePoint at(Duration d) {
  return TimePoint{d};
}

RtcpSessionConfig config(std::uint32_t ssrc, std::uint64_t seed) {
  RtcpSessionConfig c;
  c.local_ssrc = ssrc;
  c.cname = "test@tipring";
  c.start = at(0s);
  c.ntp_at_start = std::uint64_t{3'900'000'000} << 32;
  c.random_seed = seed;
  return c;
}

// RTP from `sender_ssrc` with sequence numbers `first`..`first + count - 1`, skipping
// `skip` (lost), every 20 ms from `start`.
void receive(RtcpSession& session, std::uint32_t sender_ssrc, std::uint16_t first, int count,
             TimePoint start, int skip = -1) {
  for (int i = 0; i < count; ++i) {
    if (i == skip) {
      continue;
    }
    rtp::RtpPacketView packet;
    packet.ssrc = sender_ssrc;
    packet.sequence = static_cast<std::uint16_t>(first + i);
    packet.timestamp = static_cast<std::uint32_t>(160 * i);
    session.on_rtp_received(packet, start + Duration(20ms) * i);
  }
}

TEST(RtcpSession, FirstReportIsDueWithinHalfAnIntervalThenEveryHalfToOneAndAHalfIntervals) {
  RtcpSession session(config(1, 42));
  EXPECT_LE(session.next_report_time(), at(3750ms));
  EXPECT_GE(session.next_report_time(), at(1250ms));
  std::array<std::uint8_t, 512> out{};
  EXPECT_EQ(session.write_report_if_due(session.next_report_time() - 1us, out), 0U);
  TimePoint previous = session.next_report_time();
  for (int i = 0; i < 50; ++i) {
    ASSERT_GT(session.write_report_if_due(previous, out), 0U);
    const Duration gap = session.next_report_time() - previous;
    EXPECT_GE(gap, Duration(2500ms));
    EXPECT_LE(gap, Duration(7500ms));
    previous = session.next_report_time();
  }
}

TEST(RtcpSession, SendsASenderReportOnlyAfterSendingRtp) {
  RtcpSession session(config(1, 1));
  session.set_clock_rate(8000);
  std::array<std::uint8_t, 512> out{};
  auto written = session.write_report_if_due(at(10s), out);
  ASSERT_GT(written, 0U);
  EXPECT_EQ(out[1], static_cast<std::uint8_t>(rtp::RtcpType::receiver_report));
  session.on_rtp_sent(1234, 160, at(11s));
  written = session.write_report_if_due(at(20s), out);
  ASSERT_GT(written, 0U);
  const auto compound = rtp::parse_rtcp_compound(std::span(out).first(written));
  ASSERT_TRUE(compound);
  const auto sr = rtp::parse_sender_report(*compound->begin());
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->sender.packet_count, 1U);
  EXPECT_EQ(sr->sender.octet_count, 160U);
  EXPECT_EQ(sr->sender.rtp_timestamp, 1234U + 9 * 8000) << "extrapolated to the report time";
}

TEST(RtcpSession, ReportBlocksCarryLossAndTheRoundTripIsMeasuredFromLsrAndDlsr) {
  RtcpSession alice(config(0xa11ce, 1));
  RtcpSession bob(config(0xb0b, 2));
  alice.set_clock_rate(8000);
  bob.set_clock_rate(8000);
  std::array<std::uint8_t, 512> out{};

  // Alice sends 50 packets of which Bob misses one, then reports (SR).
  for (int i = 0; i < 50; ++i) {
    alice.on_rtp_sent(static_cast<std::uint32_t>(160 * i), 160, at(20ms * i));
  }
  receive(bob, 0xa11ce, 100, 50, at(30ms), 25);
  const auto sr = alice.write_report_if_due(at(5s), out);
  ASSERT_GT(sr, 0U);
  // The SR reaches Bob 40 ms later; Bob's RR leaves 200 ms after that and takes 40 ms back.
  ASSERT_TRUE(bob.on_rtcp_received(std::span(out).first(sr), at(5040ms)));
  std::array<std::uint8_t, 512> reply{};
  std::size_t rr = 0;
  for (TimePoint t = at(5240ms); rr == 0; t += 1s) {
    rr = bob.write_report_if_due(t, reply);
    if (rr != 0) {
      ASSERT_TRUE(alice.on_rtcp_received(std::span(reply).first(rr), t + Duration(40ms)));
    }
  }
  const RemoteReception& seen = alice.remote();
  EXPECT_EQ(seen.reports, 1U);
  EXPECT_EQ(seen.cumulative_lost, 1);
  EXPECT_EQ(seen.fraction_lost, 256 / 50);
  ASSERT_TRUE(seen.last_round_trip);
  using Millis = std::chrono::duration<double, std::milli>;
  EXPECT_NEAR(Millis(*seen.last_round_trip).count(), 80.0, 0.1);
}

TEST(RtcpSession, ByeIsTheLastPacketOfTheCompoundAndIsRecognised) {
  RtcpSession alice(config(7, 1));
  RtcpSession bob(config(8, 2));
  std::array<std::uint8_t, 512> out{};
  const auto written = alice.write_bye(at(1s), out);
  ASSERT_GT(written, 0U);
  EXPECT_FALSE(bob.peer_said_bye());
  ASSERT_TRUE(bob.on_rtcp_received(std::span(out).first(written), at(1s)));
  EXPECT_TRUE(bob.peer_said_bye());
}

TEST(RtcpSession, RejectsACompoundThatFailsTheValidityChecks) {
  RtcpSession session(config(7, 1));
  const std::array<std::uint8_t, 8> garbage{0x80, 203, 0, 5, 1, 2, 3, 4};
  EXPECT_FALSE(session.on_rtcp_received(garbage, at(1s)));
}

TEST(RtcpSession, ReportsNoBlockWhileThePeerIsStillInProbation) {
  RtcpSession session(config(7, 1));
  session.set_clock_rate(8000);
  receive(session, 99, 10, 1, at(0s));
  std::array<std::uint8_t, 512> out{};
  const auto written = session.write_report_if_due(at(10s), out);
  ASSERT_GT(written, 0U);
  const auto compound = rtp::parse_rtcp_compound(std::span(out).first(written));
  ASSERT_TRUE(compound);
  const auto rr = rtp::parse_receiver_report(*compound->begin());
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->reports.size(), 0U);
}

}  // namespace
}  // namespace tipring::client
