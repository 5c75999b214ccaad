// DTMF generation and detection against ITU-T Q.24 at the tolerance edges.
#include "pots/dtmf/dtmf_detector.h"

#include "pots/dtmf/dtmf_generator.h"
#include "pots/dtmf/dtmf_keys.h"
#include "test_signals.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using test::Buffer;

const std::string kAllKeys = "123A456B789C*0#D";

std::string detect(const Buffer& samples) {
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  // Feed in uneven blocks, as a line would.
  std::size_t at = 0;
  std::size_t block = 37;
  while (at < samples.size()) {
    const auto n = std::min(block, samples.size() - at);
    detector.process(Samples(samples).subspan(at, n), digits);
    at += n;
    block = block == 37 ? 160 : 37;
  }
  std::string keys;
  for (const auto& d : digits) {
    keys += d.key;
  }
  return keys;
}

Buffer key_with_padding(char key, const DtmfToneSettings& settings, double lead_ms = 50.0) {
  return test::concat({test::silence_ms(lead_ms), generate_dtmf(std::string(1, key), settings),
                       test::silence_ms(50)});
}

TEST(DtmfDetector, FindsEveryKeyOfTheGeneratorInOrder) {
  EXPECT_EQ(detect(generate_dtmf(kAllKeys, {})), kAllKeys);
}

TEST(DtmfDetector, ReportsStartTimesOfEachKey) {
  const Buffer signal = test::concat({test::silence_ms(300), generate_dtmf("59", {})});
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  detector.process(signal, digits);
  ASSERT_EQ(digits.size(), 2U);
  EXPECT_NEAR(ms_from_samples(digits[0].start_sample), 300.0, 15.0);
  EXPECT_NEAR(ms_from_samples(digits[1].start_sample), 500.0, 15.0);
}

TEST(DtmfDetector, SilenceAndNoiseAloneProduceNoKeys) {
  Buffer noise = test::silence_ms(5000);
  test::add_noise(noise, -10.0, 7);
  EXPECT_EQ(detect(noise), "");
  EXPECT_EQ(detect(test::silence_ms(1000)), "");
}

struct FrequencyCase {
  double low_deviation;
  double high_deviation;
  bool accepted;
};

class DtmfFrequencyTolerance : public testing::TestWithParam<FrequencyCase> {};

TEST_P(DtmfFrequencyTolerance, AcceptsWithinOnePointFiveRejectsBeyondThreePointFivePercent) {
  const auto c = GetParam();
  DtmfToneSettings settings;
  settings.low_frequency_scale = 1.0 + c.low_deviation;
  settings.high_frequency_scale = 1.0 + c.high_deviation;
  for (char key : kAllKeys) {
    const auto got = detect(key_with_padding(key, settings));
    EXPECT_EQ(got, c.accepted ? std::string(1, key) : "")
        << "key " << key << " low " << c.low_deviation << " high " << c.high_deviation;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Q24, DtmfFrequencyTolerance,
    testing::Values(FrequencyCase{0.015, 0.015, true}, FrequencyCase{-0.015, -0.015, true},
                    FrequencyCase{0.015, -0.015, true}, FrequencyCase{-0.015, 0.015, true},
                    FrequencyCase{0.035, 0.0, false}, FrequencyCase{-0.035, 0.0, false},
                    FrequencyCase{0.0, 0.035, false}, FrequencyCase{0.0, -0.035, false},
                    FrequencyCase{0.05, 0.05, false}, FrequencyCase{-0.06, -0.06, false}));

struct LevelCase {
  double low_dbm0;
  double high_dbm0;
  bool accepted;
  const char* what;
};

class DtmfLevels : public testing::TestWithParam<LevelCase> {};

TEST_P(DtmfLevels, AcceptsQ24TwistAndLevelRange) {
  const auto c = GetParam();
  DtmfToneSettings settings;
  settings.low_dbm0 = c.low_dbm0;
  settings.high_dbm0 = c.high_dbm0;
  for (char key : kAllKeys) {
    EXPECT_EQ(detect(key_with_padding(key, settings)), c.accepted ? std::string(1, key) : "")
        << c.what << " key " << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Q24, DtmfLevels,
                         testing::Values(LevelCase{-10, -6, true, "normal twist +4 dB"},
                                         LevelCase{-6, -14, true, "reverse twist -8 dB"},
                                         LevelCase{-14, -6, false, "normal twist +8 dB"},
                                         LevelCase{-4, -16, false, "reverse twist -12 dB"},
                                         LevelCase{-25, -25, true, "-25 dBm0 per tone"},
                                         LevelCase{0, 0, true, "0 dBm0 per tone"},
                                         LevelCase{-24, -28, true, "quiet with reverse twist"},
                                         LevelCase{-36, -36, false,
                                                   "below the sensitivity floor"}));

struct DurationCase {
  double on_ms;
  bool accepted;
};

class DtmfDuration : public testing::TestWithParam<DurationCase> {};

TEST_P(DtmfDuration, AcceptsFortyMillisecondsRejectsUnderTwentyThree) {
  const auto c = GetParam();
  DtmfToneSettings settings;
  settings.on_ms = c.on_ms;
  settings.off_ms = 0;
  // Every alignment of the tone against the analysis windows (hop 51 samples).
  for (int lead = 0; lead < 51; lead += 3) {
    for (char key : std::string("159D")) {
      const auto got = detect(key_with_padding(key, settings, 40.0 + lead / 8.0));
      EXPECT_EQ(got, c.accepted ? std::string(1, key) : "")
          << c.on_ms << " ms, lead " << lead << " samples, key " << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Q24, DtmfDuration,
                         testing::Values(DurationCase{40, true}, DurationCase{45, true},
                                         DurationCase{23, false}, DurationCase{20, false},
                                         DurationCase{10, false}));

TEST(DtmfDetector, SeparatesKeysWithFortyMillisecondPauses) {
  DtmfToneSettings settings;
  settings.on_ms = 40;
  settings.off_ms = 40;
  EXPECT_EQ(detect(generate_dtmf("1122334455", settings)), "1122334455");
  EXPECT_EQ(detect(generate_dtmf(kAllKeys, settings)), kAllKeys);
}

TEST(DtmfDetector, ToleratesNoiseFifteenDecibelsBelowTheTones) {
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    Buffer signal =
        test::concat({test::silence_ms(100), generate_dtmf(kAllKeys, {}), test::silence_ms(100)});
    // Tones at -8 and -6 dBm0 carry about -3.9 dBm0 together.
    test::add_noise(signal, -3.9 - 15.0, seed);
    EXPECT_EQ(detect(signal), kAllKeys) << "seed " << seed;
  }
}

TEST(DtmfDetector, ToleratesNoiseAtEdgeOfFrequencyAndTwist) {
  DtmfToneSettings settings;
  settings.low_frequency_scale = 1.015;
  settings.high_frequency_scale = 0.985;
  settings.low_dbm0 = -6;
  settings.high_dbm0 = -14;
  Buffer signal = generate_dtmf(kAllKeys, settings);
  test::add_noise(signal, -25.0, 11);
  EXPECT_EQ(detect(signal), kAllKeys);
}

TEST(DtmfDetector, SingleTonesAreNotKeys) {
  for (double hz : {697.0, 941.0, 1209.0, 1633.0}) {
    EXPECT_EQ(detect(test::tones({{hz, -5.0}}, 200)), "") << hz;
  }
}

}  // namespace
}  // namespace tipring::pots
