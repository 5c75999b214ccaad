// Matching a USB telephone's HID interface to its sound card through sysfs, on a fake tree
// shaped like a real machine: an onboard PCI card, a Jabra speakerphone on a root port, a
// Poly headset and a keyboard behind a hub.
#include "pots/hid/usb_audio_match.h"

#include "fake_sysfs.h"
#include "hid_fixture.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

constexpr const char* kPort = "devices/pci0000:00/0000:00:14.0/usb1";

class UsbAudioMatch : public ::testing::Test {
protected:
  UsbAudioMatch() : sysfs_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    sysfs_.usb_device(kPort, "1d6b", "0002");  // the root hub
    sysfs_.sound_card(0, "PCH", "devices/pci0000:00/0000:00:1f.3");
    const std::string jabra = std::string(kPort) + "/1-2";
    sysfs_.usb_device(jabra, "0b0e", "0412");
    sysfs_.sound_card(1, "USB", jabra + "/1-2:1.0");
    sysfs_.hidraw("hidraw2", jabra + "/1-2:1.3", test::load_hex_fixture("jabra-speak-810.hex"));
    const std::string hub = std::string(kPort) + "/1-3";
    sysfs_.usb_device(hub, "05e3", "0610");
    sysfs_.usb_device(hub + "/1-3.1", "047f", "c056");
    sysfs_.sound_card(2, "BT700", hub + "/1-3.1/1-3.1:1.0");
    sysfs_.hidraw("hidraw4", hub + "/1-3.1/1-3.1:1.3", test::load_hex_fixture("poly-bt700.hex"));
    sysfs_.usb_device(hub + "/1-3.2", "046d", "c31c");
    sysfs_.hidraw("hidraw5", hub + "/1-3.2/1-3.2:1.0", {0x05, 0x01, 0x09, 0x06});
  }

  test::FakeSysfs sysfs_;
  SysfsTree tree_{sysfs_.root()};
};

TEST_F(UsbAudioMatch, OnlyCardsOnUsbDevicesAreListedInCardOrder) {
  const auto cards = tree_.usb_sound_cards();
  ASSERT_EQ(cards.size(), 2U);
  EXPECT_EQ(cards[0].index, 1);
  EXPECT_EQ(cards[0].id, "USB");
  EXPECT_EQ(cards[1].index, 2);
  EXPECT_EQ(cards[1].id, "BT700");
}

TEST_F(UsbAudioMatch, HidrawNodeFindsTheCardOfItsOwnUsbDevice) {
  const auto card = tree_.sound_card_of_hidraw("/dev/hidraw2");
  ASSERT_TRUE(card) << card.error().describe();
  EXPECT_EQ(card->index, 1);
  EXPECT_EQ(card->alsa_hw(), "hw:1");
  EXPECT_EQ(card->usb_device.filename(), "1-2");
}

TEST_F(UsbAudioMatch, BehindAHubTheDeviceNotTheHubIsTheParent) {
  const auto usb = tree_.usb_device_of_hidraw("hidraw4");
  ASSERT_TRUE(usb) << usb.error().describe();
  EXPECT_EQ(usb->filename(), "1-3.1");
  const auto card = tree_.sound_card_of_hidraw("hidraw4");
  ASSERT_TRUE(card) << card.error().describe();
  EXPECT_EQ(card->alsa_hw(), "hw:2");
}

TEST_F(UsbAudioMatch, HidDeviceWithoutAudioHasNoCard) {
  const auto card = tree_.sound_card_of_hidraw("hidraw5");
  ASSERT_FALSE(card);
  EXPECT_NE(card.error().detail.find("no sound card"), std::string::npos);
}

TEST_F(UsbAudioMatch, UnknownNodeIsAnErrorNamingTheSysfsPath) {
  const auto usb = tree_.usb_device_of_hidraw("hidraw9");
  ASSERT_FALSE(usb);
  EXPECT_NE(usb.error().detail.find("class/hidraw/hidraw9"), std::string::npos);
}

TEST_F(UsbAudioMatch, ReportDescriptorComesFromTheInjectedTree) {
  const auto bytes = tree_.report_descriptor("/dev/hidraw2");
  ASSERT_TRUE(bytes) << bytes.error().describe();
  EXPECT_EQ(*bytes, test::load_hex_fixture("jabra-speak-810.hex"));
}

struct PortAudioName {
  const char* name;
  int card;
  bool on_card;
};

class PortAudioNames : public ::testing::TestWithParam<PortAudioName> {};

TEST_P(PortAudioNames, DeviceIsOnTheCardNamedInItsHwSuffix) {
  EXPECT_EQ(portaudio_device_on_card(GetParam().name, GetParam().card), GetParam().on_card);
}

INSTANTIATE_TEST_SUITE_P(
    AlsaHostApi, PortAudioNames,
    ::testing::Values(PortAudioName{"Jabra SPEAK 810: USB Audio (hw:1,0)", 1, true},
                      PortAudioName{"Jabra SPEAK 810: USB Audio (hw:1,0)", 2, false},
                      PortAudioName{"Poly BT700: USB Audio (hw:11,0)", 1, false},
                      PortAudioName{"Poly BT700: USB Audio (hw:11,0)", 11, true},
                      PortAudioName{"default", 1, false},
                      PortAudioName{"HDA Intel PCH: ALC892 Analog (hw:0,0)", 0, true}));

}  // namespace
}  // namespace tipring::pots
