#include "relay_server/proxy/proxy_core.h"

#include "relay_server/proxy/bad_request.h"
#include "relay_server/proxy/directory_unavailable.h"

#include <algorithm>
#include <utility>

namespace tipring::relay {
namespace {

sip::TransactionLayerConfig proxy_layer_config(const sip::TransactionTimers& timers) {
  sip::TransactionLayerConfig config;
  config.timers = timers;
  config.answer_cancelled_invite_with_487 = false;  // §16.10: the branches answer 487
  return config;
}

RouterConfig router_config(const ProxyCoreConfig& config) {
  RouterConfig router = config.router;
  router.domain = config.registrar.domain;
  router.proxy_id = config.registrar.proxy_id;
  router.socket_names = config.socket_names;
  return router;
}

// A warn-text (a quoted-string) without quotes, backslashes or control characters.
std::string sip_quotable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) {
      out.push_back(c);
    }
  }
  return out;
}

bool is_keepalive(std::string_view bytes) {
  return !bytes.empty() && bytes.find_first_not_of("\r\n") == std::string_view::npos;
}

}  // namespace

ProxyCore::ProxyCore(ProxyCoreConfig config, Directory& directory, RandomSource& random,
                     std::span<const std::uint8_t> nonce_secret, Admission admission)
    : config_(std::move(config)),
      directory_(directory),
      random_(random),
      digest_(config_.digest, nonce_secret, random),
      authenticator_(digest_, directory, random),
      registrar_(config_.registrar, authenticator_, directory, random),
      router_(router_config(config_), authenticator_, directory, random, nonce_secret),
      layer_(random, proxy_layer_config(config_.timers)),
      forking_(config_.forking, *this),
      admission_(std::move(admission)) {}

TimePoint ProxyCore::next_deadline() const {
  auto next = std::min(layer_.next_deadline(), forking_.next_deadline());
  if (echo_) {
    next = std::min(next, echo_->next_deadline());
  }
  if (callback_) {
    next = std::min(next, callback_->next_deadline());
  }
  return next;
}

void ProxyCore::on_datagram(std::string_view bytes, const sip::Peer& from, std::size_t socket,
                            const Clock& clock) {
  if (batch_open_) {
    handle_datagram(bytes, from, socket, clock);
    return;
  }
  begin_batch();
  handle_datagram(bytes, from, socket, clock);
  end_batch(clock);
}

void ProxyCore::begin_batch() {
  batch_open_ = true;
  directory_.begin_batch();
}

void ProxyCore::end_batch(const Clock& clock) {
  batch_open_ = false;
  commit_batch(clock);
  drain(clock);
}

void ProxyCore::commit_batch(const Clock& clock) {
  auto committed = directory_.end_batch();
  if (batch_open_) {
    directory_.begin_batch();
  }
  auto awaiting = std::exchange(awaiting_commit_, {});
  if (!committed) {
    // The store rolled the transaction back: none of these bindings exists, so none of
    // their REGISTERs may hear 200. Each gets a 500 it can retry after.
    ++counters_.commit_failures;
    commit_failures_.push_back({committed.error(), awaiting.size()});
    for (const auto& held : awaiting) {
      if (const auto* transaction = layer_.server(held.server)) {
        respond(held.server, directory_unavailable(transaction->request(), random_.token(10)),
                clock.now);
      }
    }
    return;
  }
  for (const auto& held : awaiting) {
    ++counters_.registrations_updated;
    respond(held.server, held.response, clock.now);
    // The poll: INVITEs held for this user go to the flow it registered from.
    forking_.on_flow_seen(held.aor, held.flow, true, clock.now);
  }
}

std::optional<CommitFailure> ProxyCore::poll_commit_failure() {
  if (commit_failures_.empty()) {
    return std::nullopt;
  }
  auto next = std::move(commit_failures_.front());
  commit_failures_.pop_front();
  return next;
}

void ProxyCore::handle_datagram(std::string_view bytes, const sip::Peer& from, std::size_t socket,
                                const Clock& clock) {
  current_socket_ = socket;
  if (bytes.size() > config_.max_message_size) {
    ++counters_.dropped;
    return;
  }
  if (is_keepalive(bytes)) {
    // RFC 5626 §4.4.1: a double CRLF "ping" gets a single CRLF "pong" on the same flow.
    if (bytes.size() >= 4) {
      ++counters_.keepalives;
      outgoing_.push_back({socket, from, "\r\n"});
      // The poll: a held INVITE for a client behind this NAT goes out on the new flow.
      forking_.on_flow_seen({}, FlowAddress{from, socket}, false, clock.now);
      drain(clock);
    }
    return;
  }
  auto message = sip::Message::parse(bytes);
  if (!message) {
    if (auto answer = salvage_bad_request(bytes, message.error())) {
      ++counters_.malformed;
      respond_stateless(*answer, from, socket);
    } else {
      ++counters_.dropped;
    }
    return;
  }
  if (message->is_request() && message->method() != sip::Method::Ack &&
      message->method() != sip::Method::Cancel) {
    if (!admitted(*message, from, clock.now, socket)) {
      return;
    }
  }
  if (message->is_request()) {
    stamp_source(*message, from);
  }
  if (auto fed = layer_.on_message(std::move(*message), from, clock.now); !fed) {
    ++counters_.malformed;
  }
  drain(clock);
}

// RFC 3261 §18.2.1 and RFC 3581 §4: the top Via learns where the request really came from
// (received when the address differs, or whenever rport is asked for; rport gets the source
// port). Responses copy this Via, so a client behind NAT reads its public address from it,
// and the proxy's own forwarding keeps the true source for the hops after it.
void ProxyCore::stamp_source(sip::Message& request, const sip::Peer& from) {
  auto vias = request.vias();
  if (!vias || vias->empty()) {
    return;
  }
  const auto& sent_by = vias->front();
  const bool wants_rport = sent_by.has_rport();
  if (!wants_rport && sent_by.host == from.host) {
    return;
  }
  if (sent_by.received() == std::string_view(from.host) &&
      (!wants_rport || sent_by.rport() == from.port)) {
    return;
  }
  auto top = sent_by;
  top.set_received(from.host);
  if (wants_rport) {
    top.set_rport(from.port);
  }
  request.remove_first_value(sip::HeaderId::Via);
  request.prepend_header(sip::HeaderId::Via, top.to_string());
}

bool ProxyCore::admitted(const sip::Message& request, const sip::Peer& from, TimePoint now,
                         std::size_t socket) {
  if (transaction_count() >= config_.max_transactions) {
    ++counters_.dropped;
    return false;
  }
  std::optional<AdmissionClass> admission_class;
  if (request.method() == sip::Method::Register) {
    admission_class = AdmissionClass::register_request;
  } else if (request.method() == sip::Method::Invite && request.to_tag().empty()) {
    admission_class = AdmissionClass::invite;
  }
  if (!admission_class || !admission_ || admission_(*admission_class, from, now)) {
    return true;
  }
  ++counters_.rate_limited;
  if (config_.rate_limited_retry_after_s > 0) {
    auto busy = sip::make_response(request, 503, "Rate Limited", random_.token(10));
    busy.add_header(sip::HeaderId::RetryAfter, std::to_string(config_.rate_limited_retry_after_s));
    respond_stateless(busy, from, socket);
  }
  return false;
}

void ProxyCore::on_timer(const Clock& clock) {
  layer_.on_timer(clock.now);
  forking_.on_timer(clock.now);
  if (echo_) {
    for (auto& again : echo_->on_timer(clock.now)) {
      (void)layer_.send_response(again.server, again.response, clock.now);
    }
  }
  if (callback_) {
    callback_->on_timer(clock);
  }
  drain(clock);
}

void ProxyCore::drain(const Clock& clock) {
  while (auto event = layer_.poll_event()) {
    on_event(std::move(*event), clock);
  }
  while (auto datagram = layer_.poll_datagram()) {
    const auto found = socket_of_.find(datagram->transaction);
    const auto socket = found == socket_of_.end() ? current_socket_ : found->second;
    outgoing_.push_back({socket, std::move(datagram->peer), std::move(datagram->bytes)});
  }
}

void ProxyCore::on_event(sip::TransactionEvent event, const Clock& clock) {
  using Kind = sip::TransactionEventKind;
  switch (event.kind) {
    case Kind::request:
      socket_of_[event.transaction] = current_socket_;
      if (event.message) {
        on_request(event.transaction, *event.message, event.peer, clock);
      }
      break;
    case Kind::response:
      if (event.message) {
        response_source_ = event.peer.host;
        if (!callback_ || !callback_->on_response(event.transaction, *event.message, clock.now)) {
          (void)forking_.on_response(event.transaction, std::move(*event.message), clock.now);
        }
      }
      break;
    case Kind::timeout:
    case Kind::transport_error:
      if (!callback_ || !callback_->on_client_timeout(event.transaction)) {
        (void)forking_.on_client_timeout(event.transaction, clock.now);
      }
      break;
    case Kind::cancelled:
      if (!callback_ || !callback_->on_cancelled(event.transaction, clock.now)) {
        forking_.on_cancel(event.transaction, clock.now);
      }
      break;
    case Kind::ack:
      // The ACK for a 2xx is its own transaction (§13.2.2.4): forwarded statelessly along
      // the route set; an ACK for a non-2xx never reaches here (its transaction takes it).
      if (event.message && !(echo_ && echo_->on_ack(*event.message)) &&
          !(callback_ && callback_->on_ack(*event.message))) {
        forward_stateless(*event.message, event.peer);
      }
      break;
    case Kind::terminated:
      forking_.on_server_terminated(event.transaction);
      socket_of_.erase(event.transaction);
      steering_.erase(event.transaction);
      break;
    case Kind::stray_response:
      // RFC 6026 §8.5 (updating §16.7): a response matching no transaction is dropped.
      ++counters_.dropped;
      break;
  }
}

bool ProxyCore::addressed_to_us(const sip::Message& request) const {
  auto uri = request.request_uri();
  return uri && uri->user.empty();
}

void ProxyCore::on_request(sip::TransactionId server, const sip::Message& request,
                           const sip::Peer& from, const Clock& clock) {
  const auto socket = socket_of_[server];
  switch (request.method()) {
    case sip::Method::Register: {
      const RequestSource source{from, config_.socket_names.size() > socket
                                           ? config_.socket_names[socket]
                                           : "udp:" + std::to_string(socket)};
      auto result = registrar_.handle(request, source, clock);
      if (result.outcome == RegisterOutcome::updated) {
        // Its bindings are in the batch's open transaction: the 200 waits for the COMMIT.
        auto to = request.to();
        awaiting_commit_.push_back(
            {server, std::move(result.response),
             to ? "sip:" + to->uri.user + "@" + config_.registrar.domain : std::string(),
             FlowAddress{from, socket}});
        return;
      }
      if (result.outcome == RegisterOutcome::auth_failed) {
        ++counters_.auth_failures;
      }
      respond(server, result.response, clock.now);
      return;
    }
    case sip::Method::Options:
      if (addressed_to_us(request)) {
        auto ok = sip::make_response(request, 200, {}, random_.token(10));
        ok.add_header(sip::HeaderId::Allow,
                      "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO, MESSAGE, REFER");
        ok.add_header(sip::HeaderId::Supported, "outbound, path");
        respond(server, ok, clock.now);
        // The poll: an OPTIONS keepalive also brings INVITEs held for its sender.
        if (auto from_user = request.from()) {
          forking_.on_flow_seen("sip:" + from_user->uri.user + "@" + config_.registrar.domain,
                                FlowAddress{from, socket}, false, clock.now);
        }
        return;
      }
      break;
    default:
      break;
  }
  proxy_request(server, request, FlowAddress{from, socket_of_[server]}, clock);
}

void ProxyCore::proxy_request(sip::TransactionId server, const sip::Message& request,
                              const FlowAddress& source, const Clock& clock) {
  // Routing reads bindings. Within a batch those include writes not yet committed; commit
  // them first, so a request never goes to a binding that a failing COMMIT then loses.
  // (Nothing written yet: end_batch costs nothing.)
  if (batch_open_) {
    commit_batch(clock);
  }
  auto decision = router_.route(request, source, clock);
  switch (decision.action) {
    case RoutingAction::respond:
      if (decision.response) {
        if (decision.response->status_code() == 407) {
          ++counters_.auth_challenges;
        }
        respond(server, *decision.response, clock.now);
      }
      return;
    case RoutingAction::forward:
      if (media_ && !steer_request(server, request, decision, source, clock.now)) {
        return;
      }
      forking_.start(server, *decision.request, decision.targets, decision.branch_base, clock.now);
      return;
    case RoutingAction::echo:
    case RoutingAction::callback:
      answer_test_number(server, request, source, decision, clock.now);
      return;
  }
}

bool ProxyCore::from_peer(const sip::Peer& peer) const {
  return config_.router.trusted_source && config_.router.trusted_source(peer);
}

bool ProxyCore::steer_request(sip::TransactionId server, const sip::Message& request,
                              RoutingDecision& decision, const FlowAddress& source, TimePoint now) {
  auto& forwarded = *decision.request;
  if (!decision.steer_media) {
    // A peer proxy steers: it learns the client's source from the received= that
    // stamp_source wrote into the client's Via when the request came in.
    return true;
  }
  steering_.insert(server);
  if (forwarded.method() == sip::Method::Bye) {
    media_->on_bye(forwarded);
    return true;
  }
  const auto author = signalling_source(forwarded, source.peer.host, from_peer(source.peer));
  auto steered = media_->on_offer(forwarded, author);
  if (steered) {
    return true;
  }
  auto refusal = sip::make_response(request, 488, "Media Not Steerable", random_.token(10));
  // RFC 3261 §20.43: 399 is a miscellaneous warning naming what failed.
  refusal.add_header(sip::HeaderId::Warning, "399 " + router_.hostport(source.socket) + " \"" +
                                                 sip_quotable(steered.error().describe()) + "\"");
  respond(server, refusal, now);
  return false;
}

void ProxyCore::attach_echo(EchoMedia& echo) {
  config_.echo.t1 = config_.timers.t1;
  config_.echo.t2 = config_.timers.t2;
  config_.callback.t1 = config_.timers.t1;
  config_.callback.t2 = config_.timers.t2;
  echo_.emplace(config_.echo, echo, random_);
  const auto& user = config_.router.callback_user;
  if (!user.empty()) {
    callback_.emplace(
        config_.callback, "sip:" + user + "@" + config_.registrar.domain,
        static_cast<ProxyOutput&>(*this), echo,
        [this](std::string_view aor, UnixSeconds wall) {
          return router_.contact_targets(aor, wall);
        },
        [this](std::size_t socket) { return router_.hostport(socket); }, random_);
  }
}

void ProxyCore::answer_test_number(sip::TransactionId server, const sip::Message& request,
                                   const FlowAddress& source, const RoutingDecision& decision,
                                   TimePoint now) {
  const auto contact = router_.hostport(source.socket);
  if (decision.action == RoutingAction::echo && echo_) {
    if (!request.to_tag().empty()) {
      respond(server, echo_->answer_in_dialog(request, contact), now);
      return;
    }
    const auto answer = echo_->answer_invite(request, source.peer.host, contact, now);
    respond(server, answer, now);
    if (answer.status_code() == 200) {
      echo_->await_ack(request.call_id(), server, now);
    }
    return;
  }
  if (decision.action == RoutingAction::callback && callback_) {
    if (!request.to_tag().empty()) {
      respond(server, callback_->answer_in_dialog(request), now);
    } else if (decision.user.empty()) {
      respond(server,
              sip::make_response(request, 403, "Call Back Needs An Authenticated User",
                                 random_.token(10)),
              now);
    } else {
      callback_->on_invite(server, request, "sip:" + decision.user + "@" + config_.registrar.domain,
                           source, now);
    }
    return;
  }
  respond(server, sip::make_response(request, 480, "Test Number Unavailable", random_.token(10)),
          now);
}

void ProxyCore::forward_stateless(const sip::Message& request, const sip::Peer& from) {
  auto forward = router_.route_stateless(request);
  if (!forward) {
    ++counters_.dropped;
    return;
  }
  if (media_ && forward->steer_media) {
    // An ACK with a body answers a late offer (MediaSteering::on_ack).
    media_->on_ack(forward->request,
                   signalling_source(forward->request, from.host, from_peer(from)));
  }
  send_stateless(std::move(forward->request), forward->branch, forward->to);
}

void ProxyCore::send_stateless(sip::Message request, std::string_view branch,
                               const FlowAddress& to) {
  request.prepend_header(sip::HeaderId::Via, "SIP/2.0/UDP " + router_.hostport(to.socket) +
                                                 ";branch=" + std::string(branch));
  outgoing_.push_back({to.socket, to.peer, request.serialize()});
}

Result<sip::TransactionId> ProxyCore::forward_request(sip::Message request, std::string_view branch,
                                                      const FlowAddress& to, TimePoint now) {
  // §16.6 step 8: our Via, naming the socket the request leaves from.
  request.prepend_header(sip::HeaderId::Via, "SIP/2.0/UDP " + router_.hostport(to.socket) +
                                                 ";branch=" + std::string(branch));
  auto sent = layer_.send_request(std::move(request), to.peer, now);
  if (sent) {
    socket_of_[*sent] = to.socket;
  }
  return sent;
}

void ProxyCore::forward_response(sip::TransactionId server, sip::Message response, TimePoint now) {
  if (media_ && steering_.contains(server)) {
    if (const auto* request = forking_.request_of(server)) {
      media_->on_response(*request, response, response_source_);
    }
  }
  respond(server, response, now);
}

void ProxyCore::abandon_branch(sip::TransactionId client) {
  if (layer_.client(client) != nullptr) {
    layer_.on_transport_error(client);  // terminates it; its events find no context
  }
}

ProxyTarget ProxyCore::retarget(const ProxyTarget& target, const FlowAddress& flow,
                                const sip::Message& request) {
  ProxyTarget moved = target;
  moved.flow = flow;
  moved.record_route =
      router_.record_route(target.caller, flow, request.from_tag(), target.steers_media);
  return moved;
}

void ProxyCore::cancel_branch(sip::TransactionId client, TimePoint now) {
  (void)layer_.cancel(client, now);
}

void ProxyCore::respond(sip::TransactionId server, const sip::Message& response, TimePoint now) {
  ++counters_.responses_sent[response.status_code()];
  (void)layer_.send_response(server, response, now);
}

void ProxyCore::respond_stateless(const sip::Message& response, const sip::Peer& to,
                                  std::size_t socket) {
  ++counters_.responses_sent[response.status_code()];
  outgoing_.push_back({socket, to, response.serialize()});
}

std::optional<Outgoing> ProxyCore::poll_outgoing() {
  if (outgoing_.empty()) {
    return std::nullopt;
  }
  auto next = std::move(outgoing_.front());
  outgoing_.pop_front();
  return next;
}

}  // namespace tipring::relay
