// UdpSocket: an owned, non-blocking UDP socket bound to one media address and port. The
// relay binds to its configured media address, never the wildcard (rtpproxy's and
// rtpengine's practice: media for one address cannot arrive through another).
#pragma once

#include "protocol/core/error.h"
#include "relay_server/media/endpoint.h"

#include <cstdint>

namespace tipring::relay {

class UdpSocket {
public:
  UdpSocket() = default;
  static Result<UdpSocket> bind(const Endpoint& local);
  ~UdpSocket();
  UdpSocket(UdpSocket&& other) noexcept;
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] bool is_open() const { return fd_ >= 0; }
  [[nodiscard]] bool is_v4() const { return v4_; }
  void close();

private:
  int fd_ = -1;
  bool v4_ = true;
};

}  // namespace tipring::relay
