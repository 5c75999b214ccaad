// UdpPeer: a loopback UDP endpoint standing in for a client in the relay's integration
// tests. Every wait is bounded.
#pragma once

#include "relay_server/media/endpoint.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay::testing {

class UdpPeer {
public:
  explicit UdpPeer(const char* ip, std::uint16_t port = 0) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      throw std::runtime_error(std::string("bind ") + ip);
    }
    int big = 4 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    local_ = Endpoint{*IpAddress::parse(ip), ntohs(a.sin_port)};
  }
  ~UdpPeer() { ::close(fd_); }
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;

  [[nodiscard]] const Endpoint& local() const { return local_; }

  void send_to(const Endpoint& to, const std::vector<std::uint8_t>& bytes) const {
    sockaddr_storage s{};
    const unsigned len = endpoint_to_sockaddr(to, true, &s);
    ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&s), len);
  }

  struct Datagram {
    std::vector<std::uint8_t> bytes;
    Endpoint from;
  };
  // The next datagram, or nullopt if none arrives within `wait`.
  std::optional<Datagram> receive(std::chrono::milliseconds wait) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) {
      return std::nullopt;
    }
    Datagram d;
    d.bytes.resize(2048);
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    const auto n = ::recvfrom(fd_, d.bytes.data(), d.bytes.size(), MSG_DONTWAIT,
                              reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) {
      return std::nullopt;
    }
    d.bytes.resize(static_cast<std::size_t>(n));
    d.from = endpoint_from_sockaddr(reinterpret_cast<sockaddr*>(&from));
    return d;
  }
  // Everything already queued (waits at most `wait` for the first).
  std::vector<Datagram> drain(std::chrono::milliseconds wait) const {
    std::vector<Datagram> all;
    auto d = receive(wait);
    while (d) {
      all.push_back(std::move(*d));
      d = receive(std::chrono::milliseconds(0));
    }
    return all;
  }

  // Waits until `expected` datagrams have arrived or `limit` passed, then takes whatever
  // else is already queued, so a surplus shows up in the result.
  std::vector<Datagram> receive_count(std::size_t expected, std::chrono::milliseconds limit) const {
    std::vector<Datagram> all;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (all.size() < expected) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        break;
      }
      auto d = receive(left);
      if (!d) {
        break;
      }
      all.push_back(std::move(*d));
    }
    auto more = drain(std::chrono::milliseconds(5));
    for (auto& d : more) {
      all.push_back(std::move(d));
    }
    return all;
  }

private:
  int fd_ = -1;
  Endpoint local_;
};

}  // namespace tipring::relay::testing
