// UsbReportIo: where a USB telephone's HID reports come from and go to — hidapi's handle
// (pots::HidDevice) in the product, or any file descriptor that carries one report per read
// and write (a hidraw node itself; a socketpair standing in for one in tests). Reports are
// as hidraw and hid_read/hid_write see them: the report id first when reports are numbered.
#pragma once

#include "pots/hid/hid_device.h"

#include <cstdint>
#include <memory>
#include <span>

namespace tipring::client {

class UsbReportIo {
public:
  virtual ~UsbReportIo() = default;
  // A descriptor that turns readable when a report waits (for a QSocketNotifier); -1 when
  // the handle has none to offer and must be polled (hidapi hides its descriptor).
  [[nodiscard]] virtual int readable_fd() const { return -1; }
  // One report into `buffer`; 0 when none waits. Never blocks. An error: the device is gone.
  virtual Result<std::size_t> read(std::span<std::uint8_t> buffer) = 0;
  virtual Result<void> write(std::span<const std::uint8_t> report) = 0;
};

std::unique_ptr<UsbReportIo> hidapi_report_io(pots::HidDevice device);
// Takes ownership of `fd` (closed with the io); the descriptor is made non-blocking.
std::unique_ptr<UsbReportIo> fd_report_io(int fd);

}  // namespace tipring::client
