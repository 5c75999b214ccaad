#include "relay_server/media/ng_sdp.h"

#include "protocol/sdp/direction.h"
#include "protocol/sdp/rewrite.h"
#include "protocol/sdp/session_description.h"

namespace tipring::relay {

Result<SdpAudio> read_sdp_audio(std::string_view text) {
  auto sdp = sdp::parse(text);
  if (!sdp) {
    return tl::unexpected(sdp.error());
  }
  auto audio = sdp::audio_endpoint(*sdp);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  const auto ip = IpAddress::parse(audio->address.address);
  if (!ip) {
    return fail("RFC 8866 §5.7", "c= is not an IP address literal");
  }
  const sdp::MediaDescription& media = sdp->media[audio->media_index];
  const sdp::Direction direction = sdp::declared_direction(*sdp, audio->media_index);
  SdpAudio out;
  out.address = Endpoint{*ip, audio->address.port};
  out.rtcp_port = audio->rtcp_port.value_or(0);
  out.rtcp_mux = media.attributes.has("rtcp-mux");
  out.held = direction == sdp::Direction::sendonly || direction == sdp::Direction::inactive ||
             ip->is_unspecified();
  out.transport = media.protocol;
  return out;
}

Result<std::string> rewrite_sdp(std::string_view text, const SdpRewrite& r) {
  auto sdp = sdp::parse(text);
  if (!sdp) {
    return tl::unexpected(sdp.error());
  }
  auto audio = sdp::audio_endpoint(*sdp);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  for (std::size_t i = 0; i < sdp->media.size(); ++i) {
    if (i != audio->media_index) {
      sdp->media[i].port = 0;
    }
  }
  sdp::rewrite_media_endpoint(*sdp, audio->media_index, sdp::MediaAddress{r.address, r.rtp_port},
                              true, r.rtcp_port);
  if (r.replace_origin) {
    sdp::rewrite_origin_address(*sdp, r.address);
  }
  sdp::strip_ice(*sdp);
  sdp::Attributes& attributes = sdp->media[audio->media_index].attributes;
  attributes.remove("rtcp");
  attributes.remove("rtcp-mux");
  attributes.add("rtcp", std::to_string(r.rtcp_port));
  if (r.rtcp_mux) {
    attributes.add("rtcp-mux");
  }
  return sdp::serialize(*sdp);
}

}  // namespace tipring::relay
