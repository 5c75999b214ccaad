#include "pots/hid/report_descriptor.h"

#include "hid_fixture.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

const HidField* find(const ReportDescriptor& d, HidReportKind kind, HidUsage usage) {
  for (const auto& f : d.fields) {
    if (f.kind == kind && f.usage == usage) {
      return &f;
    }
  }
  return nullptr;
}

TEST(ReportDescriptor, ParsesTheJabraSpeak810TelephonyCollection) {
  const auto bytes = test::load_hex_fixture("jabra-speak-810.hex");
  ASSERT_EQ(bytes.size(), 97U);
  const auto d = parse_report_descriptor(bytes).value();
  EXPECT_TRUE(d.numbered_reports);
  const auto* hook = find(d, HidReportKind::kInput, {0x0B, 0x20});
  ASSERT_NE(hook, nullptr);
  EXPECT_EQ(hook->report_id, 2);
  EXPECT_EQ(hook->bit_offset, 0U);
  EXPECT_FALSE(hook->relative);
  const auto* mute = find(d, HidReportKind::kInput, {0x0B, 0x2F});
  ASSERT_NE(mute, nullptr);
  EXPECT_EQ(mute->bit_offset, 2U);
  EXPECT_TRUE(mute->relative);
  const auto* flash = find(d, HidReportKind::kInput, {0x0B, 0x21});
  ASSERT_NE(flash, nullptr);
  EXPECT_EQ(flash->bit_offset, 3U);
  // Usage 0x07 was declared before Usage Page 0x09: the Main item's page applies.
  const auto* button = find(d, HidReportKind::kInput, {0x09, 0x07});
  ASSERT_NE(button, nullptr);
  EXPECT_EQ(button->bit_offset, 4U);
  EXPECT_EQ(find(d, HidReportKind::kInput, {0x0B, 0x07}), nullptr);
  // LEDs: off-hook, mute, ring, hold, microphone, then the ringer, in one report.
  const auto* off_hook_led = find(d, HidReportKind::kOutput, {0x08, 0x17});
  ASSERT_NE(off_hook_led, nullptr);
  EXPECT_EQ(off_hook_led->bit_offset, 0U);
  EXPECT_EQ(find(d, HidReportKind::kOutput, {0x08, 0x21})->bit_offset, 4U);
  EXPECT_EQ(find(d, HidReportKind::kOutput, {0x0B, 0x9E})->bit_offset, 5U);
  EXPECT_EQ(d.report_bytes(HidReportKind::kInput, 2), 2U);
  EXPECT_EQ(d.report_bytes(HidReportKind::kOutput, 2), 2U);
}

TEST(ReportDescriptor, ParsesThePolyBt700WithOneReportPerLed) {
  const auto bytes = test::load_hex_fixture("poly-bt700.hex");
  ASSERT_EQ(bytes.size(), 107U);
  const auto d = parse_report_descriptor(bytes).value();
  const auto* hook = find(d, HidReportKind::kInput, {0x0B, 0x20});
  ASSERT_NE(hook, nullptr);
  EXPECT_EQ(hook->report_id, 0x20);
  EXPECT_FALSE(find(d, HidReportKind::kInput, {0x0B, 0x21})->relative);
  EXPECT_TRUE(find(d, HidReportKind::kInput, {0x0B, 0x24})->relative);
  EXPECT_EQ(find(d, HidReportKind::kOutput, {0x08, 0x18})->report_id, 0x21);
  EXPECT_EQ(find(d, HidReportKind::kOutput, {0x08, 0x09})->report_id, 0x23);
  EXPECT_EQ(find(d, HidReportKind::kOutput, {0x08, 0x17})->report_id, 0x24);
  EXPECT_EQ(find(d, HidReportKind::kOutput, {0x08, 0x20})->report_id, 0x25);
  EXPECT_EQ(d.report_bytes(HidReportKind::kInput, 0x20), 1U);
  EXPECT_EQ(d.report_bytes(HidReportKind::kOutput, 0x24), 1U);
}

TEST(ReportDescriptor, ArraysUsageRangesAndPushPop) {
  // Keypad as an array of 2 slots of 8 bits over Phone Key 0..Pound, with push/pop.
  const std::vector<std::uint8_t> bytes = {
      0x05, 0x0B, 0x09, 0x06, 0xA1, 0x01,  // Telephony, Keypad collection
      0xA4,                                // push
      0x15, 0x01, 0x25, 0x0C,              // logical 1..12
      0x19, 0xB0, 0x29, 0xBB,              // usage min/max 0xB0..0xBB
      0x75, 0x08, 0x95, 0x02, 0x81, 0x00,  // 2 x 8 bits, array
      0xB4,                                // pop: logical range back to undefined
      0x0B, 0x20, 0x00, 0x0B, 0x00,        // 4-byte usage: page 0x0B id 0x20
      0x75, 0x01, 0x95, 0x01, 0x81, 0x02,  // one bit, variable
      0xC0};
  const auto d = parse_report_descriptor(bytes).value();
  ASSERT_EQ(d.fields.size(), 2U);
  EXPECT_FALSE(d.fields[0].variable);
  EXPECT_EQ(d.fields[0].count, 2U);
  EXPECT_EQ(d.fields[0].bit_size, 8U);
  EXPECT_EQ(d.fields[0].array_usages.size(), 12U);
  EXPECT_EQ(d.fields[0].array_usages.back(), (HidUsage{0x0B, 0xBB}));
  EXPECT_EQ(d.fields[1].usage, (HidUsage{0x0B, 0x20}));
  EXPECT_EQ(d.fields[1].bit_offset, 16U);
  EXPECT_FALSE(d.numbered_reports);
}

struct Broken {
  const char* what;
  std::vector<std::uint8_t> bytes;
};

class ReportDescriptorRejects : public testing::TestWithParam<Broken> {};

TEST_P(ReportDescriptorRejects, Malformed) {
  EXPECT_FALSE(parse_report_descriptor(GetParam().bytes)) << GetParam().what;
}

INSTANTIATE_TEST_SUITE_P(
    Items, ReportDescriptorRejects,
    testing::Values(Broken{"item past the end", {0x05}},
                    Broken{"unclosed collection", {0xA1, 0x01}},
                    Broken{"end without collection", {0xC0}}, Broken{"pop without push", {0xB4}},
                    Broken{"report id 0", {0x85, 0x00}},
                    Broken{"absurd report count", {0x75, 0x08, 0x96, 0xFF, 0xFF, 0x81, 0x02}}));

}  // namespace
}  // namespace tipring::pots
