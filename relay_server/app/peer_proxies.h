// PeerProxies: the other tipring-relay instances sharing this one's directory (the two-proxy
// topology of issue 4 item 4). Each binding in the directory names the proxy holding its
// flow; this table turns that proxy id into the address to forward to, and tells requests
// that come from a peer (already authenticated there) from requests of clients.
// Written "id=host:port,id=host:port" (setting sip.peers); numeric addresses only.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/app/socket_address.h"
#include "relay_server/proxy/request_router.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::relay {

class PeerProxies {
public:
  struct Peer {
    std::string id;
    SocketAddress address;
  };

  PeerProxies() = default;
  // Parses the sip.peers text; an empty text is no peers. The error names the entry.
  static Result<PeerProxies> parse(std::string_view text);

  // The SIP address of peer `id`; nullopt for an unknown id (and for our own id, which a
  // config should not list).
  [[nodiscard]] std::optional<SocketAddress> address_of(std::string_view id) const;
  // True when host:port is one of the peers' SIP addresses (the socket it sends from).
  [[nodiscard]] bool is_peer(std::string_view host, std::uint16_t port) const;
  [[nodiscard]] const std::vector<Peer>& peers() const { return peers_; }

private:
  std::vector<Peer> peers_;
};

// Gives the router its two-proxy hooks: a binding owned by a listed peer is reached at the
// peer's SIP address (sent from our first socket), and a request from a peer's address is
// not challenged again. `peers` must outlive the router.
void connect_peer_hooks(RouterConfig& router, const PeerProxies& peers);

}  // namespace tipring::relay
