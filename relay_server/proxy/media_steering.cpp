#include "relay_server/proxy/media_steering.h"

#include "protocol/sdp/rewrite.h"

namespace tipring::relay {
namespace {

bool carries_offer_answer(sip::Method method) {
  return method == sip::Method::Invite || method == sip::Method::Update;
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
    }
    return;
  }
  if (status < 180 || !has_sdp(response)) {
    return;
  }
  const bool late_offer = !has_sdp(request);
  if (late_offer && status >= 200 && request.method() == sip::Method::Invite) {
    // The callee offers in its 2xx: it is the offerer, keyed by its tag, until the ACK.
    auto callee = read_media_side(response.body(), source_ip);
    if (!callee) {
      ++failures_;
      return;
    }
    steer(response, legs_.offer(request.call_id(), response.to_tag(), request.from_tag(), *callee));
    return;
  }
  if (late_offer) {
    return;  // an offer in an unreliable 18x is only a preview of the 2xx's
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
}

}  // namespace tipring::relay
