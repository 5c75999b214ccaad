// What a media relay does to SDP passing through it (rtpengine's "replace origin",
// "replace session-connection", "ICE remove"): point c= and the audio m= port at the relay,
// optionally the o= address, and drop ICE attributes (RFC 8839 §5) that would lead the peer
// around the relay. Everything else stays byte for byte as it arrived.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sdp/offer_answer.h"
#include "protocol/sdp/session_description.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tipring::sdp {

// The first active audio stream's advertised address and port (its c=, else the session's).
struct AudioEndpoint {
  std::size_t media_index = 0;
  MediaAddress address;
  // a=rtcp (RFC 3605) port, if the stream names one.
  std::optional<std::uint16_t> rtcp_port;
};
[[nodiscard]] Result<AudioEndpoint> audio_endpoint(const SessionDescription& sdp);

// Points media line `media_index` at `relay`: its port, its c= (adding one if the session c=
// would otherwise apply to other streams it must not redirect), and a=rtcp if present
// (rtcp_port, or port + 1). With `session_connection`, the session-level c= too.
void rewrite_media_endpoint(SessionDescription& sdp, std::size_t media_index,
                            const MediaAddress& relay, bool session_connection = true,
                            std::optional<std::uint16_t> rtcp_port = std::nullopt);

// Replaces the o= address (and its address type).
void rewrite_origin_address(SessionDescription& sdp, std::string_view address);

// Removes ice-ufrag, ice-pwd, ice-options, ice-lite, ice-mismatch, ice-pacing, candidate,
// remote-candidates and end-of-candidates at session and media level; returns how many.
std::size_t strip_ice(SessionDescription& sdp);

// The first active audio stream as a relay sees it: where the party receives, its RTCP
// arrangement, and whether it is on hold (sendonly/inactive, or the RFC 2543 c=0.0.0.0).
struct RelayedAudio {
  MediaAddress address;
  std::uint16_t rtcp_port = 0;  // a=rtcp, 0 when absent
  bool rtcp_mux = false;        // a=rtcp-mux
  bool held = false;
  std::string transport;  // RTP/AVP, RTP/SAVP, ...
};
[[nodiscard]] Result<RelayedAudio> read_relayed_audio(std::string_view sdp_text);

// Where a relay tells a party to send its media.
struct RelayRewrite {
  std::string address;  // the relay's advertised address
  std::uint16_t rtp_port = 0;
  std::uint16_t rtcp_port = 0;
  bool rtcp_mux = false;        // write a=rtcp-mux
  bool replace_origin = false;  // o= names the relay too
};

// The body with c= and the audio m= port pointing at the relay, a=rtcp and a=rtcp-mux
// rewritten, ICE attributes removed, and every other m= stream refused with port 0 (one
// audio stream is relayed; the others would bypass the relay).
[[nodiscard]] Result<std::string> rewrite_for_relay(std::string_view sdp_text,
                                                    const RelayRewrite& rewrite);

}  // namespace tipring::sdp
