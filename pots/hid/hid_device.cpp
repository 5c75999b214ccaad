#include "pots/hid/hid_device.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <hidapi.h>

namespace tipring::pots {
namespace {

constexpr std::string_view kRule = "hidapi";

std::string narrow(const wchar_t* text) {
  std::string out;
  for (; text != nullptr && *text != 0; ++text) {
    out += *text < 128 ? static_cast<char>(*text) : '?';
  }
  return out;
}

std::string last_error(hid_device* device) {
  return narrow(hid_error(device));
}

}  // namespace

void HidDevice::Close::operator()(hid_device_* device) const {
  hid_close(device);
}

std::vector<HidDeviceEntry> HidDevice::enumerate(std::uint16_t usage_page) {
  std::vector<HidDeviceEntry> entries;
  hid_device_info* list = hid_enumerate(0, 0);
  for (auto* info = list; info != nullptr; info = info->next) {
    if (usage_page != 0 && info->usage_page != usage_page) {
      continue;
    }
    entries.push_back({info->path != nullptr ? info->path : "", info->vendor_id, info->product_id,
                       info->usage_page, info->usage, narrow(info->product_string),
                       narrow(info->serial_number)});
  }
  hid_free_enumeration(list);
  return entries;
}

Result<HidDevice> HidDevice::open(const std::string& path) {
  hid_device* device = hid_open_path(path.c_str());
  if (device == nullptr) {
    return fail(kRule, "cannot open " + path + ": " + last_error(nullptr));
  }
  return HidDevice(device, path);
}

Result<std::size_t> HidDevice::read(std::span<std::uint8_t> buffer,
                                    std::chrono::milliseconds timeout) {
  const int n = hid_read_timeout(device_.get(), buffer.data(), buffer.size(),
                                 static_cast<int>(timeout.count()));
  if (n < 0) {
    return fail(kRule, "read from " + path_ + ": " + last_error(device_.get()));
  }
  return static_cast<std::size_t>(n);
}

Result<void> HidDevice::write(std::span<const std::uint8_t> report) {
  if (report.empty()) {
    return fail(kRule, "a report needs at least its report id byte");
  }
  if (hid_write(device_.get(), report.data(), report.size()) < 0) {
    return fail(kRule, "write to " + path_ + ": " + last_error(device_.get()));
  }
  return {};
}

Result<std::vector<std::uint8_t>> HidDevice::report_descriptor() const {
  return read_hidraw_report_descriptor(path_);
}

Result<std::vector<std::uint8_t>> read_hidraw_report_descriptor(const std::string& hidraw_path) {
  const auto node = std::filesystem::path(hidraw_path).filename();
  const auto sysfs =
      std::filesystem::path("/sys/class/hidraw") / node / "device" / "report_descriptor";
  std::ifstream in(sysfs, std::ios::binary);
  if (!in) {
    return fail(kRule, "cannot read " + sysfs.string());
  }
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
}

}  // namespace tipring::pots
