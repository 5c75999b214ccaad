#include "protocol/rtp/source_state.h"

#include <vector>

#include <gtest/gtest.h>

namespace tipring::rtp {
namespace {

constexpr std::uint32_t kNarrowband = 8000;

std::vector<SequenceUpdate> feed(SourceState& s, std::initializer_list<int> sequence_numbers) {
  std::vector<SequenceUpdate> out;
  for (int seq : sequence_numbers) {
    out.push_back(s.update_sequence(static_cast<std::uint16_t>(seq)));
  }
  return out;
}

using U = SequenceUpdate;

TEST(SourceState, NewSourceIsValidAfterMinSequentialConsecutivePackets) {
  SourceState s(kNarrowband);
  EXPECT_EQ(feed(s, {100, 101, 102}), (std::vector<U>{U::probation, U::valid, U::valid}));
  EXPECT_FALSE(s.in_probation());
  // A.1: the packet that completes probation restarts the counters there.
  EXPECT_EQ(s.packets_received(), 2U);
  EXPECT_EQ(s.packets_expected(), 2U);
}

TEST(SourceState, ABreakInTheProbationRunStartsItAgain) {
  SequenceRules rules;
  rules.min_sequential = 3;
  SourceState s(kNarrowband, rules);
  EXPECT_EQ(feed(s, {10, 11, 20, 21, 22}),
            (std::vector<U>{U::probation, U::probation, U::probation, U::probation, U::valid}));
}

TEST(SourceState, ProbationOfThreeMatchesTheRelayDefault) {
  SequenceRules rules;
  rules.min_sequential = 3;
  SourceState s(kNarrowband, rules);
  EXPECT_EQ(feed(s, {7, 8, 9}), (std::vector<U>{U::probation, U::probation, U::valid}));
}

TEST(SourceState, SequenceWrapExtendsTheHighestSequenceByOneCycle) {
  SourceState s(kNarrowband);
  feed(s, {65533, 65534, 65535, 0, 1});
  EXPECT_EQ(s.extended_highest_sequence(), 65536U + 1U);
  EXPECT_EQ(s.packets_received(), 4U);
  EXPECT_EQ(s.packets_expected(), 4U);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(SourceState, ProbationAcrossTheWrapPoint) {
  SourceState s(kNarrowband);
  EXPECT_EQ(feed(s, {65535, 0, 1}), (std::vector<U>{U::probation, U::valid, U::valid}));
  EXPECT_EQ(s.extended_highest_sequence(), 1U);
}

TEST(SourceState, LatePacketsWithinMisorderAreCountedWithoutMovingTheMaximum) {
  SourceState s(kNarrowband);
  feed(s, {999, 1000, 1001, 1002});
  EXPECT_EQ(s.update_sequence(1001), U::late);  // duplicate
  EXPECT_EQ(s.update_sequence(950), U::late);   // 52 back, within 100
  EXPECT_EQ(s.extended_highest_sequence(), 1002U);
  EXPECT_EQ(s.packets_received(), 5U);
}

TEST(SourceState, ALargeJumpIsHeldUntilTheNextPacketConfirmsIt) {
  SourceState s(kNarrowband);
  feed(s, {999, 1000, 1001});
  EXPECT_EQ(s.update_sequence(9000), U::jump);
  EXPECT_EQ(s.packets_received(), 2U);
  EXPECT_EQ(s.update_sequence(9001), U::resynchronised);
  EXPECT_EQ(s.packets_received(), 1U);
  EXPECT_EQ(s.extended_highest_sequence(), 9001U);
  EXPECT_EQ(s.update_sequence(9002), U::valid);
}

TEST(SourceState, AnUnconfirmedJumpIsForgottenWhenTheStreamContinues) {
  SourceState s(kNarrowband);
  feed(s, {999, 1000, 1001});
  EXPECT_EQ(s.update_sequence(40000), U::jump);
  EXPECT_EQ(s.update_sequence(1002), U::valid);
  EXPECT_EQ(s.extended_highest_sequence(), 1002U);
}

TEST(SourceState, ABackwardStepBeyondMisorderIsAJump) {
  SourceState s(kNarrowband);
  feed(s, {999, 1000, 1001});
  EXPECT_EQ(s.update_sequence(1001 - 101), U::jump);
}

TEST(SourceState, ForwardGapBelowMaxDropoutIsLoss) {
  SourceState s(kNarrowband);
  feed(s, {0, 1, 2});
  EXPECT_EQ(s.update_sequence(2 + 2999), U::valid);
  EXPECT_EQ(s.cumulative_lost(), 2998);
}

// A.3 by hand: after probation the base is 1; 4 and 7 are lost of 1..10, then 15 of 11..20.
TEST(SourceState, ReportBlockLossFractionAndCumulativeLostPerInterval) {
  SourceState s(kNarrowband);
  feed(s, {0, 1, 2, 3, 5, 6, 8, 9, 10});
  EXPECT_EQ(s.packets_received(), 8U);
  EXPECT_EQ(s.packets_expected(), 10U);
  ReportBlock first = s.make_report_block(0xABCD);
  EXPECT_EQ(first.ssrc, 0xABCDU);
  EXPECT_EQ(first.fraction_lost, (2 << 8) / 10);  // 51
  EXPECT_EQ(first.cumulative_lost, 2);
  EXPECT_EQ(first.highest_sequence, 10U);

  feed(s, {11, 12, 13, 14, 16, 17, 18, 19, 20});
  ReportBlock second = s.make_report_block(0xABCD);
  EXPECT_EQ(second.fraction_lost, (1 << 8) / 10);  // 25
  EXPECT_EQ(second.cumulative_lost, 3);
  EXPECT_EQ(second.highest_sequence, 20U);

  ReportBlock idle = s.make_report_block(0xABCD);
  EXPECT_EQ(idle.fraction_lost, 0) << "no packets expected in the interval";
}

TEST(SourceState, DuplicatesMakeIntervalLossZeroNotNegative) {
  SourceState s(kNarrowband);
  feed(s, {0, 1, 2, 3, 3, 3});
  ReportBlock b = s.make_report_block(1);
  EXPECT_EQ(b.fraction_lost, 0);
  EXPECT_EQ(b.cumulative_lost, -2);
}

TimePoint at_us(std::int64_t us) {
  return TimePoint{Duration{us}};
}

// A.8 by hand, 8 kHz, 20 ms packets (160 units). Packet 3 arrives 12.5 ms (100 units) late.
// transit: 0, 0, 100, 0, 0; |D|: -, 0, 100, 100, 0.
// J*16: 0, 0 + 0 - 0 = 0, 0 + 100 - 0 = 100, 100 + 100 - 6 = 194, 194 + 0 - 12 = 182.
// Reported J = J*16 >> 4: 0, 0, 6, 12, 11 (the real-valued formula gives 0, 0, 6.25, 12.1, 11.4).
TEST(SourceState, InterarrivalJitterFollowsTheAppendixA8Trace) {
  SourceState s(kNarrowband);
  struct Step {
    std::uint16_t seq;
    std::uint32_t rtp_ts;
    std::int64_t arrival_us;
    std::uint32_t jitter;
  };
  const Step trace[] = {{0, 0, 1'000'000, 0},
                        {1, 160, 1'020'000, 0},
                        {2, 320, 1'052'500, 6},
                        {3, 480, 1'060'000, 12},
                        {4, 640, 1'080'000, 11}};
  for (const auto& step : trace) {
    s.update_jitter(at_us(step.arrival_us), step.rtp_ts);
    EXPECT_EQ(s.jitter_rtp_units(), step.jitter) << "after seq " << step.seq;
  }
}

TEST(SourceState, JitterIgnoresAConstantTransitOffsetAndTimestampWrap) {
  SourceState s(48000);
  // 20 ms at 48 kHz is 960 units; the RTP timestamp wraps through 2^32 mid-trace.
  std::uint32_t ts = 0xFFFFFFFFU - 1500U;
  for (int i = 0; i < 50; ++i) {
    s.update_jitter(at_us(5'000'000 + i * 20'000), ts);
    ts += 960;
  }
  EXPECT_EQ(s.jitter_rtp_units(), 0U);
}

TEST(SourceState, OnPacketUpdatesJitterOnlyForCountedPackets) {
  SourceState s(kNarrowband);
  EXPECT_EQ(s.on_packet(0, 0, at_us(0)), U::probation);
  // Arrives 100 units off the probation packet's timing: ignored because that one was not counted.
  EXPECT_EQ(s.on_packet(1, 160, at_us(32'500)), U::valid);
  EXPECT_EQ(s.on_packet(2, 320, at_us(52'500)), U::valid);
  EXPECT_EQ(s.jitter_rtp_units(), 0U);
}

}  // namespace
}  // namespace tipring::rtp
