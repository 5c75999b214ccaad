// The proxy's side of rtpengine's "ng" control protocol (offer, answer, delete), for media
// steering when the relay runs on another host (DESIGN.md: "over UDP by the
// rtpengine-compatible ng control protocol"). Sans-IO: a MediaSide becomes the command
// dictionary — a minimal SDP for the party's audio, its signalling source as received-from
// so the relay's latching rule (RFC 7362 §5) knows it — and the relay's reply becomes the
// MediaChannel read from the SDP it rewrote. The socket lives in relay_server/app.
#pragma once

#include "protocol/bencode/value.h"
#include "protocol/core/error.h"
#include "relay_server/proxy/media_steering.h"

#include <string>
#include <string_view>

namespace tipring::relay {

enum class NgSdpCommand : std::uint8_t { offer, answer };

// The SDP a relay needs to see for `side`: its audio address and port, a=rtcp, a=rtcp-mux
// and sendonly when held. Codecs do not matter to a relay; PCMU stands in.
[[nodiscard]] std::string sdp_for_side(const MediaSide& side);

[[nodiscard]] bencode::Dict ng_sdp_command(NgSdpCommand command, std::string_view call_id,
                                           std::string_view from_tag, std::string_view to_tag,
                                           const MediaSide& side);
// "delete" for the whole call, or only `from_tag`'s side when given.
[[nodiscard]] bencode::Dict ng_delete_command(std::string_view call_id, std::string_view from_tag);

// The channel in an offer/answer reply; an "error" result fails with its error-reason.
[[nodiscard]] Result<MediaChannel> read_ng_sdp_reply(const bencode::Dict& reply);

}  // namespace tipring::relay
