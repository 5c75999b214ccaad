// The line-generate step grammar and the line tools' command lines (what each step becomes,
// and the message each bad argument gets), without running the tools.
#include "client/cli/line_tool_options.h"

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

TEST(LineGenerateStep, SilenceToneAndAlertCarryTheirLengths) {
  const auto silence = parse_generate_step("silence:250");
  ASSERT_TRUE(silence) << silence.error().describe();
  EXPECT_DOUBLE_EQ(std::get<pots::GenerateSilence>(*silence).ms, 250.0);

  const auto tone = parse_generate_step("tone:call-waiting:300");
  ASSERT_TRUE(tone) << tone.error().describe();
  EXPECT_EQ(std::get<pots::GenerateTone>(*tone).tone, pots::ProgressTone::kCallWaiting);
  EXPECT_DOUBLE_EQ(std::get<pots::GenerateTone>(*tone).ms, 300.0);

  const auto alert = parse_generate_step("alert");
  ASSERT_TRUE(alert);
  EXPECT_DOUBLE_EQ(std::get<pots::GenerateAlert>(*alert).ms, 80.0);
}

TEST(LineGenerateStep, DtmfKeysAreUpperCasedAndTimingIsOptional) {
  const auto plain = parse_generate_step("dtmf:12ab*#");
  ASSERT_TRUE(plain);
  const auto& keys = std::get<pots::GenerateDtmf>(*plain);
  EXPECT_EQ(keys.keys, "12AB*#");
  EXPECT_DOUBLE_EQ(keys.settings.on_ms, 100.0);
  const auto timed = parse_generate_step("dtmf:5:40:60");
  ASSERT_TRUE(timed);
  EXPECT_DOUBLE_EQ(std::get<pots::GenerateDtmf>(*timed).settings.on_ms, 40.0);
  EXPECT_DOUBLE_EQ(std::get<pots::GenerateDtmf>(*timed).settings.off_ms, 60.0);
}

TEST(LineGenerateStep, CallerIdFormatsChooseMessageAndBurst) {
  const auto etsi = parse_generate_step("cid:etsi:0612345678:Jean:11260930");
  ASSERT_TRUE(etsi) << etsi.error().describe();
  const auto& e = std::get<pots::GenerateCallerId>(*etsi);
  EXPECT_EQ(e.format, pots::CallerIdFormat::kMdmf);
  EXPECT_EQ(e.burst.standard.mark_hz, pots::kV23.mark_hz);
  EXPECT_EQ(e.id.number, "0612345678");
  EXPECT_EQ(e.id.name, "Jean");
  EXPECT_EQ(e.id.when, (pots::CallerIdDateTime{11, 26, 9, 30}));

  const auto type2 = parse_generate_step("cid:type2:P");
  ASSERT_TRUE(type2);
  const auto& t = std::get<pots::GenerateCallerId>(*type2);
  EXPECT_EQ(t.burst.seizure_bits, 0);
  EXPECT_EQ(t.burst.mark_bits, 80);
  EXPECT_EQ(t.id.number_absent, pots::Absence::kPrivate);

  const auto sdmf = parse_generate_step("cid:sdmf:5551234");
  ASSERT_TRUE(sdmf);
  EXPECT_EQ(std::get<pots::GenerateCallerId>(*sdmf).format, pots::CallerIdFormat::kSdmf);

  const auto dtmf = parse_generate_step("dtmf-cid:O");
  ASSERT_TRUE(dtmf);
  EXPECT_EQ(std::get<pots::GenerateDtmfCallerId>(*dtmf).id.number_absent,
            pots::Absence::kUnavailable);
}

struct BadStep {
  const char* spec;
  const char* message;
};

class BadGenerateSteps : public ::testing::TestWithParam<BadStep> {};

TEST_P(BadGenerateSteps, AreRejectedWithAMessageNamingTheProblem) {
  const auto step = parse_generate_step(GetParam().spec);
  ASSERT_FALSE(step) << GetParam().spec;
  EXPECT_NE(step.error().detail.find(GetParam().message), std::string::npos) << step.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, BadGenerateSteps,
    ::testing::Values(
        BadStep{"noise:100", "cannot read step"}, BadStep{"silence", "cannot read step"},
        BadStep{"silence:0", "milliseconds from 1"}, BadStep{"silence:10x", "milliseconds from 1"},
        BadStep{"tone:dial", "cannot read step"}, BadStep{"tone:beep:100", "unknown tone 'beep'"},
        BadStep{"dtmf:", "dtmf takes keys"}, BadStep{"dtmf:12:40", "KEYS or KEYS:ON_MS:OFF_MS"},
        BadStep{"cid:bell:123", "unknown caller-ID format"}, BadStep{"cid:mdmf", "needs a number"},
        BadStep{"cid:mdmf:12a", "non-digit"}, BadStep{"cid:sdmf:123:BOB", "SDMF carries no name"},
        BadStep{"cid:mdmf:123:BOB:1126093", "MMDDHHMM"},
        BadStep{"cid:mdmf:123:BOB:13260930", "not a valid MMDDHHMM"},
        BadStep{"cid:mdmf:123:BOB:11260930:x", "extra fields"},
        BadStep{"dtmf-cid:123:BOB", "cannot read step"}));

TEST(LineToolCommandLines, AnalyzeTakesOneFileAndAPlan) {
  const auto ok = parse_line_analyze({"--plan", "de", "call.wav"});
  EXPECT_TRUE(ok.error.empty()) << ok.error;
  EXPECT_EQ(ok.options.input, "call.wav");
  EXPECT_EQ(ok.options.plan->code, "DE");
  EXPECT_EQ(parse_line_analyze({"a.wav", "b.wav"}).error,
            "line-analyze takes one file, got 'b.wav' as well");
  EXPECT_EQ(parse_line_analyze({"--plan"}).error, "--plan needs a country code");
  EXPECT_TRUE(parse_line_analyze({"--help"}).help);
}

TEST(LineToolCommandLines, GenerateKeepsStepsInOrder) {
  const auto ok = parse_line_generate({"silence:10", "-o", "x.wav", "dtmf:1", "alert:90"});
  ASSERT_TRUE(ok.error.empty()) << ok.error;
  EXPECT_EQ(ok.options.output, "x.wav");
  ASSERT_EQ(ok.options.steps.size(), 3U);
  EXPECT_TRUE(std::holds_alternative<pots::GenerateSilence>(ok.options.steps[0]));
  EXPECT_TRUE(std::holds_alternative<pots::GenerateDtmf>(ok.options.steps[1]));
  EXPECT_TRUE(std::holds_alternative<pots::GenerateAlert>(ok.options.steps[2]));
  EXPECT_EQ(parse_line_generate({"-o", "x.wav", "--loud", "dtmf:1"}).error,
            "unknown option '--loud'");
}

TEST(LineToolHelp, GenerateHelpNamesEveryStepKind) {
  const std::string help = line_generate_help();
  for (const char* step :
       {"silence:MS", "tone:NAME:MS", "dtmf:KEYS[:ON_MS:OFF_MS]",
        "cid:FORMAT:NUMBER[:NAME[:MMDDHHMM]]", "dtmf-cid:NUMBER", "alert[:MS]"}) {
    EXPECT_NE(help.find(step), std::string::npos) << step;
  }
}

}  // namespace
}  // namespace tipring::client
