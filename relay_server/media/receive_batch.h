// ReceiveBatch: the preallocated buffers and headers of one recvmmsg(2) call of a forwarding
// worker (Linux), shared by the socket-per-leg loop and the steered loop. Between calls only
// the headers the kernel rewrote are reset, so a receive costs no per-datagram set-up beyond
// what it returned last time.
#pragma once

#include "relay_server/media/endpoint.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <sys/socket.h>

namespace tipring::relay {

// `ControlBytes`: room for ancillary data per datagram (0: none asked for).
template <std::size_t ControlBytes>
struct ReceiveBatch {
  static constexpr unsigned kSize = 32;
  static constexpr std::size_t kMaxDatagram = 2048;

  struct alignas(cmsghdr) Control {
    std::array<std::uint8_t, ControlBytes> bytes;
  };
  std::array<std::array<std::uint8_t, kMaxDatagram>, kSize> buffers{};
  std::array<mmsghdr, kSize> headers{};
  std::array<iovec, kSize> iov{};
  std::array<sockaddr_storage, kSize> sources{};
  std::array<Control, kSize> controls{};
  unsigned last = kSize;  // headers the previous recvmmsg wrote into

  ReceiveBatch() {
    for (unsigned i = 0; i < kSize; ++i) {
      iov[i] = iovec{buffers[i].data(), kMaxDatagram};
      msghdr& h = headers[i].msg_hdr;
      h.msg_iov = &iov[i];
      h.msg_iovlen = 1;
      h.msg_name = &sources[i];
      h.msg_control = ControlBytes == 0 ? nullptr : controls[i].bytes.data();
    }
  }

  // Reads up to kSize datagrams from `fd` without waiting; how many (0: none, or an error).
  unsigned receive(int fd) {
    for (unsigned i = 0; i < last; ++i) {
      msghdr& h = headers[i].msg_hdr;
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_controllen = ControlBytes;
      h.msg_flags = 0;
    }
    const int count = ::recvmmsg(fd, headers.data(), kSize, MSG_DONTWAIT, nullptr);
    last = count > 0 ? static_cast<unsigned>(count) : 0;
    return last;
  }

  // Datagram `i` of the last receive: its size on the wire, its bytes (empty when truncated,
  // so a cut datagram is judged malformed and never relayed) and where it came from.
  [[nodiscard]] std::size_t size(unsigned i) const { return headers[i].msg_len; }
  [[nodiscard]] std::span<std::uint8_t> bytes(unsigned i) {
    const bool truncated = (headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    return {buffers[i].data(), truncated ? 0 : headers[i].msg_len};
  }
  [[nodiscard]] Endpoint source(unsigned i) const {
    return endpoint_from_sockaddr(reinterpret_cast<const sockaddr*>(&sources[i]));
  }
};

}  // namespace tipring::relay
