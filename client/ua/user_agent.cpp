#include "client/ua/user_agent.h"

#include "client/ua/request_builder.h"

#include <algorithm>

namespace tipring::client {
namespace {

constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY";

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const std::string hex(text.substr(i + 1, 2));
      char* end = nullptr;
      const long value = std::strtol(hex.c_str(), &end, 16);
      if (end == hex.c_str() + 2) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// RFC 3891 §6.1: "callid;to-tag=x;from-tag=y" names a dialog seen from its recipient.
std::optional<sip::DialogId> parse_replaces(std::string_view value) {
  sip::DialogId id;
  const std::size_t semi = value.find(';');
  id.call_id = std::string(value.substr(0, semi));
  std::string_view rest = semi == std::string_view::npos ? "" : value.substr(semi + 1);
  while (!rest.empty()) {
    const std::size_t next = rest.find(';');
    std::string_view param = rest.substr(0, next);
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    while (!param.empty() && param.front() == ' ') {
      param.remove_prefix(1);
    }
    if (param.starts_with("to-tag=")) {
      id.local_tag = std::string(param.substr(7));
    } else if (param.starts_with("from-tag=")) {
      id.remote_tag = std::string(param.substr(9));
    }
  }
  if (id.call_id.empty() || id.local_tag.empty() || id.remote_tag.empty()) {
    return std::nullopt;
  }
  return id;
}

bool only_line_breaks(std::string_view bytes) {
  return !bytes.empty() && bytes.find_first_not_of("\r\n") == std::string_view::npos;
}

}  // namespace

Result<sip::Uri> resolve_target(std::string_view text, const sip::Uri& aor) {
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  if (text.empty()) {
    return fail("dial string", "nothing to call");
  }
  std::string uri;
  if (text.starts_with("sip:") || text.starts_with("sips:")) {
    uri = std::string(text);
  } else if (text.find('@') != std::string_view::npos) {
    uri = "sip:" + std::string(text);
  } else {
    uri = "sip:" + std::string(text) + "@" + aor.host;
  }
  auto parsed = sip::Uri::parse(uri);
  if (!parsed || !parsed->is_sip_or_sips() || parsed->host.empty()) {
    return fail("dial string", "'" + std::string(text) + "' is not a number or SIP address");
  }
  return parsed;
}

UserAgent::UserAgent(UserAgentConfig config, RandomSource& random)
    : config_(std::move(config)),
      random_(random),
      layer_(random, sip::TransactionLayerConfig{config_.timers, true}),
      keepalive_(config_.keepalive_interval, random, config_.keepalive_method),
      keepalive_call_id_(random.token(20)) {
  if (config_.registration) {
    registration_ = std::make_unique<Registration>(*config_.registration, random);
  }
}

CallEnvironment UserAgent::environment() {
  return CallEnvironment{layer_, random_, config_, events_};
}

sip::Peer UserAgent::registrar_peer() const {
  return next_hop(config_, config_.registration ? config_.registration->registrar : config_.aor);
}

void UserAgent::start(TimePoint now) {
  if (registration_) {
    registration_->start(config_.local, now);
  }
  settle(now);
}

void UserAgent::shutdown(TimePoint now) {
  for (auto& [handle, call] : calls_) {
    call->hangup(now, end_reason::kShutdown);
  }
  if (registration_ && registration_->state() == RegistrationState::registered) {
    registration_->stop(now);
  }
  keepalive_.stop();
  keepalive_running_ = false;
  settle(now);
}

void UserAgent::change_local_flow(const LocalFlow& local, TimePoint now) {
  config_.local = local;
  // The keepalive restarts with the new binding, and the new flow's server may pong or not.
  keepalive_.stop();
  keepalive_.new_flow();
  keepalive_running_ = false;
  keepalive_tx_ = 0;
  if (registration_) {
    registration_->start(local, now);
  }
  settle(now);
}

// --- input ---

void UserAgent::on_datagram(std::string_view bytes, const sip::Peer& from, TimePoint now) {
  if (only_line_breaks(bytes)) {
    on_keepalive_bytes(bytes, from, now);
    settle(now);
    return;
  }
  auto message = sip::Message::parse(bytes, sip::Framing::Datagram);
  if (!message) {
    return;  // §18.3: a datagram that is not a SIP message is dropped
  }
  (void)layer_.on_message(std::move(*message), from, now);
  settle(now);
}

void UserAgent::on_message(sip::Message message, const sip::Peer& from, TimePoint now) {
  (void)layer_.on_message(std::move(message), from, now);
  settle(now);
}

void UserAgent::on_stream_keepalive(bool ping, const sip::Peer& from, TimePoint now) {
  on_keepalive_bytes(ping ? "\r\n\r\n" : "\r\n", from, now);
  settle(now);
}

void UserAgent::on_keepalive_bytes(std::string_view bytes, const sip::Peer& from, TimePoint now) {
  if (bytes.size() >= 4) {
    // A ping from the other end of the flow (RFC 5626 §4.4.1): answer with a pong.
    datagrams_.push_back(sip::Datagram{from, "\r\n", 0});
    return;
  }
  keepalive_.on_pong(now);
}

void UserAgent::on_flow_failed(std::string reason, TimePoint now) {
  keepalive_tx_ = 0;
  if (registration_) {
    // The REGISTER in flight died with the flow; its transaction's later error is not news.
    registration_tx_ = 0;
    registration_->on_flow_failure(std::move(reason), now);
  }
  settle(now);
}

void UserAgent::on_send_failed(sip::TransactionId transaction, TimePoint now) {
  layer_.on_transport_error(transaction);
  settle(now);
}

void UserAgent::on_timer(TimePoint now) {
  layer_.on_timer(now);
  if (registration_) {
    registration_->on_timer(now);
  }
  if (keepalive_running_) {
    switch (keepalive_.on_timer(now)) {
      case KeepaliveSchedule::Action::send_ping:
        datagrams_.push_back(sip::Datagram{registrar_peer(), "\r\n\r\n", 0});
        break;
      case KeepaliveSchedule::Action::send_options:
        send_keepalive_options(now);
        break;
      case KeepaliveSchedule::Action::flow_failed:
        flow_broken("the server stopped answering keepalives");
        break;
      case KeepaliveSchedule::Action::none:
        break;
    }
  }
  for (auto& [handle, call] : calls_) {
    call->on_timer(now);
  }
  settle(now);
}

TimePoint UserAgent::next_deadline() const {
  TimePoint t = layer_.next_deadline();
  if (registration_) {
    t = std::min(t, registration_->next_deadline());
  }
  if (keepalive_running_) {
    t = std::min(t, keepalive_.next_deadline());
  }
  for (const auto& [handle, call] : calls_) {
    t = std::min(t, call->next_deadline());
  }
  return t;
}

std::optional<sip::Datagram> UserAgent::poll_datagram() {
  if (!datagrams_.empty()) {
    sip::Datagram d = std::move(datagrams_.front());
    datagrams_.pop_front();
    return d;
  }
  return layer_.poll_datagram();
}

std::optional<UaEvent> UserAgent::poll_event() {
  if (events_.empty()) {
    return std::nullopt;
  }
  UaEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

// --- after every step ---

void UserAgent::settle(TimePoint now) {
  // Each pass may produce more work (a response creates a call that sends a request); the
  // layer's event queue is finite, so this ends.
  while (auto event = layer_.poll_event()) {
    dispatch(std::move(*event), now);
  }
  if (registration_) {
    follow_registration(now);
  }
  report_transfers(now);
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (it->second->finished(now)) {
      transfers_.erase(it->first);
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
}

void UserAgent::follow_registration(TimePoint now) {
  send_registration_requests(now);
  const bool registered = registration_->state() == RegistrationState::registered;
  if (registration_->take_status_change()) {
    events_.push_back(UaEvent::of(UaEvent::Kind::registration_changed, 0));
    if (!registered && registration_->state() != RegistrationState::registering) {
      keepalive_.stop();
      keepalive_running_ = false;
    }
  }
  // A REGISTER's 200 showing a new public address needs no fresh flow: that REGISTER came
  // through the new NAT mapping, so the registrar's binding (and a proxy's held INVITE, the
  // poll) already points at this socket through it. Dropping the socket here would lose
  // exactly the request the poll delivers. Keepalive answers are different: see
  // on_keepalive_response.
  (void)registration_->take_public_address_moved();
  // Every 200 to a REGISTER proves the flow: the keepalive counts from there, at the
  // interval the latest Flow-Timer asks for.
  if (registered && registration_->binding_count() != bindings_seen_) {
    bindings_seen_ = registration_->binding_count();
    if (config_.keepalive_interval.count() > 0) {
      keepalive_.start(now, registration_->flow_timer_s());
      keepalive_running_ = true;
    }
  }
}

void UserAgent::flow_broken(std::string why) {
  keepalive_.stop();
  keepalive_running_ = false;
  keepalive_tx_ = 0;
  UaEvent event = UaEvent::of(UaEvent::Kind::flow_broken, 0);
  event.detail = std::move(why);
  events_.push_back(std::move(event));
}

void UserAgent::send_keepalive_options(TimePoint now) {
  if (keepalive_tx_ != 0) {
    return;  // the last one is still out; its timeout will tell
  }
  const sip::Uri target = config_.registration
                              ? config_.registration->registrar
                              : sip::Uri::sip({}, config_.aor.host, config_.aor.port);
  RequestBuilder b(sip::Method::Options, target, random_);
  b.via(config_.local.host, config_.local.port, config_.local.transport);
  b.from(config_.display_name, config_.aor, random_.token(10));
  b.to({}, target, {});
  b.call_id(keepalive_call_id_);
  b.cseq(++keepalive_cseq_);
  b.header(sip::HeaderId::UserAgent, config_.user_agent);
  auto tx = layer_.send_request(b.take(), registrar_peer(), now);
  if (tx) {
    keepalive_tx_ = *tx;
  }
}

// Any final response proves the flow (RFC 3261 §11 OPTIONS; 404 or 405 from a registrar that
// does not take OPTIONS for its domain still came back over it). Its Via shows our public
// address; a change means the NAT rebound us.
void UserAgent::on_keepalive_response(const sip::Message& response) {
  if (!registration_ || !registration_->public_address()) {
    return;
  }
  auto via = response.top_via();
  if (!via) {
    return;
  }
  auto received = via->received();
  auto rport = via->rport();
  if (!received || !rport) {
    return;
  }
  const sip::Peer& known = *registration_->public_address();
  if (known.host != *received || known.port != *rport) {
    flow_broken("our public address changed");
  }
}

void UserAgent::send_registration_requests(TimePoint now) {
  while (auto request = registration_->poll_request()) {
    auto tx = layer_.send_request(std::move(*request), registrar_peer(), now);
    if (!tx) {
      registration_->on_failure(false, now);
      continue;
    }
    registration_tx_ = *tx;
  }
}

void UserAgent::report_transfers(TimePoint now) {
  for (auto& [handle, link] : transfers_) {
    const CallSession* placed = find_call(handle);
    CallSession* referring = find_call(link.referring);
    if (placed == nullptr || referring == nullptr || placed->state() == link.reported) {
      continue;
    }
    link.reported = placed->state();
    switch (placed->state()) {
      case CallState::ringing:
      case CallState::early_media:
        referring->report_transfer_progress(180, now);
        break;
      case CallState::active:
        referring->report_transfer_progress(200, now);
        break;
      case CallState::ended:
        referring->report_transfer_progress(
            placed->record().end_status >= 300 ? placed->record().end_status : 487, now);
        break;
      case CallState::calling:
      case CallState::incoming:
        break;
    }
  }
  while (auto event = layer_.poll_event()) {
    dispatch(std::move(*event), now);
  }
}

// --- routing ---

void UserAgent::dispatch(sip::TransactionEvent event, TimePoint now) {
  using Kind = sip::TransactionEventKind;
  switch (event.kind) {
    case Kind::request:
      on_request(event.transaction, *event.message, now);
      return;
    case Kind::response:
      if (event.transaction == keepalive_tx_ && keepalive_tx_ != 0) {
        if (event.message->status_code() >= 200) {
          keepalive_tx_ = 0;
          on_keepalive_response(*event.message);
        }
        return;
      }
      if (event.transaction == registration_tx_ && registration_) {
        registration_->on_response(*event.message, now);
        if (event.message->status_code() >= 200) {
          registration_tx_ = 0;
        }
        return;
      }
      if (CallSession* call = call_for_transaction(event.transaction)) {
        call->on_response(event.transaction, *event.message, now);
      } else if (CallSession* by_id = call_for_call_id(event.message->call_id())) {
        by_id->on_response(event.transaction, *event.message, now);
      }
      return;
    case Kind::stray_response:
      // A 2xx retransmission after its transaction ended still needs our ACK.
      if (CallSession* call = call_for_call_id(event.message->call_id())) {
        call->on_response(0, *event.message, now);
      }
      return;
    case Kind::ack:
      if (CallSession* call = call_for_dialog(sip::dialog_id_of_incoming_request(*event.message))) {
        call->on_ack(*event.message, now);
      }
      return;
    case Kind::cancelled:
      if (CallSession* call = call_for_transaction(event.transaction)) {
        call->on_cancelled(now);
      }
      return;
    case Kind::timeout:
    case Kind::transport_error:
      if (event.transaction == keepalive_tx_ && keepalive_tx_ != 0) {
        flow_broken("the server stopped answering keepalives");
        return;
      }
      if (event.transaction == registration_tx_ && registration_) {
        registration_tx_ = 0;
        registration_->on_failure(event.kind == Kind::timeout, now);
        return;
      }
      if (CallSession* call = call_for_transaction(event.transaction)) {
        call->on_transaction_failed(event.transaction, now);
      }
      return;
    case Kind::terminated:
      return;
  }
}

void UserAgent::on_request(sip::TransactionId tx, const sip::Message& request, TimePoint now) {
  if (!request.to_tag().empty()) {
    if (CallSession* call = call_for_dialog(sip::dialog_id_of_incoming_request(request))) {
      call->on_request(tx, request, now);
      return;
    }
    respond(tx, request, 481, now);  // §12.2.2: no such dialog
    return;
  }
  switch (request.method()) {
    case sip::Method::Invite:
      on_new_invite(tx, request, now);
      return;
    case sip::Method::Options: {
      sip::Message ok = sip::make_response(request, 200, {}, random_.token(10));
      ok.add_header(sip::HeaderId::Allow, kAllow);
      ok.add_header(sip::HeaderId::Accept, "application/sdp");
      ok.add_header(sip::HeaderId::Supported, "replaces");
      (void)layer_.send_response(tx, ok, now);
      return;
    }
    case sip::Method::Bye:
    case sip::Method::Info:
    case sip::Method::Refer:
    case sip::Method::Notify:
    case sip::Method::Update:
    case sip::Method::Prack:
      respond(tx, request, 481, now);  // these exist only inside a dialog
      return;
    default:
      respond(tx, request, 405, now);
      return;
  }
}

void UserAgent::on_new_invite(sip::TransactionId tx, const sip::Message& invite, TimePoint now) {
  if (auto required = invite.tokens(sip::HeaderId::Require); required && !required->empty()) {
    std::vector<std::string> unsupported;
    for (const auto& option : *required) {
      if (option != "replaces") {
        unsupported.push_back(option);
      }
    }
    if (!unsupported.empty()) {
      sip::Message bad = sip::make_response(invite, 420, {}, random_.token(10));
      bad.add_header(sip::HeaderId::Unsupported, sip::join_tokens(unsupported));
      (void)layer_.send_response(tx, bad, now);
      return;
    }
  }
  CallHandle replaces = 0;
  if (auto value = invite.find("Replaces")) {
    auto id = parse_replaces(*value);
    const CallSession* old = id ? call_for_dialog(*id) : nullptr;
    if (old == nullptr || old->state() != CallState::active) {
      respond(tx, invite, 481, now);  // RFC 3891 §3: nothing to replace
      return;
    }
    replaces = old->handle();
  }
  const CallHandle handle = next_handle_++;
  auto call = CallSession::make_incoming(handle, environment(), tx, invite, now);
  const bool ringing = call->state() == CallState::incoming;
  calls_.emplace(handle, std::move(call));
  if (ringing) {
    UaEvent event = UaEvent::of(UaEvent::Kind::incoming_call, handle);
    event.replaces = replaces;
    events_.push_back(std::move(event));
  }
}

void UserAgent::respond(sip::TransactionId tx, const sip::Message& request, int status,
                        TimePoint now) {
  sip::Message response = sip::make_response(request, status, {}, random_.token(10));
  if (status == 405) {
    response.add_header(sip::HeaderId::Allow, kAllow);
  }
  (void)layer_.send_response(tx, response, now);
}

// --- calls ---

Result<CallHandle> UserAgent::call(const sip::Uri& target, const sdp::MediaAddress& local_media,
                                   TimePoint now) {
  if (!target.is_sip_or_sips()) {
    return fail("dial string", "only sip: and sips: targets can be called");
  }
  sip::Uri request_uri = target;
  CallSession::ExtraHeaders extra;
  for (const sip::Param& header : target.headers) {
    if (header.name == "Replaces" || header.name == "Referred-By") {
      extra.emplace_back(header.name, percent_decode(header.value));
    }
  }
  request_uri.headers.clear();
  const CallHandle handle = next_handle_++;
  calls_.emplace(handle, CallSession::make_outgoing(handle, environment(), request_uri, local_media,
                                                    now, std::move(extra)));
  settle(now);
  return handle;
}

Result<CallHandle> UserAgent::call_transfer_target(CallHandle referring, const sip::Uri& target,
                                                   const sdp::MediaAddress& local_media,
                                                   TimePoint now) {
  if (find_call(referring) == nullptr) {
    return fail("transfer", "the call that asked for the transfer is gone");
  }
  auto handle = call(target, local_media, now);
  if (handle) {
    transfers_.emplace(*handle, TransferLink{referring, CallState::calling});
    settle(now);
  }
  return handle;
}

CallSession* UserAgent::find_call(CallHandle handle) {
  auto it = calls_.find(handle);
  return it == calls_.end() ? nullptr : it->second.get();
}

const CallSession* UserAgent::find_call(CallHandle handle) const {
  auto it = calls_.find(handle);
  return it == calls_.end() ? nullptr : it->second.get();
}

std::vector<CallHandle> UserAgent::call_handles() const {
  std::vector<CallHandle> out;
  out.reserve(calls_.size());
  for (const auto& [handle, call] : calls_) {
    out.push_back(handle);
  }
  return out;
}

std::size_t UserAgent::live_call_count() const {
  return static_cast<std::size_t>(std::count_if(calls_.begin(), calls_.end(), [](const auto& c) {
    return c.second->state() != CallState::ended;
  }));
}

CallSession* UserAgent::call_for_transaction(sip::TransactionId tx) {
  for (auto& [handle, call] : calls_) {
    if (call->owns_transaction(tx)) {
      return call.get();
    }
  }
  return nullptr;
}

CallSession* UserAgent::call_for_dialog(const sip::DialogId& id) {
  for (auto& [handle, call] : calls_) {
    if (call->matches_dialog(id)) {
      return call.get();
    }
  }
  return nullptr;
}

CallSession* UserAgent::call_for_call_id(std::string_view call_id) {
  for (auto& [handle, call] : calls_) {
    if (call->call_id() == call_id) {
      return call.get();
    }
  }
  return nullptr;
}

}  // namespace tipring::client
