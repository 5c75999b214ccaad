#include "protocol/sdp/offer_answer.h"

#include "protocol/sdp/address.h"

#include <algorithm>
#include <charconv>

namespace tipring::sdp {
namespace {

constexpr std::string_view kRuleNoAudio = "RFC 3264 §6: no audio stream offered";
constexpr std::string_view kRuleTransport = "RFC 3264 §6: no supported transport";
constexpr std::string_view kRuleNoCodec = "RFC 3264 §6.1: no common codec";
constexpr std::string_view kRuleMediaCount =
    "RFC 3264 §6: answer must have as many m= lines as the offer";
constexpr std::string_view kRuleRejected = "RFC 3264 §6: answer rejected the audio stream";
constexpr std::string_view kRuleAnswerCodec = "RFC 3264 §7: answer holds no offered codec";
constexpr std::string_view kRuleOfferAudio = "RFC 3264 §5: our offer holds no audio stream";
constexpr std::string_view kTelephoneEvent = "telephone-event";

bool supported_transport(std::string_view proto) {
  return proto == "RTP/AVP" || proto == "RTP/AVPF";
}

std::optional<std::uint32_t> number_attribute(const MediaDescription& m, std::string_view name) {
  auto text = m.attributes.value(name);
  if (!text) {
    return std::nullopt;
  }
  std::uint32_t n = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || n == 0) {
    return std::nullopt;
  }
  return n;
}

std::optional<std::uint8_t> payload_type_number(std::string_view format) {
  unsigned n = 0;
  auto [ptr, ec] = std::from_chars(format.data(), format.data() + format.size(), n);
  if (ec != std::errc() || ptr != format.data() + format.size() || n > 127) {
    return std::nullopt;
  }
  return static_cast<std::uint8_t>(n);
}

bool is_telephone_event(const RtpMap& map) {
  return same_encoding(map, RtpMap{std::string(kTelephoneEvent), map.clock_rate, map.channels});
}

std::vector<FormatParameter> fmtp_of(const MediaDescription& m, std::string_view format) {
  auto text = m.attributes.for_format("fmtp", format);
  return text ? parse_format_parameters(*text) : std::vector<FormatParameter>{};
}

SessionDescription skeleton(const MediaAddress& local, const OriginIdentity& id) {
  SessionDescription sdp;
  const std::string type(address_type_of(local.address));
  sdp.origin = Origin{id.username, id.session_id, std::to_string(id.session_version),
                      "IN",        type,          local.address};
  sdp.session_name = id.session_name;
  sdp.connection = Connection{"IN", type, local.address};
  return sdp;
}

void add_format(MediaDescription& m, std::uint8_t pt, const RtpMap& map,
                const std::vector<FormatParameter>& params) {
  const std::string number = std::to_string(pt);
  m.formats.push_back(number);
  m.attributes.add("rtpmap", number + " " + format_rtpmap(map));
  if (!params.empty()) {
    m.attributes.add("fmtp", number + " " + format_format_parameters(params));
  }
}

void add_common_attributes(MediaDescription& m, const LocalCapabilities& caps, bool rtcp_mux,
                           Direction direction) {
  m.attributes.add("ptime", std::to_string(caps.ptime_ms));
  if (caps.maxptime_ms) {
    m.attributes.add("maxptime", std::to_string(*caps.maxptime_ms));
  }
  if (rtcp_mux) {
    m.attributes.add("rtcp-mux");
  }
  m.attributes.add(std::string(attribute_name(direction)));
}

struct OfferedFormat {
  std::string_view format;
  std::uint8_t payload_type = 0;
  RtpMap map;
};

std::vector<OfferedFormat> offered_formats(const MediaDescription& m) {
  std::vector<OfferedFormat> out;
  for (const auto& f : m.formats) {
    auto pt = payload_type_number(f);
    auto map = rtpmap_for(m, f);
    if (pt && map) {
      out.push_back(OfferedFormat{f, *pt, std::move(*map)});
    }
  }
  return out;
}

std::string describe_offered(const std::vector<OfferedFormat>& formats) {
  std::string out;
  for (const auto& f : formats) {
    out += (out.empty() ? "" : ", ") + format_rtpmap(f.map);
  }
  return out.empty() ? "nothing usable" : out;
}

// The first of our codecs, in our order, that the offer also holds.
std::optional<std::pair<const Codec*, OfferedFormat>> choose(
    const LocalCapabilities& caps, const std::vector<OfferedFormat>& offered) {
  for (const auto& codec : caps.codecs) {
    for (const auto& f : offered) {
      if (same_encoding(codec.map, f.map)) {
        return std::make_pair(&codec, f);
      }
    }
  }
  return std::nullopt;
}

// telephone-event at the audio codec's rate if offered (RFC 4733 §2.1), else any offered.
std::optional<OfferedFormat> choose_events(const std::vector<OfferedFormat>& offered,
                                           std::uint32_t clock_rate) {
  std::optional<OfferedFormat> any;
  for (const auto& f : offered) {
    if (is_telephone_event(f.map)) {
      if (f.map.clock_rate == clock_rate) {
        return f;
      }
      if (!any) {
        any = f;
      }
    }
  }
  return any;
}

MediaAddress remote_of(const SessionDescription& sdp, std::size_t index) {
  const Connection* c = sdp.connection_for(index);
  return MediaAddress{c != nullptr ? c->address : std::string(), sdp.media[index].port};
}

MediaDescription rejected_copy(const MediaDescription& offered) {
  MediaDescription m;
  m.media = offered.media;
  m.port = 0;
  m.protocol = offered.protocol;
  m.formats = {offered.formats.front()};
  return m;
}

}  // namespace

Codec opus_codec(std::uint8_t payload_type) {
  return Codec{RtpMap{"opus", 48000, 2},
               payload_type,
               {{"useinbandfec", "1"}, {"usedtx", "0"}, {"maxaveragebitrate", "32000"}}};
}

Codec pcmu_codec() {
  return Codec{RtpMap{"PCMU", 8000, 1}, 0, {}};
}

Codec pcma_codec() {
  return Codec{RtpMap{"PCMA", 8000, 1}, 8, {}};
}

SessionDescription make_offer(const LocalCapabilities& caps, const MediaAddress& local,
                              const OriginIdentity& origin) {
  SessionDescription sdp = skeleton(local, origin);
  MediaDescription m;
  m.port = local.port;
  bool narrowband = false;
  bool wideband = false;
  for (const auto& codec : caps.codecs) {
    add_format(m, codec.payload_type, codec.map, codec.parameters);
    narrowband = narrowband || codec.map.clock_rate == 8000;
    wideband = wideband || codec.map.clock_rate == 48000;
  }
  if (caps.dtmf) {
    const std::vector<FormatParameter> events{{{}, caps.dtmf_events}};
    if (wideband) {
      add_format(m, caps.dtmf_payload_type_48000, RtpMap{std::string(kTelephoneEvent), 48000, 1},
                 events);
    }
    if (narrowband || !wideband) {
      add_format(m, caps.dtmf_payload_type_8000, RtpMap{std::string(kTelephoneEvent), 8000, 1},
                 events);
    }
  }
  add_common_attributes(m, caps, caps.rtcp_mux, caps.direction);
  sdp.media.push_back(std::move(m));
  return sdp;
}

Result<Answer> make_answer(const SessionDescription& offer, const LocalCapabilities& caps,
                           const MediaAddress& local, const OriginIdentity& origin) {
  std::optional<std::size_t> chosen_index;
  std::optional<std::pair<const Codec*, OfferedFormat>> chosen;
  std::vector<OfferedFormat> chosen_offered;
  std::optional<Error> reason;
  for (std::size_t i = 0; i < offer.media.size() && !chosen_index; ++i) {
    const MediaDescription& m = offer.media[i];
    if (m.media != "audio" || m.rejected()) {
      continue;
    }
    if (!supported_transport(m.protocol)) {
      reason = reason ? reason : Error{kRuleTransport, "audio offered over " + m.protocol};
      continue;
    }
    auto offered = offered_formats(m);
    if (auto pick = choose(caps, offered)) {
      chosen_index = i;
      chosen = pick;
      chosen_offered = std::move(offered);
    } else if (!reason || reason->rule != kRuleNoCodec) {
      reason = Error{kRuleNoCodec, "offered " + describe_offered(offered)};
    }
  }
  if (!chosen_index) {
    return tl::unexpected(reason ? *reason : Error{kRuleNoAudio, {}});
  }

  const MediaDescription& offered_media = offer.media[*chosen_index];
  const auto& [codec, format] = *chosen;
  const Direction offer_direction = declared_direction(offer, *chosen_index);
  // We may send only if they receive, and receive only if they send (RFC 3264 §6.1).
  const Direction direction = make_direction(sends(caps.direction) && receives(offer_direction),
                                             receives(caps.direction) && sends(offer_direction));
  const bool rtcp_mux = caps.rtcp_mux && offered_media.attributes.has("rtcp-mux");

  Answer answer;
  answer.sdp = skeleton(local, origin);
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    if (i != *chosen_index) {
      answer.sdp.media.push_back(rejected_copy(offer.media[i]));
      continue;
    }
    MediaDescription m;
    m.port = local.port;
    m.protocol = offered_media.protocol;
    // The offer's payload type numbers, our parameters (RFC 3264 §6.1).
    add_format(m, format.payload_type, format.map, codec->parameters);
    NegotiatedMedia& n = answer.media;
    if (caps.dtmf) {
      if (auto events = choose_events(chosen_offered, format.map.clock_rate)) {
        add_format(m, events->payload_type, events->map, {{{}, caps.dtmf_events}});
        n.telephone_event_payload_type = events->payload_type;
        n.telephone_event_clock_rate = events->map.clock_rate;
      }
    }
    add_common_attributes(m, caps, rtcp_mux, direction);
    answer.sdp.media.push_back(std::move(m));

    n.media_index = i;
    n.remote = remote_of(offer, i);
    n.codec = NegotiatedCodec{format.map.encoding_name, format.payload_type, format.map.clock_rate,
                              format.map.channels, fmtp_of(offered_media, format.format)};
    n.ptime_ms = number_attribute(offered_media, "ptime").value_or(caps.ptime_ms);
    n.maxptime_ms = number_attribute(offered_media, "maxptime");
    n.direction = direction;
    n.rtcp_mux = rtcp_mux;
  }
  return answer;
}

Result<NegotiatedMedia> apply_answer(const SessionDescription& offer,
                                     const SessionDescription& answer) {
  if (answer.media.size() != offer.media.size()) {
    return fail(kRuleMediaCount, "offer " + std::to_string(offer.media.size()) + ", answer " +
                                     std::to_string(answer.media.size()));
  }
  // The audio stream: the first one we offered that the answer accepted.
  std::optional<std::size_t> index;
  bool offered_audio = false;
  for (std::size_t i = 0; i < offer.media.size() && !index; ++i) {
    if (offer.media[i].media == "audio" && !offer.media[i].rejected()) {
      offered_audio = true;
      if (!answer.media[i].rejected()) {
        index = i;
      }
    }
  }
  if (!offered_audio) {
    return fail(kRuleOfferAudio, {});
  }
  if (!index) {
    return fail(kRuleRejected, "every offered audio stream has port 0 in the answer");
  }
  const MediaDescription& ours = offer.media[*index];
  const MediaDescription& theirs = answer.media[*index];
  const auto offered = offered_formats(ours);
  const auto answered = offered_formats(theirs);

  NegotiatedMedia n;
  n.media_index = *index;
  bool have_codec = false;
  for (const auto& f : answered) {
    const bool in_offer = std::any_of(offered.begin(), offered.end(), [&](const OfferedFormat& o) {
      return same_encoding(o.map, f.map);
    });
    if (!in_offer) {
      continue;
    }
    if (is_telephone_event(f.map)) {
      if (!n.telephone_event_payload_type) {
        n.telephone_event_payload_type = f.payload_type;
        n.telephone_event_clock_rate = f.map.clock_rate;
      }
    } else if (!have_codec) {
      have_codec = true;
      n.codec = NegotiatedCodec{f.map.encoding_name, f.payload_type, f.map.clock_rate,
                                f.map.channels, fmtp_of(theirs, f.format)};
    }
  }
  if (!have_codec) {
    return fail(kRuleAnswerCodec, "answered " + describe_offered(answered));
  }
  n.remote = remote_of(answer, *index);
  n.ptime_ms =
      number_attribute(theirs, "ptime").value_or(number_attribute(ours, "ptime").value_or(20));
  n.maxptime_ms = number_attribute(theirs, "maxptime");
  const Direction offered_direction = declared_direction(offer, *index);
  const Direction answered_direction = reversed(declared_direction(answer, *index));
  n.direction = make_direction(sends(offered_direction) && sends(answered_direction),
                               receives(offered_direction) && receives(answered_direction));
  n.rtcp_mux = ours.attributes.has("rtcp-mux") && theirs.attributes.has("rtcp-mux");
  return n;
}

}  // namespace tipring::sdp
