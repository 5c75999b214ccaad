#include "relay_server/media/raw_udp.h"

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {

namespace {

// The one's complement sum is independent of byte order (RFC 1071 §2 B): summing the bytes
// as native-order words and storing the folded result natively gives the right wire bytes
// on either endianness, so no word is swapped per packet.
//
// Adds `bytes` to a running sum of native-order words. `bytes` must start at an even offset
// of the checksummed stream; an odd last byte is padded with zero as RFC 768 asks. 64-bit
// words with end-around carry (2^64 is 1 modulo 0xffff), two per step, and a fixed-size tail:
// no per-byte loop and no variable-length memcpy call per packet.
std::uint64_t add_native_words(std::uint64_t sum, std::span<const std::uint8_t> bytes) {
  const std::uint8_t* p = bytes.data();
  std::size_t left = bytes.size();
  std::uint64_t carries = 0;
  const auto add = [&](std::uint64_t word) { carries += __builtin_add_overflow(sum, word, &sum); };
  for (; left >= 16; p += 16, left -= 16) {
    std::uint64_t words[2];
    std::memcpy(words, p, sizeof words);
    add(words[0]);
    add(words[1]);
  }
  if (left >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    add(word);
    p += 8;
    left -= 8;
  }
  if (left >= 4) {
    std::uint32_t word = 0;
    std::memcpy(&word, p, 4);
    add(word);
    p += 4;
    left -= 4;
  }
  if (left >= 2) {
    std::uint16_t word = 0;
    std::memcpy(&word, p, 2);
    add(word);
    p += 2;
    left -= 2;
  }
  if (left == 1) {
    // The 16-bit word {byte, 0} read natively.
    add(std::endian::native == std::endian::little ? std::uint64_t{*p} : std::uint64_t{*p} << 8);
  }
  // Fold to 33 bits so the carries can be added without overflowing.
  return (sum & 0xffffffffU) + (sum >> 32) + carries;
}

// Folds the carries back in (end-around carry) until 16 bits remain.
std::uint16_t fold(std::uint64_t sum) {
  while ((sum >> 16) != 0) {
    sum = (sum & 0xffffU) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

std::uint16_t native_to_host(std::uint16_t native_order_of_big_endian_bytes) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<std::uint16_t>((native_order_of_big_endian_bytes >> 8) |
                                      (native_order_of_big_endian_bytes << 8));
  }
  return native_order_of_big_endian_bytes;
}

void put_be16(std::uint8_t* at, std::uint16_t value) {
  at[0] = static_cast<std::uint8_t>(value >> 8);
  at[1] = static_cast<std::uint8_t>(value);
}

// The four address bytes of an IPv4(-mapped) address, network order.
const std::uint8_t* ipv4_bytes(const IpAddress& address) {
  return address.bytes().data() + 12;
}

}  // namespace

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  const auto complement = static_cast<std::uint16_t>(~fold(add_native_words(0, bytes)));
  return native_to_host(complement);
}

void write_ipv4_udp_header(std::span<std::uint8_t, kIpv4UdpHeaderBytes> header,
                           const Endpoint& from, const Endpoint& to,
                           std::span<const std::uint8_t> payload) {
  const auto udp_length = static_cast<std::uint16_t>(kUdpHeaderBytes + payload.size());
  const auto total_length = static_cast<std::uint16_t>(kIpv4HeaderBytes + udp_length);
  std::uint8_t* ip = header.data();
  ip[0] = 0x45;  // version 4, IHL 5 words: no options
  ip[1] = 0;     // DSCP/ECN: best effort, as the relay's UDP sockets send
  put_be16(ip + 2, total_length);
  put_be16(ip + 4, 0);       // identification: the kernel picks one (0 for DF datagrams)
  put_be16(ip + 6, 0x4000);  // DF, fragment offset 0: media is never fragmented
  ip[8] = 64;                // TTL, Linux's default
  ip[9] = IPPROTO_UDP;
  put_be16(ip + 10, 0);  // header checksum: always computed by the kernel for IP_HDRINCL
  std::memcpy(ip + 12, ipv4_bytes(from.ip), 4);
  std::memcpy(ip + 16, ipv4_bytes(to.ip), 4);

  std::uint8_t* udp = ip + kIpv4HeaderBytes;
  put_be16(udp, from.port);
  put_be16(udp + 2, to.port);
  put_be16(udp + 4, udp_length);
  put_be16(udp + 6, 0);

  // RFC 768 pseudo-header: source, destination, zero, protocol, UDP length. The addresses
  // and the UDP header (its checksum still 0) are contiguous, bytes 12..27: one 16-byte step.
  std::array<std::uint8_t, 4> protocol_and_length{0, IPPROTO_UDP, 0, 0};
  put_be16(protocol_and_length.data() + 2, udp_length);
  std::uint64_t sum = add_native_words(0, std::span<const std::uint8_t>(ip + 12, 16));
  sum = add_native_words(sum, protocol_and_length);
  sum = add_native_words(sum, payload);
  auto checksum = static_cast<std::uint16_t>(~fold(sum));
  if (checksum == 0) {
    checksum = 0xffff;  // RFC 768: 0 means "no checksum", so a computed 0 is sent as all ones
  }
  std::memcpy(udp + 6, &checksum, 2);  // native order of a native-order sum: wire order
}

Result<RawIpv4Socket> RawIpv4Socket::open() {
  const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) {
    const int error = errno;
    std::string detail = std::strerror(error);
    if (error == EPERM || error == EACCES) {
      detail += " (a raw socket needs CAP_NET_RAW)";
    }
    return fail("socket(2) AF_INET SOCK_RAW IPPROTO_RAW", detail);
  }
  return RawIpv4Socket(fd);
}

RawIpv4Socket::~RawIpv4Socket() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

RawIpv4Socket::RawIpv4Socket(RawIpv4Socket&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

RawIpv4Socket& RawIpv4Socket::operator=(RawIpv4Socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<void> RawIpv4Socket::send(std::span<const std::uint8_t, kIpv4UdpHeaderBytes> header,
                                 std::span<const std::uint8_t> payload) const {
  sockaddr_in destination{};
  destination.sin_family = AF_INET;
  std::memcpy(&destination.sin_addr, header.data() + 16, 4);
  // iovec's base is not const in POSIX; sendmsg only reads it.
  iovec parts[2] = {
      {const_cast<std::uint8_t*>(header.data()), header.size()},
      {const_cast<std::uint8_t*>(payload.data()), payload.size()},
  };
  msghdr message{};
  message.msg_name = &destination;
  message.msg_namelen = sizeof destination;
  message.msg_iov = parts;
  message.msg_iovlen = 2;
  if (::sendmsg(fd_, &message, MSG_NOSIGNAL) < 0) {
    return fail("sendmsg(2) raw IPv4", std::strerror(errno));
  }
  return {};
}

}  // namespace tipring::relay
