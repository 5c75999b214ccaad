// The hidapi wrapper against this machine: no device is required; any hidraw node that
// exists must yield a descriptor our parser accepts.
#include "pots/hid/hid_device.h"

#include "pots/hid/report_descriptor.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

TEST(HidDevice, OpeningAMissingPathNamesIt) {
  const auto device = HidDevice::open("/dev/hidraw-does-not-exist");
  ASSERT_FALSE(device);
  EXPECT_NE(device.error().detail.find("/dev/hidraw-does-not-exist"), std::string::npos);
}

TEST(HidDevice, MissingSysfsDescriptorIsAnError) {
  EXPECT_FALSE(read_hidraw_report_descriptor("/dev/hidraw-does-not-exist"));
}

TEST(HidDevice, EveryLocalHidrawDescriptorParses) {
  const std::filesystem::path root("/sys/class/hidraw");
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) {
    GTEST_SKIP() << "no hidraw class on this machine";
  }
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const auto bytes = read_hidraw_report_descriptor("/dev/" + entry.path().filename().string());
    if (!bytes) {
      continue;
    }
    ++seen;
    EXPECT_TRUE(parse_report_descriptor(*bytes)) << entry.path();
  }
  if (seen == 0) {
    GTEST_SKIP() << "no hidraw devices present";
  }
}

TEST(HidDevice, EnumerationFiltersByUsagePage) {
  for (const auto& entry : HidDevice::enumerate(0x0B)) {
    EXPECT_EQ(entry.usage_page, 0x0B);
  }
}

}  // namespace
}  // namespace tipring::pots
