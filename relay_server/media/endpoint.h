// IpAddress and Endpoint: the media relay's view of a UDP transport address, small and
// trivially comparable so the forwarding loop can match a packet's source in a few
// instructions. IPv4 is held as an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;
struct sockaddr_storage;

namespace tipring::relay {

class IpAddress {
public:
  constexpr IpAddress() = default;
  // 0xC0A80001 is 192.168.0.1.
  static constexpr IpAddress v4(std::uint32_t host_order) {
    IpAddress a;
    a.bytes_[10] = 0xff;
    a.bytes_[11] = 0xff;
    a.bytes_[12] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes_[13] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes_[14] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes_[15] = static_cast<std::uint8_t>(host_order);
    return a;
  }
  static constexpr IpAddress v6(const std::array<std::uint8_t, 16>& bytes) {
    IpAddress a;
    a.bytes_ = bytes;
    return a;
  }
  // Dotted quad or RFC 5952 text; nullopt when it is neither.
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] bool is_v4() const;
  // 0.0.0.0, ::ffff:0.0.0.0 or ::: "no address", as in a hold SDP or an unset field.
  [[nodiscard]] bool is_unspecified() const;
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }

  friend constexpr bool operator==(const IpAddress&, const IpAddress&) = default;

private:
  std::array<std::uint8_t, 16> bytes_{};
};

struct Endpoint {
  IpAddress ip;
  std::uint16_t port = 0;

  friend constexpr bool operator==(const Endpoint&, const Endpoint&) = default;
  [[nodiscard]] bool is_set() const { return port != 0 && !ip.is_unspecified(); }
  // "1.2.3.4:5" or "[::1]:5".
  [[nodiscard]] std::string to_string() const;
};

// sockaddr_in / sockaddr_in6 conversions for the socket layer. from_sockaddr returns a
// default Endpoint for other families.
Endpoint endpoint_from_sockaddr(const sockaddr* address);
// Writes `endpoint` as sockaddr_in when `want_v4` (the socket is AF_INET), otherwise as
// sockaddr_in6; returns the length to pass to the kernel, 0 when it cannot be expressed.
unsigned endpoint_to_sockaddr(const Endpoint& endpoint, bool want_v4, sockaddr_storage* out);

}  // namespace tipring::relay
