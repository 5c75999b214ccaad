// The jitter buffer through events a live call meets: ten minutes of clock drift, a 2 s
// outage, a new SSRC, a timestamp jump, DTX gaps, and Opus FEC recovering lost packets.
#include "tests/audio/network_trace.h"
#include "tests/audio/playout_simulation.h"

#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

namespace tipring::audio::testing {
namespace {

PlayoutOptions g711() {
  PlayoutOptions options;
  options.codec.kind = CodecKind::pcmu;
  return options;
}

double mean(const std::vector<double>& values, std::size_t from, std::size_t to) {
  to = std::min(to, values.size());
  return std::accumulate(values.begin() + static_cast<long>(from),
                         values.begin() + static_cast<long>(to), 0.0) /
         static_cast<double>(to - from);
}

class JitterBufferUnderDrift : public ::testing::TestWithParam<double> {};

TEST_P(JitterBufferUnderDrift, LevelDoesNotGrowOverTenMinutes) {
  TraceConfig config;
  config.seed = 42;
  config.duration_s = 600.0;
  config.jitter_ms = 20.0;
  config.loss = 0.01;
  config.drift_ppm = GetParam();
  const Trace trace = make_trace(config);
  const PlayoutResult result = simulate_playout(trace, g711());

  const double first_minutes = mean(result.level_ms_per_second, 30, 120);
  const double last_minute = mean(result.level_ms_per_second, 540, 600);
  // 100 ppm is 60 ms over ten minutes: without correction the level would move that much.
  EXPECT_NEAR(last_minute, first_minutes, 12.0);
  EXPECT_LE(result.max_level_ms, 120.0);
  const double loss =
      static_cast<double>(trace.frames_lost) / static_cast<double>(trace.frames_sent);
  EXPECT_NEAR(result.concealment_ratio(), loss, 0.005);
  // Trimming 60 ms over ten minutes takes stretching in the right direction.
  if (GetParam() > 0) {
    EXPECT_GT(result.stats.removed_samples_for_acceleration,
              result.stats.inserted_samples_for_deceleration);
  } else {
    EXPECT_GT(result.stats.inserted_samples_for_deceleration,
              result.stats.removed_samples_for_acceleration);
  }
}

INSTANTIATE_TEST_SUITE_P(PlusMinus100ppm, JitterBufferUnderDrift, ::testing::Values(100.0, -100.0),
                         [](const auto& param_info) {
                           return param_info.param > 0 ? std::string("fast_sender")
                                                       : std::string("slow_sender");
                         });

TEST(JitterBufferEvents, TwoSecondOutageIsConcealedAndDelayRecovers) {
  TraceConfig config;
  config.seed = 3;
  config.duration_s = 40.0;
  config.jitter_ms = 20.0;
  config.outage_start_s = 15.0;
  config.outage_length_s = 2.0;
  const Trace trace = make_trace(config);
  const PlayoutResult result = simulate_playout(trace, g711());

  const double concealed_s = static_cast<double>(result.stats.concealed_samples) / 8000.0;
  EXPECT_NEAR(concealed_s, 2.0, 0.1);
  EXPECT_EQ(result.stats.concealment_events, 1U);
  const double before = mean(result.level_ms_per_second, 5, 15);
  const double after = mean(result.level_ms_per_second, 22, 40);
  EXPECT_NEAR(after, before, 15.0);
  EXPECT_EQ(result.stats.packets_lost, 100);
  EXPECT_LE(result.stats.packets_discarded, 2U);
}

TEST(JitterBufferEvents, NewSsrcStartsANewStreamWithoutAGap) {
  TraceConfig config;
  config.seed = 5;
  config.duration_s = 20.0;
  config.jitter_ms = 10.0;
  Trace trace = make_trace(config);
  for (auto& packet : trace.arrivals) {
    if (packet.frame_index >= 500) {  // the sender restarted at 10 s
      packet.ssrc = 0xfeedbeef;
      packet.sequence_number = static_cast<std::uint16_t>(packet.sequence_number + 31000);
      packet.rtp_timestamp += 123456789U;
    }
  }
  const PlayoutResult result = simulate_playout(trace, g711());
  EXPECT_LE(result.stats.concealed_samples, 8000U * 60 / 1000);  // at most 60 ms
  EXPECT_EQ(result.stats.packets_lost, 0);
  EXPECT_LE(result.max_level_ms, 100.0);
}

TEST(JitterBufferEvents, TimestampJumpStartsANewTimelineInsteadOfConcealingUpToIt) {
  TraceConfig config;
  config.seed = 6;
  config.duration_s = 20.0;
  config.jitter_ms = 10.0;
  Trace trace = make_trace(config);
  for (auto& packet : trace.arrivals) {
    if (packet.frame_index >= 500) {
      packet.rtp_timestamp += 8000U * 3600;  // an hour ahead, same SSRC and sequence
    }
  }
  const PlayoutResult result = simulate_playout(trace, g711());
  EXPECT_LE(result.stats.concealed_samples, 8000U * 60 / 1000);
  EXPECT_LE(result.max_level_ms, 100.0);
  EXPECT_EQ(result.stats.packets_lost, 0);
}

TEST(JitterBufferEvents, DtxGapsNeitherCountAsLossNorGrowTheDelay) {
  TraceConfig config;
  config.seed = 8;
  config.duration_s = 60.0;
  config.jitter_ms = 10.0;
  Trace trace = make_trace(config);
  // Talk spurts of 1 s separated by 600 ms of silence the sender did not send (DTX):
  // timestamps keep running, sequence numbers do not skip.
  std::vector<TracePacket> kept;
  for (const auto& packet : trace.arrivals) {
    if (packet.frame_index % 80 < 50) {
      kept.push_back(packet);
    }
  }
  for (auto& packet : kept) {
    const auto dropped_before = (packet.frame_index / 80) * 30;
    packet.sequence_number =
        static_cast<std::uint16_t>(config.first_sequence + packet.frame_index - dropped_before);
  }
  trace.arrivals = kept;
  const PlayoutResult result = simulate_playout(trace, g711());
  EXPECT_EQ(result.stats.packets_lost, 0);
  const double early = mean(result.level_ms_per_second, 5, 20);
  const double late = mean(result.level_ms_per_second, 45, 60);
  EXPECT_NEAR(late, early, 15.0);
  EXPECT_LE(result.stats.packets_discarded, 2U);
}

TEST(JitterBufferEvents, OpusFecRebuildsIsolatedLossesFromTheFollowingPacket) {
  TraceConfig config;
  config.seed = 11;
  config.duration_s = 15.0;
  config.clock_rate_hz = 48000;
  config.jitter_ms = 30.0;
  config.loss = 0.08;
  const Trace trace = make_trace(config);

  PlayoutOptions with_fec;
  with_fec.codec.kind = CodecKind::opus;
  with_fec.codec.inband_fec = true;
  with_fec.codec.expected_loss_percent = 10;
  PlayoutOptions without_fec = with_fec;
  without_fec.codec.inband_fec = false;

  const PlayoutResult fec = simulate_playout(trace, with_fec);
  const PlayoutResult plc = simulate_playout(trace, without_fec);
  // Isolated losses (about (1 - p) of them) have their successor in the buffer.
  EXPECT_GE(static_cast<double>(fec.stats.fec_packets_recovered),
            0.7 * static_cast<double>(trace.frames_lost));
  EXPECT_EQ(plc.stats.fec_packets_recovered, 0U);
  EXPECT_LT(fec.stats.concealed_samples, plc.stats.concealed_samples / 3);
  EXPECT_NEAR(plc.concealment_ratio(),
              static_cast<double>(trace.frames_lost) / static_cast<double>(trace.frames_sent),
              0.01);
}

}  // namespace
}  // namespace tipring::audio::testing
