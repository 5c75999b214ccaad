// The SDP offer/answer model (RFC 3264) for one audio stream: building an offer from local
// capabilities, answering an offer by the answerer's own codec preference (§6.1), and
// reading the answer back (§7). Hold follows RFC 6337 §5; rtcp-mux RFC 5761 §5.1; Opus
// parameters RFC 7587 §7; telephone-event RFC 4733 §7.1. A failed negotiation is an Error
// whose description is suitable for a 488 Not Acceptable Here reason or Warning.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sdp/direction.h"
#include "protocol/sdp/media_format.h"
#include "protocol/sdp/session_description.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tipring::sdp {

// A codec we can use, with the payload type we put in offers and our fmtp parameters
// (which describe what we want to receive).
struct Codec {
  RtpMap map;
  std::uint8_t payload_type = 0;
  std::vector<FormatParameter> parameters;
};

// Opus 48000/2 (RFC 7587) with in-band FEC on, DTX off and a 32 kbit/s average.
[[nodiscard]] Codec opus_codec(std::uint8_t payload_type = 111);
[[nodiscard]] Codec pcmu_codec();
[[nodiscard]] Codec pcma_codec();

struct LocalCapabilities {
  std::vector<Codec> codecs;  // in our order of preference
  bool dtmf = true;           // offer/accept telephone-event
  std::uint8_t dtmf_payload_type_8000 = 101;
  std::uint8_t dtmf_payload_type_48000 = 110;
  std::string dtmf_events = "0-16";
  bool rtcp_mux = true;
  Direction direction = Direction::sendrecv;  // sendonly to put the call on hold
  std::uint32_t ptime_ms = 20;
  std::optional<std::uint32_t> maxptime_ms;
};

struct MediaAddress {
  std::string address;  // an IPv4 or IPv6 literal
  std::uint16_t port = 0;

  friend bool operator==(const MediaAddress&, const MediaAddress&) = default;
};

// What goes into o= and s= of descriptions we create. Increment session_version for every
// new offer or answer in the same session (RFC 3264 §8).
struct OriginIdentity {
  std::string username = "-";
  std::string session_id = "0";
  std::uint64_t session_version = 0;
  std::string session_name = "-";
};

struct NegotiatedCodec {
  std::string encoding_name;
  std::uint8_t payload_type = 0;  // the number to send with
  std::uint32_t clock_rate = 0;
  std::uint8_t channels = 1;
  // The peer's fmtp for this codec: its receive preferences, which govern what we send.
  std::vector<FormatParameter> parameters;

  friend bool operator==(const NegotiatedCodec&, const NegotiatedCodec&) = default;
};

// The outcome for the audio stream, from the local side's point of view.
struct NegotiatedMedia {
  std::size_t media_index = 0;  // which m= line
  MediaAddress remote;          // where to send
  NegotiatedCodec codec;
  std::optional<std::uint8_t> telephone_event_payload_type;
  std::uint32_t telephone_event_clock_rate = 0;
  std::uint32_t ptime_ms = 20;  // the peer's a=ptime, else ours
  std::optional<std::uint32_t> maxptime_ms;
  Direction direction = Direction::sendrecv;  // sends(): we may send; receives(): we may receive
  bool rtcp_mux = false;
};

struct Answer {
  SessionDescription sdp;
  NegotiatedMedia media;
};

[[nodiscard]] SessionDescription make_offer(const LocalCapabilities& local_caps,
                                            const MediaAddress& local,
                                            const OriginIdentity& origin = {});

// Accepts the first offered RTP/AVP(F) audio stream for which we share a codec, choosing by
// OUR preference order; every other m= line is rejected with port 0 (§6). Fails, with a
// reason for a 488, when no audio stream is acceptable.
[[nodiscard]] Result<Answer> make_answer(const SessionDescription& offer,
                                         const LocalCapabilities& local_caps,
                                         const MediaAddress& local,
                                         const OriginIdentity& origin = {});

// Reads the answer to our `offer` (§7): the codec, address and direction to use. Fails if
// the answer does not correspond to the offer or rejects the audio stream.
[[nodiscard]] Result<NegotiatedMedia> apply_answer(const SessionDescription& offer,
                                                   const SessionDescription& answer);

}  // namespace tipring::sdp
