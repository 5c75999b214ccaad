#include "audio/codec/g711_plc.h"

#include "tests/audio/signal_analysis.h"

#include <vector>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

// A 100 Hz tone has an 80-sample period at 8 kHz.
std::vector<std::int16_t> tone(std::size_t samples, std::size_t start) {
  return testing::sine(100.0, 8000.0, 8000, samples, start);
}

G711Concealer primed() {
  G711Concealer concealer;
  for (std::size_t at = 0; at < 800; at += 80) {
    auto frame = tone(80, at);
    concealer.on_good_frame(frame);
  }
  return concealer;
}

TEST(G711Concealer, FindsThePitchOfAPeriodicSignal) {
  G711Concealer concealer = primed();
  std::vector<std::int16_t> out(80);
  concealer.conceal(out);
  EXPECT_EQ(concealer.pitch_samples(), 80U);
}

TEST(G711Concealer, FirstTenMillisecondsContinueTheWaveform) {
  G711Concealer concealer = primed();
  std::vector<std::int16_t> out(80);
  concealer.conceal(out);
  EXPECT_GE(testing::snr_db(tone(80, 800), out), 20.0);
}

TEST(G711Concealer, FadesAfterTenMillisecondsAndIsSilentAfterSixty) {
  G711Concealer concealer = primed();
  std::vector<std::int16_t> out(80);
  std::vector<double> levels;
  for (int i = 0; i < 8; ++i) {
    concealer.conceal(out);
    levels.push_back(testing::rms(out));
  }
  EXPECT_NEAR(levels[0], 8000.0 / std::sqrt(2.0), 300.0);
  for (std::size_t i = 1; i < 6; ++i) {
    EXPECT_LT(levels[i], levels[i - 1]) << i;
  }
  EXPECT_EQ(levels[6], 0.0);
  EXPECT_EQ(levels[7], 0.0);
}

TEST(G711Concealer, MergesIntoTheFirstGoodFrameWithoutAJump) {
  G711Concealer concealer = primed();
  std::vector<std::int16_t> lost(80);
  concealer.conceal(lost);
  // A good frame arriving a quarter period off would click without the overlap-add.
  auto good = tone(80, 860);
  const auto untouched = good;
  concealer.on_good_frame(good);
  EXPECT_NE(good[0], untouched[0]);
  EXPECT_LT(std::abs(good[0] - lost[79]), std::abs(untouched[0] - lost[79]));
  EXPECT_EQ(good[79], untouched[79]);
}

}  // namespace
}  // namespace tipring::audio
