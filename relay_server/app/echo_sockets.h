// EchoSockets: the media of tipring-relay's echo test number. One UDP socket per call on
// the signalling event loop; each RTP packet from the caller goes back to the caller at
// the address the relay's latching rule learns (latch_packet, relay_server/media/latch.h:
// the SDP address for a public client, the observed source behind NAT; probation, and
// strangers dropped, so nobody else can make the relay echo at them). RTCP is not echoed.
#pragma once

#include "relay_server/app/datagram_socket.h"
#include "relay_server/app/event_loop.h"
#include "relay_server/media/latch.h"
#include "relay_server/proxy/echo_service.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tipring::relay {

struct EchoCounters {
  std::uint64_t echoed = 0;
  std::uint64_t dropped = 0;  // strangers, probation, malformed, RTCP
};

class EchoSockets final : public EchoMedia {
public:
  // Sockets bind to `bind_address`; SDP names `advertised_address`.
  EchoSockets(EventLoop& loop, std::string bind_address, std::string advertised_address,
              LatchPolicy policy);
  ~EchoSockets() override;
  EchoSockets(const EchoSockets&) = delete;
  EchoSockets& operator=(const EchoSockets&) = delete;

  Result<MediaChannel> open(std::string_view call_id, const MediaSide& caller) override;
  void close(std::string_view call_id) override;

  [[nodiscard]] std::size_t open_count() const { return echoes_.size(); }
  [[nodiscard]] const EchoCounters& counters() const { return counters_; }

private:
  struct Echo {
    DatagramSocket socket;
    LegLatch latch;
  };
  void drain(Echo& echo);

  EventLoop& loop_;
  std::string bind_address_;
  std::string advertised_address_;
  LatchPolicy policy_;
  std::map<std::string, std::unique_ptr<Echo>, std::less<>> echoes_;
  std::vector<std::byte> buffer_;
  EchoCounters counters_;
};

}  // namespace tipring::relay
