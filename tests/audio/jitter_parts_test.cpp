// The jitter buffer's parts on their own: unwrapping, the packet buffer, the delay
// manager, the decision logic, the decoded-sample FIFO and time stretching.
#include "audio/jitter/decision_logic.h"
#include "audio/jitter/delay_manager.h"
#include "audio/jitter/media_packet.h"
#include "audio/jitter/packet_buffer.h"
#include "audio/jitter/sample_fifo.h"
#include "audio/jitter/time_stretch.h"
#include "tests/audio/signal_analysis.h"

#include <vector>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

TimePoint at_ms(double ms) {
  return TimePoint{Duration{static_cast<std::int64_t>(ms * 1000)}};
}

TEST(Unwrapper, ExtendsSequenceNumbersAcrossTheWrapInBothDirections) {
  Unwrapper<std::uint16_t> unwrap;
  EXPECT_EQ(unwrap.unwrap(65534), 65534);
  EXPECT_EQ(unwrap.unwrap(1), 65537);
  EXPECT_EQ(unwrap.unwrap(65535), 65535);  // reordered from before the wrap
  EXPECT_EQ(unwrap.peek(2), 65538);
}

TEST(Unwrapper, ExtendsTimestampsAcrossTheWrap) {
  Unwrapper<std::uint32_t> unwrap;
  EXPECT_EQ(unwrap.unwrap(4294967000U), 4294967000LL);
  EXPECT_EQ(unwrap.unwrap(160U), 4294967296LL + 160);
}

BufferedPacket packet(std::int64_t timestamp) {
  BufferedPacket p;
  p.timestamp = timestamp;
  p.samples = 160;
  return p;
}

TEST(PacketBuffer, ReordersByTimestamp) {
  PacketBuffer buffer(10);
  for (std::int64_t ts : {480, 160, 320, 0}) {
    EXPECT_EQ(buffer.insert(packet(ts), 0), InsertOutcome::inserted);
  }
  for (std::int64_t ts : {0, 160, 320, 480}) {
    EXPECT_EQ(buffer.pop_front().timestamp, ts);
  }
}

TEST(PacketBuffer, DropsDuplicatesAndPacketsWhoseTimeHasPlayed) {
  PacketBuffer buffer(10);
  EXPECT_EQ(buffer.insert(packet(320), 160), InsertOutcome::inserted);
  EXPECT_EQ(buffer.insert(packet(320), 160), InsertOutcome::duplicate);
  EXPECT_EQ(buffer.insert(packet(0), 160), InsertOutcome::late);
  EXPECT_EQ(buffer.size(), 1U);
}

TEST(PacketBuffer, DropsTheOldestWhenFull) {
  PacketBuffer buffer(2);
  buffer.insert(packet(0), 0);
  buffer.insert(packet(160), 0);
  EXPECT_EQ(buffer.insert(packet(320), 0), InsertOutcome::flushed);
  EXPECT_EQ(buffer.front().timestamp, 160);
  EXPECT_EQ(buffer.end_timestamp(0), 480);
}

TEST(PacketBuffer, DropBeforeRemovesOnlyOlderPackets) {
  PacketBuffer buffer(10);
  for (std::int64_t ts : {0, 160, 320}) {
    buffer.insert(packet(ts), 0);
  }
  EXPECT_EQ(buffer.drop_before(200), 2U);
  EXPECT_EQ(buffer.front().timestamp, 320);
}

DelayManager eight_khz() {
  DelayManagerConfig config;
  config.clock_rate_hz = 8000;
  return DelayManager(config);
}

TEST(DelayManager, TargetIsOnePacketWithoutJitter) {
  DelayManager delay = eight_khz();
  for (int i = 0; i < 200; ++i) {
    delay.on_packet(i * 160, 160, at_ms(50.0 + 20.0 * i));
  }
  EXPECT_DOUBLE_EQ(delay.target_delay_ms(), 20.0);
  EXPECT_NEAR(delay.jitter_seconds(), 0.0, 1e-9);
}

TEST(DelayManager, RisesAtOnceWhenJitterAppearsAndFallsSlowly) {
  DelayManager delay = eight_khz();
  int i = 0;
  for (; i < 100; ++i) {
    delay.on_packet(i * 160, 160, at_ms(20.0 * i));
  }
  // Every fifth packet 80 ms late: the 95th percentile is 80 ms.
  for (; i < 200; ++i) {
    delay.on_packet(i * 160, 160, at_ms(20.0 * i + (i % 5 == 0 ? 80.0 : 0.0)));
  }
  EXPECT_NEAR(delay.target_delay_ms(), 100.0, 1.0);
  // Calm again: five seconds later the window has forgotten, the target comes down
  // at no more than 5 ms per second.
  for (; i < 700; ++i) {
    delay.on_packet(i * 160, 160, at_ms(20.0 * i));
  }
  EXPECT_GT(delay.target_delay_ms(), 20.0 + 5.0);
  EXPECT_LT(delay.target_delay_ms(), 100.0);
}

TEST(DelayManager, EstimatesRfc3550JitterFromTransitDifferences) {
  DelayManager delay = eight_khz();
  // Alternating 0 / 10 ms extra delay: |D| is 10 ms every packet, so J converges to 10 ms.
  for (int i = 0; i < 500; ++i) {
    delay.on_packet(i * 160, 160, at_ms(20.0 * i + (i % 2 == 0 ? 0.0 : 10.0)));
  }
  EXPECT_NEAR(delay.jitter_seconds(), 0.010, 0.0005);
}

struct FillCase {
  const char* name;
  FillState state;
  FillOperation expected;
};

FillState fill(bool have, std::int64_t gap, std::int64_t credit, bool fec) {
  FillState s;
  s.have_packet = have;
  s.gap_samples = gap;
  s.front_samples = 160;
  s.credit_samples = credit;
  s.decoder_has_fec = fec;
  s.max_gap_samples = 8000;
  return s;
}

class NextFill : public ::testing::TestWithParam<FillCase> {};

TEST_P(NextFill, ChoosesWhereTheNextAudioComesFrom) {
  EXPECT_EQ(next_fill(GetParam().state), GetParam().expected) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NextFill,
    ::testing::Values(
        FillCase{"due packet decodes", fill(true, 0, 0, true), FillOperation::decode},
        FillCase{"nothing buffered", fill(false, 0, 0, true), FillOperation::conceal_underrun},
        FillCase{"one lost, fec", fill(true, 160, 0, true), FillOperation::fec_recover},
        FillCase{"one lost, no fec", fill(true, 160, 0, false), FillOperation::conceal_gap},
        FillCase{"two lost", fill(true, 320, 0, true), FillOperation::conceal_gap},
        FillCase{"gap already concealed", fill(true, 160, 80, true), FillOperation::skip_gap},
        FillCase{"timestamp jump", fill(true, 9000, 0, false), FillOperation::jump}),
    [](const auto& param_info) {
      std::string name = param_info.param.name;
      for (auto& c : name) {
        c = (c == ' ' || c == ',') ? '_' : c;
      }
      return name;
    });

struct StretchCase {
  double level;
  double target;
  bool enough;
  bool concealing;
  StretchOperation expected;
};

class NextStretch : public ::testing::TestWithParam<StretchCase> {};

TEST_P(NextStretch, SteersTheLevelTowardsTheTargetWithHysteresis) {
  const auto& c = GetParam();
  StretchState state{c.level, c.target, c.enough, c.concealing};
  EXPECT_EQ(next_stretch(state), c.expected) << c.level << " vs " << c.target;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NextStretch,
    ::testing::Values(StretchCase{60, 40, true, false, StretchOperation::accelerate},
                      StretchCase{50, 40, true, false, StretchOperation::none},
                      StretchCase{33, 40, true, false, StretchOperation::none},
                      StretchCase{25, 40, true, false, StretchOperation::preemptive_expand},
                      StretchCase{60, 40, false, false, StretchOperation::none},
                      StretchCase{60, 40, true, true, StretchOperation::none},
                      StretchCase{260, 200, true, false, StretchOperation::accelerate},
                      StretchCase{240, 200, true, false, StretchOperation::none}));

TEST(SampleFifo, AppendsConsumesAndGrowsAtTheFront) {
  SampleFifo fifo(16, 4);
  auto room = fifo.reserve_back(6);
  for (std::size_t i = 0; i < room.size(); ++i) {
    room[i] = static_cast<std::int16_t>(i + 1);
  }
  fifo.commit(6);
  fifo.consume(2);
  EXPECT_EQ(fifo.samples()[0], 3);
  auto front = fifo.grow_front(4);
  front[0] = 100;
  EXPECT_EQ(fifo.size(), 8U);
  EXPECT_EQ(fifo.samples()[0], 100);
  EXPECT_EQ(fifo.samples()[4], 3);
  // Filling to the capacity compacts rather than allocating.
  fifo.consume(4);
  auto more = fifo.reserve_back(12);
  EXPECT_EQ(more.size(), 12U);
  fifo.commit(12);
  EXPECT_EQ(fifo.samples()[0], 3);
  EXPECT_EQ(fifo.free_space(), 0U);
}

TEST(TimeStretch, FindsThePeriodOfAPeriodicSignal) {
  const auto pcm = testing::sine(200.0, 8000.0, 8000, 400);  // 40-sample period
  EXPECT_EQ(best_period(pcm, pitch_range(8000), 1), 40U);
  const auto wide = testing::sine(200.0, 8000.0, 48000, 2000);  // 240 samples
  const auto lag = best_period(wide, pitch_range(48000), 6);
  EXPECT_NEAR(static_cast<double>(lag), 240.0, 6.0);
}

TEST(TimeStretch, AccelerateRemovesOnePeriodAndStaysOnTheWaveform) {
  auto pcm = testing::sine(200.0, 8000.0, 8000, 400);
  const std::size_t lag = best_period(pcm, pitch_range(8000), 1);
  crossfade_for_accelerate(pcm, lag);
  const std::span<const std::int16_t> result(pcm.data() + lag, pcm.size() - lag);
  // With a whole period removed the output is the same sine, shifted by a period.
  const auto expected = testing::sine(200.0, 8000.0, 8000, 400 - lag);
  EXPECT_GE(testing::snr_db(expected, result), 30.0);
}

TEST(TimeStretch, ExpandInsertsOnePeriodAndStaysOnTheWaveform) {
  auto pcm = testing::sine(200.0, 8000.0, 8000, 400);
  std::vector<std::int16_t> prefix(40);
  crossfade_for_expand(prefix, pcm);
  std::vector<std::int16_t> result(prefix);
  result.insert(result.end(), pcm.begin(), pcm.end());
  const auto expected = testing::sine(200.0, 8000.0, 8000, 440);
  EXPECT_EQ(result.size(), 440U);
  EXPECT_GE(testing::snr_db(expected, result), 30.0);
}

}  // namespace
}  // namespace tipring::audio
