// Generated recordings analysed back: what line-generate writes, line-analyze finds.
#include "pots/analysis/line_analysis.h"

#include "pots/analysis/line_generation.h"
#include "pots/analysis/wav_file.h"
#include "test_signals.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

CallerId caller() {
  CallerId id;
  id.when = CallerIdDateTime{2, 29, 8, 5};
  id.number = "6175550199";
  id.name = "ADA \"THE\" LOVELACE";
  return id;
}

std::vector<GenerateStep> session() {
  CallerId danish;
  danish.number = "33123456";
  return {GenerateSilence{300}, GenerateCallerId{caller()},
          GenerateSilence{500}, GenerateDtmfCallerId{danish},
          GenerateSilence{500}, GenerateDtmf{"18005551234", {}},
          GenerateSilence{400}, GenerateTone{ProgressTone::kBusy, 4000},
          GenerateSilence{300}, GenerateAlert{80},
          GenerateSilence{300}};
}

TEST(LineAnalysis, FindsEverythingAGeneratedSessionContains) {
  const auto& us = *find_tone_plan("US");
  auto samples = generate_line_audio(session(), us);
  test::add_noise(samples, -50.0, 3);
  const auto analysis = analyze_line(samples, us);

  ASSERT_EQ(analysis.caller_ids.size(), 1U);
  EXPECT_EQ(analysis.caller_ids[0].decoded.value(), caller());
  EXPECT_NEAR(analysis.caller_ids[0].start_ms, 300.0 + (300 + 180) / 1.2, 5.0);

  std::string keys;
  for (const auto& d : analysis.digits) {
    keys += d.key;
  }
  EXPECT_EQ(keys, "A33123456C18005551234");
  ASSERT_EQ(analysis.dtmf_caller_ids.size(), 1U);
  EXPECT_EQ(analysis.dtmf_caller_ids[0].decoded.value().number, "33123456");

  ASSERT_EQ(analysis.tones.size(), 1U);
  EXPECT_EQ(analysis.tones[0].tone, ProgressTone::kBusy);
  ASSERT_EQ(analysis.alerts.size(), 1U);
  EXPECT_NEAR(analysis.alerts[0].duration_ms, 80.0, 8.0);
}

TEST(LineAnalysis, DigitStartTimesAreWithinAWindow) {
  const auto& plan = default_tone_plan();
  const auto samples = generate_line_audio(
      {GenerateSilence{1000}, GenerateDtmf{"5", {}}, GenerateSilence{900}, GenerateDtmf{"7", {}}},
      plan);
  const auto analysis = analyze_line(samples, plan);
  ASSERT_EQ(analysis.digits.size(), 2U);
  EXPECT_NEAR(analysis.digits[0].start_ms, 1000.0, 15.0);
  EXPECT_NEAR(analysis.digits[1].start_ms, 2100.0, 15.0);
}

TEST(LineAnalysis, JsonNamesEachFindingAndEscapesText) {
  const auto& us = *find_tone_plan("US");
  const auto json = to_json(analyze_line(generate_line_audio(session(), us), us), us);
  EXPECT_NE(json.find("\"tone_plan\":\"US\""), std::string::npos) << json;
  EXPECT_NE(json.find("{\"key\":\"1\",\"start_ms\":"), std::string::npos) << json;
  EXPECT_NE(json.find("\"tone\":\"busy\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"ADA \\\"THE\\\" LOVELACE\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"keys\":\"A33123456C\""), std::string::npos) << json;
}

TEST(LineAnalysis, SurvivesAWavRoundTrip) {
  const auto& us = *find_tone_plan("US");
  const auto path = std::filesystem::temp_directory_path() /
                    ("tipring-line-" +
                     std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".wav");
  ASSERT_TRUE(write_wav(path, WavAudio{8000, 1, generate_line_audio(session(), us)}));
  const auto wav = read_wav(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(wav) << wav.error().describe();
  EXPECT_EQ(analyze_line(wav->samples, us).caller_ids.size(), 1U);
}

}  // namespace
}  // namespace tipring::pots
