#include "protocol/sdp/rewrite.h"

#include "protocol/sdp/address.h"
#include "protocol/sdp/direction.h"

#include <array>
#include <charconv>

namespace tipring::sdp {
namespace {

constexpr std::string_view kRuleNoAudio = "SDP rewrite: no active audio stream";
constexpr std::string_view kRuleNoConnection = "RFC 8866 §5.7: audio stream without c=";

constexpr std::array<std::string_view, 9> kIceAttributes{
    "ice-ufrag",  "ice-pwd",           "ice-options",       "ice-lite", "ice-mismatch",
    "ice-pacing", "remote-candidates", "end-of-candidates", "candidate"};

Connection connection_to(std::string_view address) {
  return Connection{"IN", std::string(address_type_of(address)), std::string(address)};
}

std::optional<std::uint16_t> rtcp_port_of(const MediaDescription& m) {
  auto value = m.attributes.value("rtcp");
  if (!value) {
    return std::nullopt;
  }
  std::uint16_t port = 0;
  std::string_view text = value->substr(0, value->find(' '));
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return port;
}

}  // namespace

Result<AudioEndpoint> audio_endpoint(const SessionDescription& sdp) {
  for (std::size_t i = 0; i < sdp.media.size(); ++i) {
    const MediaDescription& m = sdp.media[i];
    if (m.media != "audio" || m.rejected()) {
      continue;
    }
    const Connection* c = sdp.connection_for(i);
    if (c == nullptr) {
      return fail(kRuleNoConnection, {});
    }
    return AudioEndpoint{i, MediaAddress{c->address, m.port}, rtcp_port_of(m)};
  }
  return fail(kRuleNoAudio, {});
}

void rewrite_media_endpoint(SessionDescription& sdp, std::size_t media_index,
                            const MediaAddress& relay, bool session_connection,
                            std::optional<std::uint16_t> rtcp_port) {
  MediaDescription& m = sdp.media[media_index];
  m.port = relay.port;
  const Connection relay_connection = connection_to(relay.address);
  if (!m.connections.empty()) {
    for (auto& c : m.connections) {
      c = relay_connection;
    }
  } else if (!session_connection || sdp.media.size() > 1) {
    // The session c= also covers other streams: give this one its own.
    m.connections.push_back(relay_connection);
  }
  if (session_connection && sdp.connection) {
    *sdp.connection = relay_connection;
  }
  for (auto& a : m.attributes.items) {
    if (a.name == "rtcp" && a.value) {
      const std::uint16_t port = rtcp_port.value_or(static_cast<std::uint16_t>(relay.port + 1));
      a.value = std::to_string(port) + " IN " + relay_connection.address_type + " " + relay.address;
    }
  }
}

void rewrite_origin_address(SessionDescription& sdp, std::string_view address) {
  sdp.origin.address = std::string(address);
  sdp.origin.address_type = std::string(address_type_of(address));
}

std::size_t strip_ice(SessionDescription& sdp) {
  std::size_t removed = 0;
  for (auto name : kIceAttributes) {
    removed += sdp.attributes.remove(name);
    for (auto& m : sdp.media) {
      removed += m.attributes.remove(name);
    }
  }
  return removed;
}

Result<RelayedAudio> read_relayed_audio(std::string_view sdp_text) {
  auto sdp = parse(sdp_text);
  if (!sdp) {
    return tl::unexpected(sdp.error());
  }
  auto audio = audio_endpoint(*sdp);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  const MediaDescription& media = sdp->media[audio->media_index];
  const Direction direction = declared_direction(*sdp, audio->media_index);
  RelayedAudio out;
  out.address = audio->address;
  out.rtcp_port = audio->rtcp_port.value_or(0);
  out.rtcp_mux = media.attributes.has("rtcp-mux");
  out.held = direction == Direction::sendonly || direction == Direction::inactive ||
             out.address.address == "0.0.0.0" || out.address.address == "::";
  out.transport = media.protocol;
  return out;
}

Result<std::string> rewrite_for_relay(std::string_view sdp_text, const RelayRewrite& r) {
  auto sdp = parse(sdp_text);
  if (!sdp) {
    return tl::unexpected(sdp.error());
  }
  auto audio = audio_endpoint(*sdp);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  for (std::size_t i = 0; i < sdp->media.size(); ++i) {
    if (i != audio->media_index) {
      sdp->media[i].port = 0;
    }
  }
  rewrite_media_endpoint(*sdp, audio->media_index, MediaAddress{r.address, r.rtp_port}, true,
                         r.rtcp_port);
  if (r.replace_origin) {
    rewrite_origin_address(*sdp, r.address);
  }
  strip_ice(*sdp);
  Attributes& attributes = sdp->media[audio->media_index].attributes;
  attributes.remove("rtcp");
  attributes.remove("rtcp-mux");
  attributes.add("rtcp", std::to_string(r.rtcp_port));
  if (r.rtcp_mux) {
    attributes.add("rtcp-mux");
  }
  return serialize(*sdp);
}

}  // namespace tipring::sdp
