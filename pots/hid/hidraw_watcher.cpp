#include "pots/hid/hidraw_watcher.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

#include <sys/inotify.h>
#include <unistd.h>

namespace tipring::pots {
namespace {

constexpr std::string_view kRule = "inotify hidraw watch";

bool is_hidraw(std::string_view name) {
  return name.starts_with("hidraw") && name.size() > 6 &&
         name.find_first_not_of("0123456789", 6) == std::string_view::npos;
}

std::string system_error_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

}  // namespace

Result<HidrawWatcher> HidrawWatcher::open(std::filesystem::path device_directory) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return fail(kRule, "inotify_init1: " + system_error_text(errno));
  }
  constexpr std::uint32_t kMask =
      IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR;
  if (::inotify_add_watch(fd, device_directory.c_str(), kMask) < 0) {
    const int error = errno;
    ::close(fd);
    return fail(kRule,
                "cannot watch " + device_directory.string() + ": " + system_error_text(error));
  }
  return HidrawWatcher(fd, std::move(device_directory));
}

HidrawWatcher::HidrawWatcher(HidrawWatcher&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), directory_(std::move(other.directory_)) {}

HidrawWatcher& HidrawWatcher::operator=(HidrawWatcher&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
    directory_ = std::move(other.directory_);
  }
  return *this;
}

HidrawWatcher::~HidrawWatcher() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

std::vector<std::string> HidrawWatcher::present() const {
  std::vector<std::string> nodes;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, ec)) {
    if (is_hidraw(entry.path().filename().string())) {
      nodes.push_back(entry.path().string());
    }
  }
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

Result<std::vector<HidrawChange>> HidrawWatcher::take_changes() {
  std::vector<HidrawChange> changes;
  alignas(inotify_event) std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      return changes;
    }
    if (n <= 0) {
      return fail(kRule, "read: " + system_error_text(errno));
    }
    for (ssize_t at = 0; at < n;) {
      inotify_event event{};
      std::memcpy(&event, buffer.data() + at, sizeof event);
      const std::string_view name(buffer.data() + at + sizeof event,
                                  ::strnlen(buffer.data() + at + sizeof event, event.len));
      at += static_cast<ssize_t>(sizeof event + event.len);
      if ((event.mask & IN_Q_OVERFLOW) != 0U) {
        return fail(kRule, "event queue overflowed: rescan with present()");
      }
      if (!is_hidraw(name)) {
        continue;
      }
      const std::string path = (directory_ / std::string(name)).string();
      if ((event.mask & (IN_CREATE | IN_MOVED_TO)) != 0U) {
        changes.push_back({HidrawChange::Kind::kAdded, path});
      } else if ((event.mask & (IN_DELETE | IN_MOVED_FROM)) != 0U) {
        changes.push_back({HidrawChange::Kind::kRemoved, path});
      } else if ((event.mask & IN_ATTRIB) != 0U) {
        changes.push_back({HidrawChange::Kind::kAttributesChanged, path});
      }
    }
  }
}

}  // namespace tipring::pots
