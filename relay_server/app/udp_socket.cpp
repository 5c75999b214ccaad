#include "relay_server/app/udp_socket.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <sys/socket.h>

namespace tipring::relay {
namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

Result<UdpSocket> UdpSocket::bind(const SocketAddress& local) {
  UniqueFd fd(::socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    return fail("udp socket", errno_text("socket"));
  }
  if (local.is_ipv6()) {
    // A "[::]:5060" listener is for IPv6 only; IPv4 gets its own listen entry.
    int on = 1;
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
  }
  if (::bind(fd.get(), local.data(), local.size()) != 0) {
    return fail("udp socket", errno_text(("bind " + local.to_string()).c_str()));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    return fail("udp socket", errno_text("getsockname"));
  }
  return UdpSocket(std::move(fd), SocketAddress(reinterpret_cast<sockaddr*>(&bound), length));
}

Result<std::optional<ReceivedDatagram>> UdpSocket::receive(std::span<std::byte> buffer) {
  sockaddr_storage from{};
  socklen_t from_length = sizeof(from);
  const auto n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), MSG_TRUNC,
                            reinterpret_cast<sockaddr*>(&from), &from_length);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      return std::optional<ReceivedDatagram>();
    }
    return fail("udp socket", errno_text("recvfrom"));
  }
  return ReceivedDatagram{static_cast<std::size_t>(n),
                          SocketAddress(reinterpret_cast<sockaddr*>(&from), from_length)};
}

Result<void> UdpSocket::send_to(std::span<const std::byte> bytes, const SocketAddress& to) {
  const auto n =
      ::sendto(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL, to.data(), to.size());
  if (n < 0) {
    return fail("udp socket", errno_text(("sendto " + to.to_string()).c_str()));
  }
  return {};
}

}  // namespace tipring::relay
