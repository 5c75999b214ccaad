#include "client/ua/registration.h"

#include "client/ua/request_builder.h"

#include <algorithm>
#include <array>
#include <vector>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

// Refresh when this share of the granted lifetime has passed (RFC 3261 §10.2.4 leaves the
// margin to the client; RFC 5626 §4.4 asks to stay well ahead of expiry).
constexpr std::uint32_t kRefreshPercent = 80;
// The registrar asked for credentials this many times in a row: stop retrying at once.
constexpr int kMaxAuthAttempts = 2;

struct ReasonRow {
  int code;
  std::string_view text;
};
// Status codes a registrar answers with, in words a person acts on.
constexpr std::array kReasons{
    ReasonRow{401, "wrong password"},
    ReasonRow{403, "forbidden: the server refuses this account"},
    ReasonRow{404, "unknown user"},
    ReasonRow{407, "wrong password (proxy)"},
    ReasonRow{408, "server unreachable"},
    ReasonRow{423, "registration interval too brief"},
    ReasonRow{480, "server temporarily unavailable"},
    ReasonRow{503, "server unavailable"},
};

}  // namespace

std::string_view to_string(RegistrationState state) {
  switch (state) {
    case RegistrationState::unregistered:
      return "unregistered";
    case RegistrationState::registering:
      return "registering";
    case RegistrationState::registered:
      return "registered";
    case RegistrationState::failed:
      return "failed";
    case RegistrationState::unregistering:
      return "unregistering";
  }
  return "unknown";
}

std::string Registration::reason_for_status(int status_code, std::string_view reason_phrase) {
  for (const ReasonRow& row : kReasons) {
    if (row.code == status_code) {
      return std::string(row.text);
    }
  }
  std::string out = "server answered " + std::to_string(status_code);
  if (!reason_phrase.empty()) {
    out.append(" ").append(reason_phrase);
  }
  return out;
}

Registration::Registration(RegistrationConfig config, RandomSource& random)
    : config_(std::move(config)),
      random_(random),
      www_auth_(config_.auth_user.empty() ? config_.aor.user : config_.auth_user, config_.password,
                random),
      proxy_auth_(config_.auth_user.empty() ? config_.aor.user : config_.auth_user,
                  config_.password, random),
      call_id_(random.token(20)),
      from_tag_(random.token(10)) {}

void Registration::start(const LocalFlow& local, TimePoint now) {
  local_ = local;
  consecutive_failures_ = 0;
  // A new flow has a public address of its own: what the next 200 shows is not a move.
  public_.reset();
  moved_ = false;
  if (state_ != RegistrationState::registered) {
    set_state(RegistrationState::registering, {});
  }
  send_register(now, config_.expires_s);
}

void Registration::stop(TimePoint now) {
  next_action_ = TimePoint::max();
  if (state_ == RegistrationState::unregistered) {
    return;
  }
  set_state(RegistrationState::unregistering, {});
  send_register(now, 0);
}

void Registration::send_register(TimePoint now, std::uint32_t expires_s) {
  (void)now;
  RequestBuilder b(sip::Method::Register, config_.registrar, random_);
  b.via(local_.host, local_.port, local_.transport);
  b.from(config_.display_name, config_.aor, from_tag_);
  b.to({}, config_.aor, {});
  b.call_id(call_id_);
  b.cseq(++cseq_);
  b.header(sip::HeaderId::Contact, contact_value(expires_s));
  b.header(sip::HeaderId::Expires, std::to_string(expires_s));
  b.header(sip::HeaderId::Supported, "path, outbound");
  b.header(sip::HeaderId::UserAgent, config_.user_agent);
  const std::string uri = config_.registrar.to_string();
  for (const auto& credentials : www_auth_.authorize("REGISTER", uri)) {
    b.header(sip::HeaderId::Authorization, sip::format_digest_credentials(credentials));
  }
  for (const auto& credentials : proxy_auth_.authorize("REGISTER", uri)) {
    b.header(sip::HeaderId::ProxyAuthorization, sip::format_digest_credentials(credentials));
  }
  pending_ = b.take();
  awaiting_response_ = true;
  outstanding_expires_s_ = expires_s;
  next_action_ = TimePoint::max();
}

std::string Registration::contact_value(std::uint32_t expires_s) const {
  (void)expires_s;
  sip::Uri contact = sip::Uri::sip(config_.aor.user, host_for_uri(local_.host), local_.port);
  // RFC 3261 §19.1.1: the transport the flow uses, so requests to us come back over it.
  // TLS is named by ;transport=tls rather than sips:, which would promise TLS on every hop.
  if (local_.transport != sip::Transport::udp) {
    sip::set_param(contact.params, "transport", transport_param(local_.transport));
  }
  sip::set_flag_param(contact.params, "ob");
  std::string out = "<" + contact.to_string() + ">";
  if (!config_.instance_id.empty()) {
    out += ";+sip.instance=\"<" + config_.instance_id + ">\"";
    out += ";reg-id=" + std::to_string(config_.reg_id);
  }
  return out;
}

std::optional<sip::Message> Registration::poll_request() {
  std::optional<sip::Message> out = std::move(pending_);
  pending_.reset();
  return out;
}

bool Registration::take_status_change() {
  return std::exchange(status_changed_, false);
}

void Registration::set_state(RegistrationState state, std::string reason) {
  if (state != state_ || reason != reason_) {
    state_ = state;
    reason_ = std::move(reason);
    status_changed_ = true;
  }
}

void Registration::on_response(const sip::Message& response, TimePoint now) {
  const int code = response.status_code();
  if (!awaiting_response_ || code < 200) {
    return;  // provisional responses to REGISTER carry nothing for us
  }
  awaiting_response_ = false;
  if (code < 300) {
    on_success(response, now);
    return;
  }
  if (code == 401 || code == 407) {
    on_challenge(response, now);
    return;
  }
  auth_attempts_ = 0;
  if (code == 423) {
    // Interval Too Brief (§10.2.8): adopt Min-Expires and try again at once.
    const auto min = response.find(sip::HeaderId::MinExpires);
    const auto value = min ? sip::parse_saturating_number(*min) : std::nullopt;
    if (value && *value > config_.expires_s) {
      config_.expires_s = *value;
      send_register(now, config_.expires_s);
      return;
    }
  }
  if (outstanding_expires_s_ == 0) {
    // A failed removal leaves nothing for us to hold on to.
    set_state(RegistrationState::unregistered, {});
    return;
  }
  schedule_retry(now, reason_for_status(code, response.reason_phrase()));
}

void Registration::on_challenge(const sip::Message& response, TimePoint now) {
  const bool proxy = response.status_code() == 407;
  const auto wanted = proxy ? sip::HeaderId::ProxyAuthenticate : sip::HeaderId::WwwAuthenticate;
  std::vector<sip::DigestChallenge> challenges;
  for (std::size_t i = 0; i < response.header_count(); ++i) {
    const sip::HeaderField field = response.header(i);
    if (field.id != wanted) {
      continue;
    }
    if (auto c = sip::parse_digest_challenge(field.value)) {
      challenges.push_back(std::move(*c));
    }
  }
  sip::DigestClient& auth = proxy ? proxy_auth_ : www_auth_;
  const auto verdict = auth.on_challenges(challenges);
  if (verdict == sip::DigestClient::Verdict::retry && ++auth_attempts_ <= kMaxAuthAttempts) {
    send_register(now, outstanding_expires_s_);
    return;
  }
  auth_attempts_ = 0;
  if (verdict == sip::DigestClient::Verdict::unsupported) {
    schedule_retry(now, "the server asks for an authentication method Tipring does not support");
    return;
  }
  schedule_retry(now, reason_for_status(response.status_code(), response.reason_phrase()));
}

void Registration::on_success(const sip::Message& response, TimePoint now) {
  auth_attempts_ = 0;
  www_auth_.on_authenticated();
  proxy_auth_.on_authenticated();
  consecutive_failures_ = 0;
  if (outstanding_expires_s_ == 0) {
    binding_expires_at_ = TimePoint::max();
    set_state(RegistrationState::unregistered, {});
    return;
  }

  // The lifetime granted to our contact: its expires parameter, else Expires (§10.2.4).
  std::uint32_t granted = outstanding_expires_s_;
  if (auto expires = response.expires_s()) {
    granted = *expires;
  }
  if (auto contacts = response.contacts()) {
    for (const auto& c : contacts->contacts) {
      if (c.address.uri.host == host_for_uri(local_.host) && c.address.uri.port == local_.port) {
        if (auto e = c.expires_s()) {
          granted = *e;
        }
      }
    }
  }
  granted_s_ = std::max<std::uint32_t>(granted, 1);
  binding_expires_at_ = now + std::chrono::seconds(granted_s_);
  next_action_ = now + std::chrono::seconds(granted_s_) * kRefreshPercent / 100;
  flow_timer_s_ = response.flow_timer_s();

  // The address the registrar saw us at (RFC 3581 §4). A change means our NAT gave us a new
  // mapping: the owner registers again at once from a fresh flow.
  std::optional<sip::Peer> seen;
  if (auto via = response.top_via()) {
    if (auto received = via->received(); received && via->rport()) {
      seen = sip::Peer{std::string(*received), *via->rport(), local_.transport};
    }
  }
  if (seen && public_ && *seen != *public_) {
    moved_ = true;
  }
  if (seen && seen != public_) {
    public_ = seen;
    status_changed_ = true;
  }
  ++bindings_;
  set_state(RegistrationState::registered, {});
}

void Registration::on_failure(bool timed_out, TimePoint now) {
  if (!awaiting_response_) {
    return;
  }
  awaiting_response_ = false;
  if (outstanding_expires_s_ == 0) {
    set_state(RegistrationState::unregistered, {});
    return;
  }
  schedule_retry(now, timed_out ? "server unreachable" : "cannot send to the server");
}

void Registration::on_flow_failure(std::string reason, TimePoint now) {
  (void)now;
  awaiting_response_ = false;
  // No retry timer: the flow's owner reconnects with its own back-off and registers again
  // from the new flow (start()).
  next_action_ = TimePoint::max();
  if (state_ == RegistrationState::unregistering) {
    set_state(RegistrationState::unregistered, {});
    return;
  }
  if (state_ == RegistrationState::registered) {
    // The binding lasts until it expires: stay registered, but say what failed.
    reason_ = std::move(reason);
    status_changed_ = true;
    return;
  }
  set_state(RegistrationState::failed, std::move(reason));
}

void Registration::schedule_retry(TimePoint now, std::string reason) {
  ++consecutive_failures_;
  // RFC 5626 §4.5: wait-time = min(max-time, base-time * 2^(failures-1)), then a random
  // point between 50 % and 100 % of it, so that many clients do not retry in step.
  Duration wait = config_.retry_base;
  for (unsigned i = 1; i < consecutive_failures_ && wait < config_.retry_max; ++i) {
    wait *= 2;
  }
  wait = std::min(wait, config_.retry_max);
  const auto half = wait.count() / 2;
  const auto jitter =
      half > 0 ? static_cast<Duration::rep>(random_.next_u64() % static_cast<std::uint64_t>(half))
               : 0;
  next_action_ = now + Duration(half + jitter);
  if (binding_expires_at_ != TimePoint::max() && now < binding_expires_at_) {
    // The old binding still holds until it expires: stay registered, but say what failed.
    next_action_ = std::min(next_action_, binding_expires_at_);
    reason_ = std::move(reason);
    status_changed_ = true;
    return;
  }
  set_state(RegistrationState::failed, std::move(reason));
}

void Registration::on_timer(TimePoint now) {
  if (binding_expires_at_ != TimePoint::max() && now >= binding_expires_at_ &&
      state_ == RegistrationState::registered) {
    binding_expires_at_ = TimePoint::max();
    set_state(RegistrationState::failed, "registration expired");
  }
  if (now >= next_action_ && !awaiting_response_) {
    send_register(now, config_.expires_s);
  }
}

TimePoint Registration::next_deadline() const {
  TimePoint t = next_action_;
  if (state_ == RegistrationState::registered) {
    t = std::min(t, binding_expires_at_);
  }
  return t;
}

}  // namespace tipring::client
