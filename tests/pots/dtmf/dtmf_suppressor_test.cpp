// DtmfSuppressor: the in-band path runs one detector decision latency late, every keypad
// tone is blanked from its first sample to its last wherever it starts against the
// detector's windows and whatever its level, twist and deviation within Q.24's acceptance,
// and everything else passes bit-exact.
#include "pots/dtmf/dtmf_suppressor.h"

#include "pots/dtmf/dtmf_generator.h"
#include "test_signals.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using test::Buffer;

constexpr std::size_t kBlock = 80;  // the line's 10 ms block
constexpr auto kDelay = static_cast<std::ptrdiff_t>(DtmfSuppressor::kDelay);

struct Passed {
  Buffer out;
  std::string keys;
};

Passed suppress(const Buffer& in, bool blank, std::size_t block = kBlock) {
  DtmfSuppressor suppressor(true);
  Passed passed;
  passed.out.resize(in.size());
  std::vector<DtmfDigit> digits;
  for (std::size_t at = 0; at < in.size(); at += block) {
    const std::size_t n = std::min(block, in.size() - at);
    suppressor.process(Samples(in).subspan(at, n), MutableSamples(passed.out).subspan(at, n), blank,
                       digits);
  }
  for (const auto& d : digits) {
    passed.keys += d.key;
  }
  return passed;
}

// Output samples (by output index) that are not the input's, delayed.
std::vector<std::ptrdiff_t> altered(const Buffer& in, const Passed& passed) {
  std::vector<std::ptrdiff_t> out;
  for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(in.size()); ++i) {
    const std::int16_t expected = i < kDelay ? 0 : in[static_cast<std::size_t>(i - kDelay)];
    if (passed.out[static_cast<std::size_t>(i)] != expected) {
      out.push_back(i);
    }
  }
  return out;
}

TEST(DtmfSuppressor, PassesAudioWithoutKeysBitExactOneDecisionLatencyLate) {
  Buffer noise = test::silence_ms(500);
  test::add_noise(noise, -20.0, 5);
  for (const std::size_t block :
       {std::size_t{1}, std::size_t{80}, std::size_t{160}, std::size_t{333}}) {
    const Passed passed = suppress(noise, true, block);
    EXPECT_TRUE(altered(noise, passed).empty()) << "blocks of " << block;
    EXPECT_EQ(passed.keys, "");
  }
  EXPECT_EQ(DtmfSuppressor::kDelay, 153U) << "19.125 ms at 8 kHz";
}

TEST(DtmfSuppressor, WithoutTheDelayPassesTheInputAsItCame) {
  DtmfSuppressor suppressor(false);
  EXPECT_EQ(suppressor.delay(), 0U);
  const Buffer tone = generate_dtmf("7", {});
  Buffer out(tone.size());
  std::vector<DtmfDigit> digits;
  suppressor.process(tone, out, false, digits);
  EXPECT_EQ(out, tone);
  ASSERT_EQ(digits.size(), 1U);
  EXPECT_EQ(digits[0].key, '7');
}

TEST(DtmfSuppressor, LeavesKeysInWhenNotAskedToBlank) {
  const Buffer keys = test::concat({test::silence_ms(30), generate_dtmf("159#", {})});
  const Passed passed = suppress(keys, false);
  EXPECT_EQ(passed.keys, "159#");
  EXPECT_TRUE(altered(keys, passed).empty());
}

TEST(DtmfSuppressor, DetectsExactlyAsTheDetectorDoes) {
  Buffer keys = test::concat({test::silence_ms(70), generate_dtmf("123A456B789C*0#D", {})});
  test::add_noise(keys, -35.0, 9);
  DtmfDetector detector;
  std::vector<DtmfDigit> expected;
  detector.process(keys, expected);
  const Passed passed = suppress(keys, true);
  std::string expected_keys;
  for (const auto& d : expected) {
    expected_keys += d.key;
  }
  EXPECT_EQ(passed.keys, expected_keys);
  EXPECT_EQ(passed.keys, "123A456B789C*0#D");
}

struct ToneCase {
  const char* name;
  DtmfToneSettings tone;
  double noise_dbm0;  // background under the whole signal; below -90: none
};

// Within what Q.24 asks a receiver to accept (reference/telephony.md): level down to
// -25 dBm0 per tone, twist +4 / -8 dB, deviation +-1.5 %, tones of 40 ms.
const ToneCase kToneCases[] = {
    {"keypad", DtmfToneSettings{}, -100.0},
    {"keypad_in_noise", DtmfToneSettings{}, -40.0},
    {"quiet", DtmfToneSettings{100.0, 100.0, -25.0, -25.0, 1.0, 1.0}, -100.0},
    {"normal_twist", DtmfToneSettings{100.0, 100.0, -12.0, -8.0, 1.0, 1.0}, -100.0},
    {"reverse_twist", DtmfToneSettings{100.0, 100.0, -6.0, -14.0, 1.0, 1.0}, -100.0},
    {"low_by_1_5_percent", DtmfToneSettings{100.0, 100.0, -8.0, -6.0, 0.985, 0.985}, -100.0},
    {"high_by_1_5_percent", DtmfToneSettings{100.0, 100.0, -8.0, -6.0, 1.015, 1.015}, -100.0},
    {"shortest_accepted", DtmfToneSettings{40.0, 40.0, -8.0, -6.0, 1.0, 1.0}, -100.0},
};

class DtmfSuppressorTone
    : public ::testing::TestWithParam<std::tuple<ToneCase, int /*lead-in samples*/>> {};

TEST_P(DtmfSuppressorTone, BlanksEveryToneFromItsFirstSampleToItsLastAndNothingFarOutside) {
  const auto& [tone_case, lead_in] = GetParam();
  const std::string keys = "1D*";
  Buffer in = test::concat({Buffer(static_cast<std::size_t>(lead_in), 0),
                            generate_dtmf(keys, tone_case.tone), test::silence_ms(100)});
  if (tone_case.noise_dbm0 > -90.0) {
    test::add_noise(in, tone_case.noise_dbm0, 21);
  }
  const Passed passed = suppress(in, true);
  ASSERT_EQ(passed.keys, keys);

  const auto on = static_cast<std::ptrdiff_t>(samples_from_ms(tone_case.tone.on_ms));
  const auto period = on + static_cast<std::ptrdiff_t>(samples_from_ms(tone_case.tone.off_ms));
  const auto changed = altered(in, passed);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    // The tone in output samples.
    const std::ptrdiff_t begin = lead_in + static_cast<std::ptrdiff_t>(k) * period + kDelay;
    const std::ptrdiff_t end = begin + on;
    for (std::ptrdiff_t i = begin; i < end; ++i) {
      ASSERT_EQ(passed.out[static_cast<std::size_t>(i)], 0)
          << "key " << keys[k] << ", " << i - begin << " samples into its tone";
    }
    // What was blanked around it: at most a decision latency before (the tone is blanked
    // whole, above), the hang and the windows still overlapping the tone's end after it.
    if (k == 0) {
      ASSERT_FALSE(changed.empty());
      EXPECT_GE(changed.front(), begin - kDelay) << "blanked too early";
    }
    const std::ptrdiff_t hang_end =
        end + static_cast<std::ptrdiff_t>(DtmfSuppressor::kHang + DtmfDetector::kWindow);
    const auto after = std::lower_bound(changed.begin(), changed.end(), hang_end);
    if (after != changed.end()) {
      EXPECT_GE(*after, begin + period - kDelay) << "key " << keys[k] << ": blanked too long";
    }
  }
  for (const auto i : changed) {
    EXPECT_EQ(passed.out[static_cast<std::size_t>(i)], 0) << "blanked, never altered, at " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(AtEveryAlignment, DtmfSuppressorTone,
                         ::testing::Combine(::testing::ValuesIn(kToneCases),
                                            ::testing::Values(0, 3, 10, 17, 24, 31, 38, 45, 50, 57,
                                                              64, 71, 79, 101)),
                         [](const auto& param_info) {
                           return std::string(std::get<0>(param_info.param).name) + "_at_" +
                                  std::to_string(std::get<1>(param_info.param));
                         });

TEST(DtmfSuppressor, SpeechPassesUnblanked) {
  const auto speech = test::speech(
      "One two three four five six seven eight nine zero. Please hold the line.", "en-us");
  if (!speech) {
    GTEST_SKIP() << "espeak-ng is not available";
  }
  const Passed passed = suppress(*speech, true);
  EXPECT_EQ(passed.keys, "");
  EXPECT_TRUE(altered(*speech, passed).empty()) << "no talk-off: nothing of the speech is cut";
}

}  // namespace
}  // namespace tipring::pots
