// CallSession, part two: requests inside an established dialog (RFC 3261 §12.2, §14, §15):
// BYE, re-INVITE for hold and resume (RFC 6337), DTMF as SIP INFO, and transfer by REFER
// with its NOTIFY progress reports (RFC 3515), sent and received, each resent once with
// credentials when a proxy challenges it.
#include "client/ua/call_session.h"
#include "client/ua/dialog_bodies.h"

namespace tipring::client {
namespace {

constexpr std::string_view kSdpType = "application/sdp";
constexpr int kMaxAuthAttempts = 2;

bool has_sdp(const sip::Message& m) {
  if (m.body().empty()) {
    return false;
  }
  auto type = m.content_type();
  return type && type->is("application", "sdp");
}

// A URI header value escapes everything outside unreserved/hnv-unreserved (§25.1 hvalue).
std::string escape_uri_header(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 ||
        std::string_view("-_.!~*'()[]/?:+$").find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4U]);
      out.push_back(kHex[u & 0x0FU]);
    }
  }
  return out;
}

}  // namespace

void CallSession::on_request(sip::TransactionId tx, const sip::Message& request, TimePoint now) {
  if (dialog_) {
    if (auto in_order = dialog_->on_request(request); !in_order) {
      respond(tx, request, 500, now);
      return;
    }
  }
  switch (request.method()) {
    case sip::Method::Bye:
      on_bye(tx, request, now);
      return;
    case sip::Method::Invite:
      on_reinvite(tx, request, now);
      return;
    case sip::Method::Info:
      on_info(tx, request, now);
      return;
    case sip::Method::Refer:
      on_refer(tx, request, now);
      return;
    case sip::Method::Notify:
      on_notify(tx, request, now);
      return;
    case sip::Method::Options:
      respond(tx, request, 200, now);
      return;
    default:
      respond(tx, request, 405, now);
      return;
  }
}

void CallSession::on_bye(sip::TransactionId tx, const sip::Message& request, TimePoint now) {
  respond(tx, request, 200, now);
  if (dialog_) {
    dialog_->terminate();
  }
  if (state_ == CallState::incoming) {
    // A BYE on an early dialog (§15): the caller gave up; our INVITE transaction ends 487.
    respond(invite_tx_, *invite_, 487, now);
    end(now, end_reason::kCancelledByCaller, 487);
    return;
  }
  end(now,
      transfer_pending_ || transferred_ ? end_reason::kTransferred : end_reason::kRemoteHungUp);
}

void CallSession::on_reinvite(sip::TransactionId tx, const sip::Message& request, TimePoint now) {
  if (state_ != CallState::active) {
    respond(tx, request, 491, now);
    return;
  }
  if (reinvite_tx_ != 0) {
    respond(tx, request, 491, now);  // §14.2: our own offer is outstanding (glare)
    return;
  }
  if (unacknowledged_) {
    sip::Message busy = sip::make_response(request, 500, {}, local_tag_);
    busy.add_header(sip::HeaderId::RetryAfter, "1");  // §14.2: the last 2xx is not ACKed yet
    (void)env_.layer.send_response(tx, busy, now);
    return;
  }
  if (!has_sdp(request)) {
    offer_ = sdp::make_offer(capabilities(), local_media_, next_origin());
    answer_invite(tx, request, sdp::serialize(*offer_), now);
    return;
  }
  auto offer = sdp::parse(request.body());
  if (!offer) {
    respond(tx, request, 400, now);
    return;
  }
  auto answer = sdp::make_answer(*offer, capabilities(), local_media_, next_origin());
  if (!answer) {
    respond(tx, request, 488, now);
    return;
  }
  const sdp::Direction offered = sdp::declared_direction(*offer, answer->media.media_index);
  answer_invite(tx, request, sdp::serialize(answer->sdp), now);
  set_media(std::move(answer->media));
  set_hold(local_hold_, !sdp::sends(offered) || !sdp::receives(offered));
}

void CallSession::on_info(sip::TransactionId tx, const sip::Message& request, TimePoint now) {
  if (request.body().empty()) {
    respond(tx, request, 200, now);  // an empty INFO is a liveness probe
    return;
  }
  const std::string type(request.find(sip::HeaderId::ContentType).value_or(""));
  auto dtmf = parse_dtmf_info(type, request.body());
  if (!dtmf) {
    respond(tx, request, 415, now);
    return;
  }
  respond(tx, request, 200, now);
  UaEvent event = UaEvent::of(UaEvent::Kind::dtmf_received, handle_);
  event.digit = dtmf->digit;
  event.duration = dtmf->duration;
  env_.events.push_back(std::move(event));
}

void CallSession::on_refer(sip::TransactionId tx, const sip::Message& request, TimePoint now) {
  const auto refer_to = request.find(sip::HeaderId::ReferTo);
  auto target = refer_to ? sip::NameAddr::parse(*refer_to)
                         : Result<sip::NameAddr>(fail("RFC 3515 §2.1", "no Refer-To"));
  if (state_ != CallState::active || !target || !target->uri.is_sip_or_sips()) {
    respond(tx, request, state_ != CallState::active ? 481 : 400, now);
    return;
  }
  respond(tx, request, 202, now);
  refer_subscription_ = true;
  UaEvent event = UaEvent::of(UaEvent::Kind::transfer_requested, handle_);
  event.target = target->uri.to_string();
  env_.events.push_back(std::move(event));
  report_transfer_progress(100, now);
}

void CallSession::report_transfer_progress(int status_code, TimePoint now) {
  if (!refer_subscription_ || !dialog_ || dialog_->state() == sip::Dialog::State::terminated) {
    return;
  }
  const bool final = status_code >= 200;
  refer_subscription_ = !final;
  transferred_ = status_code >= 200 && status_code < 300;
  (void)send_in_dialog(
      sip::Method::Notify, format_sipfrag(status_code), std::string(kSipfragType),
      {{"Event", "refer"},
       {"Subscription-State", final ? "terminated;reason=noresource" : "active;expires=60"}},
      now);
}

void CallSession::on_notify(sip::TransactionId tx, const sip::Message& request, TimePoint now) {
  const auto event = request.find(sip::HeaderId::Event);
  if (!event || !event->starts_with("refer")) {
    respond(tx, request, 489, now);  // RFC 6665 §8.3.1 Bad Event
    return;
  }
  respond(tx, request, 200, now);
  auto status = parse_sipfrag_status(request.body());
  if (!transfer_pending_ || !status || *status < 200) {
    return;
  }
  transfer_pending_ = false;
  if (*status < 300) {
    hangup(now, end_reason::kTransferred);
    return;
  }
  UaEvent failed = UaEvent::of(UaEvent::Kind::transfer_failed, handle_);
  failed.status = *status;
  env_.events.push_back(std::move(failed));
}

// --- requests we send ---

sip::TransactionId CallSession::send_in_dialog(sip::Method method, std::string body,
                                               std::string content_type, ExtraHeaders headers,
                                               TimePoint now, int auth_attempts) {
  if (!dialog_) {
    return 0;
  }
  sip::Message request = dialog_->make_request(method, make_via());
  for (const auto& [name, value] : headers) {
    request.add_header(name, value);
  }
  if (!body.empty()) {
    request.set_body(body, content_type);
  }
  add_credentials(request);
  auto tx = env_.layer.send_request(std::move(request), in_dialog_next_hop(), now);
  if (!tx) {
    return 0;
  }
  pending_.emplace(*tx, Pending{method, std::move(body), std::move(content_type),
                                std::move(headers), auth_attempts});
  return *tx;
}

bool CallSession::retry_with_credentials(sip::TransactionId tx, const sip::Message& response,
                                         TimePoint now) {
  auto it = pending_.find(tx);
  if (it == pending_.end() || it->second.auth_attempts >= kMaxAuthAttempts) {
    return false;
  }
  const bool proxy = response.status_code() == 407;
  const auto wanted = proxy ? sip::HeaderId::ProxyAuthenticate : sip::HeaderId::WwwAuthenticate;
  std::vector<sip::DigestChallenge> challenges;
  for (std::size_t i = 0; i < response.header_count(); ++i) {
    if (response.header(i).id == wanted) {
      if (auto c = sip::parse_digest_challenge(response.header(i).value)) {
        challenges.push_back(std::move(*c));
      }
    }
  }
  sip::DigestClient& auth = proxy ? proxy_auth_ : www_auth_;
  if (auth.on_challenges(challenges) != sip::DigestClient::Verdict::retry) {
    return false;
  }
  Pending pending = std::move(it->second);
  pending_.erase(it);
  const sip::TransactionId retry =
      send_in_dialog(pending.method, std::move(pending.body), std::move(pending.content_type),
                     std::move(pending.headers), now, pending.auth_attempts + 1);
  if (tx == reinvite_tx_) {
    reinvite_tx_ = retry;
  }
  if (tx == refer_tx_) {
    refer_tx_ = retry;
  }
  return retry != 0;
}

Result<void> CallSession::hold(TimePoint now) {
  if (state_ != CallState::active || local_hold_) {
    return fail("call state", "only an active call that is not on hold can be held");
  }
  return send_reinvite(true, now);
}

Result<void> CallSession::resume(TimePoint now) {
  if (state_ != CallState::active || !local_hold_) {
    return fail("call state", "only a held call can be resumed");
  }
  return send_reinvite(false, now);
}

Result<void> CallSession::send_reinvite(bool hold, TimePoint now) {
  if (reinvite_tx_ != 0 || unacknowledged_) {
    return fail("RFC 3261 §14.1", "another offer is still outstanding");
  }
  sdp::LocalCapabilities caps = env_.config.media;
  caps.direction = hold ? sdp::Direction::sendonly : sdp::Direction::sendrecv;
  offer_ = sdp::make_offer(caps, local_media_, next_origin());
  reinvite_hold_ = hold;
  reinvite_tx_ =
      send_in_dialog(sip::Method::Invite, sdp::serialize(*offer_), std::string(kSdpType), {}, now);
  if (reinvite_tx_ == 0) {
    return fail("transport", "the re-INVITE could not be sent");
  }
  return {};
}

void CallSession::on_reinvite_response(const sip::Message& response, TimePoint now) {
  const int code = response.status_code();
  if (code < 200) {
    return;
  }
  const sip::TransactionId tx = reinvite_tx_;
  if ((code == 401 || code == 407) && retry_with_credentials(tx, response, now)) {
    return;
  }
  pending_.erase(tx);
  reinvite_tx_ = 0;
  if (code >= 300) {
    offer_.reset();
    if (code == 491) {
      // §14.1: glare; the owner of the Call-ID waits 2.1-4 s, the other 0-2 s.
      const auto spread = static_cast<Duration::rep>(env_.random.next_u64() % 1900000);
      const Duration base = record_.direction == CallDirection::outgoing
                                ? std::chrono::milliseconds(2100)
                                : std::chrono::milliseconds(0);
      reinvite_retry_at_ = now + base + Duration(spread);
    } else if (code == 481 || code == 408) {
      hangup(now, end_reason::kDialogLost);
    }
    return;
  }
  dialog_->on_response(response, sip::Method::Invite);
  send_ack(response.cseq_number());
  std::optional<sdp::NegotiatedMedia> media;
  if (offer_ && has_sdp(response)) {
    if (auto answer = sdp::parse(response.body())) {
      if (auto negotiated = sdp::apply_answer(*offer_, *answer)) {
        media = std::move(*negotiated);
      }
    }
  }
  offer_.reset();
  if (!media) {
    hangup(now, end_reason::kIncompatibleMedia);
    return;
  }
  set_media(std::move(*media));
  set_hold(reinvite_hold_, remote_hold_);
}

Result<void> CallSession::send_dtmf_info(char digit, std::chrono::milliseconds duration,
                                         TimePoint now) {
  if (state_ != CallState::active) {
    return fail("call state", "DTMF needs an answered call");
  }
  if (!is_dtmf_digit(digit)) {
    return fail("RFC 4733 §3.2", std::string("'") + digit + "' is not a DTMF digit");
  }
  if (send_in_dialog(sip::Method::Info, format_dtmf_relay({digit, duration}),
                     std::string(kDtmfRelayType), {}, now) == 0) {
    return fail("transport", "the INFO could not be sent");
  }
  return {};
}

Result<void> CallSession::transfer(const sip::Uri& target, TimePoint now) {
  if (state_ != CallState::active || refer_tx_ != 0 || transfer_pending_) {
    return fail("call state",
                "only an active call without a transfer under way can be transferred");
  }
  const std::string referred_by = "<" + env_.config.aor.to_string() + ">";
  refer_tx_ = send_in_dialog(
      sip::Method::Refer, {}, {},
      {{"Refer-To", "<" + target.to_string() + ">"}, {"Referred-By", referred_by}}, now);
  if (refer_tx_ == 0) {
    return fail("transport", "the REFER could not be sent");
  }
  return {};
}

Result<void> CallSession::transfer_replacing(const CallSession& consultation, TimePoint now) {
  if (!consultation.dialog_ || consultation.state_ != CallState::active) {
    return fail("call state", "the consultation call must be answered");
  }
  sip::Uri target = consultation.dialog_->remote().uri;
  target.headers.clear();
  sip::set_param(target.headers, "Replaces", escape_uri_header(consultation.replaces_value()));
  return transfer(target, now);
}

void CallSession::on_refer_response(const sip::Message& response) {
  const int code = response.status_code();
  if (code < 200 || code == 401 || code == 407) {
    return;  // a challenge is answered by the generic path; refer_tx_ follows the retry
  }
  refer_tx_ = 0;
  if (code < 300) {
    transfer_pending_ = true;  // the NOTIFYs say how the transfer goes
    return;
  }
  UaEvent failed = UaEvent::of(UaEvent::Kind::transfer_failed, handle_);
  failed.status = code;
  env_.events.push_back(std::move(failed));
}

std::string CallSession::replaces_value() const {
  if (!dialog_) {
    return {};
  }
  return call_id_ + ";to-tag=" + dialog_->id().remote_tag + ";from-tag=" + dialog_->id().local_tag;
}

}  // namespace tipring::client
