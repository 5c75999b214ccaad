#include "relay_server/media/ng_sdp.h"

#include "protocol/sdp/rewrite.h"

namespace tipring::relay {

Result<SdpAudio> read_sdp_audio(std::string_view text) {
  auto audio = sdp::read_relayed_audio(text);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  const auto ip = IpAddress::parse(audio->address.address);
  if (!ip) {
    return fail("RFC 8866 §5.7", "c= is not an IP address literal");
  }
  SdpAudio out;
  out.address = Endpoint{*ip, audio->address.port};
  out.rtcp_port = audio->rtcp_port;
  out.rtcp_mux = audio->rtcp_mux;
  out.held = audio->held;
  out.transport = std::move(audio->transport);
  return out;
}

Result<std::string> rewrite_sdp(std::string_view text, const SdpRewrite& rewrite) {
  return sdp::rewrite_for_relay(text, rewrite);
}

}  // namespace tipring::relay
