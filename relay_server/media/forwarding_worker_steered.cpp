// The steered data path of ForwardingWorker (Linux): every datagram for the worker's ports
// arrives on one shared socket, so one recvmmsg takes a batch across all legs (the socket
// path reads one socket, usually one datagram, per call); the destination port (from
// IP_RECVORIGDSTADDR) picks the leg by table index, the latch judges it as on the socket
// path, and the accepted datagrams leave in one sendmmsg on the raw socket with the peer
// leg's port as their source. Per datagram: no allocation, lock, log or lookup by string.
#include "relay_server/media/forwarding_worker.h"
#include "relay_server/media/steered_path.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace tipring::relay {

namespace {
// Sized for a backlog of a few milliseconds of a busy worker (~100,000 datagrams/s of ~1 KiB
// of kernel memory each), which the per-leg sockets' default buffers used to hold between
// them. SO_RCVBUFFORCE passes net.core.rmem_max for a privileged relay (which the steered
// path is); SO_RCVBUF is the fallback, capped by rmem_max.
constexpr int kReceiveBufferBytes = 8 * 1024 * 1024;

// The port a datagram was sent to, from its IP_ORIGDSTADDR control message; 0 if absent.
std::uint16_t original_port(msghdr& h) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_ORIGDSTADDR) {
      sockaddr_in address{};
      std::memcpy(&address, CMSG_DATA(c), sizeof address);
      return ntohs(address.sin_port);
    }
  }
  return 0;
}
}  // namespace

Result<void> ForwardingWorker::use_steered_path(const Endpoint& local, std::uint16_t port_min,
                                                std::uint16_t port_max) {
  if (!local.ip.is_v4()) {
    return fail("steered data path", "needs an IPv4 media address, not " + local.ip.to_string());
  }
  if (port_min == 0 || port_max < port_min) {
    return fail("steered data path", "empty port range");
  }
  auto path = std::make_unique<SteeredPath>();
  auto receiver = MediaSocket::bind(Endpoint{local.ip, 0});
  if (!receiver) {
    return tl::unexpected(receiver.error());
  }
  const int on = 1;
  if (::setsockopt(receiver->fd(), SOL_IP, IP_RECVORIGDSTADDR, &on, sizeof on) != 0) {
    return fail("setsockopt(2) IP_RECVORIGDSTADDR", std::strerror(errno));
  }
  if (::setsockopt(receiver->fd(), SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBufferBytes,
                   sizeof kReceiveBufferBytes) != 0) {
    ::setsockopt(receiver->fd(), SOL_SOCKET, SO_RCVBUF, &kReceiveBufferBytes,
                 sizeof kReceiveBufferBytes);
  }
  auto sender = RawIpv4Socket::open();
  if (!sender) {
    return tl::unexpected(sender.error());
  }
  path->receiver = std::move(*receiver);
  path->sender = std::move(*sender);
  path->local = local.ip;
  path->port_min = port_min;
  path->channels.assign(static_cast<std::size_t>(port_max - port_min) + 1, nullptr);
  steered_ = std::move(path);
  return {};
}

int ForwardingWorker::steered_socket() const {
  return steered_ ? steered_->receiver.fd() : -1;
}

void ForwardingWorker::relay_steered(TimePoint now) {
  SteeredPath& s = *steered_;
  for (unsigned round = 0; round < SteeredPath::kMaxBatchesPerWakeup; ++round) {
    const unsigned count = s.received.receive(s.receiver.fd());
    if (count == 0) {
      return;
    }
    load_.batches.add(1);
    load_.packets.add(count);
    unsigned out = 0;
    for (unsigned i = 0; i < count; ++i) {
      const std::size_t received = s.received.size(i);
      Channel* in = s.channel_for(original_port(s.received.headers[i].msg_hdr));
      if (in == nullptr) {
        // Queued before its leg was released (or for no leg of ours): nobody to relay to.
        traffic_.packets_received.add(1);
        traffic_.bytes_received.add(received);
        traffic_.count_drop(DropReason::no_session);
        continue;
      }
      const std::span<std::uint8_t> payload = s.received.bytes(i);
      const Endpoint source = s.received.source(i);
      Endpoint destination;
      Channel* to = judge(*in, source, payload, now, destination);
      count_received(*in, 1, received);
      if (to == nullptr) {
        continue;
      }
      const unsigned name_length = endpoint_to_sockaddr(destination, true, &s.destinations[out]);
      if (name_length == 0) {
        count_sent(*in, 0, 0, 1);  // an IPv6 client cannot be reached from an IPv4 relay
        continue;
      }
      write_ipv4_udp_header(s.headers[out], Endpoint{s.local, to->port}, destination, payload);
      s.send_iov[out] = {iovec{s.headers[out].data(), kIpv4UdpHeaderBytes},
                         iovec{payload.data(), payload.size()}};
      msghdr& m = s.sends[out].msg_hdr;
      m.msg_name = &s.destinations[out];
      m.msg_namelen = name_length;
      m.msg_iov = s.send_iov[out].data();
      m.msg_iovlen = 2;
      m.msg_control = nullptr;
      m.msg_controllen = 0;
      m.msg_flags = 0;
      s.sent_from[out] = in;
      ++out;
    }
    for (unsigned done = 0; done < out;) {
      const int n = ::sendmmsg(s.sender.fd(), &s.sends[done], out - done, 0);
      if (n <= 0) {
        // The kernel refused the first of the rest (no buffer, no route): count it, go on.
        count_sent(*s.sent_from[done], 0, 0, 1);
        ++done;
        continue;
      }
      for (unsigned k = done; k < done + static_cast<unsigned>(n); ++k) {
        count_sent(*s.sent_from[k], 1, s.send_iov[k][1].iov_len, 0);
      }
      done += static_cast<unsigned>(n);
    }
    if (count < SteeredPath::kBatch) {
      return;
    }
  }
}

}  // namespace tipring::relay
