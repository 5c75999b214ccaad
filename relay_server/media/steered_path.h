// SteeredPath: a forwarding worker's state on the steered data path. One shared socket
// receives the datagrams of every port the worker serves (PortSteering's sk_lookup program
// hands them to it) and one raw socket sends with each leg's relay port as the source, so a
// call costs no socket. Everything a batch needs is preallocated here: the channel table
// for the whole port range, the receive buffers and the outgoing headers.
#pragma once

#include "relay_server/media/endpoint.h"
#include "relay_server/media/media_socket.h"
#include "relay_server/media/session.h"

#ifdef __linux__
#include "relay_server/media/raw_udp.h"
#include "relay_server/media/receive_batch.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#endif

namespace tipring::relay {

#ifdef __linux__
struct SteeredPath {
  using Received = ReceiveBatch<CMSG_SPACE(sizeof(sockaddr_in))>;  // IP_ORIGDSTADDR each
  static constexpr unsigned kBatch = Received::kSize;
  // Datagrams read per wake-up before the worker looks at its commands again.
  static constexpr unsigned kMaxBatchesPerWakeup = 8;

  MediaSocket receiver;  // bound to local:0; IP_RECVORIGDSTADDR tells each datagram's port
  RawIpv4Socket sender;
  IpAddress local;  // the relay's media address: the source of everything sent
  std::uint16_t port_min = 0;
  std::vector<Channel*> channels;  // [port - port_min]; nullptr: not a port of this worker

  Received received;

  // The send batch: IPv4 + UDP header, then the received payload in place.
  std::array<std::array<std::uint8_t, kIpv4UdpHeaderBytes>, kBatch> headers{};
  std::array<std::array<iovec, 2>, kBatch> send_iov{};
  std::array<sockaddr_storage, kBatch> destinations{};
  std::array<mmsghdr, kBatch> sends{};
  std::array<Channel*, kBatch> sent_from{};  // the leg each outgoing datagram came in on

  // The channel a datagram for `port` belongs to; nullptr outside the range or unwatched.
  [[nodiscard]] Channel* channel_for(std::uint16_t port) const {
    const auto index = static_cast<std::size_t>(port) - port_min;
    return port >= port_min && index < channels.size() ? channels[index] : nullptr;
  }
  [[nodiscard]] Channel*& slot(std::uint16_t port) {
    return channels[static_cast<std::size_t>(port - port_min)];
  }
  [[nodiscard]] bool serves(std::uint16_t port) const {
    return port >= port_min && static_cast<std::size_t>(port - port_min) < channels.size();
  }
};
#else
struct SteeredPath {};
#endif

}  // namespace tipring::relay
