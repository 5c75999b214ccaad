// Hot-plug through inotify, on a temporary directory standing in for /dev: nodes created,
// re-permissioned and removed there are the events udev's node handling produces.
#include "pots/hid/hidraw_watcher.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

namespace tipring::pots {
namespace {

namespace fs = std::filesystem;
using Kind = HidrawChange::Kind;

class HidrawWatcherTest : public ::testing::Test {
protected:
  HidrawWatcherTest()
      : dev_(fs::temp_directory_path() /
             ("tipring-dev-" +
              std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
              std::to_string(::getpid()))) {
    fs::remove_all(dev_);
    fs::create_directories(dev_);
  }
  ~HidrawWatcherTest() override {
    std::error_code ec;
    fs::remove_all(dev_, ec);
  }

  void create(const std::string& name) { std::ofstream(dev_ / name).put('\0'); }
  std::string path(const std::string& name) const { return (dev_ / name).string(); }

  fs::path dev_;
};

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

TEST_F(HidrawWatcherTest, ReportsNodesAddedReaccessedAndRemovedInOrder) {
  auto watcher = HidrawWatcher::open(dev_);
  ASSERT_TRUE(watcher) << watcher.error().describe();
  EXPECT_FALSE(readable(watcher->fd()));
  create("hidraw3");
  fs::permissions(dev_ / "hidraw3", fs::perms::owner_read | fs::perms::owner_write);
  fs::remove(dev_ / "hidraw3");
  EXPECT_TRUE(readable(watcher->fd()));
  const auto changes = watcher->take_changes();
  ASSERT_TRUE(changes) << changes.error().describe();
  const std::vector<HidrawChange> expected{{Kind::kAdded, path("hidraw3")},
                                           {Kind::kAttributesChanged, path("hidraw3")},
                                           {Kind::kRemoved, path("hidraw3")}};
  // Writing the placeholder byte may add a modification; only these kinds are reported.
  EXPECT_EQ(*changes, expected);
  EXPECT_FALSE(readable(watcher->fd()));
}

TEST_F(HidrawWatcherTest, IgnoresNodesThatAreNotHidraw) {
  auto watcher = HidrawWatcher::open(dev_);
  ASSERT_TRUE(watcher);
  for (const char* name : {"event0", "hidraw", "hidrawX", "hiddev0", "hidraw12"}) {
    create(name);
  }
  const auto changes = watcher->take_changes();
  ASSERT_TRUE(changes);
  EXPECT_EQ(*changes, (std::vector<HidrawChange>{{Kind::kAdded, path("hidraw12")}}));
}

TEST_F(HidrawWatcherTest, RenamesCountAsAppearingAndVanishing) {
  auto watcher = HidrawWatcher::open(dev_);
  ASSERT_TRUE(watcher);
  create("tmp-node");
  fs::rename(dev_ / "tmp-node", dev_ / "hidraw1");
  fs::rename(dev_ / "hidraw1", dev_ / "gone");
  const auto changes = watcher->take_changes();
  ASSERT_TRUE(changes);
  EXPECT_EQ(*changes, (std::vector<HidrawChange>{{Kind::kAdded, path("hidraw1")},
                                                 {Kind::kRemoved, path("hidraw1")}}));
}

TEST_F(HidrawWatcherTest, PresentListsExistingNodesSorted) {
  create("hidraw10");
  create("hidraw2");
  create("ttyS0");
  auto watcher = HidrawWatcher::open(dev_);
  ASSERT_TRUE(watcher);
  EXPECT_EQ(watcher->present(), (std::vector<std::string>{path("hidraw10"), path("hidraw2")}));
  const auto changes = watcher->take_changes();
  ASSERT_TRUE(changes);
  EXPECT_TRUE(changes->empty());
}

TEST_F(HidrawWatcherTest, MissingDirectoryIsAnErrorNamingIt) {
  const auto watcher = HidrawWatcher::open(dev_ / "absent");
  ASSERT_FALSE(watcher);
  EXPECT_NE(watcher.error().detail.find("absent"), std::string::npos);
}

}  // namespace
}  // namespace tipring::pots
