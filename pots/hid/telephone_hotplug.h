// TelephoneHotplug: the USB telephones and headsets attached now, kept in step with hidraw
// nodes coming and going (HidrawWatcher's changes). A node that appears is probed once: not
// a telephony device (no Telephony-page input) is ignored; one that cannot be opened yet
// (udev has not granted access) is retried when its attributes change. A node that vanishes,
// or whose read fails, is closed at once, and the device is opened afresh — descriptor,
// report map, input decoder state, audio match — when it comes back, under whatever name.
#pragma once

#include "pots/hid/hid_device.h"
#include "pots/hid/hidraw_watcher.h"
#include "pots/hid/telephony_report_map.h"
#include "pots/hid/usb_audio_match.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tipring::pots {

struct AttachedTelephone {
  std::string path;  // /dev/hidrawN
  TelephonyReportMap map;
  std::optional<UsbSoundCard> audio;  // its own sound card, when it has one
  std::optional<HidDevice> device;    // the open handle (tests probe without one)
};

struct TelephoneHotplugEvent {
  enum class Kind { kAttached, kDetached, kOpenFailed };
  Kind kind;
  std::string path;
  std::string detail;  // kOpenFailed: why (it is retried on the node's next change)
};

class TelephoneHotplug {
public:
  // Opens and describes a node: nullopt when it is not a telephony device, an error when it
  // is (or may be) one but cannot be opened now.
  using Probe = std::function<Result<std::optional<AttachedTelephone>>(const std::string& path)>;

  explicit TelephoneHotplug(Probe probe) : probe_(std::move(probe)) {}

  // Start-up: probe every node present (HidrawWatcher::present()).
  std::vector<TelephoneHotplugEvent> scan(const std::vector<std::string>& nodes);
  std::vector<TelephoneHotplugEvent> on_change(const HidrawChange& change);
  // A read or write on the device failed: it is gone even if no inotify event came yet.
  std::vector<TelephoneHotplugEvent> on_io_error(const std::string& path);

  [[nodiscard]] const AttachedTelephone* find(const std::string& path) const;
  [[nodiscard]] std::vector<std::string> attached() const;

private:
  void probe(const std::string& path, std::vector<TelephoneHotplugEvent>& events);
  void detach(const std::string& path, std::vector<TelephoneHotplugEvent>& events);

  Probe probe_;
  std::map<std::string, AttachedTelephone> attached_;
  std::set<std::string> not_telephones_;  // probed, not telephony: skip until removed
};

// The real probe: report descriptor and audio match from `sysfs`, then hidapi's open.
Result<std::optional<AttachedTelephone>> probe_usb_telephone(const std::string& path,
                                                             const SysfsTree& sysfs);

}  // namespace tipring::pots
