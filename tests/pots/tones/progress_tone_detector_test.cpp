#include "pots/tones/progress_tone_detector.h"

#include "pots/tones/tone_player.h"
#include "test_signals.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

std::vector<ProgressToneEvent> analyse(const TonePlan& plan, const test::Buffer& samples) {
  ProgressToneDetector detector(plan);
  std::vector<ProgressToneEvent> events;
  for (std::size_t at = 0; at < samples.size(); at += 160) {
    detector.process(Samples(samples).subspan(at, std::min<std::size_t>(160, samples.size() - at)),
                     events);
  }
  return events;
}

struct PlanSignal {
  std::string plan;
  ProgressTone tone;
};

std::string name(const testing::TestParamInfo<PlanSignal>& info) {
  std::string text = info.param.plan + "_" + std::string(progress_tone_name(info.param.tone));
  for (auto& c : text) {
    if (c == '-') {
      c = '_';
    }
  }
  return text;
}

std::vector<PlanSignal> every_plan_signal() {
  std::vector<PlanSignal> cases;
  for (const auto& plan : tone_plans()) {
    for (std::size_t t = 0; t < kProgressToneCount; ++t) {
      cases.push_back({std::string(plan.code), static_cast<ProgressTone>(t)});
    }
  }
  return cases;
}

class ProgressToneIdentification : public testing::TestWithParam<PlanSignal> {};

TEST_P(ProgressToneIdentification, NamesTheSignalFirstFromFrequencyAndCadence) {
  const auto& plan = *find_tone_plan(GetParam().plan);
  const auto tone = GetParam().tone;
  // Half a second of silence, then the signal long enough for two cycles of the longest
  // cadence (call waiting repeats every ~10 s), with line noise and 6 dB of loss.
  auto samples = test::concat({test::silence_ms(500), render_tone(plan.signal(tone), 22000)});
  test::apply_gain(samples, -6.0);
  test::add_noise(samples, -55.0, 9);
  const auto events = analyse(plan, samples);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(progress_tone_name(events.front().tone), progress_tone_name(tone));
  EXPECT_NEAR(ms_from_samples(events.front().start_sample), 500.0, 60.0);
}

INSTANTIATE_TEST_SUITE_P(AllPlans, ProgressToneIdentification,
                         testing::ValuesIn(every_plan_signal()), name);

TEST(ProgressToneDetector, IgnoresAnotherPlansDialTone) {
  const auto samples = render_tone(find_tone_plan("US")->dial, 3000);
  EXPECT_TRUE(analyse(*find_tone_plan("DE"), samples).empty());
}

TEST(ProgressToneDetector, ReportsASequenceOfSignals) {
  const auto& us = *find_tone_plan("US");
  const auto samples = test::concat({render_tone(us.dial, 2000), test::silence_ms(700),
                                     render_tone(us.ringback, 14000), render_tone(us.busy, 4000)});
  const auto events = analyse(us, samples);
  std::string names;
  for (const auto& e : events) {
    names += std::string(progress_tone_name(e.tone)) + " ";
  }
  EXPECT_EQ(names, "dial ringback busy ");
}

TEST(ProgressToneDetector, NoiseAndSpeechAreNotTones) {
  test::Buffer noise = test::silence_ms(8000);
  test::add_noise(noise, -20.0, 4);
  EXPECT_TRUE(analyse(default_tone_plan(), noise).empty());
  if (auto spoken = test::speech("Hello, how are you doing today? I am fine, thanks.", "en")) {
    EXPECT_TRUE(analyse(*find_tone_plan("US"), *spoken).empty());
  }
}

}  // namespace
}  // namespace tipring::pots
