// A blocking loopback HTTP client for tests: connect, send, read until the server closes.
#pragma once

#include "relay_server/app/socket_address.h"

#include <array>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {

inline int connect_to(const SocketAddress& address) {
  const int fd = ::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::connect(fd, address.data(), address.size()) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `first` then `second` (to exercise split requests) and returns all bytes received
// before the server closed, waiting at most ~5 s in total.
inline std::string http_exchange(const SocketAddress& address, const std::string& first,
                                 const std::string& second = "") {
  const int fd = connect_to(address);
  if (fd < 0) {
    return "connect failed";
  }
  (void)::send(fd, first.data(), first.size(), MSG_NOSIGNAL);
  if (!second.empty()) {
    ::usleep(20000);
    (void)::send(fd, second.data(), second.size(), MSG_NOSIGNAL);
  }
  std::string reply;
  std::array<char, 4096> buffer{};
  for (int waits = 0; waits < 50; ++waits) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) {
      continue;
    }
    const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) {
      break;
    }
    reply.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

}  // namespace tipring::relay
