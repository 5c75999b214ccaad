// Which sound card belongs to a USB telephone or headset. Such a device is one USB device
// with a HID interface (seen as a hidraw node) and a USB Audio Class interface (seen as an
// ALSA card); in sysfs both interfaces sit under the same USB device directory, so the card
// whose USB parent is the hidraw node's USB parent is the device's own audio. The sysfs root
// is injected so tests run on a fake tree.
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::pots {

struct UsbSoundCard {
  int index = -1;                    // ALSA card number: hw:<index>
  std::string id;                    // ALSA card id, e.g. "USB" or "Headset"
  std::filesystem::path usb_device;  // the USB device directory in sysfs (canonical)

  [[nodiscard]] std::string alsa_hw() const { return "hw:" + std::to_string(index); }
};

class SysfsTree {
public:
  explicit SysfsTree(std::filesystem::path root = "/sys");

  // The USB device directory a hidraw node ("hidraw3" or "/dev/hidraw3") belongs to.
  [[nodiscard]] Result<std::filesystem::path> usb_device_of_hidraw(std::string_view node) const;
  // Every ALSA card that sits on a USB device.
  [[nodiscard]] std::vector<UsbSoundCard> usb_sound_cards() const;
  // The card on the same USB device as the hidraw node.
  [[nodiscard]] Result<UsbSoundCard> sound_card_of_hidraw(std::string_view node) const;
  // The node's report descriptor (class/hidraw/<node>/device/report_descriptor).
  [[nodiscard]] Result<std::vector<std::uint8_t>> report_descriptor(std::string_view node) const;

private:
  [[nodiscard]] std::optional<std::filesystem::path> usb_device_above(
      const std::filesystem::path& device) const;

  std::filesystem::path root_;
};

// Whether a PortAudio device name is on ALSA card `card_index`. PortAudio's ALSA host API
// names devices "<card name>: <device name> (hw:<card>,<device>)".
bool portaudio_device_on_card(std::string_view device_name, int card_index);

}  // namespace tipring::pots
