#include "relay_server/app/in_process_media.h"

namespace tipring::relay {
namespace {

MediaChannel to_channel(const RelayChannel& channel) {
  return {channel.address, channel.rtp_port, channel.rtcp_port, channel.rtcp_mux};
}

}  // namespace

Result<MediaParty> to_media_party(const MediaSide& side) {
  MediaParty party;
  if (!side.advertised_address.empty()) {
    auto ip = IpAddress::parse(side.advertised_address);
    if (!ip) {
      return fail("RFC 8866 §5.7 connection address", "c= is not an IP address literal");
    }
    party.advertised = Endpoint{*ip, side.advertised_port};
  }
  auto source = IpAddress::parse(side.signalling_source);
  if (!source) {
    return fail("RFC 7362 §5 signalling source", "the SIP source is not an IP address");
  }
  party.signalling_source = *source;
  party.advertised_rtcp_port = side.advertised_rtcp_port;
  party.rtcp_mux = side.rtcp_mux;
  party.held = side.held;
  return party;
}

Result<MediaChannel> InProcessMediaLegs::offer(std::string_view call_id, std::string_view from_tag,
                                               std::string_view to_tag, const MediaSide& offerer) {
  auto party = to_media_party(offerer);
  if (!party) {
    return tl::unexpected(party.error());
  }
  return relay_.offer(call_id, from_tag, to_tag, *party).map(to_channel);
}

Result<MediaChannel> InProcessMediaLegs::answer(std::string_view call_id, std::string_view from_tag,
                                                std::string_view to_tag,
                                                const MediaSide& answerer) {
  auto party = to_media_party(answerer);
  if (!party) {
    return tl::unexpected(party.error());
  }
  return relay_.answer(call_id, from_tag, to_tag, *party).map(to_channel);
}

void InProcessMediaLegs::release(std::string_view call_id, std::string_view from_tag) {
  (void)relay_.release(call_id, from_tag);
}

}  // namespace tipring::relay
