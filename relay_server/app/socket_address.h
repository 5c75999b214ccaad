// SocketAddress: an IPv4 or IPv6 address and port as the kernel wants it (sockaddr_storage),
// with the text forms used in configuration and logs: "192.0.2.1:5060" and "[2001:db8::1]:5060".
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <netinet/in.h>
#include <sys/socket.h>

namespace tipring::relay {

class SocketAddress {
public:
  SocketAddress() = default;
  // Copies `length` bytes of a kernel-filled address (recvfrom, getsockname).
  SocketAddress(const sockaddr* address, socklen_t length);

  // "host:port" with a numeric IPv4 host, or "[v6]:port". No name resolution: the relay
  // binds to addresses an operator wrote down, and a DNS lookup at start-up would hide typos.
  static Result<SocketAddress> parse(std::string_view text);
  static SocketAddress ipv4_loopback(std::uint16_t port);

  [[nodiscard]] bool is_ipv4() const { return storage_.ss_family == AF_INET; }
  [[nodiscard]] bool is_ipv6() const { return storage_.ss_family == AF_INET6; }
  [[nodiscard]] int family() const { return storage_.ss_family; }
  [[nodiscard]] std::uint16_t port() const;
  void set_port(std::uint16_t port);

  // The host part alone ("192.0.2.1", "2001:db8::1"), and the full "host:port" form.
  [[nodiscard]] std::string ip_string() const;
  [[nodiscard]] std::string to_string() const;

  [[nodiscard]] const sockaddr* data() const;
  [[nodiscard]] sockaddr* data();
  [[nodiscard]] socklen_t size() const;

  friend bool operator==(const SocketAddress& a, const SocketAddress& b);

private:
  sockaddr_storage storage_{};
};

}  // namespace tipring::relay
