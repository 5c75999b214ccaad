#include "client/line/usb_report_io.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

class HidapiReportIo final : public UsbReportIo {
public:
  explicit HidapiReportIo(pots::HidDevice device) : device_(std::move(device)) {}
  Result<std::size_t> read(std::span<std::uint8_t> buffer) override {
    return device_.read(buffer, 0ms);
  }
  Result<void> write(std::span<const std::uint8_t> report) override {
    return device_.write(report);
  }

private:
  pots::HidDevice device_;
};

class FdReportIo final : public UsbReportIo {
public:
  explicit FdReportIo(int fd) : fd_(fd) {
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0) {
      ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
    }
  }
  ~FdReportIo() override { ::close(fd_); }
  FdReportIo(const FdReportIo&) = delete;
  FdReportIo& operator=(const FdReportIo&) = delete;

  [[nodiscard]] int readable_fd() const override { return fd_; }
  Result<std::size_t> read(std::span<std::uint8_t> buffer) override {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n > 0) {
      return static_cast<std::size_t>(n);
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      return std::size_t{0};
    }
    // 0 is end of file: the node (or its stand-in) is gone.
    return fail("hidraw read", n == 0 ? "device closed" : std::strerror(errno));
  }
  Result<void> write(std::span<const std::uint8_t> report) override {
    // A socket stand-in whose peer is gone must fail the write, not raise SIGPIPE.
    ssize_t n = ::send(fd_, report.data(), report.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) {
      n = ::write(fd_, report.data(), report.size());
    }
    if (n != static_cast<ssize_t>(report.size())) {
      return fail("hidraw write", n < 0 ? std::strerror(errno) : "short write");
    }
    return {};
  }

private:
  int fd_;
};

}  // namespace

std::unique_ptr<UsbReportIo> hidapi_report_io(pots::HidDevice device) {
  return std::make_unique<HidapiReportIo>(std::move(device));
}

std::unique_ptr<UsbReportIo> fd_report_io(int fd) {
  return std::make_unique<FdReportIo>(fd);
}

}  // namespace tipring::client
