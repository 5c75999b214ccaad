// NgMediaLegs: the proxy's MediaLegs seam (relay_server/proxy/media_steering.h) served by
// media relays on other hosts over rtpengine's ng control protocol (UDP, bencode): another
// tipring-relay's media.ng_listen, or rtpengine itself. Each call is kept on one relay of
// the list (chosen by its Call-ID), so its offer, answer and delete meet the same state.
// A command waits for its reply (the signalling loop stalls for at most attempts x
// timeout, as Kamailio's rtpengine module does); a retry repeats the cookie, so a relay
// that already executed the command replays its reply instead of executing it twice.
#pragma once

#include "protocol/bencode/value.h"
#include "protocol/core/time.h"
#include "relay_server/app/datagram_socket.h"
#include "relay_server/app/socket_address.h"
#include "relay_server/proxy/media_steering.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tipring::relay {

struct NgClientConfig {
  std::vector<SocketAddress> relays;
  Duration timeout = std::chrono::milliseconds(500);  // per attempt
  int attempts = 2;
};

class NgMediaLegs final : public MediaLegs {
public:
  // Opens the client socket (an ephemeral port of the relays' address family).
  static Result<std::unique_ptr<NgMediaLegs>> open(NgClientConfig config);

  Result<MediaChannel> offer(std::string_view call_id, std::string_view from_tag,
                             std::string_view to_tag, const MediaSide& offerer) override;
  Result<MediaChannel> answer(std::string_view call_id, std::string_view from_tag,
                              std::string_view to_tag, const MediaSide& answerer) override;
  void release(std::string_view call_id, std::string_view from_tag) override;

  // Commands that got no reply after every attempt.
  [[nodiscard]] std::uint64_t unanswered() const { return unanswered_; }

private:
  NgMediaLegs(NgClientConfig config, DatagramSocket socket, std::string cookie_prefix)
      : config_(std::move(config)),
        socket_(std::move(socket)),
        cookie_prefix_(std::move(cookie_prefix)) {}
  [[nodiscard]] const SocketAddress& relay_for(std::string_view call_id) const;
  // Sends `command` to `relay` and waits for the reply with the same cookie.
  Result<bencode::Dict> exchange(const SocketAddress& relay, const bencode::Dict& command);

  NgClientConfig config_;
  DatagramSocket socket_;
  std::string cookie_prefix_;  // differs per process, so a restarted proxy gets no stale replay
  std::uint64_t next_cookie_ = 0;
  std::uint64_t unanswered_ = 0;
};

}  // namespace tipring::relay
