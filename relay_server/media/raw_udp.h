// Raw UDP output for the steered data path: the relay writes each datagram's IPv4 (RFC 791
// §3.1) and UDP (RFC 768) headers itself and sends through one raw socket per worker, so a
// datagram can leave from any leg's relay port without a socket bound to that port.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/media/endpoint.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace tipring::relay {

inline constexpr std::size_t kIpv4HeaderBytes = 20;
inline constexpr std::size_t kUdpHeaderBytes = 8;
inline constexpr std::size_t kIpv4UdpHeaderBytes = kIpv4HeaderBytes + kUdpHeaderBytes;
// Largest payload an IPv4 datagram can carry after these headers (total length is 16 bits).
inline constexpr std::size_t kMaxIpv4UdpPayloadBytes = 65535 - kIpv4UdpHeaderBytes;

// The RFC 1071 Internet checksum of `bytes` (the one's complement of the one's complement
// sum of its 16-bit big-endian words, an odd last byte padded with zero), as the value to
// put on the wire. Exposed for tests and for anyone checking a packet; 0 is returned as 0.
[[nodiscard]] std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes);

// Writes the IPv4 header (version 4, IHL 5, DF, TTL 64, protocol UDP, total length, `from`
// and `to` addresses; identification and header checksum 0, which the kernel fills for a
// raw IPPROTO_RAW socket) and the UDP header (ports, length, RFC 768 checksum over the
// pseudo-header, header and payload; a computed 0 is sent as 0xffff) for `payload`.
// `from` and `to` must be IPv4 (is_v4()) and payload.size() <= kMaxIpv4UdpPayloadBytes;
// ports are host order. No allocation, one pass over the payload: per packet.
void write_ipv4_udp_header(std::span<std::uint8_t, kIpv4UdpHeaderBytes> header,
                           const Endpoint& from, const Endpoint& to,
                           std::span<const std::uint8_t> payload);

// A send-only raw IPv4 socket (socket(AF_INET, SOCK_RAW, IPPROTO_RAW): IP_HDRINCL is implied
// and no datagram is ever delivered to it) for datagrams whose headers the caller wrote with
// write_ipv4_udp_header. Non-blocking and close-on-exec. Opening needs CAP_NET_RAW.
// For sendmmsg: msg_name is a sockaddr_in holding the header's destination address (the
// port is ignored, 0 is fine), msg_iov is {header, payload}.
class RawIpv4Socket {
public:
  RawIpv4Socket() = default;  // not open
  // Fails (naming CAP_NET_RAW on EPERM) when the socket cannot be opened.
  static Result<RawIpv4Socket> open();
  ~RawIpv4Socket();
  RawIpv4Socket(RawIpv4Socket&& other) noexcept;
  RawIpv4Socket& operator=(RawIpv4Socket&& other) noexcept;
  RawIpv4Socket(const RawIpv4Socket&) = delete;
  RawIpv4Socket& operator=(const RawIpv4Socket&) = delete;

  [[nodiscard]] int fd() const { return fd_; }

  // Sends one datagram to the destination written in `header` (one sendmsg; the forwarding
  // loop batches with sendmmsg instead). Fails with errno's text, e.g. EAGAIN when the
  // socket's send buffer is full or EMSGSIZE when it exceeds the route's MTU (DF is set).
  Result<void> send(std::span<const std::uint8_t, kIpv4UdpHeaderBytes> header,
                    std::span<const std::uint8_t> payload) const;

private:
  explicit RawIpv4Socket(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace tipring::relay
