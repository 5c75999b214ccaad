#include "relay_server/media/endpoint.h"

#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace tipring::relay {

namespace {
constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN) {
    return std::nullopt;
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  in_addr v4{};
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    return IpAddress::v4(ntohl(v4.s_addr));
  }
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, buffer, v6.data()) == 1) {
    return IpAddress::v6(v6);
  }
  return std::nullopt;
}

bool IpAddress::is_v4() const {
  return std::memcmp(bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
}

bool IpAddress::is_unspecified() const {
  if (is_v4()) {
    return bytes_[12] == 0 && bytes_[13] == 0 && bytes_[14] == 0 && bytes_[15] == 0;
  }
  return *this == IpAddress{};
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes_.data() + 12, buffer, sizeof buffer);
  } else {
    inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof buffer);
  }
  return buffer;
}

std::string Endpoint::to_string() const {
  if (ip.is_v4()) {
    return ip.to_string() + ":" + std::to_string(port);
  }
  return "[" + ip.to_string() + "]:" + std::to_string(port);
}

Endpoint endpoint_from_sockaddr(const sockaddr* address) {
  Endpoint e;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    e.ip = IpAddress::v4(ntohl(v4.sin_addr.s_addr));
    e.port = ntohs(v4.sin_port);
  } else if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
    e.ip = IpAddress::v6(bytes);
    e.port = ntohs(v6.sin6_port);
  }
  return e;
}

unsigned endpoint_to_sockaddr(const Endpoint& endpoint, bool want_v4, sockaddr_storage* out) {
  std::memset(out, 0, sizeof *out);
  const auto& b = endpoint.ip.bytes();
  if (want_v4) {
    if (!endpoint.ip.is_v4()) {
      return 0;
    }
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(endpoint.port);
    std::memcpy(&v4.sin_addr, b.data() + 12, 4);
    std::memcpy(out, &v4, sizeof v4);
    return sizeof v4;
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(endpoint.port);
  std::memcpy(&v6.sin6_addr, b.data(), b.size());
  std::memcpy(out, &v6, sizeof v6);
  return sizeof v6;
}

}  // namespace tipring::relay
