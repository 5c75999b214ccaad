// What the ng control reads from and does to SDP, on top of protocol/sdp (RFC 8866 parse and
// serialize, RFC 3605 a=rtcp, RFC 5761 a=rtcp-mux, RFC 8839 ICE removal): the audio stream's
// address, RTCP and direction, and the body rewritten so the party sends media to the relay.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sdp/rewrite.h"
#include "relay_server/media/endpoint.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace tipring::relay {

struct SdpAudio {
  Endpoint address;             // c= (media level, else session level) and m=audio port
  std::uint16_t rtcp_port = 0;  // a=rtcp, 0 when absent
  bool rtcp_mux = false;        // a=rtcp-mux
  bool held = false;            // sendonly / inactive, or c= 0.0.0.0
  std::string transport;        // RTP/AVP, RTP/SAVP, ...
};

// The first active audio stream; an error names the rule that failed.
Result<SdpAudio> read_sdp_audio(std::string_view sdp);

using SdpRewrite = sdp::RelayRewrite;

// The body with c= and the audio m= port pointing at the relay, a=rtcp and a=rtcp-mux
// rewritten, ICE attributes removed (their candidates would bypass the relay), and every
// other m= stream refused with port 0 (one audio stream is relayed).
Result<std::string> rewrite_sdp(std::string_view sdp, const SdpRewrite& rewrite);

}  // namespace tipring::relay
