#include "pots/hid/telephony_report_map.h"

#include "hid_fixture.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using Kind = TelephonyEvent::Kind;

TelephonyReportMap device(const char* fixture) {
  return map_telephony(parse_report_descriptor(test::load_hex_fixture(fixture)).value());
}

struct DeviceCase {
  const char* fixture;
  std::vector<TelephonyControl> controls;
  std::vector<TelephonyLed> leds;
};

class TelephonyDevices : public testing::TestWithParam<DeviceCase> {};

TEST_P(TelephonyDevices, MapsInputsAndLedsFromTheDescriptor) {
  const auto c = GetParam();
  const auto map = device(c.fixture);
  for (auto control : c.controls) {
    EXPECT_TRUE(map.has(control)) << c.fixture << " control " << static_cast<int>(control);
  }
  for (auto led : c.leds) {
    EXPECT_TRUE(map.has(led)) << c.fixture << " led " << static_cast<int>(led);
  }
  EXPECT_FALSE(map.has(TelephonyControl::kKey)) << "neither device has a keypad";
}

INSTANTIATE_TEST_SUITE_P(
    RealDevices, TelephonyDevices,
    testing::Values(DeviceCase{"jabra-speak-810.hex",
                               {TelephonyControl::kHookSwitch, TelephonyControl::kMute,
                                TelephonyControl::kFlash},
                               {TelephonyLed::kOffHook, TelephonyLed::kMute, TelephonyLed::kRing,
                                TelephonyLed::kHold, TelephonyLed::kMicrophone,
                                TelephonyLed::kRinger}},
                    DeviceCase{"poly-bt700.hex",
                               {TelephonyControl::kHookSwitch, TelephonyControl::kMute,
                                TelephonyControl::kFlash, TelephonyControl::kRedial},
                               {TelephonyLed::kRing, TelephonyLed::kMute, TelephonyLed::kOffHook,
                                TelephonyLed::kHold}}));

TEST(TelephonyInputDecoder, JabraHookIsAStateAndRepeatsAreNotEvents) {
  TelephonyInputDecoder decoder(device("jabra-speak-810.hex"));
  using Events = std::vector<TelephonyEvent>;
  EXPECT_EQ(decoder.decode(std::vector<std::uint8_t>{0x02, 0x01, 0x00}),
            (Events{{Kind::kOffHook}}));
  // The same state again (devices repeat reports): nothing new.
  EXPECT_TRUE(decoder.decode(std::vector<std::uint8_t>{0x02, 0x01, 0x00}).empty());
  // Mute is relative: a press is bit 2 going to 1; its release is not an event.
  EXPECT_EQ(decoder.decode(std::vector<std::uint8_t>{0x02, 0x05, 0x00}),
            (Events{{Kind::kMuteToggle}}));
  EXPECT_TRUE(decoder.decode(std::vector<std::uint8_t>{0x02, 0x01, 0x00}).empty());
  EXPECT_EQ(decoder.decode(std::vector<std::uint8_t>{0x02, 0x09, 0x00}), (Events{{Kind::kFlash}}));
  EXPECT_EQ(decoder.decode(std::vector<std::uint8_t>{0x02, 0x00, 0x00}), (Events{{Kind::kOnHook}}));
  // Reports with another id are not this collection's.
  EXPECT_TRUE(decoder.decode(std::vector<std::uint8_t>{0x03, 0xFF, 0xFF}).empty());
}

TEST(TelephonyInputDecoder, PolyReportsRedialAndHook) {
  TelephonyInputDecoder decoder(device("poly-bt700.hex"));
  using Events = std::vector<TelephonyEvent>;
  EXPECT_EQ(decoder.decode(std::vector<std::uint8_t>{0x20, 0x09}),
            (Events{{Kind::kOffHook}, {Kind::kRedial}}));
  EXPECT_EQ(decoder.decode(std::vector<std::uint8_t>{0x20, 0x00}), (Events{{Kind::kOnHook}}));
}

TEST(LedReports, JabraSetsItsLedsInOneReportWithTheIdFirst) {
  const auto reports = led_reports(device("jabra-speak-810.hex"), {{TelephonyLed::kOffHook, true},
                                                                   {TelephonyLed::kMute, true},
                                                                   {TelephonyLed::kRinger, false}});
  ASSERT_EQ(reports.size(), 1U);
  EXPECT_EQ(reports[0], (std::vector<std::uint8_t>{0x02, 0x03, 0x00}));
}

TEST(LedReports, PolyGetsOneReportPerKnownLed) {
  const auto reports = led_reports(device("poly-bt700.hex"), {{TelephonyLed::kOffHook, true}});
  std::vector<std::vector<std::uint8_t>> expected = {
      {0x21, 0x00}, {0x23, 0x00}, {0x24, 0x01}, {0x25, 0x00}};
  // Report 0x22 drives LED usage 0x1E, which the host does not mirror.
  EXPECT_EQ(reports, expected);
}

TEST(LedReports, UnnumberedDevicesGetAZeroFirstByte) {
  // One LED (off-hook) in an unnumbered output report.
  const std::vector<std::uint8_t> bytes = {0x05, 0x08, 0x09, 0x17, 0x15, 0x00, 0x25,
                                           0x01, 0x75, 0x01, 0x95, 0x01, 0x91, 0x02,
                                           0x75, 0x07, 0x95, 0x01, 0x91, 0x01};
  const auto map = map_telephony(parse_report_descriptor(bytes).value());
  EXPECT_EQ(led_reports(map, {{TelephonyLed::kOffHook, true}}),
            (std::vector<std::vector<std::uint8_t>>{{0x00, 0x01}}));
}

}  // namespace
}  // namespace tipring::pots
