#include "relay_server/proxy/request_router.h"

#include "protocol/core/hex.h"
#include "protocol/core/sha256.h"
#include "relay_server/proxy/directory_unavailable.h"
#include "relay_server/proxy/media_steering.h"

#include <algorithm>
#include <cctype>

namespace tipring::relay {
namespace {

// Our Via branches: the magic cookie, a mark, then the loop hash (§16.6 step 8).
constexpr std::string_view kBranchPrefix = "z9hG4bK-tr";
constexpr std::size_t kLoopHashChars = 16;

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string unbracket(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::string(host);
}

}  // namespace

bool is_ip_literal(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return true;
  }
  int dots = 0;
  for (const char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

RequestRouter::RequestRouter(RouterConfig config, RequestAuthenticator& authenticator,
                             Directory& directory, RandomSource& random,
                             std::span<const std::uint8_t> secret)
    : config_(std::move(config)),
      authenticator_(authenticator),
      directory_(directory),
      random_(random),
      secret_(secret.begin(), secret.end()) {}

std::string RequestRouter::hostport(std::size_t socket) const {
  if (socket >= config_.socket_names.size()) {
    return config_.domain;
  }
  std::string_view name = config_.socket_names[socket];
  if (const auto colon = name.find(':');
      colon != std::string_view::npos && name.size() < 64 &&
      name.substr(0, colon).find_first_of("[.") == std::string_view::npos) {
    name.remove_prefix(colon + 1);  // "udp:" in front of the address
  }
  const auto& advertised = config_.advertised_address;
  if (advertised.empty()) {
    return std::string(name);
  }
  const bool has_port = advertised.back() != ']' && advertised.find(':') == advertised.rfind(':') &&
                        advertised.find(':') != std::string::npos;
  const auto port_at = name.rfind(':');
  return has_port || port_at == std::string_view::npos
             ? advertised
             : advertised + std::string(name.substr(port_at));
}

bool RequestRouter::is_ours(const sip::Uri& uri) const {
  if (equal_ignoring_case(uri.host, config_.domain)) {
    return true;
  }
  const std::string with_port = uri.host + ":" + std::to_string(uri.port.value_or(5060));
  for (std::size_t i = 0; i < config_.socket_names.size(); ++i) {
    if (equal_ignoring_case(hostport(i), with_port)) {
      return true;
    }
  }
  return false;
}

bool RequestRouter::is_own_address(const FlowAddress& flow) const {
  const bool v6 = flow.peer.host.find(':') != std::string::npos;
  const std::string text =
      (v6 ? "[" + flow.peer.host + "]" : flow.peer.host) + ":" + std::to_string(flow.peer.port);
  for (std::size_t i = 0; i < config_.socket_names.size(); ++i) {
    if (equal_ignoring_case(hostport(i), text)) {
      return true;
    }
  }
  return false;
}

std::string RequestRouter::loop_hash(const sip::Message& request) const {
  // §16.6 step 8 without the top Via (which a looped request never brings back unchanged).
  std::string text(request.request_uri_text());
  for (const auto part : {request.from_tag(), request.to_tag(), request.call_id()}) {
    text.push_back('\x1f');
    text.append(part);
  }
  text.push_back('\x1f');
  text.append(std::to_string(request.cseq_number()));
  const auto digest = Sha256::of(text);
  return to_hex(std::span(digest.data(), kLoopHashChars / 2));
}

RoutingDecision RequestRouter::refuse(const sip::Message& request, int status,
                                      std::string_view reason) {
  RoutingDecision decision;
  decision.response = sip::make_response(request, status, reason, random_.token(10));
  return decision;
}

RoutingDecision RequestRouter::unavailable(const sip::Message& request) {
  RoutingDecision decision;
  decision.response = directory_unavailable(request, random_.token(10));
  return decision;
}

std::variant<RequestRouter::Preprocessed, sip::Message> RequestRouter::preprocess(
    const sip::Message& request) {
  // §16.3 step 4: a request carrying our Via with the branch we would give it now has
  // come back unchanged: a loop, not a spiral. The sent-by must be ours too: a peer proxy
  // (the two-proxy topology) forwards the same request with the same hash in its branch.
  const std::string looped = std::string(kBranchPrefix) + loop_hash(request);
  const auto sent_by_us = [this](const sip::Via& via) {
    const std::string sent_by = via.host + ":" + std::to_string(via.port.value_or(5060));
    for (std::size_t i = 0; i < config_.socket_names.size(); ++i) {
      if (equal_ignoring_case(hostport(i), sent_by)) {
        return true;
      }
    }
    return false;
  };
  if (auto vias = request.vias()) {
    for (const auto& via : *vias) {
      if (via.branch().starts_with(looped) && sent_by_us(via)) {
        return sip::make_response(request, 482, {}, random_.token(10));
      }
    }
  }
  Preprocessed pre{request, std::nullopt};
  if (!pre.request.decrement_max_forwards()) {
    return sip::make_response(request, 483, {}, random_.token(10));
  }
  // §16.4: our own Route is removed; the flows it carries say where the request goes.
  if (auto routes = pre.request.routes();
      routes && !routes->empty() && is_ours(routes->front().uri)) {
    pre.flow = read_flow_params(routes->front().uri, request.from_tag(), request.to_tag(), secret_);
    pre.media_marked = routes->front().uri.param(kMediaMark) != nullptr;
    pre.request.remove_first_value(sip::HeaderId::Route);
  }
  return pre;
}

std::optional<FlowAddress> RequestRouter::resolve(const sip::Uri& uri) const {
  if (!is_ip_literal(uri.host)) {
    return std::nullopt;
  }
  return FlowAddress{{unbracket(uri.host), uri.port.value_or(5060), sip::Transport::udp}, 0};
}

RoutingDecision RequestRouter::route(const sip::Message& request, const FlowAddress& source,
                                     const Clock& clock) {
  auto pre = preprocess(request);
  if (auto* refusal = std::get_if<sip::Message>(&pre)) {
    RoutingDecision decision;
    decision.response = std::move(*refusal);
    return decision;
  }
  auto& processed = std::get<Preprocessed>(pre);
  const bool routed = processed.request.count(sip::HeaderId::Route) > 0;
  if (!routed && !request.to_tag().empty()) {
    if (auto action = test_number(processed.request)) {
      RoutingDecision decision;
      decision.action = *action;  // in the test number's own dialog
      decision.request = std::move(processed.request);
      return decision;
    }
  }
  if (routed || !request.to_tag().empty()) {
    return route_by_route_set(std::move(processed));
  }
  return route_initial(std::move(processed), source, clock);
}

RoutingDecision RequestRouter::route_by_route_set(Preprocessed pre) {
  RoutingDecision decision;
  decision.action = RoutingAction::forward;
  decision.branch_base =
      std::string(kBranchPrefix) + loop_hash(pre.request) + "-" + random_.token(8);
  auto uri = pre.request.request_uri();
  if (!uri) {
    return refuse(pre.request, 416);
  }
  std::optional<FlowAddress> next;
  if (auto routes = pre.request.routes(); routes && !routes->empty()) {
    next = resolve(routes->front().uri);  // a further hop (another proxy) is next
  } else if (pre.flow && pre.flow->next) {
    next = pre.flow->next;
  } else {
    next = resolve(*uri);
  }
  if (!next || is_own_address(*next)) {
    return refuse(pre.request, 404, "No Route To Target");
  }
  decision.targets.push_back(ProxyTarget{*uri, *next, {}, {}, {}});
  decision.request = std::move(pre.request);
  decision.steer_media = pre.media_marked;
  return decision;
}

bool RequestRouter::steered_upstream(const sip::Message& request, const FlowAddress& source) const {
  if (!config_.trusted_source || !config_.trusted_source(source.peer)) {
    return false;  // only a peer proxy's mark counts; a client's would switch steering off
  }
  auto record_routes = request.record_routes();
  if (!record_routes) {
    return false;
  }
  return std::any_of(record_routes->begin(), record_routes->end(),
                     [](const sip::NameAddr& hop) { return hop.uri.param(kMediaMark) != nullptr; });
}

RoutingDecision RequestRouter::route_initial(Preprocessed pre, const FlowAddress& source,
                                             const Clock& clock) {
  auto from = pre.request.from();
  auto uri = pre.request.request_uri();
  if (!from || !uri) {
    return refuse(pre.request, 400, "RFC 3261 §8.1.1 From and Request-URI");
  }
  std::string user;
  const bool local_caller = equal_ignoring_case(from->uri.host, config_.domain);
  const bool trusted = config_.trusted_source && config_.trusted_source(source.peer);
  if (local_caller && !trusted) {
    // §22.3: requests from our users are authenticated, whoever they call.
    auto outcome = authenticator_.check(pre.request, sip::HeaderId::ProxyAuthorization, clock.now);
    switch (outcome.verdict) {
      case AuthVerdict::authenticated:
        break;
      case AuthVerdict::store_error:
        return unavailable(pre.request);
      case AuthVerdict::stale:
      case AuthVerdict::no_credentials:
      case AuthVerdict::failed: {
        RoutingDecision decision;
        decision.response = authenticator_.challenge(
            pre.request, 407, outcome.verdict == AuthVerdict::stale, clock.now);
        return decision;
      }
    }
    if (outcome.user != from->uri.user) {
      return refuse(pre.request, 403, "From Is Not The Authenticated User");
    }
    user = std::move(outcome.user);
    pre.request.remove_headers(sip::HeaderId::ProxyAuthorization);  // consumed here
  }
  if (!is_ours(*uri)) {
    // Only our users may use the proxy to reach other hosts, and only by address.
    auto next = resolve(*uri);
    if (user.empty() || !next) {
      return refuse(pre.request, 404, "Domain Not Served Here");
    }
    RoutingDecision decision;
    decision.action = RoutingAction::forward;
    decision.branch_base =
        std::string(kBranchPrefix) + loop_hash(pre.request) + "-" + random_.token(8);
    decision.steer_media = !steered_upstream(pre.request, source);
    decision.targets.push_back(ProxyTarget{
        *uri,
        *next,
        record_route(source, std::nullopt, pre.request.from_tag(), decision.steer_media),
        {},
        source,
        decision.steer_media});
    decision.request = std::move(pre.request);
    decision.user = std::move(user);
    return decision;
  }
  auto decision = route_to_aor(std::move(pre), *uri, source, clock);
  decision.user = std::move(user);
  return decision;
}

RoutingDecision RequestRouter::route_to_aor(Preprocessed pre, const sip::Uri& uri,
                                            const FlowAddress& source, const Clock& clock) {
  if (uri.user.empty()) {
    return refuse(pre.request, 404);
  }
  const bool invite = pre.request.method() == sip::Method::Invite;
  if (invite && !config_.echo_user.empty() && uri.user == config_.echo_user) {
    RoutingDecision decision;
    decision.action = RoutingAction::echo;
    decision.request = std::move(pre.request);
    return decision;
  }
  if (invite && !config_.callback_user.empty() && uri.user == config_.callback_user) {
    RoutingDecision decision;
    decision.action = RoutingAction::callback;
    decision.request = std::move(pre.request);
    return decision;
  }
  const std::string aor = "sip:" + uri.user + "@" + config_.domain;
  auto known = directory_.find_user(uri.user, authenticator_.realm());
  if (!known) {
    return unavailable(pre.request);
  }
  if (!*known) {
    return refuse(pre.request, 404);
  }
  auto bindings = directory_.bindings_for(aor, clock.wall);
  if (!bindings) {
    return unavailable(pre.request);
  }
  RoutingDecision decision;
  decision.action = RoutingAction::forward;
  decision.branch_base =
      std::string(kBranchPrefix) + loop_hash(pre.request) + "-" + random_.token(8);
  // One proxy steers a dialog's media (media_steering.h): this one when it delivers to a
  // binding of its own and no peer before it steers; a peer proxy further on sees the mark.
  const bool has_local_binding =
      std::any_of(bindings->begin(), bindings->end(), [this](const Binding& b) {
        return b.owner_proxy.empty() || b.owner_proxy == config_.proxy_id;
      });
  const bool steer = has_local_binding && !steered_upstream(pre.request, source);
  decision.steer_media = steer;
  std::vector<std::string> forwarded_to;
  for (const auto& binding : *bindings) {
    if (!binding.owner_proxy.empty() && binding.owner_proxy != config_.proxy_id) {
      // The callee's flow is held by another proxy: forward to it with the AOR kept.
      if (!config_.peer_proxy || std::find(forwarded_to.begin(), forwarded_to.end(),
                                           binding.owner_proxy) != forwarded_to.end()) {
        continue;
      }
      if (auto peer = config_.peer_proxy(binding.owner_proxy)) {
        forwarded_to.push_back(binding.owner_proxy);
        decision.targets.push_back(
            ProxyTarget{uri,
                        *peer,
                        record_route(source, std::nullopt, pre.request.from_tag(), steer),
                        {},
                        source,
                        steer});
      }
      continue;
    }
    auto contact = sip::Uri::parse(binding.contact_uri);
    if (!contact) {
      continue;
    }
    const auto flow = flow_of(binding);
    decision.targets.push_back(
        ProxyTarget{*contact, flow, record_route(source, flow, pre.request.from_tag(), steer), aor,
                    source, steer});
  }
  if (decision.targets.empty()) {
    return refuse(pre.request, 480);
  }
  decision.request = std::move(pre.request);
  return decision;
}

FlowAddress RequestRouter::flow_of(const Binding& binding) const {
  const auto socket = std::find(config_.socket_names.begin(), config_.socket_names.end(),
                                binding.flow.local_socket);
  return FlowAddress{{binding.flow.address, binding.flow.port, sip::Transport::udp},
                     socket == config_.socket_names.end()
                         ? 0
                         : static_cast<std::size_t>(socket - config_.socket_names.begin())};
}

std::vector<ProxyTarget> RequestRouter::contact_targets(std::string_view aor, UnixSeconds wall) {
  std::vector<ProxyTarget> targets;
  auto bindings = directory_.bindings_for(aor, wall);
  if (!bindings) {
    return targets;
  }
  for (const auto& binding : *bindings) {
    auto contact = sip::Uri::parse(binding.contact_uri);
    if (contact && (binding.owner_proxy.empty() || binding.owner_proxy == config_.proxy_id)) {
      targets.push_back(ProxyTarget{*contact, flow_of(binding), {}, std::string(aor), {}});
    }
  }
  return targets;
}

std::string RequestRouter::record_route(const FlowAddress& source,
                                        const std::optional<FlowAddress>& callee,
                                        std::string_view caller_tag, bool steers_media) const {
  auto uri = sip::Uri::parse("sip:" + hostport(source.socket));
  if (!uri) {
    return {};
  }
  sip::set_flag_param(uri->params, "lr");
  if (steers_media) {
    sip::set_flag_param(uri->params, kMediaMark);
  }
  add_flow_params(*uri, DialogFlows{source, callee}, caller_tag, secret_);
  return "<" + uri->to_string() + ">";
}

std::optional<RoutingAction> RequestRouter::test_number(const sip::Message& request) const {
  auto uri = request.request_uri();
  if (!uri || !is_ours(*uri) || uri->user.empty()) {
    return std::nullopt;
  }
  if (!config_.echo_user.empty() && uri->user == config_.echo_user) {
    return RoutingAction::echo;
  }
  if (!config_.callback_user.empty() && uri->user == config_.callback_user) {
    return RoutingAction::callback;
  }
  return std::nullopt;
}

std::optional<StatelessForward> RequestRouter::route_stateless(const sip::Message& request) {
  auto pre = preprocess(request);
  auto* processed = std::get_if<Preprocessed>(&pre);
  if (processed == nullptr) {
    return std::nullopt;  // an ACK is never answered
  }
  if (processed->request.count(sip::HeaderId::Route) == 0 && test_number(processed->request)) {
    return std::nullopt;  // the ACK for a test number's 2xx ends here
  }
  auto decision = route_by_route_set(std::move(*processed));
  if (decision.action != RoutingAction::forward || decision.targets.empty() || !decision.request) {
    return std::nullopt;
  }
  // The same ACK always gets the same branch, so retransmissions stay one transaction.
  const auto digest = Sha256::of(request.branch());
  return StatelessForward{std::move(*decision.request),
                          std::string(kBranchPrefix) + "a" + to_hex(std::span(digest.data(), 8)),
                          decision.targets.front().flow, decision.steer_media};
}

}  // namespace tipring::relay
