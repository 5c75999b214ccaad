// In-band DTMF suppression on a talking line: a keypad digit reaches the far end once, as an
// RFC 4733 event, and no part of its tone travels in the call's audio as well (a far-end IVR
// would otherwise hear the leaked fragment as a second key press). Measured on the audio the
// line hands to the call, with Goertzel filters at the eight Q.23 frequencies. Fake clock.
#include "line_bench.h"
#include "pots/dsp/tone_correlator.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/dtmf/dtmf_keys.h"
#include "test_signals.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using namespace test;

// Goertzel windows: 10 ms, slid 2.5 ms at a time, so no fragment of a tone falls between two.
constexpr std::size_t kProbeWindow = 80;
constexpr std::size_t kProbeHop = 20;
// A keypad sends each tone at -6 to -8 dBm0; receivers accept down to about -25 dBm0.
// Nothing of the tone may be left: 40 dB under what any receiver hears.
constexpr double kMaxLeakDbm0 = -65.0;

// The loudest any of the eight DTMF frequencies is in any probe window of `audio`, in dBm0.
double loudest_dtmf_tone_dbm0(const std::vector<std::int16_t>& audio) {
  std::vector<ToneCorrelator> probes;
  for (const auto& group : {kDtmfLowHz, kDtmfHighHz}) {
    for (const double hz : group) {
      probes.emplace_back(hz, kProbeWindow);
    }
  }
  double loudest = -std::numeric_limits<double>::infinity();
  std::vector<float> window(kProbeWindow);
  for (std::size_t at = 0; at + kProbeWindow <= audio.size(); at += kProbeHop) {
    std::transform(audio.begin() + static_cast<std::ptrdiff_t>(at),
                   audio.begin() + static_cast<std::ptrdiff_t>(at + kProbeWindow), window.begin(),
                   [](std::int16_t v) { return static_cast<float>(v); });
    for (const auto& probe : probes) {
      const double amplitude = tone_amplitude(probe.correlate(window), probe.frequency_hz(),
                                              probe.frequency_hz(), kProbeWindow);
      if (amplitude > 0.0) {
        loudest = std::max(loudest, amplitude_to_dbm0(amplitude));
      }
    }
  }
  return loudest;
}

std::string digits_sent(const FakeTelephony& telephony) {
  std::string keys;
  for (const auto& a : telephony.actions) {
    if (a.rfind("digit 100 ", 0) == 0) {
      keys += a.back();
    }
  }
  return keys;
}

// Plays `audio` into the handset microphone, one block after another, then silence.
std::function<void(MutableSamples)> play(std::vector<std::int16_t> audio) {
  return [audio = std::move(audio), at = std::size_t{0}](MutableSamples block) mutable {
    for (auto& sample : block) {
      sample = at < audio.size() ? audio[at++] : std::int16_t{0};
    }
  };
}

// Where the tones start against the line's 10 ms blocks and the detector's 51-sample hops:
// every residue of both matters (a tone that starts just after a window began is the one
// the detector sees latest).
class KeypadToneOnTheUplink : public ::testing::TestWithParam<int> {};

TEST_P(KeypadToneOnTheUplink, LeavesNoTraceInTheCallAudioAndGoesOutAsOneEventPerKey) {
  Bench bench;
  bench.talking();
  bench.uplink.clear();
  const std::string keys = "159#*0D";
  bench.microphone = play(concat(
      {Buffer(static_cast<std::size_t>(GetParam()), 0), generate_dtmf(keys, DtmfToneSettings{})}));
  bench.advance(seconds(2));

  EXPECT_EQ(digits_sent(bench.telephony), keys) << "each key once, as an event";
  ASSERT_GT(bench.uplink.size(), 15000U);
  EXPECT_LT(loudest_dtmf_tone_dbm0(bench.uplink), kMaxLeakDbm0)
      << "no fragment of a keypad tone in the call's in-band audio";
}

INSTANTIATE_TEST_SUITE_P(StartingAnywhereInABlockAndAHop, KeypadToneOnTheUplink,
                         ::testing::Values(0, 1, 9, 17, 25, 30, 38, 45, 50, 51, 52, 63, 72, 79, 101,
                                           127, 153));

TEST(UplinkDtmfSuppression, TheTelephonesOwnKeypadLeavesNoTraceInTheCallAudio) {
  Bench bench;
  bench.talking();
  bench.uplink.clear();
  bench.phone.press_keys("159#");
  bench.advance(seconds(1));
  EXPECT_EQ(digits_sent(bench.telephony), "159#");
  EXPECT_LT(loudest_dtmf_tone_dbm0(bench.uplink), kMaxLeakDbm0);
}

// The stretches (output index, length) where the call's audio is not the telephone's,
// `delay` samples late: blanked. A noise sample that happens to be 0 inside such a stretch
// does not split it.
std::vector<std::pair<std::size_t, std::size_t>> blanked(const Bench& bench, std::size_t delay) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (std::size_t i = delay; i < bench.uplink.size(); ++i) {
    if (bench.uplink[i] == bench.from_phone[i - delay]) {
      continue;
    }
    EXPECT_EQ(bench.uplink[i], 0) << "blanked, never altered, at " << i;
    const bool continues =
        !runs.empty() &&
        std::all_of(bench.uplink.begin() +
                        static_cast<std::ptrdiff_t>(runs.back().first + runs.back().second),
                    bench.uplink.begin() + static_cast<std::ptrdiff_t>(i),
                    [](std::int16_t v) { return v == 0; });
    if (continues) {
      runs.back().second = i + 1 - runs.back().first;
    } else {
      runs.emplace_back(i, 1);
    }
  }
  return runs;
}

TEST(UplinkDtmfSuppression, TheCallsAudioIsTheTelephonesOneDecisionLatencyLateSaveTheTones) {
  Bench bench;
  bench.talking();
  bench.uplink.clear();
  bench.from_phone.clear();
  Buffer voice = test::silence_ms(1900);
  test::add_noise(voice, -30.0, 17);  // stands in for someone talking while dialling
  const std::string keys = "1590";
  Buffer with_keys = voice;
  const Buffer tones = concat({test::silence_ms(200), generate_dtmf(keys, DtmfToneSettings{})});
  mix_into(with_keys, tones);
  bench.microphone = play(with_keys);
  bench.advance(milliseconds(1900));

  EXPECT_EQ(digits_sent(bench.telephony), keys);
  const std::size_t delay = bench.controller.uplink_delay_samples();
  EXPECT_EQ(delay, 153U) << "19.125 ms: the DTMF detector's decision latency";
  const auto runs = blanked(bench, delay);
  ASSERT_EQ(runs.size(), keys.size()) << "one blanked stretch per key, the rest untouched";
  const std::size_t tone = 800;  // 100 ms
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const std::size_t begin = 1600 + k * 1600 + delay;  // the tone, in the call's audio
    EXPECT_LE(runs[k].first, begin) << "key " << keys[k];
    EXPECT_GE(runs[k].first + runs[k].second, begin + tone) << "key " << keys[k];
    EXPECT_LE(runs[k].second,
              tone + DtmfSuppressor::kDelay + DtmfSuppressor::kHang + DtmfDetector::kWindow)
        << "key " << keys[k] << ": the voice around it is cut no longer than needed";
  }
}

TEST(UplinkDtmfSuppression, AClickReachesTheCallExactlyOneDecisionLatencyLater) {
  Bench bench;
  bench.talking();
  bench.uplink.clear();
  bench.from_phone.clear();
  Buffer click = test::silence_ms(100);
  click[437] = 12000;
  bench.microphone = play(click);
  bench.advance(milliseconds(100));
  const auto sent = std::find(bench.from_phone.begin(), bench.from_phone.end(), 12000);
  const auto heard = std::find(bench.uplink.begin(), bench.uplink.end(), 12000);
  ASSERT_NE(sent, bench.from_phone.end());
  ASSERT_NE(heard, bench.uplink.end());
  EXPECT_EQ((heard - bench.uplink.begin()) - (sent - bench.from_phone.begin()), 153)
      << "19.125 ms at 8 kHz";
}

}  // namespace
}  // namespace tipring::pots
