#include "relay_server/media/udp_socket.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {

namespace {
#ifdef SOCK_CLOEXEC
constexpr int kCloseOnExec = SOCK_CLOEXEC;
#else
constexpr int kCloseOnExec = 0;
#endif
}  // namespace

Result<UdpSocket> UdpSocket::bind(const Endpoint& local) {
  UdpSocket s;
  s.v4_ = local.ip.is_v4();
  s.fd_ = ::socket(s.v4_ ? AF_INET : AF_INET6, SOCK_DGRAM | kCloseOnExec, 0);
  if (s.fd_ < 0) {
    return fail("socket(2)", std::strerror(errno));
  }
  const int flags = ::fcntl(s.fd_, F_GETFL, 0);
  if (flags < 0 || ::fcntl(s.fd_, F_SETFL, flags | O_NONBLOCK) < 0) {
    return fail("fcntl(2) O_NONBLOCK", std::strerror(errno));
  }
  sockaddr_storage address{};
  const unsigned length = endpoint_to_sockaddr(local, s.v4_, &address);
  if (::bind(s.fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    return fail("bind(2)", local.to_string() + ": " + std::strerror(errno));
  }
  return s;
}

UdpSocket::~UdpSocket() {
  close();
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept : fd_(other.fd_), v4_(other.v4_) {
  other.fd_ = -1;
}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    v4_ = other.v4_;
    other.fd_ = -1;
  }
  return *this;
}

void UdpSocket::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace tipring::relay
