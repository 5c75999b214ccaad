// USB telephones coming and going: which nodes are probed, when a failed open is retried,
// and that a device is opened afresh after it vanished (a fake probe counts the opens), plus
// the real probe on a fake sysfs tree with real descriptors.
#include "pots/hid/telephone_hotplug.h"

#include "fake_sysfs.h"
#include "hid_fixture.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using Kind = TelephoneHotplugEvent::Kind;
using Change = HidrawChange::Kind;

// What the fake probe does per node: a telephone, not one, or cannot open (yet).
enum class NodeIs { kTelephone, kKeyboard, kLocked };

class TelephoneHotplugTest : public ::testing::Test {
protected:
  TelephoneHotplug hotplug_{[this](const std::string& path) {
    ++probes_[path];
    Result<std::optional<AttachedTelephone>> result = std::optional<AttachedTelephone>();
    switch (nodes_[path]) {
      case NodeIs::kTelephone:
        result = std::optional<AttachedTelephone>(AttachedTelephone{path, {}, {}, {}});
        break;
      case NodeIs::kKeyboard:
        break;
      case NodeIs::kLocked:
        result = fail("open", path + ": Permission denied");
        break;
    }
    return result;
  }};
  std::map<std::string, NodeIs> nodes_;
  std::map<std::string, int> probes_;
};

std::vector<Kind> kinds(const std::vector<TelephoneHotplugEvent>& events) {
  std::vector<Kind> out;
  for (const auto& e : events) {
    out.push_back(e.kind);
  }
  return out;
}

TEST_F(TelephoneHotplugTest, StartupScanAttachesTelephonesAndSkipsOtherHidDevices) {
  nodes_ = {{"/dev/hidraw1", NodeIs::kKeyboard}, {"/dev/hidraw2", NodeIs::kTelephone}};
  const auto events = hotplug_.scan({"/dev/hidraw1", "/dev/hidraw2"});
  EXPECT_EQ(kinds(events), std::vector<Kind>{Kind::kAttached});
  EXPECT_EQ(hotplug_.attached(), std::vector<std::string>{"/dev/hidraw2"});
  EXPECT_NE(hotplug_.find("/dev/hidraw2"), nullptr);
  EXPECT_EQ(hotplug_.find("/dev/hidraw1"), nullptr);
  // A second scan probes nothing again.
  EXPECT_TRUE(hotplug_.scan({"/dev/hidraw1", "/dev/hidraw2"}).empty());
  EXPECT_EQ(probes_["/dev/hidraw1"], 1);
  EXPECT_EQ(probes_["/dev/hidraw2"], 1);
}

TEST_F(TelephoneHotplugTest, NodeThatCannotBeOpenedYetIsRetriedWhenItsPermissionsChange) {
  nodes_["/dev/hidraw3"] = NodeIs::kLocked;
  const auto added = hotplug_.on_change({Change::kAdded, "/dev/hidraw3"});
  ASSERT_EQ(kinds(added), std::vector<Kind>{Kind::kOpenFailed});
  EXPECT_NE(added[0].detail.find("Permission denied"), std::string::npos);
  nodes_["/dev/hidraw3"] = NodeIs::kTelephone;  // udev applied the ACL
  EXPECT_EQ(kinds(hotplug_.on_change({Change::kAttributesChanged, "/dev/hidraw3"})),
            std::vector<Kind>{Kind::kAttached});
  // Further attribute changes of an attached node do not reopen it.
  EXPECT_TRUE(hotplug_.on_change({Change::kAttributesChanged, "/dev/hidraw3"}).empty());
  EXPECT_EQ(probes_["/dev/hidraw3"], 2);
}

TEST_F(TelephoneHotplugTest, UnplugDetachesAndReplugOpensTheDeviceAfresh) {
  nodes_["/dev/hidraw2"] = NodeIs::kTelephone;
  hotplug_.on_change({Change::kAdded, "/dev/hidraw2"});
  EXPECT_EQ(kinds(hotplug_.on_change({Change::kRemoved, "/dev/hidraw2"})),
            std::vector<Kind>{Kind::kDetached});
  EXPECT_EQ(hotplug_.find("/dev/hidraw2"), nullptr);
  EXPECT_EQ(kinds(hotplug_.on_change({Change::kAdded, "/dev/hidraw2"})),
            std::vector<Kind>{Kind::kAttached});
  EXPECT_EQ(probes_["/dev/hidraw2"], 2);
}

TEST_F(TelephoneHotplugTest, ReplugUnderAnotherNodeNameMovesTheTelephone) {
  nodes_ = {{"/dev/hidraw2", NodeIs::kTelephone}, {"/dev/hidraw6", NodeIs::kTelephone}};
  hotplug_.on_change({Change::kAdded, "/dev/hidraw2"});
  hotplug_.on_change({Change::kRemoved, "/dev/hidraw2"});
  hotplug_.on_change({Change::kAdded, "/dev/hidraw6"});
  EXPECT_EQ(hotplug_.attached(), std::vector<std::string>{"/dev/hidraw6"});
}

TEST_F(TelephoneHotplugTest, ReadErrorClosesAtOnceAndTheNextAddReopens) {
  nodes_["/dev/hidraw2"] = NodeIs::kTelephone;
  hotplug_.on_change({Change::kAdded, "/dev/hidraw2"});
  EXPECT_EQ(kinds(hotplug_.on_io_error("/dev/hidraw2")), std::vector<Kind>{Kind::kDetached});
  EXPECT_TRUE(hotplug_.attached().empty());
  // The late inotify removal is then a no-op; the node's return reopens it.
  EXPECT_TRUE(hotplug_.on_change({Change::kRemoved, "/dev/hidraw2"}).empty());
  EXPECT_EQ(kinds(hotplug_.on_change({Change::kAdded, "/dev/hidraw2"})),
            std::vector<Kind>{Kind::kAttached});
}

TEST_F(TelephoneHotplugTest, AnAddForANodeStillHeldDetachesTheStaleHandleFirst) {
  nodes_["/dev/hidraw2"] = NodeIs::kTelephone;
  hotplug_.on_change({Change::kAdded, "/dev/hidraw2"});
  EXPECT_EQ(kinds(hotplug_.on_change({Change::kAdded, "/dev/hidraw2"})),
            (std::vector<Kind>{Kind::kDetached, Kind::kAttached}));
}

TEST_F(TelephoneHotplugTest, AKeyboardIsProbedAgainOnlyAfterItWasRemoved) {
  nodes_["/dev/hidraw1"] = NodeIs::kKeyboard;
  hotplug_.on_change({Change::kAdded, "/dev/hidraw1"});
  hotplug_.on_change({Change::kAttributesChanged, "/dev/hidraw1"});
  EXPECT_EQ(probes_["/dev/hidraw1"], 1);
  hotplug_.on_change({Change::kRemoved, "/dev/hidraw1"});
  nodes_["/dev/hidraw1"] = NodeIs::kTelephone;  // another device got the number
  EXPECT_EQ(kinds(hotplug_.on_change({Change::kAdded, "/dev/hidraw1"})),
            std::vector<Kind>{Kind::kAttached});
}

TEST_F(TelephoneHotplugTest, FollowsAWatchedDirectoryThroughPlugUnplugAndReplug) {
  namespace fs = std::filesystem;
  const fs::path dev =
      fs::temp_directory_path() / ("tipring-dev-hotplug-" + std::to_string(::getpid()));
  fs::remove_all(dev);
  fs::create_directories(dev);
  std::ofstream(dev / "hidraw0").put('\0');  // present before start-up: a keyboard
  nodes_[(dev / "hidraw0").string()] = NodeIs::kKeyboard;
  nodes_[(dev / "hidraw1").string()] = NodeIs::kLocked;
  auto watcher = HidrawWatcher::open(dev);
  ASSERT_TRUE(watcher) << watcher.error().describe();
  EXPECT_TRUE(hotplug_.scan(watcher->present()).empty());

  auto step = [&] {
    std::vector<Kind> seen;
    const auto changes = watcher->take_changes();
    EXPECT_TRUE(changes);
    for (const auto& change : changes.value_or(std::vector<HidrawChange>{})) {
      for (const auto& event : hotplug_.on_change(change)) {
        seen.push_back(event.kind);
      }
    }
    return seen;
  };
  std::ofstream(dev / "hidraw1").put('\0');  // plugged in; udev has not granted access yet
  EXPECT_EQ(step(), std::vector<Kind>{Kind::kOpenFailed});
  nodes_[(dev / "hidraw1").string()] = NodeIs::kTelephone;
  fs::permissions(dev / "hidraw1", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(step(), std::vector<Kind>{Kind::kAttached});
  fs::remove(dev / "hidraw1");  // unplugged
  EXPECT_EQ(step(), std::vector<Kind>{Kind::kDetached});
  std::ofstream(dev / "hidraw1").put('\0');  // back again, already accessible
  EXPECT_EQ(step(), std::vector<Kind>{Kind::kAttached});
  EXPECT_EQ(hotplug_.attached(), std::vector<std::string>{(dev / "hidraw1").string()});
  EXPECT_EQ(probes_[(dev / "hidraw1").string()], 3);
  fs::remove_all(dev);
}

// The real probe reads the descriptor and the audio match from sysfs before opening.
class UsbTelephoneProbe : public ::testing::Test {
protected:
  UsbTelephoneProbe() : sysfs_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    const std::string port = "devices/pci0000:00/0000:00:14.0/usb1";
    sysfs_.usb_device(port, "1d6b", "0002");
    sysfs_.usb_device(port + "/1-2", "0b0e", "0412");
    sysfs_.sound_card(1, "USB", port + "/1-2/1-2:1.0");
    sysfs_.hidraw("hidraw97", port + "/1-2/1-2:1.3", test::load_hex_fixture("jabra-speak-810.hex"));
    sysfs_.usb_device(port + "/1-4", "046d", "c31c");
    sysfs_.hidraw("hidraw98", port + "/1-4/1-4:1.0", test::load_hex_fixture("boot-keyboard.hex"));
    sysfs_.usb_device(port + "/1-5", "1234", "5678");
    sysfs_.hidraw("hidraw99", port + "/1-5/1-5:1.0", {0x05, 0x0b, 0x09});  // cut short
  }
  test::FakeSysfs sysfs_;
  SysfsTree tree_{sysfs_.root()};
};

TEST_F(UsbTelephoneProbe, AKeyboardIsNotATelephone) {
  const auto probed = probe_usb_telephone("/nonexistent/hidraw98", tree_);
  ASSERT_TRUE(probed) << probed.error().describe();
  EXPECT_FALSE(probed->has_value());
}

TEST_F(UsbTelephoneProbe, ATelephonyDescriptorIsOpenedAndAnOpenFailureNamesTheNode) {
  // The fake tree has no /dev node behind it: recognised as a telephone, then hidapi fails.
  const auto probed = probe_usb_telephone("/nonexistent/hidraw97", tree_);
  ASSERT_FALSE(probed);
  EXPECT_NE(probed.error().detail.find("/nonexistent/hidraw97"), std::string::npos);
}

TEST_F(UsbTelephoneProbe, ABrokenDescriptorIsAnError) {
  EXPECT_FALSE(probe_usb_telephone("/nonexistent/hidraw99", tree_));
}

TEST_F(UsbTelephoneProbe, ANodeMissingFromSysfsIsAnError) {
  EXPECT_FALSE(probe_usb_telephone("/nonexistent/hidraw42", tree_));
}

}  // namespace
}  // namespace tipring::pots
