#include "relay_server/proxy/ng_media_command.h"

#include "protocol/sdp/rewrite.h"

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "ng reply";

bool is_ipv6(std::string_view address) {
  return address.find(':') != std::string_view::npos;
}

std::string family_of(std::string_view address) {
  return is_ipv6(address) ? "IP6" : "IP4";
}

}  // namespace

std::string sdp_for_side(const MediaSide& side) {
  // A side without c= (held with no address) is told as the RFC 2543 hold address.
  const std::string address = side.advertised_address.empty() ? "0.0.0.0" : side.advertised_address;
  const std::string family = family_of(address);
  std::string sdp = "v=0\r\no=- 1 1 IN " + family + " " + address + "\r\ns=-\r\nc=IN " + family +
                    " " + address + "\r\nt=0 0\r\nm=audio " + std::to_string(side.advertised_port) +
                    " RTP/AVP 0\r\n";
  if (side.advertised_rtcp_port != 0) {
    sdp += "a=rtcp:" + std::to_string(side.advertised_rtcp_port) + "\r\n";
  }
  if (side.rtcp_mux) {
    sdp += "a=rtcp-mux\r\n";
  }
  sdp += side.held ? "a=sendonly\r\n" : "a=sendrecv\r\n";
  return sdp;
}

bencode::Dict ng_sdp_command(NgSdpCommand command, std::string_view call_id,
                             std::string_view from_tag, std::string_view to_tag,
                             const MediaSide& side) {
  bencode::Dict dict{
      {"command", command == NgSdpCommand::offer ? "offer" : "answer"},
      {"call-id", call_id},
      {"from-tag", from_tag},
      {"sdp", sdp_for_side(side)},
      {"ICE", "remove"},
      {"transport-protocol", "RTP/AVP"},
      {"replace", bencode::List{"origin", "session-connection"}},
  };
  if (!to_tag.empty()) {
    dict.set("to-tag", to_tag);
  }
  if (side.rtcp_mux) {
    dict.set("rtcp-mux", bencode::List{"accept"});
  }
  if (!side.signalling_source.empty()) {
    dict.set("received-from",
             bencode::List{family_of(side.signalling_source), side.signalling_source});
  }
  return dict;
}

bencode::Dict ng_delete_command(std::string_view call_id, std::string_view from_tag) {
  bencode::Dict dict{{"command", "delete"}, {"call-id", call_id}};
  if (!from_tag.empty()) {
    dict.set("from-tag", from_tag);
  }
  return dict;
}

Result<MediaChannel> read_ng_sdp_reply(const bencode::Dict& reply) {
  const auto result = reply.get_string("result");
  if (!result) {
    return fail(kRule, "no 'result'");
  }
  if (*result != "ok") {
    return fail(kRule, "the relay refused: " +
                           std::string(reply.get_string("error-reason").value_or(*result)));
  }
  const auto sdp = reply.get_string("sdp");
  if (!sdp) {
    return fail(kRule, "no 'sdp' in an ok reply");
  }
  auto audio = sdp::read_relayed_audio(*sdp);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  MediaChannel channel;
  channel.address = audio->address.address;
  channel.rtp_port = audio->address.port;
  channel.rtcp_mux = audio->rtcp_mux;
  channel.rtcp_port = audio->rtcp_mux ? audio->address.port
                                      : (audio->rtcp_port != 0
                                             ? audio->rtcp_port
                                             : static_cast<std::uint16_t>(audio->address.port + 1));
  return channel;
}

}  // namespace tipring::relay
