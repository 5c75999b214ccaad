#include "relay_server/media/ng_control.h"

#include "protocol/bencode/codec.h"
#include "protocol/bencode/ng_datagram.h"
#include "relay_server/media/media_relay.h"
#include "relay_server/media/ng_sdp.h"

#include <chrono>
#include <optional>

namespace tipring::relay {

using bencode::Dict;
using bencode::List;
using bencode::Value;

namespace {

constexpr auto kReplyLifetime = std::chrono::seconds(60);
constexpr std::size_t kMaxCachedReplies = 8192;

// What the ng flags of an offer or answer ask for.
struct NgOptions {
  bool trust_address = false;       // candidates from the SDP address only
  bool sip_source_address = false;  // the SDP address is the SIP source address
  bool media_handover = false;
  bool replace_origin = false;
  std::optional<bool> offer_rtcp_mux;  // rtcp-mux offer / demux
  std::optional<IpAddress> received_from;
};

Result<std::vector<std::string_view>> string_list(const Dict& request, std::string_view key) {
  std::vector<std::string_view> out;
  const Value* value = request.find(key);
  if (value == nullptr) {
    return out;
  }
  const List* list = value->list();
  if (list == nullptr) {
    return fail("ng protocol", "'" + std::string(key) + "' must be a list");
  }
  for (const Value& item : *list) {
    if (item.string() == nullptr) {
      return fail("ng protocol", "'" + std::string(key) + "' must hold strings");
    }
    out.emplace_back(*item.string());
  }
  return out;
}

Result<NgOptions> read_options(const Dict& request) {
  NgOptions o;
  auto flags = string_list(request, "flags");
  if (!flags) {
    return tl::unexpected(flags.error());
  }
  for (std::string_view flag : *flags) {
    if (flag == "symmetric" || flag == "strict-source") {
      // Both are what the latch always does: learn from media, then accept only the lock.
    } else if (flag == "asymmetric" || flag == "trust-address") {
      o.trust_address = true;
    } else if (flag == "SIP-source-address" || flag == "sip-source-address") {
      o.sip_source_address = true;
    } else if (flag == "media-handover") {
      o.media_handover = true;
    } else {
      return fail("ng flags", "unsupported flag '" + std::string(flag) + "'");
    }
  }
  auto replace = string_list(request, "replace");
  if (!replace) {
    return tl::unexpected(replace.error());
  }
  for (std::string_view item : *replace) {
    if (item == "origin") {
      o.replace_origin = true;
    } else if (item != "session-connection" && item != "session connection") {
      return fail("ng replace", "unsupported replace '" + std::string(item) + "'");
    }
  }
  auto mux = string_list(request, "rtcp-mux");
  if (!mux) {
    return tl::unexpected(mux.error());
  }
  for (std::string_view item : *mux) {
    if (item == "offer") {
      o.offer_rtcp_mux = true;
    } else if (item == "demux") {
      o.offer_rtcp_mux = false;
    } else if (item != "accept") {
      return fail("ng rtcp-mux", "unsupported rtcp-mux '" + std::string(item) + "'");
    }
  }
  if (const Value* ice = request.find("ICE"); ice != nullptr) {
    if (ice->string() == nullptr || *ice->string() != "remove") {
      return fail("ng ICE", "only ICE=remove is supported");
    }
  }
  if (auto transport = request.get_string("transport-protocol");
      transport && *transport != "RTP/AVP") {
    return fail("ng transport-protocol", "only RTP/AVP is relayed");
  }
  if (request.find("direction") != nullptr) {
    return fail("ng direction", "one media interface: direction is unsupported");
  }
  auto from = string_list(request, "received-from");
  if (!from) {
    return tl::unexpected(from.error());
  }
  if (from->size() == 2) {
    o.received_from = IpAddress::parse((*from)[1]);
    if (!o.received_from) {
      return fail("ng received-from", "not an IP address");
    }
  } else if (!from->empty()) {
    return fail("ng received-from", "expected [family, address]");
  }
  return o;
}

Result<std::string_view> required(const Dict& request, std::string_view key) {
  auto value = request.get_string(key);
  if (!value || value->empty()) {
    return fail("ng protocol", "missing '" + std::string(key) + "'");
  }
  return *value;
}

Dict endpoint_dict(const Endpoint& e) {
  Dict d;
  d.set("family", e.ip.is_v4() ? "IPv4" : "IPv6");
  d.set("address", e.ip.to_string());
  d.set("port", static_cast<std::int64_t>(e.port));
  return d;
}

Dict leg_dict(std::string_view tag, const LegSummary& leg) {
  const TrafficTotals& t = leg.traffic;
  Dict stats;
  stats.set("packets", static_cast<std::int64_t>(t.packets_forwarded));
  stats.set("bytes", static_cast<std::int64_t>(t.bytes_forwarded));
  std::uint64_t dropped = 0;
  for (auto d : t.drops) {
    dropped += d;
  }
  stats.set("errors", static_cast<std::int64_t>(dropped));
  Dict stream;
  stream.set("local port", static_cast<std::int64_t>(leg.relay_port));
  stream.set("endpoint", endpoint_dict(leg.target));
  stream.set("advertised endpoint", endpoint_dict(leg.learned_source));
  stream.set("status", leg.learned ? "confirmed peer address" : "unconfirmed");
  stream.set("stats", std::move(stats));
  Dict media;
  media.set("streams", List{Value(std::move(stream))});
  Dict d;
  d.set("tag", tag);
  d.set("medias", List{Value(std::move(media))});
  return d;
}

}  // namespace

const std::array<NgControl::Command, 6> NgControl::kCommands = {{
    {"ping", &NgControl::ping},
    {"offer", &NgControl::offer},
    {"answer", &NgControl::answer},
    {"delete", &NgControl::remove},
    {"query", &NgControl::query},
    {"list", &NgControl::list},
}};

NgControl::NgControl(MediaRelay& relay) : relay_(relay) {}

std::string NgControl::handle(std::string_view datagram, TimePoint now) {
  auto frame = bencode::split_ng_datagram(datagram);
  if (!frame) {
    return {};
  }
  const std::string cookie(frame->cookie);
  if (auto cached = replies_.find(cookie);
      cached != replies_.end() && cached->second.expires.since_epoch > now.since_epoch) {
    ++replayed_;
    return cached->second.reply;
  }
  Result<Dict> result = fail("ng protocol", "the body is not a bencoded dictionary");
  if (auto body = bencode::decode(frame->body); body && body->dict() != nullptr) {
    const Dict& request = *body->dict();
    const auto command = request.get_string("command");
    result = fail("ng protocol", "unsupported command '" + std::string(command.value_or("")) + "'");
    for (const Command& c : kCommands) {
      if (command && *command == c.name) {
        result = (this->*c.handler)(request);
        break;
      }
    }
  }
  Dict reply;
  if (result) {
    reply = std::move(*result);
  } else {
    reply.set("result", "error");
    reply.set("error-reason", result.error().describe());
  }
  std::string bytes = bencode::join_ng_datagram(cookie, reply);
  remember(cookie, bytes, now);
  return bytes;
}

void NgControl::remember(const std::string& cookie, const std::string& reply, TimePoint now) {
  while (!reply_order_.empty() &&
         (reply_order_.size() >= kMaxCachedReplies ||
          replies_[reply_order_.front()].expires.since_epoch <= now.since_epoch)) {
    replies_.erase(reply_order_.front());
    reply_order_.pop_front();
  }
  if (replies_.insert_or_assign(cookie, CachedReply{reply, now + kReplyLifetime}).second) {
    reply_order_.push_back(cookie);
  }
}

Result<Dict> NgControl::ping(const Dict&) {
  return Dict{{"result", "pong"}};
}

Result<Dict> NgControl::offer(const Dict& request) {
  return offer_or_answer(request, false);
}

Result<Dict> NgControl::answer(const Dict& request) {
  return offer_or_answer(request, true);
}

Result<Dict> NgControl::offer_or_answer(const Dict& request, bool is_answer) {
  auto call_id = required(request, "call-id");
  auto from_tag = required(request, "from-tag");
  auto sdp = required(request, "sdp");
  if (!call_id || !from_tag || !sdp) {
    return tl::unexpected(!call_id ? call_id.error() : !from_tag ? from_tag.error() : sdp.error());
  }
  const std::string_view to_tag = request.get_string("to-tag").value_or("");
  if (is_answer && to_tag.empty()) {
    return fail("ng protocol", "missing 'to-tag'");
  }
  auto options = read_options(request);
  if (!options) {
    return tl::unexpected(options.error());
  }
  auto audio = read_sdp_audio(*sdp);
  if (!audio) {
    return tl::unexpected(audio.error());
  }
  if (audio->transport != "RTP/AVP") {
    return fail("ng protocol", "only RTP/AVP audio is relayed, not " + audio->transport);
  }
  MediaParty party;
  party.advertised = audio->address;
  party.advertised_rtcp_port = audio->rtcp_port;
  party.rtcp_mux = audio->rtcp_mux;
  party.held = audio->held;
  party.media_handover = options->media_handover;
  party.offer_peer_rtcp_mux = options->offer_rtcp_mux;
  if (options->received_from) {
    if (options->sip_source_address) {
      party.advertised.ip = *options->received_from;
    }
    if (!options->trust_address) {
      party.signalling_source = *options->received_from;
    }
  }
  auto channel = is_answer ? relay_.answer(*call_id, *from_tag, to_tag, party)
                           : relay_.offer(*call_id, *from_tag, to_tag, party);
  if (!channel) {
    return tl::unexpected(channel.error());
  }
  SdpRewrite rewrite;
  rewrite.address = channel->address;
  rewrite.rtp_port = channel->rtp_port;
  rewrite.rtcp_port = channel->rtcp_mux ? channel->rtp_port : channel->rtcp_port;
  rewrite.rtcp_mux = channel->rtcp_mux;
  rewrite.replace_origin = options->replace_origin;
  auto rewritten = rewrite_sdp(*sdp, rewrite);
  if (!rewritten) {
    return tl::unexpected(rewritten.error());
  }
  Dict reply;
  reply.set("result", "ok");
  reply.set("sdp", std::move(*rewritten));
  return reply;
}

Result<Dict> NgControl::remove(const Dict& request) {
  auto call_id = required(request, "call-id");
  if (!call_id) {
    return tl::unexpected(call_id.error());
  }
  const auto ended = relay_.release(*call_id, request.get_string("from-tag").value_or(""));
  if (ended.empty()) {
    return fail("ng delete", "Call-ID not found");
  }
  return Dict{{"result", "ok"}};
}

Result<Dict> NgControl::query(const Dict& request) {
  auto call_id = required(request, "call-id");
  if (!call_id) {
    return tl::unexpected(call_id.error());
  }
  const auto summary = relay_.query(*call_id, request.get_string("from-tag").value_or(""));
  if (!summary) {
    return fail("ng query", "Call-ID not found");
  }
  Dict tags;
  tags.set(summary->from_tag, leg_dict(summary->from_tag, summary->legs[0]));
  if (!summary->to_tag.empty()) {
    tags.set(summary->to_tag, leg_dict(summary->to_tag, summary->legs[1]));
  }
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  for (const LegSummary& leg : summary->legs) {
    packets += leg.traffic.packets_forwarded;
    bytes += leg.traffic.bytes_forwarded;
  }
  Dict rtp;
  rtp.set("packets", static_cast<std::int64_t>(packets));
  rtp.set("bytes", static_cast<std::int64_t>(bytes));
  Dict totals;
  totals.set("RTP", std::move(rtp));
  Dict reply;
  reply.set("result", "ok");
  reply.set("tags", std::move(tags));
  reply.set("totals", std::move(totals));
  return reply;
}

Result<Dict> NgControl::list(const Dict& request) {
  const auto limit = request.get_integer("limit").value_or(32);
  List calls;
  for (const std::string& id : relay_.list_call_ids()) {
    if (static_cast<std::int64_t>(calls.size()) >= limit) {
      break;
    }
    calls.emplace_back(id);
  }
  Dict reply;
  reply.set("result", "ok");
  reply.set("calls", std::move(calls));
  return reply;
}

}  // namespace tipring::relay
