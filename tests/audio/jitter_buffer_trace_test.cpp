// The jitter buffer against simulated networks: random and bursty loss, jitter,
// reordering, duplication, clock drift and an outage, on a simulated clock.
#include "tests/audio/network_trace.h"
#include "tests/audio/playout_simulation.h"

#include <algorithm>
#include <numeric>
#include <string>

#include <gtest/gtest.h>

namespace tipring::audio::testing {
namespace {

struct Scenario {
  std::string name;
  TraceConfig trace;
};

TraceConfig with(double loss, double burst, double jitter_ms, double reorder = 0.0,
                 double duplicate = 0.0, double drift_ppm = 0.0) {
  TraceConfig config;
  config.loss = loss;
  config.mean_burst_packets = burst;
  config.jitter_ms = jitter_ms;
  config.reorder = reorder;
  config.duplicate = duplicate;
  config.drift_ppm = drift_ppm;
  return config;
}

PlayoutOptions g711_options() {
  PlayoutOptions options;
  options.codec.kind = CodecKind::pcmu;
  options.codec.frame_ms = 20;
  return options;
}

class JitterBufferOnTrace : public ::testing::TestWithParam<Scenario> {};

TEST_P(JitterBufferOnTrace, ConcealsAboutTheLostShareAndKeepsDelayBounded) {
  const Scenario& scenario = GetParam();
  TraceConfig config = scenario.trace;
  config.seed = 7 + std::hash<std::string>{}(scenario.name) % 1000;
  const Trace trace = make_trace(config);
  const PlayoutResult result = simulate_playout(trace, g711_options());

  const double sent_loss =
      static_cast<double>(trace.frames_lost) / static_cast<double>(trace.frames_sent);
  const double ratio = result.concealment_ratio();
  std::printf(
      "%-28s loss %.3f conceal %.3f mean delay %.1f ms max level %.1f ms target(end) %.1f "
      "late %llu dup %llu lost %lld acc %llu dec %llu\n",
      scenario.name.c_str(), sent_loss, ratio, result.stats.mean_delay_ms(), result.max_level_ms,
      result.target_ms_per_second.back(),
      static_cast<unsigned long long>(result.stats.packets_discarded),
      static_cast<unsigned long long>(result.stats.packets_duplicated),
      static_cast<long long>(result.stats.packets_lost),
      static_cast<unsigned long long>(result.stats.removed_samples_for_acceleration),
      static_cast<unsigned long long>(result.stats.inserted_samples_for_deceleration));

  // Concealment tracks the loss: lost packets are concealed, little else is.
  EXPECT_GE(ratio, sent_loss * 0.8);
  EXPECT_LE(ratio, sent_loss * 1.25 + 0.01);
  // Late packets (discarded) stay rare once the target has adapted.
  EXPECT_LE(static_cast<double>(result.stats.packets_discarded),
            0.01 * static_cast<double>(trace.frames_sent) + 5.0);
  // The playout delay stays within the jitter plus a packet and the pull granularity.
  EXPECT_LE(result.stats.mean_delay_ms(), config.jitter_ms + 2.0 * config.frame_ms + 15.0);
  EXPECT_LE(result.max_level_ms, config.jitter_ms * 1.5 + 4.0 * config.frame_ms + 30.0);
  // packetsLost counts what the network lost, duplicates are not received twice.
  EXPECT_EQ(result.stats.packets_lost, trace.receiver_visible_loss());
}

INSTANTIATE_TEST_SUITE_P(
    Networks, JitterBufferOnTrace,
    ::testing::Values(Scenario{"clean", with(0.0, 1.0, 0.0)},
                      Scenario{"random_loss_5", with(0.05, 1.0, 0.0)},
                      Scenario{"random_loss_20", with(0.20, 1.0, 0.0)},
                      Scenario{"bursty_loss_10", with(0.10, 3.0, 10.0)},
                      Scenario{"bursty_loss_20", with(0.20, 4.0, 10.0)},
                      Scenario{"jitter_30", with(0.0, 1.0, 30.0)},
                      Scenario{"jitter_100", with(0.0, 1.0, 100.0)},
                      Scenario{"jitter_100_loss_10", with(0.10, 2.0, 100.0)},
                      Scenario{"reorder_and_duplicates", with(0.02, 1.0, 20.0, 0.1, 0.05)},
                      Scenario{"drift_fast_sender", with(0.01, 1.0, 20.0, 0.0, 0.0, 100.0)},
                      Scenario{"drift_slow_sender", with(0.01, 1.0, 20.0, 0.0, 0.0, -100.0)}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace tipring::audio::testing
