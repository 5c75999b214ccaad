#include "relay_server/proxy/media_steering.h"

#include "protocol/sdp/rewrite.h"

namespace tipring::relay {
namespace {

bool carries_offer_answer(sip::Method method) {
  return method == sip::Method::Invite || method == sip::Method::Update;
}

// RFC 3262 §3: a provisional response sent reliably names 100rel in Require and has an RSeq.
bool is_reliable_provisional(const sip::Message& response) {
  return response.status_code() > 100 && response.status_code() < 200 &&
         response.has_token(sip::HeaderId::Require, "100rel") && response.find("RSeq");
}

}  // namespace

bool has_sdp(const sip::Message& message) {
  if (message.body().empty()) {
    return false;
  }
  auto type = message.content_type();
  return type && type->is("application", "sdp");
}

std::string signalling_source(const sip::Message& request, std::string_view source_ip,
                              bool from_peer) {
  if (!from_peer) {
    return std::string(source_ip);
  }
  auto vias = request.vias();
  if (!vias || vias->size() < 2) {
    return std::string(source_ip);
  }
  const auto& client = (*vias)[1];
  if (auto received = client.received()) {
    return std::string(*received);
  }
  return client.host;
}

Result<MediaSide> read_media_side(std::string_view text, std::string_view signalling_source) {
  auto audio = sdp::read_relayed_audio(text);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  MediaSide side;
  side.advertised_address = std::move(audio->address.address);
  side.advertised_port = audio->address.port;
  side.advertised_rtcp_port = audio->rtcp_port;
  side.signalling_source = std::string(signalling_source);
  side.rtcp_mux = audio->rtcp_mux;
  side.held = audio->held;
  return side;
}

Result<std::string> steer_sdp(std::string_view text, const MediaChannel& channel) {
  return sdp::rewrite_for_relay(text, {.address = channel.address,
                                       .rtp_port = channel.rtp_port,
                                       .rtcp_port = channel.rtcp_port,
                                       .rtcp_mux = channel.rtcp_mux,
                                       .replace_origin = true});
}

Result<void> MediaSteering::on_offer(sip::Message& request, std::string_view source_ip) {
  if (request.method() == sip::Method::Prack) {
    return on_prack(request, source_ip);
  }
  if (!carries_offer_answer(request.method()) || !has_sdp(request)) {
    return {};
  }
  auto side = read_media_side(request.body(), source_ip);
  if (!side) {
    ++failures_;
    return tl::unexpected(side.error());
  }
  auto channel = legs_.offer(request.call_id(), request.from_tag(), request.to_tag(), *side);
  if (!channel) {
    ++failures_;
    return tl::unexpected(channel.error());
  }
  auto body = steer_sdp(request.body(), *channel);
  if (!body) {
    ++failures_;
    return tl::unexpected(body.error());
  }
  request.set_body(*body, "application/sdp");
  return {};
}

void MediaSteering::on_response(const sip::Message& request, sip::Message& response,
                                std::string_view source_ip) {
  const int status = response.status_code();
  if (!carries_offer_answer(request.method())) {
    return;
  }
  if (status >= 300) {
    // A failed initial INVITE (error, CANCEL's 487, timeout's 408) ends the call's media;
    // a failed re-INVITE leaves the call as it was.
    if (request.method() == sip::Method::Invite && request.to_tag().empty()) {
      legs_.release(request.call_id(), request.from_tag());
      forget_early_offers(request.call_id());
    }
    return;
  }
  if (request.method() == sip::Method::Invite && !has_sdp(request)) {
    on_late_offer(request, response, source_ip);
    return;
  }
  if (status < 180 || !has_sdp(response)) {
    return;
  }
  auto side = read_media_side(response.body(), source_ip);
  if (!side) {
    ++failures_;
    return;
  }
  auto channel = legs_.answer(request.call_id(), request.from_tag(), response.to_tag(), *side);
  if (!channel) {
    ++failures_;
    return;
  }
  if (auto body = steer_sdp(response.body(), *channel)) {
    response.set_body(*body, "application/sdp");
  } else {
    ++failures_;
  }
}

void MediaSteering::on_late_offer(const sip::Message& invite, sip::Message& response,
                                  std::string_view source_ip) {
  const int status = response.status_code();
  if (status > 100 && has_sdp(response)) {
    DialogKey key{std::string(invite.call_id()), std::string(response.to_tag())};
    if (auto early = early_offers_.find(key); early != early_offers_.end()) {
      // The offer was made reliably already: this SDP repeats it (RFC 6337 §3.1).
      steer(response, early->second.channel);
    } else if (status >= 200 || is_reliable_provisional(response)) {
      // The callee is the offerer, keyed by its tag, until the ACK or PRACK answers.
      auto callee = read_media_side(response.body(), source_ip);
      if (!callee) {
        ++failures_;
      } else {
        auto channel = legs_.offer(invite.call_id(), response.to_tag(), invite.from_tag(), *callee);
        if (channel && status < 200) {
          early_offers_.emplace(std::move(key), EarlyOffer{*channel});
        }
        steer(response, std::move(channel));
      }
    }
    // Otherwise an offer in an unreliable 18x: only a preview of the one to come.
  }
  if (status >= 200) {
    forget_early_offers(invite.call_id());
  }
}

Result<void> MediaSteering::on_prack(sip::Message& prack, std::string_view source_ip) {
  if (!has_sdp(prack)) {
    return {};
  }
  auto early = early_offers_.find(DialogKey{prack.call_id(), prack.to_tag()});
  if (early == early_offers_.end() || early->second.answered) {
    return {};  // an offer in a PRACK is not steered (docs/architecture.md)
  }
  // RFC 3262 §5: the PRACK to the reliable 18x carrying the offer carries the answer. The
  // session is keyed by the callee's tag (the offerer): the PRACK's To tag.
  auto caller = read_media_side(prack.body(), source_ip);
  if (!caller) {
    ++failures_;
    return tl::unexpected(caller.error());
  }
  auto channel = legs_.answer(prack.call_id(), prack.to_tag(), prack.from_tag(), *caller);
  if (!channel) {
    ++failures_;
    return tl::unexpected(channel.error());
  }
  auto body = steer_sdp(prack.body(), *channel);
  if (!body) {
    ++failures_;
    return tl::unexpected(body.error());
  }
  prack.set_body(*body, "application/sdp");
  early->second.answered = true;
  return {};
}

void MediaSteering::forget_early_offers(std::string_view call_id) {
  auto it = early_offers_.lower_bound(DialogKey{std::string(call_id), std::string()});
  while (it != early_offers_.end() && it->first.first == call_id) {
    it = early_offers_.erase(it);
  }
}

void MediaSteering::steer(sip::Message& message, Result<MediaChannel> channel) {
  if (!channel) {
    ++failures_;
    return;
  }
  if (auto body = steer_sdp(message.body(), *channel)) {
    message.set_body(*body, "application/sdp");
  } else {
    ++failures_;
  }
}

void MediaSteering::on_ack(sip::Message& ack, std::string_view source_ip) {
  if (!has_sdp(ack)) {
    return;
  }
  // The session is keyed by the callee's tag (the late offerer): the ACK's To tag.
  auto caller = read_media_side(ack.body(), source_ip);
  if (!caller) {
    ++failures_;
    return;
  }
  steer(ack, legs_.answer(ack.call_id(), ack.to_tag(), ack.from_tag(), *caller));
}

void MediaSteering::on_bye(const sip::Message& bye) {
  legs_.release(bye.call_id(), {});
  forget_early_offers(bye.call_id());
}

}  // namespace tipring::relay
