// HidDevice: one USB HID device through hidapi (hidraw backend), as an RAII handle — list
// telephony devices, open by path, read with a timeout, write reports. The report
// descriptor comes from sysfs on Linux, because hidapi 0.13 has no
// hid_get_report_descriptor (added in 0.14).
#pragma once

#include "protocol/core/error.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct hid_device_;

namespace tipring::pots {

struct HidDeviceEntry {
  std::string path;  // e.g. /dev/hidraw3
  std::uint16_t vendor_id;
  std::uint16_t product_id;
  std::uint16_t usage_page;
  std::uint16_t usage;
  std::string product;
  std::string serial;
};

class HidDevice {
public:
  // Devices whose top-level collection is on `usage_page` (0 for all).
  static std::vector<HidDeviceEntry> enumerate(std::uint16_t usage_page = 0x0B);
  static Result<HidDevice> open(const std::string& path);

  // Bytes read into `buffer` (0 on timeout); report id first for numbered reports.
  Result<std::size_t> read(std::span<std::uint8_t> buffer, std::chrono::milliseconds timeout);
  // `report` starts with the report id (0x00 when reports are not numbered).
  Result<void> write(std::span<const std::uint8_t> report);
  Result<std::vector<std::uint8_t>> report_descriptor() const;
  [[nodiscard]] const std::string& path() const { return path_; }

private:
  struct Close {
    void operator()(hid_device_* device) const;
  };
  HidDevice(hid_device_* device, std::string path) : device_(device), path_(std::move(path)) {}

  std::unique_ptr<hid_device_, Close> device_;
  std::string path_;
};

// The report descriptor of a hidraw node, from /sys/class/hidraw/<node>/device/.
Result<std::vector<std::uint8_t>> read_hidraw_report_descriptor(const std::string& hidraw_path);

}  // namespace tipring::pots
