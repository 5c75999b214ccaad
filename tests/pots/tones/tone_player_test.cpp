#include "pots/tones/tone_player.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

// One character per 10 ms: '#' where the signal is on, '.' where it is silent.
std::string on_off_map(const std::vector<std::int16_t>& samples) {
  std::string map;
  for (std::size_t at = 0; at + 80 <= samples.size(); at += 80) {
    double energy = 0.0;
    for (std::size_t i = at; i < at + 80; ++i) {
      energy += static_cast<double>(samples[i]) * samples[i];
    }
    map += power_to_dbm0(energy / 80) > -40.0 ? '#' : '.';
  }
  return map;
}

TEST(TonePlayer, PlaysUsBusyAtHalfSecondOnHalfSecondOff) {
  const auto map = on_off_map(render_tone(find_tone_plan("US")->busy, 2000));
  EXPECT_EQ(map, std::string(50, '#') + std::string(50, '.') + std::string(50, '#') +
                     std::string(50, '.'));
}

TEST(TonePlayer, PlaysUkRingbackDoubleRing) {
  const auto map = on_off_map(render_tone(find_tone_plan("UK")->ringback, 3000));
  EXPECT_EQ(map, std::string(40, '#') + std::string(20, '.') + std::string(40, '#') +
                     std::string(200, '.'));
}

TEST(TonePlayer, StutterDialInterruptsTenTimesThenHoldsSteady) {
  const auto map = on_off_map(render_tone(find_tone_plan("US")->stutter_dial, 4000));
  std::string expected;
  for (int i = 0; i < 10; ++i) {
    expected += std::string(10, '#') + std::string(10, '.');
  }
  expected += std::string(200, '#');
  EXPECT_EQ(map, expected);
}

TEST(TonePlayer, PlaysTheDialToneLevel) {
  const auto samples = render_tone(find_tone_plan("DE")->dial, 1000);
  double energy = 0.0;
  for (auto s : samples) {
    energy += static_cast<double>(s) * s;
  }
  EXPECT_NEAR(power_to_dbm0(energy / static_cast<double>(samples.size())), -13.0, 0.1);
}

TEST(TonePlayer, SteadyToneHasNoPhaseJumpAtSegmentBoundaries) {
  const auto samples = render_tone(find_tone_plan("DE")->dial, 2500);
  // A 425 Hz sine at -13 dBm0 changes by at most A*2*pi*425/8000 per sample.
  const double max_step = dbm0_to_amplitude(-13.0) * 2.0 * 3.14159 * 425.0 / 8000.0 + 2.0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    ASSERT_LE(std::abs(samples[i] - samples[i - 1]), max_step) << "at sample " << i;
  }
}

TEST(TonePlayer, StopSilencesTheLine) {
  TonePlayer player;
  player.play(find_tone_plan("FR")->dial);
  std::vector<std::int16_t> block(160);
  player.render(block);
  EXPECT_NE(on_off_map(block), "..");
  player.stop();
  player.render(block);
  EXPECT_EQ(on_off_map(block), "..");
}

}  // namespace
}  // namespace tipring::pots
