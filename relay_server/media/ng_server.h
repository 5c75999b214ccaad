// NgServer: the UDP listener for the ng control protocol (rtpengine's --listen-ng): one
// thread reading datagrams and answering each through NgControl.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/media/endpoint.h"
#include "relay_server/media/ng_control.h"
#include "relay_server/media/udp_socket.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

namespace tipring::relay {

// "127.0.0.1:2223" or "[::1]:2223".
std::optional<Endpoint> parse_host_port(std::string_view text);

class NgServer {
public:
  explicit NgServer(MediaRelay& relay);
  ~NgServer();
  NgServer(const NgServer&) = delete;
  NgServer& operator=(const NgServer&) = delete;

  Result<void> start(const Endpoint& listen);
  void stop();
  [[nodiscard]] std::uint16_t port() const { return port_; }

private:
  void loop();

  NgControl control_;
  UdpSocket socket_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace tipring::relay
