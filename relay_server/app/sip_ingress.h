// SipIngress: the relay's SIP/UDP listen sockets (RFC 3261 §18.2.1) on the event loop.
// It drains each readable socket, drops datagrams over the size limit, and hands the rest
// to one handler — the SIP proxy's entry point — then calls batch_end once per wake-up, so
// the proxy can commit the batch's store writes before it sends the answers (group commit). The
// sockets stay open for the proxy to send from (responses and requests to a client's flow must
// leave from the socket the flow used).
#pragma once

#include "relay_server/app/datagram_socket.h"
#include "relay_server/app/event_loop.h"
#include "relay_server/app/relay_metrics.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace tipring::relay {

struct SipDatagram {
  std::span<const std::byte> bytes;
  SocketAddress from;
  std::size_t socket_index = 0;  // which listen socket: the flow's local side
  TimePoint received_at;
};

class SipIngress {
public:
  using Handler = std::function<void(const SipDatagram&)>;
  using BatchEnd = std::function<void()>;

  static Result<std::unique_ptr<SipIngress>> open(EventLoop& loop,
                                                  const std::vector<SocketAddress>& listen,
                                                  std::size_t max_message_size,
                                                  RelayMetrics& metrics, Handler handler,
                                                  BatchEnd batch_end = {});
  SipIngress(const SipIngress&) = delete;
  SipIngress& operator=(const SipIngress&) = delete;
  ~SipIngress();

  [[nodiscard]] std::size_t socket_count() const { return sockets_.size(); }
  [[nodiscard]] DatagramSocket& socket(std::size_t index) { return sockets_[index]; }
  // Stops reading (graceful shutdown); sending still works.
  void stop_receiving();

private:
  SipIngress(EventLoop& loop, std::vector<DatagramSocket> sockets, std::size_t max_message_size,
             RelayMetrics& metrics, Handler handler, BatchEnd batch_end);
  void drain(std::size_t index);

  EventLoop& loop_;
  std::vector<DatagramSocket> sockets_;
  std::vector<std::byte> buffer_;
  std::size_t max_message_size_;
  RelayMetrics& metrics_;
  Handler handler_;
  BatchEnd batch_end_;
  bool receiving_ = true;
};

}  // namespace tipring::relay
