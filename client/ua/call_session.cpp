// CallSession, part one: creating the call, the INVITE transaction from either side
// (offer/answer, provisional responses, early media, ACK, CANCEL, challenges), answering,
// rejecting, hanging up and the 2xx retransmission timer.
#include "client/ua/call_session.h"

#include "client/ua/request_builder.h"

#include <algorithm>

namespace tipring::client {

namespace {

// §12.1.1: a UAS copies the request's Record-Route header fields, in order, into every
// response that creates a dialog (1xx with a tag, 2xx), so the caller's later requests
// (ACK, BYE, re-INVITE) come back through the proxies that asked to stay on the path.
void copy_record_route(const sip::Message& request, sip::Message& response) {
  for (std::size_t i = 0; i < request.header_count(); ++i) {
    const sip::HeaderField field = request.header(i);
    if (field.id == sip::HeaderId::RecordRoute) {
      response.add_header(sip::HeaderId::RecordRoute, field.value);
    }
  }
}

constexpr std::string_view kSdpType = "application/sdp";
constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY";
constexpr int kMaxAuthAttempts = 2;

bool has_sdp(const sip::Message& m) {
  if (m.body().empty()) {
    return false;
  }
  auto type = m.content_type();
  return type && type->is("application", "sdp");
}

}  // namespace

sip::Peer next_hop(const UserAgentConfig& config, const sip::Uri& uri) {
  if (config.outbound_proxy) {
    return *config.outbound_proxy;
  }
  std::string host = uri.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const sip::Transport transport = uri.transport() == "tcp"   ? sip::Transport::tcp
                                   : uri.transport() == "tls" ? sip::Transport::tls
                                                              : config.local.transport;
  return {host, uri.port.value_or(5060), transport};
}

CallSession::CallSession(CallHandle handle, CallEnvironment env, CallDirection direction,
                         TimePoint now)
    : handle_(handle),
      env_(env),
      state_(direction == CallDirection::outgoing ? CallState::calling : CallState::incoming),
      local_tag_(env.random.token(10)),
      sdp_session_id_(std::to_string(env.random.next_u64() % 1000000000000ULL)),
      www_auth_(env.config.auth_user.empty() ? env.config.aor.user : env.config.auth_user,
                env.config.password, env.random),
      proxy_auth_(env.config.auth_user.empty() ? env.config.aor.user : env.config.auth_user,
                  env.config.password, env.random) {
  record_.direction = direction;
  record_.started_at = now;
}

std::unique_ptr<CallSession> CallSession::make_outgoing(CallHandle handle, CallEnvironment env,
                                                        const sip::Uri& target,
                                                        const sdp::MediaAddress& local_media,
                                                        TimePoint now, ExtraHeaders extra) {
  std::unique_ptr<CallSession> call(new CallSession(handle, env, CallDirection::outgoing, now));
  call->call_id_ = env.random.token(24);
  call->target_ = target;
  call->invite_extra_ = std::move(extra);
  call->local_media_ = local_media;
  call->offer_ = sdp::make_offer(call->capabilities(), local_media, call->next_origin());
  call->record_.peer = target.to_string();
  call->send_invite(now);
  return call;
}

std::unique_ptr<CallSession> CallSession::make_incoming(CallHandle handle, CallEnvironment env,
                                                        sip::TransactionId invite_tx,
                                                        const sip::Message& invite, TimePoint now) {
  std::unique_ptr<CallSession> call(new CallSession(handle, env, CallDirection::incoming, now));
  call->call_id_ = std::string(invite.call_id());
  call->invite_ = invite;
  call->invite_tx_ = invite_tx;
  if (auto from = invite.from()) {
    call->record_.peer = from->uri.to_string();
    call->record_.peer_display_name = from->display_name;
  }
  if (has_sdp(invite)) {
    auto offer = sdp::parse(invite.body());
    if (!offer) {
      call->respond(invite_tx, invite, 400, now);
      call->end(now, "the caller's SDP could not be read", 400);
      return call;
    }
    call->remote_offer_ = std::move(*offer);
  }
  sip::Message ringing = sip::make_response(invite, 180, {}, call->local_tag_);
  copy_record_route(invite, ringing);
  ringing.add_header(sip::HeaderId::Contact, call->contact_value());
  ringing.add_header(sip::HeaderId::Allow, kAllow);
  if (auto dialog = sip::Dialog::as_uas(invite, ringing)) {
    call->dialog_ = std::move(*dialog);
  }
  (void)env.layer.send_response(invite_tx, ringing, now);
  return call;
}

// --- outgoing INVITE ---

void CallSession::send_invite(TimePoint now) {
  const UserAgentConfig& config = env_.config;
  RequestBuilder b(sip::Method::Invite, target_, env_.random);
  b.via(config.local.host, config.local.port, config.local.transport);
  b.from(config.display_name, config.aor, local_tag_);
  b.to({}, target_, {});
  b.call_id(call_id_);
  invite_cseq_ = invite_cseq_ == 0 ? 1 : invite_cseq_ + 1;
  b.cseq(invite_cseq_);
  b.header(sip::HeaderId::Contact, contact_value());
  b.header(sip::HeaderId::Allow, kAllow);
  b.header(sip::HeaderId::Supported, "replaces");
  b.header(sip::HeaderId::UserAgent, config.user_agent);
  b.body(sdp::serialize(*offer_), kSdpType);
  sip::Message invite = b.take();
  for (const auto& [name, value] : invite_extra_) {
    invite.add_header(name, value);
  }
  add_credentials(invite);
  invite_ = invite;
  auto tx = env_.layer.send_request(std::move(invite), next_hop(config, target_), now);
  if (!tx) {
    end(now, "cannot send the call: " + tx.error().describe());
    return;
  }
  invite_tx_ = *tx;
}

void CallSession::on_response(sip::TransactionId tx, const sip::Message& response, TimePoint now) {
  if (tx == invite_tx_ && record_.direction == CallDirection::outgoing) {
    on_invite_response(response, now);
    return;
  }
  if (tx == reinvite_tx_) {
    on_reinvite_response(response, now);
    return;
  }
  if (tx == refer_tx_) {
    on_refer_response(response);
  }
  const int code = response.status_code();
  if (code < 200) {
    return;
  }
  if (code < 300 && response.cseq_method() == sip::Method::Invite && last_ack_ && dialog_ &&
      last_ack_->cseq_number() == response.cseq_number()) {
    // A retransmitted 2xx to a re-INVITE: ACK it again (§13.2.2.4).
    env_.layer.send_without_transaction(*last_ack_, in_dialog_next_hop());
    return;
  }
  auto pending = pending_.find(tx);
  if (pending == pending_.end()) {
    return;
  }
  if ((code == 401 || code == 407) && retry_with_credentials(tx, response, now)) {
    return;
  }
  const sip::Method method = pending->second.method;
  pending_.erase(pending);
  // §12.2.1.2: a 481 or 408 to an in-dialog request means the dialog is gone.
  if ((code == 481 || code == 408) && method != sip::Method::Bye && state_ != CallState::ended) {
    hangup(now, end_reason::kDialogLost);
  }
}

void CallSession::on_invite_response(const sip::Message& response, TimePoint now) {
  const int code = response.status_code();
  if (code < 200) {
    if (code == 100 || response.to_tag().empty() || state_ == CallState::ended) {
      return;
    }
    if (!dialog_) {
      if (auto dialog = sip::Dialog::as_uac(*invite_, response)) {
        dialog_ = std::move(*dialog);
      }
    }
    if (has_sdp(response) && !early_media_applied_) {
      auto answer = sdp::parse(response.body());
      if (answer) {
        if (auto media = sdp::apply_answer(*offer_, *answer)) {
          early_media_applied_ = true;
          set_media(std::move(*media));
          set_state(CallState::early_media);
          return;
        }
      }
    }
    if (code == 180 && state_ == CallState::calling) {
      set_state(CallState::ringing);
    }
    return;
  }
  if (code < 300) {
    on_invite_success(response, now);
    return;
  }
  on_invite_failure(response, now);
}

void CallSession::on_invite_success(const sip::Message& response, TimePoint now) {
  const bool retransmission = last_ack_ && dialog_ &&
                              dialog_->state() == sip::Dialog::State::confirmed &&
                              response.to_tag() == dialog_->id().remote_tag;
  if (retransmission) {
    // §13.2.2.4: every 2xx retransmission gets the same ACK again.
    env_.layer.send_without_transaction(*last_ack_, in_dialog_next_hop());
    return;
  }
  if (dialog_ && dialog_->id().remote_tag == response.to_tag()) {
    dialog_->on_response(response, sip::Method::Invite);
  } else {
    auto dialog = sip::Dialog::as_uac(*invite_, response);
    if (!dialog) {
      // Without a Contact we cannot even ACK properly; give up on the call.
      end(now, "the answer was malformed: " + dialog.error().describe(), response.status_code());
      return;
    }
    dialog_ = std::move(*dialog);
  }
  www_auth_.on_authenticated();
  proxy_auth_.on_authenticated();
  send_ack(invite_cseq_);
  if (cancel_requested_ || state_ == CallState::ended) {
    // The answer crossed our CANCEL (§9.1): the call exists now, so end it with a BYE.
    (void)send_in_dialog(sip::Method::Bye, {}, {}, {}, now);
    dialog_->terminate();
    return;
  }
  std::optional<sdp::NegotiatedMedia> media;
  if (has_sdp(response)) {
    auto answer = sdp::parse(response.body());
    if (answer) {
      if (auto negotiated = sdp::apply_answer(*offer_, *answer)) {
        media = std::move(*negotiated);
      }
    }
  } else if (early_media_applied_) {
    media = media_;  // the 183's answer stands (RFC 3264: one answer per offer)
  }
  if (!media) {
    hangup(now, end_reason::kIncompatibleMedia);
    return;
  }
  record_.answered_at = now;
  offer_.reset();
  set_media(std::move(*media));
  set_state(CallState::active);
}

void CallSession::on_invite_failure(const sip::Message& response, TimePoint now) {
  const int code = response.status_code();
  if ((code == 401 || code == 407) && state_ != CallState::ended &&
      invite_auth_attempts_ < kMaxAuthAttempts) {
    const bool proxy = code == 407;
    std::vector<sip::DigestChallenge> challenges;
    const auto wanted = proxy ? sip::HeaderId::ProxyAuthenticate : sip::HeaderId::WwwAuthenticate;
    for (std::size_t i = 0; i < response.header_count(); ++i) {
      if (response.header(i).id == wanted) {
        if (auto c = sip::parse_digest_challenge(response.header(i).value)) {
          challenges.push_back(std::move(*c));
        }
      }
    }
    sip::DigestClient& auth = proxy ? proxy_auth_ : www_auth_;
    if (auth.on_challenges(challenges) == sip::DigestClient::Verdict::retry) {
      ++invite_auth_attempts_;
      dialog_.reset();
      send_invite(now);
      return;
    }
  }
  if (dialog_) {
    dialog_->terminate();
  }
  if (state_ != CallState::ended) {
    end(now,
        cancel_requested_ ? std::string(end_reason::kCancelled)
                          : reason_for_call_failure(code, response.reason_phrase()),
        code);
  }
}

void CallSession::send_ack(std::uint32_t cseq) {
  sip::Message ack = dialog_->make_ack(cseq, make_via());
  env_.layer.send_without_transaction(ack, in_dialog_next_hop());
  last_ack_ = std::move(ack);
}

// --- incoming INVITE ---

Result<void> CallSession::answer(const sdp::MediaAddress& local_media, TimePoint now) {
  if (state_ != CallState::incoming) {
    return fail("call state", "only a ringing incoming call can be answered");
  }
  local_media_ = local_media;
  std::string body;
  if (remote_offer_) {
    auto answer = sdp::make_answer(*remote_offer_, capabilities(), local_media, next_origin());
    if (!answer) {
      respond(invite_tx_, *invite_, 488, now);
      end(now, end_reason::kIncompatibleMedia, 488);
      return tl::unexpected(answer.error());
    }
    body = sdp::serialize(answer->sdp);
    set_media(std::move(answer->media));
    remote_offer_.reset();
  } else {
    // No offer in the INVITE (§13.2.1): ours goes in the 200, the answer comes in the ACK.
    offer_ = sdp::make_offer(capabilities(), local_media, next_origin());
    body = sdp::serialize(*offer_);
  }
  answer_invite(invite_tx_, *invite_, body, now);
  if (auto dialog = sip::Dialog::as_uas(*invite_, unacknowledged_->response)) {
    dialog_ = std::move(*dialog);
  }
  record_.answered_at = now;
  set_state(CallState::active);
  return {};
}

Result<void> CallSession::reject(int status_code, TimePoint now) {
  if (state_ != CallState::incoming) {
    return fail("call state", "only a ringing incoming call can be rejected");
  }
  respond(invite_tx_, *invite_, status_code, now);
  if (dialog_) {
    dialog_->terminate();
  }
  std::string reason = reason_for_call_failure(status_code, {});
  if (status_code == 486) {
    reason = end_reason::kRejectedBusy;
  } else if (status_code == 603) {
    reason = end_reason::kRejectedDeclined;
  }
  end(now, reason, status_code);
  return {};
}

void CallSession::hangup(TimePoint now, std::string_view reason) {
  switch (state_) {
    case CallState::ended:
      return;
    case CallState::calling:
    case CallState::ringing:
    case CallState::early_media:
      cancel_requested_ = true;
      (void)env_.layer.cancel(invite_tx_, now);
      end(now, reason == end_reason::kHungUp ? end_reason::kCancelled : reason);
      return;
    case CallState::incoming:
      (void)reject(603, now);
      return;
    case CallState::active:
      (void)send_in_dialog(sip::Method::Bye, {}, {}, {}, now);
      if (dialog_) {
        dialog_->terminate();
      }
      end(now, reason);
      return;
  }
}

void CallSession::on_cancelled(TimePoint now) {
  if (state_ == CallState::incoming) {
    if (dialog_) {
      dialog_->terminate();
    }
    end(now, end_reason::kCancelledByCaller, 487);
  }
}

void CallSession::on_ack(const sip::Message& ack, TimePoint now) {
  if (!unacknowledged_ || ack.cseq_number() != unacknowledged_->response.cseq_number()) {
    return;
  }
  unacknowledged_.reset();
  if (offer_ && has_sdp(ack)) {
    // The answer to the offer in our 200 (late offer, §13.2.1).
    auto answer = sdp::parse(ack.body());
    auto media = answer ? sdp::apply_answer(*offer_, *answer)
                        : Result<sdp::NegotiatedMedia>(tl::unexpected(answer.error()));
    offer_.reset();
    if (!media) {
      hangup(now, end_reason::kIncompatibleMedia);
      return;
    }
    set_media(std::move(*media));
  }
}

void CallSession::answer_invite(sip::TransactionId tx, const sip::Message& request,
                                const std::string& sdp_body, TimePoint now) {
  sip::Message ok = sip::make_response(request, 200, {}, local_tag_);
  copy_record_route(request, ok);
  ok.add_header(sip::HeaderId::Contact, contact_value());
  ok.add_header(sip::HeaderId::Allow, kAllow);
  ok.add_header(sip::HeaderId::Supported, "replaces");
  ok.set_body(sdp_body, kSdpType);
  (void)env_.layer.send_response(tx, ok, now);
  const Duration t1 = env_.config.timers.t1;
  unacknowledged_ = Unacknowledged{tx, std::move(ok), t1, now + t1,
                                   now + env_.config.timers.transaction_timeout()};
}

void CallSession::respond(sip::TransactionId tx, const sip::Message& request, int status,
                          TimePoint now) {
  sip::Message response = sip::make_response(request, status, {}, local_tag_);
  if (status == 405) {
    response.add_header(sip::HeaderId::Allow, kAllow);
  }
  (void)env_.layer.send_response(tx, response, now);
}

// --- time ---

void CallSession::on_timer(TimePoint now) {
  if (now >= reinvite_retry_at_) {
    reinvite_retry_at_ = TimePoint::max();
    if (state_ == CallState::active && reinvite_tx_ == 0) {
      (void)send_reinvite(reinvite_hold_, now);
    }
  }
  if (!unacknowledged_) {
    return;
  }
  if (now >= unacknowledged_->give_up_at) {
    // §13.3.1.4: no ACK within 64*T1: the session is confirmed and then ended with a BYE.
    unacknowledged_.reset();
    if (state_ == CallState::active) {
      hangup(now, end_reason::kNoAck);
    }
    return;
  }
  if (now < unacknowledged_->resend_at) {
    return;
  }
  (void)env_.layer.send_response(unacknowledged_->tx, unacknowledged_->response, now);
  unacknowledged_->interval = std::min(unacknowledged_->interval * 2, env_.config.timers.t2);
  unacknowledged_->resend_at = now + unacknowledged_->interval;
}

TimePoint CallSession::next_deadline() const {
  TimePoint t = std::min(linger_until_, reinvite_retry_at_);
  if (unacknowledged_) {
    t = std::min(t, std::min(unacknowledged_->resend_at, unacknowledged_->give_up_at));
  }
  return t;
}

bool CallSession::finished(TimePoint now) const {
  return state_ == CallState::ended && now >= linger_until_;
}

void CallSession::on_transaction_failed(sip::TransactionId tx, TimePoint now) {
  pending_.erase(tx);
  if (tx == invite_tx_ && record_.direction == CallDirection::outgoing &&
      state_ != CallState::active && state_ != CallState::ended) {
    end(now, end_reason::kNoResponse, 408);
    return;
  }
  if (tx == reinvite_tx_) {
    reinvite_tx_ = 0;
    hangup(now, end_reason::kDialogLost);
  }
}

// --- shared pieces ---

bool CallSession::owns_transaction(sip::TransactionId tx) const {
  return tx != 0 && (tx == invite_tx_ || tx == reinvite_tx_ || tx == refer_tx_ ||
                     pending_.contains(tx) || (unacknowledged_ && unacknowledged_->tx == tx));
}

bool CallSession::matches_dialog(const sip::DialogId& id) const {
  return dialog_ && dialog_->id() == id;
}

sip::Via CallSession::make_via() const {
  sip::Via via;
  const LocalFlow& local = env_.config.local;
  via.transport = local.transport == sip::Transport::udp   ? "UDP"
                  : local.transport == sip::Transport::tcp ? "TCP"
                                                           : "TLS";
  via.host = host_for_uri(local.host);
  via.port = local.port;
  via.set_branch(std::string(sip::kBranchMagicCookie) + env_.random.token(16));
  via.request_rport();
  return via;
}

std::string CallSession::contact_value() const {
  const LocalFlow& local = env_.config.local;
  sip::Uri contact = sip::Uri::sip(env_.config.aor.user, host_for_uri(local.host), local.port);
  if (local.transport != sip::Transport::udp) {
    sip::set_param(contact.params, "transport", transport_param(local.transport));
  }
  if (env_.config.outbound_proxy) {
    sip::set_flag_param(contact.params, "ob");  // RFC 5626 §5.4: keep us on this flow
  }
  return "<" + contact.to_string() + ">";
}

sdp::LocalCapabilities CallSession::capabilities() const {
  sdp::LocalCapabilities caps = env_.config.media;
  caps.direction = local_hold_ ? sdp::Direction::sendonly : sdp::Direction::sendrecv;
  return caps;
}

sdp::OriginIdentity CallSession::next_origin() {
  sdp::OriginIdentity origin;
  origin.session_id = sdp_session_id_;
  origin.session_version = sdp_version_++;
  origin.session_name = "Tipring";
  return origin;
}

sip::Peer CallSession::in_dialog_next_hop() const {
  if (!dialog_->route_set().empty() && !env_.config.outbound_proxy) {
    return next_hop(env_.config, dialog_->route_set().front().uri);
  }
  return next_hop(env_.config, dialog_->remote_target());
}

void CallSession::add_credentials(sip::Message& request) {
  const std::string uri(request.request_uri_text());
  const std::string method(request.method_text());
  for (const auto& c : www_auth_.authorize(method, uri)) {
    request.add_header(sip::HeaderId::Authorization, sip::format_digest_credentials(c));
  }
  for (const auto& c : proxy_auth_.authorize(method, uri)) {
    request.add_header(sip::HeaderId::ProxyAuthorization, sip::format_digest_credentials(c));
  }
}

void CallSession::set_state(CallState state) {
  if (state_ != state) {
    state_ = state;
    UaEvent event = UaEvent::of(UaEvent::Kind::call_state_changed, handle_);
    event.state = state;
    env_.events.push_back(std::move(event));
  }
}

void CallSession::set_media(sdp::NegotiatedMedia media) {
  media_ = std::move(media);
  UaEvent event = UaEvent::of(UaEvent::Kind::media_changed, handle_);
  event.media = media_;
  env_.events.push_back(std::move(event));
}

void CallSession::set_hold(bool local, bool remote) {
  if (local != local_hold_ || remote != remote_hold_) {
    local_hold_ = local;
    remote_hold_ = remote;
    push_event(UaEvent::Kind::hold_changed);
  }
}

void CallSession::end(TimePoint now, std::string_view reason, int status) {
  if (state_ == CallState::ended) {
    return;
  }
  unacknowledged_.reset();
  record_.ended_at = now;
  record_.end_reason = std::string(reason);
  record_.end_status = status;
  // Stay around for late retransmissions (a 2xx crossing our CANCEL, a repeated BYE).
  linger_until_ = now + env_.config.timers.transaction_timeout();
  set_state(CallState::ended);
}

void CallSession::push_event(UaEvent::Kind kind) {
  env_.events.push_back(UaEvent::of(kind, handle_));
}

}  // namespace tipring::client
