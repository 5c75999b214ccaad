// Echo cancellation, noise suppression and the local tones.
#include "audio/dsp/echo_canceller.h"
#include "audio/tone/tone_generator.h"
#include "protocol/core/random.h"
#include "tests/audio/signal_analysis.h"

#include <vector>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

std::vector<std::int16_t> noise(std::size_t samples, double amplitude, std::uint64_t seed) {
  SeededRandom random(seed);
  std::vector<std::int16_t> out(samples);
  for (auto& s : out) {
    const double u = static_cast<double>(random.next_u64() >> 11) * 0x1.0p-53 * 2.0 - 1.0;
    s = static_cast<std::int16_t>(amplitude * u);
  }
  return out;
}

// The microphone hears the loudspeaker 5 ms later at half level: after the filter has
// converged, what is sent has lost most of that echo.
TEST(VoiceProcessor, CancelsASimulatedLoudspeakerEcho) {
  VoiceProcessingConfig config;
  config.noise_suppression = false;
  auto processor = std::move(VoiceProcessor::create(config).value());
  const std::size_t frame = processor->frame_samples();
  const auto far = noise(48000 * 6, 8000.0, 1);
  const std::size_t delay = 240;
  double echo_energy = 0.0;
  double residual_energy = 0.0;
  std::vector<std::int16_t> mic(frame);
  for (std::size_t at = 0; at + frame <= far.size(); at += frame) {
    processor->on_playout(std::span(far).subspan(at, frame));
    for (std::size_t i = 0; i < frame; ++i) {
      const std::size_t t = at + i;
      mic[i] = static_cast<std::int16_t>(t >= delay ? far[t - delay] / 2 : 0);
    }
    const double before = testing::rms(mic);
    processor->process_capture(mic);
    if (at >= 48000 * 4) {  // last two seconds
      echo_energy += before * before;
      const double after = testing::rms(mic);
      residual_energy += after * after;
    }
  }
  const double erle_db = 10.0 * std::log10(echo_energy / std::max(residual_energy, 1.0));
  EXPECT_GT(erle_db, 15.0);
}

TEST(VoiceProcessor, SwitchedOffLeavesTheEchoAlone) {
  VoiceProcessingConfig config;
  config.echo_cancellation = false;
  config.noise_suppression = false;
  auto processor = std::move(VoiceProcessor::create(config).value());
  auto mic = testing::sine(400.0, 5000.0, 48000, processor->frame_samples());
  const auto original = mic;
  processor->on_playout(mic);
  processor->process_capture(mic);
  EXPECT_EQ(mic, original);
  EXPECT_FALSE(processor->echo_cancellation());
}

TEST(VoiceProcessor, NoiseSuppressionLowersSteadyNoise) {
  VoiceProcessingConfig config;
  config.echo_cancellation = false;
  auto processor = std::move(VoiceProcessor::create(config).value());
  const std::size_t frame = processor->frame_samples();
  const auto hiss = noise(48000 * 3, 1500.0, 2);
  double in_energy = 0.0;
  double out_energy = 0.0;
  std::vector<std::int16_t> mic(frame);
  for (std::size_t at = 0; at + frame <= hiss.size(); at += frame) {
    std::copy_n(hiss.begin() + static_cast<long>(at), frame, mic.begin());
    const double before = testing::rms(mic);
    processor->process_capture(mic);
    if (at >= 48000) {
      in_energy += before * before;
      out_energy += testing::rms(mic) * testing::rms(mic);
    }
  }
  EXPECT_LT(out_energy, in_energy / 4.0);  // at least 6 dB quieter
}

struct KeyCase {
  std::string key;
  double low_hz;
  double high_hz;
};

class DtmfFeedback : public ::testing::TestWithParam<KeyCase> {};

TEST_P(DtmfFeedback, PlaysTheQ23PairForOneHundredMilliseconds) {
  const auto shape = find_tone(GetParam().key);
  ASSERT_TRUE(shape);
  ToneGenerator generator(48000);
  generator.start(*shape);
  std::vector<std::int16_t> on(4800);
  generator.generate(on);
  const double low = testing::power_at(on, GetParam().low_hz, 48000);
  const double high = testing::power_at(on, GetParam().high_hz, 48000);
  const double other = testing::power_at(on, 1000.0, 48000);
  EXPECT_GT(low, 100.0 * other);
  EXPECT_GT(high, 100.0 * other);
  EXPECT_FALSE(generator.playing());
  std::vector<std::int16_t> after(480);
  generator.generate(after);
  EXPECT_EQ(testing::rms(after), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Keys, DtmfFeedback,
                         ::testing::Values(KeyCase{"1", 697, 1209}, KeyCase{"5", 770, 1336},
                                           KeyCase{"9", 852, 1477}, KeyCase{"0", 941, 1336},
                                           KeyCase{"*", 941, 1209}, KeyCase{"#", 941, 1477},
                                           KeyCase{"D", 941, 1633}));

TEST(ToneGenerator, RingbackFollowsItsCadence) {
  const auto shape = find_tone("ringback");
  ASSERT_TRUE(shape);
  ToneGenerator generator(8000);
  generator.start(*shape);
  std::vector<std::int16_t> second(8000);
  generator.generate(second);  // 0..1 s: on
  EXPECT_NEAR(testing::dominant_frequency(second, 8000, 300, 600, 5), 425.0, 5.0);
  EXPECT_GT(testing::rms(second), 1000.0);
  generator.generate(second);  // 1..2 s: off
  EXPECT_EQ(testing::rms(second), 0.0);
  for (int i = 0; i < 3; ++i) {
    generator.generate(second);  // 2..5 s: off
  }
  generator.generate(second);  // 5..6 s: on again
  EXPECT_GT(testing::rms(second), 1000.0);
  EXPECT_TRUE(generator.playing());
}

TEST(ToneGenerator, UnknownToneIsNotFound) {
  EXPECT_FALSE(find_tone("fanfare"));
  EXPECT_TRUE(find_tone("ringtone"));
  EXPECT_TRUE(find_tone("busy"));
}

}  // namespace
}  // namespace tipring::audio
