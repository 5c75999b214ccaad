// UdpSocket: a non-blocking UDP socket for the relay's signalling side (SIP over UDP,
// RFC 3261 §18). One datagram per call; the media relay's batched path is its own.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/app/socket_address.h"
#include "relay_server/app/unique_fd.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tipring::relay {

struct ReceivedDatagram {
  std::size_t length = 0;
  SocketAddress from;
};

class UdpSocket {
public:
  // Binds to `local` (port 0 picks a free port; see local_address()).
  static Result<UdpSocket> bind(const SocketAddress& local);

  // The next datagram, or nullopt when none is waiting. A datagram longer than `buffer`
  // is reported with its full length (MSG_TRUNC) so the caller can count and drop it.
  [[nodiscard]] Result<std::optional<ReceivedDatagram>> receive(std::span<std::byte> buffer);
  // Sends one datagram; a full socket buffer is an error the caller counts, not a wait.
  [[nodiscard]] Result<void> send_to(std::span<const std::byte> bytes, const SocketAddress& to);

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] const SocketAddress& local_address() const { return local_; }

private:
  UdpSocket(UniqueFd fd, SocketAddress local) : fd_(std::move(fd)), local_(local) {}

  UniqueFd fd_;
  SocketAddress local_;
};

}  // namespace tipring::relay
