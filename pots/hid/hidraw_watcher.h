// HidrawWatcher: hot-plug of HID devices on Linux — hidraw nodes appearing in and vanishing
// from the device directory, seen through inotify. inotify rather than a libudev monitor:
// udev's events need a running udevd (containers and CI have none) while /dev nodes exist
// wherever hidraw does, and a directory can be faked in a test. Permissions often arrive
// after the node (udev applies uaccess/ACLs a moment later), so attribute changes are
// reported too: that is when a failed open should be retried.
#pragma once

#include "protocol/core/error.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tipring::pots {

struct HidrawChange {
  enum class Kind { kAdded, kRemoved, kAttributesChanged };
  Kind kind;
  std::string path;  // e.g. /dev/hidraw3
  friend bool operator==(const HidrawChange&, const HidrawChange&) = default;
};

class HidrawWatcher {
public:
  static Result<HidrawWatcher> open(std::filesystem::path device_directory = "/dev");
  HidrawWatcher(HidrawWatcher&& other) noexcept;
  HidrawWatcher& operator=(HidrawWatcher&& other) noexcept;
  HidrawWatcher(const HidrawWatcher&) = delete;
  HidrawWatcher& operator=(const HidrawWatcher&) = delete;
  ~HidrawWatcher();

  // Readable when changes are pending: give it to poll() or a QSocketNotifier.
  [[nodiscard]] int fd() const { return fd_; }
  // The hidraw nodes present now, sorted (for the start-up scan).
  [[nodiscard]] std::vector<std::string> present() const;
  // Changes since the last call; never blocks (empty when nothing happened).
  Result<std::vector<HidrawChange>> take_changes();

private:
  HidrawWatcher(int fd, std::filesystem::path directory)
      : fd_(fd), directory_(std::move(directory)) {}

  int fd_ = -1;
  std::filesystem::path directory_;
};

}  // namespace tipring::pots
