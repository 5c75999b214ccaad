#include "relay_server/app/sip_ingress.h"

#include <sys/socket.h>

namespace tipring::relay {
namespace {

// The kernel's default UDP receive buffer (net.core.rmem_default, 208 KiB) holds about a
// hundred datagrams once their bookkeeping is counted; a signalling thread descheduled for
// a few milliseconds on a busy host then loses requests at a couple of thousand per second,
// and every loss costs the client a 500 ms retransmission. 4 MiB (capped by the kernel at
// net.core.rmem_max) absorbs such bursts; a smaller grant is kept, not an error.
constexpr int kReceiveBufferBytes = 4 * 1024 * 1024;

void enlarge_receive_buffer(const DatagramSocket& socket) {
  const int bytes = kReceiveBufferBytes;
  (void)::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

}  // namespace

Result<std::unique_ptr<SipIngress>> SipIngress::open(EventLoop& loop,
                                                     const std::vector<SocketAddress>& listen,
                                                     std::size_t max_message_size,
                                                     RelayMetrics& metrics, Handler handler,
                                                     BatchEnd batch_end) {
  std::vector<DatagramSocket> sockets;
  for (const auto& address : listen) {
    auto socket = DatagramSocket::bind(address);
    if (!socket) {
      return tl::unexpected(socket.error());
    }
    enlarge_receive_buffer(*socket);
    sockets.push_back(std::move(*socket));
  }
  std::unique_ptr<SipIngress> ingress(new SipIngress(loop, std::move(sockets), max_message_size,
                                                     metrics, std::move(handler),
                                                     std::move(batch_end)));
  for (std::size_t i = 0; i < ingress->sockets_.size(); ++i) {
    auto* raw = ingress.get();
    if (auto r = loop.watch(raw->sockets_[i].fd(), [raw, i](IoReadiness) { raw->drain(i); }); !r) {
      return tl::unexpected(r.error());
    }
  }
  return ingress;
}

SipIngress::SipIngress(EventLoop& loop, std::vector<DatagramSocket> sockets,
                       std::size_t max_message_size, RelayMetrics& metrics, Handler handler,
                       BatchEnd batch_end)
    : loop_(loop),
      sockets_(std::move(sockets)),
      buffer_(max_message_size + 1),  // one spare byte: a full buffer means "too large"
      max_message_size_(max_message_size),
      metrics_(metrics),
      handler_(std::move(handler)),
      batch_end_(std::move(batch_end)) {}

SipIngress::~SipIngress() {
  stop_receiving();
}

void SipIngress::stop_receiving() {
  if (!receiving_) {
    return;
  }
  receiving_ = false;
  for (auto& socket : sockets_) {
    loop_.unwatch(socket.fd());
  }
}

void SipIngress::drain(std::size_t index) {
  bool handled = false;
  // Bounded per wake-up so one busy socket cannot starve timers and the other sockets.
  for (int budget = 64; budget > 0 && receiving_; --budget) {
    auto received = sockets_[index].receive(buffer_);
    if (!received || !received->has_value()) {
      break;
    }
    metrics_.datagrams_received.increment();
    const auto& datagram = **received;
    if (datagram.length > max_message_size_) {
      metrics_.datagrams_oversized.increment();
      continue;
    }
    handled = true;
    handler_(SipDatagram{std::span<const std::byte>(buffer_.data(), datagram.length), datagram.from,
                         index, EventLoop::now()});
  }
  if (handled && batch_end_) {
    batch_end_();
  }
}

}  // namespace tipring::relay
