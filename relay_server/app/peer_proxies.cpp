#include "relay_server/app/peer_proxies.h"

#include <algorithm>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "tipring-relay sip.peers (id=host:port, comma-separated)";

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

Result<PeerProxies> PeerProxies::parse(std::string_view text) {
  PeerProxies out;
  while (!trimmed(text).empty()) {
    const auto comma = text.find(',');
    const auto entry = trimmed(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos || trimmed(entry.substr(0, equals)).empty()) {
      return fail(kRule, "'" + std::string(entry) + "' has no proxy id");
    }
    const auto id = std::string(trimmed(entry.substr(0, equals)));
    auto address = SocketAddress::parse(trimmed(entry.substr(equals + 1)));
    if (!address) {
      return fail(kRule, "peer '" + id + "': " + address.error().describe());
    }
    if (out.address_of(id)) {
      return fail(kRule, "peer '" + id + "' is listed twice");
    }
    out.peers_.push_back({id, *address});
  }
  return out;
}

std::optional<SocketAddress> PeerProxies::address_of(std::string_view id) const {
  const auto found =
      std::find_if(peers_.begin(), peers_.end(), [&](const Peer& p) { return p.id == id; });
  if (found == peers_.end()) {
    return std::nullopt;
  }
  return found->address;
}

void connect_peer_hooks(RouterConfig& router, const PeerProxies& peers) {
  router.peer_proxy = [&peers](std::string_view id) -> std::optional<FlowAddress> {
    auto address = peers.address_of(id);
    if (!address) {
      return std::nullopt;
    }
    return FlowAddress{sip::Peer{address->ip_string(), address->port(), sip::Transport::udp}, 0};
  };
  router.trusted_source = [&peers](const sip::Peer& source) {
    return peers.is_peer(source.host, source.port);
  };
}

bool PeerProxies::is_peer(std::string_view host, std::uint16_t port) const {
  return std::any_of(peers_.begin(), peers_.end(), [&](const Peer& p) {
    return p.address.port() == port && p.address.ip_string() == host;
  });
}

}  // namespace tipring::relay
