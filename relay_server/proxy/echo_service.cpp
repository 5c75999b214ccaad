#include "relay_server/proxy/echo_service.h"

#include "protocol/sdp/offer_answer.h"
#include "protocol/sdp/session_description.h"

namespace tipring::relay {
namespace {

sip::Message with_contact(sip::Message response, std::string_view user,
                          std::string_view contact_hostport) {
  response.add_header(sip::HeaderId::Contact,
                      "<sip:" + std::string(user) + "@" + std::string(contact_hostport) + ">");
  response.add_header(sip::HeaderId::Allow, "INVITE, ACK, CANCEL, BYE, OPTIONS");
  return response;
}

}  // namespace

Result<std::string> answer_test_call(std::string_view offer, const MediaChannel& local,
                                     std::uint64_t session_id) {
  auto parsed = sdp::parse(offer);
  if (!parsed) {
    return tl::unexpected(parsed.error());
  }
  sdp::LocalCapabilities caps;
  caps.codecs = {sdp::opus_codec(), sdp::pcmu_codec(), sdp::pcma_codec()};
  caps.dtmf = true;
  caps.rtcp_mux = true;
  sdp::OriginIdentity origin;
  origin.username = "tipring-relay";
  origin.session_id = std::to_string(session_id);
  auto answer =
      sdp::make_answer(*parsed, caps, sdp::MediaAddress{local.address, local.rtp_port}, origin);
  if (!answer) {
    return tl::unexpected(answer.error());
  }
  return sdp::serialize(answer->sdp);
}

EchoService::EchoService(EchoServiceConfig config, EchoMedia& media, RandomSource& random)
    : config_(config), media_(media), random_(random) {}

sip::Message EchoService::answer_invite(const sip::Message& invite, std::string_view source_ip,
                                        std::string_view contact_hostport, TimePoint now) {
  auto uri = invite.request_uri();
  const std::string user = uri ? uri->user : std::string("echo");
  if (!has_sdp(invite)) {
    return sip::make_response(invite, 488, "Echo Needs An SDP Offer", random_.token(10));
  }
  auto caller = read_media_side(invite.body(), source_ip);
  if (!caller) {
    return sip::make_response(invite, 488, "Unreadable SDP Offer", random_.token(10));
  }
  const std::string call_id(invite.call_id());
  if (calls_.contains(call_id)) {
    return sip::make_response(invite, 482, "Echo Call Exists", random_.token(10));
  }
  auto channel = media_.open(call_id, *caller);
  if (!channel) {
    return sip::make_response(invite, 503, "No Echo Channel", random_.token(10));
  }
  auto sdp = answer_test_call(invite.body(), *channel, random_.next_u64() >> 1U);
  if (!sdp) {
    media_.close(call_id);
    return sip::make_response(invite, 488, {}, random_.token(10));
  }
  Call call;
  call.ends_at = now + config_.max_call;
  call.to_tag = random_.token(10);
  call.answer_sdp = *sdp;
  auto ok = with_contact(sip::make_response(invite, 200, {}, call.to_tag), user, contact_hostport);
  ok.set_body(call.answer_sdp, "application/sdp");
  call.unacked_ok = ok;
  calls_.emplace(call_id, std::move(call));
  return ok;
}

void EchoService::await_ack(std::string_view call_id, std::uint64_t server, TimePoint now) {
  auto found = calls_.find(call_id);
  if (found == calls_.end() || !found->second.unacked_ok) {
    return;
  }
  Call& call = found->second;
  call.server = server;
  call.retransmit_interval = config_.t1;
  call.retransmit_at = now + config_.t1;
  // §13.3.1.4: without an ACK by 64*T1 the UAS gives the call up.
  call.ack_deadline = now + 64 * config_.t1;
}

bool EchoService::on_ack(const sip::Message& ack) {
  auto found = calls_.find(ack.call_id());
  if (found == calls_.end() || found->second.to_tag != ack.to_tag()) {
    return false;
  }
  Call& call = found->second;
  if (call.unacked_ok) {
    call.unacked_ok.reset();
    call.retransmit_at = TimePoint::max();
    call.ack_deadline = TimePoint::max();
  }
  return true;
}

sip::Message EchoService::answer_in_dialog(const sip::Message& request,
                                           std::string_view contact_hostport) {
  auto uri = request.request_uri();
  const std::string user = uri ? uri->user : std::string("echo");
  auto found = calls_.find(request.call_id());
  if (request.method() == sip::Method::Bye) {
    if (found != calls_.end()) {
      media_.close(found->first);
      calls_.erase(found);
    }
    return sip::make_response(request, 200);
  }
  if (found == calls_.end()) {
    return sip::make_response(request, 481);
  }
  auto ok = with_contact(sip::make_response(request, 200), user, contact_hostport);
  if (request.method() == sip::Method::Invite) {
    ok.set_body(found->second.answer_sdp, "application/sdp");
  }
  return ok;
}

std::vector<Retransmission> EchoService::on_timer(TimePoint now) {
  std::vector<Retransmission> due;
  for (auto it = calls_.begin(); it != calls_.end();) {
    Call& call = it->second;
    if (call.ends_at <= now || call.ack_deadline <= now) {
      media_.close(it->first);
      it = calls_.erase(it);
      continue;
    }
    if (call.unacked_ok && call.retransmit_at <= now) {
      due.push_back({call.server, *call.unacked_ok});
      call.retransmit_interval = std::min(2 * call.retransmit_interval, config_.t2);
      call.retransmit_at = now + call.retransmit_interval;
    }
    ++it;
  }
  return due;
}

TimePoint EchoService::next_deadline() const {
  TimePoint next = TimePoint::max();
  for (const auto& [id, call] : calls_) {
    next = std::min({next, call.ends_at, call.ack_deadline, call.retransmit_at});
  }
  return next;
}

}  // namespace tipring::relay
