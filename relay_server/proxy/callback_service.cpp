#include "relay_server/proxy/callback_service.h"

#include "protocol/sdp/offer_answer.h"
#include "protocol/sdp/session_description.h"
#include "protocol/sip/transaction_layer.h"

#include <algorithm>

namespace tipring::relay {
namespace {

constexpr std::string_view kBranchPrefix = "z9hG4bK-trcb";

std::string echo_offer(const MediaChannel& channel, std::uint64_t session_id) {
  sdp::LocalCapabilities caps;
  caps.codecs = {sdp::opus_codec(), sdp::pcmu_codec(), sdp::pcma_codec()};
  sdp::OriginIdentity origin;
  origin.username = "tipring-relay";
  origin.session_id = std::to_string(session_id);
  return sdp::serialize(
      sdp::make_offer(caps, sdp::MediaAddress{channel.address, channel.rtp_port}, origin));
}

}  // namespace

CallbackService::CallbackService(CallbackConfig config, std::string number_uri, ProxyOutput& out,
                                 EchoMedia& media, ContactTargets targets, SocketHostport hostport,
                                 RandomSource& random)
    : config_(config),
      number_uri_(std::move(number_uri)),
      out_(out),
      media_(media),
      targets_(std::move(targets)),
      hostport_(std::move(hostport)),
      random_(random) {}

void CallbackService::on_invite(sip::TransactionId server, const sip::Message& invite,
                                const std::string& user_aor, const FlowAddress& caller,
                                TimePoint now) {
  if (config_.answer_first) {
    if (answer(server, invite, caller, now)) {
      scheduled_.push_back(Scheduled{user_aor, now + config_.ringback + config_.delay});
    }
    return;
  }
  Ring ring{invite, random_.token(10), now + config_.ringback};
  out_.forward_response(server, sip::make_response(invite, 180, {}, ring.to_tag), now);
  rings_.insert_or_assign(server, std::move(ring));
  scheduled_.push_back(Scheduled{user_aor, now + config_.ringback + config_.delay});
}

bool CallbackService::on_cancelled(sip::TransactionId server, TimePoint now) {
  auto found = rings_.find(server);
  if (found == rings_.end()) {
    return false;
  }
  out_.forward_response(
      server, sip::make_response(found->second.invite, 487, {}, found->second.to_tag), now);
  rings_.erase(found);
  return true;
}

bool CallbackService::answer(sip::TransactionId server, const sip::Message& invite,
                             const FlowAddress& caller, TimePoint now) {
  const std::string call_id(invite.call_id());
  auto side = has_sdp(invite) ? read_media_side(invite.body(), caller.peer.host)
                              : Result<MediaSide>(fail("RFC 3264", "no SDP offer"));
  if (!side || answered_.contains(call_id)) {
    out_.forward_response(server, sip::make_response(invite, 488, {}, random_.token(10)), now);
    return false;
  }
  auto channel = media_.open(call_id, *side);
  if (!channel) {
    out_.forward_response(server, sip::make_response(invite, 503, {}, random_.token(10)), now);
    return false;
  }
  auto sdp = answer_test_call(invite.body(), *channel, random_.next_u64() >> 1U);
  if (!sdp) {
    media_.close(call_id);
    out_.forward_response(server, sip::make_response(invite, 488, {}, random_.token(10)), now);
    return false;
  }
  Answered call;
  call.invite = invite;
  call.to_tag = random_.token(10);
  call.caller = caller;
  call.hang_up_at = now + config_.ringback;
  auto ok = sip::make_response(invite, 200, {}, call.to_tag);
  auto number = sip::Uri::parse(number_uri_);
  ok.add_header(sip::HeaderId::Contact, "<sip:" + (number ? number->user : "callback") + "@" +
                                            hostport_(caller.socket) + ">");
  ok.set_body(*sdp, "application/sdp");
  out_.forward_response(server, ok, now);
  // §13.3.1.4: the 200 again at T1, 2*T1, ... up to T2, until the ACK; none by 64*T1 ends it.
  call.server = server;
  call.unacked_ok = std::move(ok);
  call.retransmit_interval = config_.t1;
  call.retransmit_at = now + config_.t1;
  call.ack_deadline = now + 64 * config_.t1;
  answered_.insert_or_assign(call_id, std::move(call));
  return true;
}

bool CallbackService::on_ack(const sip::Message& ack) {
  auto found = answered_.find(ack.call_id());
  if (found == answered_.end() || found->second.to_tag != ack.to_tag()) {
    return false;
  }
  Answered& call = found->second;
  call.unacked_ok.reset();
  call.retransmit_at = TimePoint::max();
  call.ack_deadline = TimePoint::max();
  return true;
}

void CallbackService::hang_up(const Answered& call, TimePoint now) {
  // §15.1.1: BYE in the dialog the 200 made, to the caller's Contact over its flow.
  auto contacts = call.invite.contacts();
  auto target = contacts && !contacts->contacts.empty()
                    ? contacts->contacts.front().address.uri
                    : sip::Uri::parse(number_uri_).value_or(sip::Uri{});
  auto bye = sip::Message::request(sip::Method::Bye, target);
  bye.add_header(sip::HeaderId::MaxForwards, "70");
  bye.add_header(sip::HeaderId::From, "<" + number_uri_ + ">;tag=" + call.to_tag);
  bye.add_header(sip::HeaderId::To, call.invite.find(sip::HeaderId::From).value_or(""));
  bye.add_header(sip::HeaderId::CallId, call.invite.call_id());
  bye.add_header(sip::HeaderId::CSeq, "1 BYE");
  bye.add_header(sip::HeaderId::ContentLength, "0");
  (void)out_.forward_request(std::move(bye), std::string(kBranchPrefix) + "b" + random_.token(12),
                             call.caller, now);
}

sip::Message CallbackService::make_invite(const Call& call, const ProxyTarget& target,
                                          const std::string& sdp) const {
  auto invite = sip::Message::request(sip::Method::Invite, target.request_uri);
  invite.add_header(sip::HeaderId::MaxForwards, "70");
  invite.add_header(sip::HeaderId::From, "<" + number_uri_ + ">;tag=" + call.from_tag);
  invite.add_header(sip::HeaderId::To, "<" + call.aor + ">");
  invite.add_header(sip::HeaderId::CallId, call.call_id);
  invite.add_header(sip::HeaderId::CSeq, "1 INVITE");
  auto number = sip::Uri::parse(number_uri_);
  invite.add_header(sip::HeaderId::Contact, "<sip:" + (number ? number->user : "callback") + "@" +
                                                hostport_(target.flow.socket) + ">");
  invite.set_body(sdp, "application/sdp");
  return invite;
}

void CallbackService::place_call(const std::string& aor, const Clock& clock) {
  const auto targets = targets_(aor, clock.wall);
  if (targets.empty()) {
    return;  // the user went away: nobody to call back
  }
  Call call;
  call.call_id = random_.token(20) + "@tipring-relay";
  call.from_tag = random_.token(10);
  call.aor = aor;
  // The echo channel learns the callee from media sent from its signalling IP (its flow).
  MediaSide callee;
  callee.signalling_source = targets.front().flow.peer.host;
  callee.rtcp_mux = true;
  auto channel = media_.open(call.call_id, callee);
  if (!channel) {
    return;
  }
  const auto sdp = echo_offer(*channel, random_.next_u64() >> 1U);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::string branch = std::string(kBranchPrefix) + random_.token(12);
    auto sent = out_.forward_request(make_invite(call, targets[i], sdp), branch, targets[i].flow,
                                     clock.now);
    if (sent) {
      call.branches.push_back(*sent);
      call.flows.push_back(targets[i].flow);
    }
  }
  if (call.branches.empty()) {
    media_.close(call.call_id);
    return;
  }
  call.ends_at = clock.now + config_.max_call;
  const auto id = call.call_id;
  calls_.emplace(id, std::move(call));
}

CallbackService::Call* CallbackService::call_of(sip::TransactionId client, std::size_t& branch) {
  for (auto& [id, call] : calls_) {
    const auto it = std::find(call.branches.begin(), call.branches.end(), client);
    if (it != call.branches.end()) {
      branch = static_cast<std::size_t>(it - call.branches.begin());
      return &call;
    }
  }
  return nullptr;
}

bool CallbackService::on_response(sip::TransactionId client, const sip::Message& response,
                                  TimePoint now) {
  std::size_t branch = 0;
  Call* call = call_of(client, branch);
  if (call == nullptr) {
    return false;
  }
  const int status = response.status_code();
  if (status < 200) {
    return true;
  }
  if (status >= 300) {
    // The client transaction ACKs a failure itself. When every branch failed, it is over.
    call->branches[branch] = 0;
    if (!call->answered && std::all_of(call->branches.begin(), call->branches.end(),
                                       [](sip::TransactionId id) { return id == 0; })) {
      end_call(call->call_id);
    }
    return true;
  }
  // §13.2.2.4: every 2xx (retransmissions too) is ACKed end to end, here over the flow.
  auto target = response.contacts();
  auto uri = target && !target->contacts.empty()
                 ? target->contacts.front().address.uri
                 : sip::Uri::parse(number_uri_).value_or(sip::Uri{});
  auto ack = sip::Message::request(sip::Method::Ack, uri);
  ack.add_header(sip::HeaderId::MaxForwards, "70");
  ack.add_header(sip::HeaderId::From, response.find(sip::HeaderId::From).value_or(""));
  ack.add_header(sip::HeaderId::To, response.find(sip::HeaderId::To).value_or(""));
  ack.add_header(sip::HeaderId::CallId, response.call_id());
  ack.add_header(sip::HeaderId::CSeq, "1 ACK");
  ack.add_header(sip::HeaderId::ContentLength, "0");
  out_.send_stateless(std::move(ack), std::string(kBranchPrefix) + "a" + random_.token(12),
                      call->flows[branch]);
  if (!call->answered) {
    call->answered = true;
    call->answered_branch = branch;
    for (std::size_t i = 0; i < call->branches.size(); ++i) {
      if (i != branch && call->branches[i] != 0) {
        out_.cancel_branch(call->branches[i], now);  // §13.2.2.4: the first 2xx wins
      }
    }
  }
  return true;
}

bool CallbackService::on_client_timeout(sip::TransactionId client) {
  std::size_t branch = 0;
  Call* call = call_of(client, branch);
  if (call == nullptr) {
    return false;
  }
  call->branches[branch] = 0;
  if (!call->answered && std::all_of(call->branches.begin(), call->branches.end(),
                                     [](sip::TransactionId id) { return id == 0; })) {
    end_call(call->call_id);
  }
  return true;
}

sip::Message CallbackService::answer_in_dialog(const sip::Message& request) {
  if (auto answered = answered_.find(request.call_id()); answered != answered_.end()) {
    if (request.method() == sip::Method::Bye) {  // the caller hung up first
      media_.close(answered->first);
      answered_.erase(answered);
    }
    return sip::make_response(request, 200);
  }
  auto found = calls_.find(request.call_id());
  if (found == calls_.end()) {
    return sip::make_response(request, request.method() == sip::Method::Bye ? 200 : 481);
  }
  if (request.method() == sip::Method::Bye) {
    end_call(found->first);
  }
  return sip::make_response(request, 200);
}

void CallbackService::end_call(const std::string& call_id) {
  auto found = calls_.find(call_id);
  if (found == calls_.end()) {
    return;
  }
  const Call& call = found->second;
  for (std::size_t i = 0; i < call.branches.size(); ++i) {
    if (call.branches[i] != 0 && !(call.answered && i == call.answered_branch)) {
      out_.abandon_branch(call.branches[i]);  // cancelled, and never answered the CANCEL
    }
  }
  media_.close(call_id);
  calls_.erase(found);
}

void CallbackService::on_timer(const Clock& clock) {
  for (auto it = rings_.begin(); it != rings_.end();) {
    if (it->second.busy_at <= clock.now) {
      out_.forward_response(
          it->first, sip::make_response(it->second.invite, 486, {}, it->second.to_tag), clock.now);
      it = rings_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = answered_.begin(); it != answered_.end();) {
    Answered& call = it->second;
    if (call.bye_at() <= clock.now) {
      hang_up(call, clock.now);
      media_.close(it->first);
      it = answered_.erase(it);
      continue;
    }
    if (call.unacked_ok && call.retransmit_at <= clock.now) {
      out_.forward_response(call.server, *call.unacked_ok, clock.now);
      call.retransmit_interval = std::min(2 * call.retransmit_interval, config_.t2);
      call.retransmit_at = clock.now + call.retransmit_interval;
    }
    ++it;
  }
  std::vector<std::string> due;
  std::erase_if(scheduled_, [&](const Scheduled& s) {
    if (s.at <= clock.now) {
      due.push_back(s.aor);
      return true;
    }
    return false;
  });
  for (const auto& aor : due) {
    place_call(aor, clock);
  }
  std::vector<std::string> over;
  for (const auto& [id, call] : calls_) {
    if (call.ends_at <= clock.now) {
      over.push_back(id);
    }
  }
  for (const auto& id : over) {
    end_call(id);
  }
}

TimePoint CallbackService::next_deadline() const {
  TimePoint next = TimePoint::max();
  for (const auto& [id, ring] : rings_) {
    next = std::min(next, ring.busy_at);
  }
  for (const auto& s : scheduled_) {
    next = std::min(next, s.at);
  }
  for (const auto& [id, call] : answered_) {
    next = std::min({next, call.bye_at(), call.retransmit_at});
  }
  for (const auto& [id, call] : calls_) {
    next = std::min(next, call.ends_at);
  }
  return next;
}

}  // namespace tipring::relay
