#include "relay_server/app/socket_address.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include <arpa/inet.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "socket address host:port";

Result<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > 65535) {
    return fail(kRule, "port '" + std::string(text) + "' is not a number from 0 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

SocketAddress::SocketAddress(const sockaddr* address, socklen_t length) {
  std::memcpy(&storage_, address, std::min<std::size_t>(length, sizeof(storage_)));
}

Result<SocketAddress> SocketAddress::parse(std::string_view text) {
  std::string host;
  std::string_view port_text;
  SocketAddress out;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail(kRule, "'" + std::string(text) + "' is not of the form [IPv6]:port");
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    auto port = parse_port(port_text);
    if (!port) {
      return tl::unexpected(port.error());
    }
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(*port);
    if (inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) != 1) {
      return fail(kRule, "'" + host + "' is not an IPv6 address");
    }
    std::memcpy(&out.storage_, &v6, sizeof(v6));
    return out;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(kRule, "'" + std::string(text) + "' has no ':port'");
  }
  host = std::string(text.substr(0, colon));
  auto port = parse_port(text.substr(colon + 1));
  if (!port) {
    return tl::unexpected(port.error());
  }
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(*port);
  if (inet_pton(AF_INET, host.c_str(), &v4.sin_addr) != 1) {
    return fail(kRule, "'" + host + "' is not an IPv4 address (write IPv6 as [addr]:port)");
  }
  std::memcpy(&out.storage_, &v4, sizeof(v4));
  return out;
}

SocketAddress SocketAddress::ipv4_loopback(std::uint16_t port) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(port);
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return {reinterpret_cast<const sockaddr*>(&v4), sizeof(v4)};
}

std::uint16_t SocketAddress::port() const {
  if (is_ipv4()) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  }
  if (is_ipv6()) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

void SocketAddress::set_port(std::uint16_t port) {
  if (is_ipv4()) {
    reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  } else if (is_ipv6()) {
    reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
  }
}

std::string SocketAddress::ip_string() const {
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  const void* raw = nullptr;
  if (is_ipv4()) {
    raw = &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr;
  } else if (is_ipv6()) {
    raw = &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
  } else {
    return "unspecified";
  }
  if (inet_ntop(family(), raw, buffer.data(), static_cast<socklen_t>(buffer.size())) == nullptr) {
    return "invalid";
  }
  return buffer.data();
}

std::string SocketAddress::to_string() const {
  if (is_ipv6()) {
    return "[" + ip_string() + "]:" + std::to_string(port());
  }
  return ip_string() + ":" + std::to_string(port());
}

const sockaddr* SocketAddress::data() const {
  return reinterpret_cast<const sockaddr*>(&storage_);
}

sockaddr* SocketAddress::data() {
  return reinterpret_cast<sockaddr*>(&storage_);
}

socklen_t SocketAddress::size() const {
  if (is_ipv4()) {
    return sizeof(sockaddr_in);
  }
  if (is_ipv6()) {
    return sizeof(sockaddr_in6);
  }
  return sizeof(storage_);
}

bool operator==(const SocketAddress& a, const SocketAddress& b) {
  if (a.family() != b.family() || a.port() != b.port()) {
    return false;
  }
  if (a.is_ipv4()) {
    return reinterpret_cast<const sockaddr_in*>(&a.storage_)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(&b.storage_)->sin_addr.s_addr;
  }
  if (a.is_ipv6()) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&a.storage_)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(&b.storage_)->sin6_addr,
                       sizeof(in6_addr)) == 0;
  }
  return true;
}

}  // namespace tipring::relay
