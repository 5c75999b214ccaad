// tipring-cli --line: its settings are checked on the command line (exit code 2 with a
// reason), apply only with --line, and the call options a telephone replaces are refused.
#include "client/cli/cli_options.h"
#include "client/line/analog_line.h"

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

CliParseResult parse(std::initializer_list<const char*> args) {
  QStringList list{QStringLiteral("tipring-cli"), QStringLiteral("--account"),
                   QStringLiteral("alice@example.org")};
  for (const char* a : args) {
    list << QString::fromUtf8(a);
  }
  return parse_cli(list);
}

TEST(CliLineOptions, LineModeTakesTonePlanDigitMapCallerIdHandsetAndUsbPhone) {
  const auto r = parse({"--line", "--tone-plan", "UK", "--digit-map", "(999|1xxx|0x.T)",
                        "--caller-id", "etsi", "--handset", "null", "--usb-phone", "auto"});
  ASSERT_TRUE(r.options) << r.error.toStdString();
  EXPECT_TRUE(r.options->line);
  EXPECT_EQ(r.options->tone_plan, "uk");
  EXPECT_EQ(r.options->digit_map, "(999|1xxx|0x.T)");
  EXPECT_EQ(r.options->caller_id, "etsi");
  EXPECT_EQ(r.options->handset, "null");
  EXPECT_EQ(r.options->usb_phone, "auto");
}

TEST(CliLineOptions, DefaultsAreTheItuPlanGr30CallerIdAndTheSystemsSoundDevice) {
  const auto r = parse({"--line"});
  ASSERT_TRUE(r.options) << r.error.toStdString();
  EXPECT_EQ(r.options->tone_plan, "itu");
  EXPECT_EQ(r.options->caller_id, "gr30");
  EXPECT_EQ(r.options->handset, "default");
  EXPECT_TRUE(r.options->usb_phone.isEmpty());
}

struct Refusal {
  std::vector<const char*> args;
  const char* says;
};

class CliLineOptionsRefused : public ::testing::TestWithParam<Refusal> {};

TEST_P(CliLineOptionsRefused, WithAReasonNamingTheSetting) {
  QStringList list{QStringLiteral("tipring-cli"), QStringLiteral("--account"),
                   QStringLiteral("alice@example.org")};
  for (const char* a : GetParam().args) {
    list << QString::fromUtf8(a);
  }
  const auto r = parse_cli(list);
  EXPECT_FALSE(r.options);
  EXPECT_TRUE(r.error.contains(QString::fromUtf8(GetParam().says))) << r.error.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Table, CliLineOptionsRefused,
    ::testing::Values(Refusal{{"--tone-plan", "us"}, "--tone-plan only applies with --line"},
                      Refusal{{"--usb-phone", "auto"}, "--usb-phone only applies with --line"},
                      Refusal{{"--line", "--call", "bob"}, "--call does not apply with --line"},
                      Refusal{{"--line", "--auto-answer"}, "--auto-answer does not apply"},
                      Refusal{{"--line", "--tone-plan", "xx"}, "unknown tone plan 'xx'"},
                      Refusal{{"--line", "--caller-id", "bell"}, "unknown caller-ID standard"},
                      Refusal{{"--line", "--digit-map", "(1xx"}, "digit map"}));

TEST(AnalogLineSettings, CallerIdStandardSetsTheLinesBurstAndTheTelephonesDecoderAlike) {
  const auto etsi = analog_line_settings("de", "", "etsi");
  ASSERT_TRUE(etsi) << etsi.error().describe();
  EXPECT_EQ(etsi->line.plan.code, "DE");
  EXPECT_TRUE(etsi->line.caller_id);
  EXPECT_EQ(etsi->line.type1_burst.standard.mark_hz, pots::kV23.mark_hz);
  EXPECT_EQ(etsi->telephone.caller_id_standard.mark_hz, pots::kV23.mark_hz);

  const auto sdmf = analog_line_settings("us", "(1xxx)", "gr30-sdmf");
  ASSERT_TRUE(sdmf) << sdmf.error().describe();
  EXPECT_EQ(sdmf->line.caller_id_format, pots::CallerIdFormat::kSdmf);
  EXPECT_EQ(sdmf->line.digit_map, "(1xxx)");
  EXPECT_EQ(sdmf->telephone.caller_id_standard.mark_hz, pots::kBell202.mark_hz);

  const auto off = analog_line_settings("itu", "", "OFF");
  ASSERT_TRUE(off) << off.error().describe();
  EXPECT_FALSE(off->line.caller_id);
}

}  // namespace
}  // namespace tipring::client
