// The network namespace and loopback UDP sockets of the steered data path's tests: the test
// process moves into a namespace of its own (root; otherwise the tests skip) with only `lo`
// up, so an sk_lookup program never sees another test's traffic (ctest runs in parallel).
// Every wait is bounded. One test file of the binary registers PrivateNetworkNamespace.
#pragma once

#include "tests/support/private_network.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay::testing {

constexpr std::uint32_t kLoopback = 0x7f000001;
constexpr int kWaitMs = 2000;  // bound on every wait for a datagram that must arrive

// Why the namespace tests cannot run here, empty when they can.
inline std::string& namespace_problem() {
  static std::string problem = "the private network namespace was not set up";
  return problem;
}

// Before any test (and any thread): unshare the network namespace and bring `lo` up.
class PrivateNetworkNamespace : public ::testing::Environment {
public:
  void SetUp() override { namespace_problem() = test_support::enter_private_network(); }
};

// An owned UDP socket with the few operations the tests need; every wait is bounded.
class Udp {
public:
  explicit Udp(std::uint16_t port = 0) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a = address(port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ADD_FAILURE() << "bind 127.0.0.1:" << port << ": " << std::strerror(errno);
    }
    const int on = 1;
    ::setsockopt(fd_, SOL_IP, IP_RECVORIGDSTADDR, &on, sizeof on);
  }
  ~Udp() { ::close(fd_); }
  Udp(const Udp&) = delete;
  Udp& operator=(const Udp&) = delete;

  static sockaddr_in address(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(kLoopback);
    return a;
  }
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] std::uint16_t port() const {
    sockaddr_in a{};
    socklen_t length = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
    return ntohs(a.sin_port);
  }
  void connect_to(std::uint16_t port) const {
    const sockaddr_in a = address(port);
    ASSERT_EQ(::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  }
  void send_to(std::uint16_t port, const std::string& text) const {
    const sockaddr_in a = address(port);
    ASSERT_EQ(
        ::sendto(fd_, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a),
        static_cast<ssize_t>(text.size()))
        << std::strerror(errno);
  }

  struct Datagram {
    std::string text;
    std::uint16_t from_port = 0;
    std::uint16_t original_destination_port = 0;  // from IP_ORIGDSTADDR
  };
  // The next datagram within kWaitMs, or nullopt.
  [[nodiscard]] std::optional<Datagram> receive() const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, kWaitMs) != 1) {
      return std::nullopt;
    }
    std::array<char, 2048> buffer{};
    iovec part{buffer.data(), buffer.size()};
    sockaddr_in from{};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(sockaddr_in))> control{};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    const ssize_t n = ::recvmsg(fd_, &message, MSG_DONTWAIT);
    if (n < 0) {
      return std::nullopt;
    }
    Datagram d{std::string(buffer.data(), static_cast<std::size_t>(n)), ntohs(from.sin_port), 0};
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_ORIGDSTADDR) {
        sockaddr_in original{};
        std::memcpy(&original, CMSG_DATA(c), sizeof original);
        d.original_destination_port = ntohs(original.sin_port);
      }
    }
    return d;
  }
  // The error queued by an ICMP reply (ECONNREFUSED for port unreachable) within kWaitMs.
  [[nodiscard]] int pending_error() const {
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, kWaitMs);
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    return error;
  }

private:
  int fd_;
};

// Texts read from `socket` up to and including `marker` (which must arrive).
inline std::vector<std::string> received_until(const Udp& socket, const std::string& marker) {
  std::vector<std::string> texts;
  while (auto d = socket.receive()) {
    texts.push_back(d->text);
    if (d->text == marker) {
      return texts;
    }
  }
  ADD_FAILURE() << "marker '" << marker << "' never arrived";
  return texts;
}

}  // namespace tipring::relay::testing
