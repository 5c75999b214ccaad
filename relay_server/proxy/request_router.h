// RequestRouter: the routing decisions of tipring-relay's stateful proxy (RFC 3261 §16.3-
// §16.6) for every request that is not a REGISTER or an OPTIONS to the server: request
// validation (Max-Forwards → 483, loop detection → 482, §16.3), Route pre-processing
// (§16.4: our Route is removed and the flows it carries are read, flow_route.h), the
// authentication of requests from local users (Proxy-Authorization → 407, §22.3), target
// determination (§16.5: every registered contact of a local AOR over its stored flow; a
// binding owned by another proxy through the peer_proxy hook; 404 for an unknown user,
// 480 for one with no binding) and the Record-Route each target gets (§16.6 step 4).
#pragma once

#include "protocol/core/random.h"
#include "protocol/sip/message.h"
#include "relay_server/proxy/forking_proxy.h"
#include "relay_server/proxy/registrar.h"
#include "relay_server/proxy/request_authenticator.h"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tipring::relay {

struct RouterConfig {
  std::string domain;
  std::string proxy_id;
  // Listen address of each local socket ("udp:127.0.0.1:5060"), indexed like the sockets.
  std::vector<std::string> socket_names = {"udp:0"};
  // host[:port] written into Via, Record-Route and Contact instead of the listen address
  // (a wildcard listen, or a proxy behind NAT); without a port, each socket's port.
  std::string advertised_address;
  // The user part of the built-in echo test number (sip:echo@domain); empty disables it.
  std::string echo_user = "echo";
  // The user part of the call-me-back test number; empty disables it.
  std::string callback_user = "callback";
  // Where another proxy holding a callee's binding is reached (the two-proxy topology);
  // nullopt when unknown. The request is then forwarded there with the AOR kept.
  std::function<std::optional<FlowAddress>(std::string_view proxy_id)> peer_proxy;
  // Sources (peer proxies) whose requests from local users need no authentication.
  std::function<bool(const sip::Peer&)> trusted_source;
};

enum class RoutingAction : std::uint8_t {
  respond,   // send `response`
  forward,   // forward `request` to `targets` statefully
  echo,      // the built-in echo test number answers
  callback,  // the built-in call-me-back number answers
};

struct RoutingDecision {
  RoutingAction action = RoutingAction::respond;
  std::optional<sip::Message> response;
  std::optional<sip::Message> request;  // Max-Forwards decremented, our Route removed
  std::vector<ProxyTarget> targets;
  std::string branch_base;  // Via branch prefix for the branches (carries the loop hash)
  std::string user;         // the authenticated caller, if any
  // This proxy steers the media of the request and of its answer (the one-steering-proxy
  // rule, media_steering.h): an initial INVITE that reaches a binding of ours (not only a
  // peer proxy) and that no proxy before us marked; an in-dialog request whose Route entry
  // of ours carries the mark.
  bool steer_media = false;
};

// A stateless forward (the ACK for a 2xx, §16.11... §13.2.2.4 through Record-Route).
struct StatelessForward {
  sip::Message request;
  std::string branch;
  FlowAddress to;
  bool steer_media = false;  // our Route carried the media mark
};

class RequestRouter {
public:
  RequestRouter(RouterConfig config, RequestAuthenticator& authenticator, Directory& directory,
                RandomSource& random, std::span<const std::uint8_t> secret);

  RoutingDecision route(const sip::Message& request, const FlowAddress& source, const Clock& clock);
  // The ACK for a 2xx (or any request forwarded without a transaction); nullopt: drop it.
  std::optional<StatelessForward> route_stateless(const sip::Message& request);

  // "127.0.0.1:5060" for socket `socket`.
  [[nodiscard]] std::string hostport(std::size_t socket) const;
  [[nodiscard]] const RouterConfig& config() const { return config_; }
  // True if `uri` names this proxy (its domain or one of its addresses).
  [[nodiscard]] bool is_ours(const sip::Uri& uri) const;
  // The AOR's contacts bound at this proxy, each over its flow (no Record-Route): where a
  // request this proxy originates for the user goes.
  [[nodiscard]] std::vector<ProxyTarget> contact_targets(std::string_view aor, UnixSeconds wall);
  // Our Record-Route value for a dialog between `source` and `callee` (flow_route.h).
  // With `steers_media`, the URI carries the media mark.
  [[nodiscard]] std::string record_route(const FlowAddress& source,
                                         const std::optional<FlowAddress>& callee,
                                         std::string_view caller_tag,
                                         bool steers_media = false) const;

private:
  struct Preprocessed {
    sip::Message request;
    std::optional<RoutedFlow> flow;  // from our Route, if it carried one
    bool media_marked = false;       // our Route carried the media mark
  };
  // Whether a proxy before us (a trusted peer) already steers this initial request's media.
  [[nodiscard]] bool steered_upstream(const sip::Message& request, const FlowAddress& source) const;
  // §16.3 step 3-4 and §16.4; a response when the request must be refused.
  std::variant<Preprocessed, sip::Message> preprocess(const sip::Message& request);
  RoutingDecision route_by_route_set(Preprocessed pre);
  RoutingDecision route_initial(Preprocessed pre, const FlowAddress& source, const Clock& clock);
  RoutingDecision route_to_aor(Preprocessed pre, const sip::Uri& uri, const FlowAddress& source,
                               const Clock& clock);
  std::optional<FlowAddress> resolve(const sip::Uri& uri) const;
  [[nodiscard]] bool is_own_address(const FlowAddress& flow) const;
  // The flow a binding of ours was registered over.
  [[nodiscard]] FlowAddress flow_of(const Binding& binding) const;
  // The test number `request` is addressed to, if any.
  [[nodiscard]] std::optional<RoutingAction> test_number(const sip::Message& request) const;
  std::string loop_hash(const sip::Message& request) const;
  RoutingDecision refuse(const sip::Message& request, int status, std::string_view reason = {});
  // 500 with Retry-After: the directory failed.
  RoutingDecision unavailable(const sip::Message& request);

  RouterConfig config_;
  RequestAuthenticator& authenticator_;
  Directory& directory_;
  RandomSource& random_;
  std::vector<std::uint8_t> secret_;
};

// Whether `host` is an IPv4 or bracketed IPv6 literal (the proxy does no DNS).
[[nodiscard]] bool is_ip_literal(std::string_view host);

}  // namespace tipring::relay
