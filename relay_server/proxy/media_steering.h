// MediaSteering: the proxy's side of DESIGN.md's call setup steps 2 and 5. For each
// INVITE (or UPDATE) carrying an SDP offer and each response carrying its answer, it asks
// the media relay for a leg per side — giving the client's advertised channel (c=/m=) and
// the IP its signalling came from, which the relay's latching rule needs — and rewrites
// the SDP (c=, m= port, a=rtcp, o= address; ICE removed) so each client sends its media to
// its relay channel. Legs are released on BYE and when an INVITE fails (final error,
// CANCEL, timeout). A late offer (an INVITE without SDP) is steered the same way, the callee
// being the offerer: its offer is in the 2xx and the answer in the ACK (RFC 3261 §13.2.1),
// or its offer is in a reliable 18x and the answer in the PRACK (RFC 3262 §5), where an SDP
// in the dialog's later responses repeats that offer (RFC 6337 §3.1) and is pointed at the
// same channel. MediaLegs is the seam: the in-process MediaRelay, or an ng client.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/message.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tipring::relay {

// What signalling says about one party's media (the relay's MediaParty, without its types).
struct MediaSide {
  std::string advertised_address;  // SDP c= (IP literal); empty if none
  std::uint16_t advertised_port = 0;
  std::uint16_t advertised_rtcp_port = 0;  // a=rtcp, 0 for none
  std::string signalling_source;           // IP the SIP message came from
  bool rtcp_mux = false;
  bool held = false;
};

// Where a party is told to send its media.
struct MediaChannel {
  std::string address;
  std::uint16_t rtp_port = 0;
  std::uint16_t rtcp_port = 0;
  bool rtcp_mux = true;
};

class MediaLegs {
public:
  virtual ~MediaLegs() = default;
  // The offerer (`from_tag`, the dialog's tags as the request carries them) describes its
  // media; returns the channel to write into the SDP sent to the other party.
  virtual Result<MediaChannel> offer(std::string_view call_id, std::string_view from_tag,
                                     std::string_view to_tag, const MediaSide& offerer) = 0;
  // The answerer describes its media; returns the channel for the SDP sent back.
  virtual Result<MediaChannel> answer(std::string_view call_id, std::string_view from_tag,
                                      std::string_view to_tag, const MediaSide& answerer) = 0;
  // Releases the call's legs (only those of `from_tag` when given).
  virtual void release(std::string_view call_id, std::string_view from_tag) = 0;
};

// One proxy steers a dialog's media, however many proxies its signalling crosses: two
// latching relays in series would each wait for the other's media before latching. The
// proxy that steers is the one that delivers the initial INVITE to the callee's binding
// (the callee's proxy) unless a peer proxy before it already steers; it puts this flag
// parameter in its Record-Route URI, so its in-dialog Route entry says "steer here", and a
// peer proxy further on sees that the call is steered (docs/architecture.md).
inline constexpr std::string_view kMediaMark = "tipring-media";

// The IP the author of `request` signalled from: `source_ip`, or, for a request relayed by
// a trusted peer proxy, the received (else the sent-by host) of the Via below the peer's,
// which the peer stamped with the client's source (RFC 3261 §18.2.1). The relay's latching
// rule learns a client's media only from that IP or the advertised one.
[[nodiscard]] std::string signalling_source(const sip::Message& request, std::string_view source_ip,
                                            bool from_peer);

// Reads the first audio stream of an SDP body.
Result<MediaSide> read_media_side(std::string_view sdp, std::string_view signalling_source);
// Points the SDP's audio stream at `channel`.
Result<std::string> steer_sdp(std::string_view sdp, const MediaChannel& channel);

class MediaSteering {
public:
  explicit MediaSteering(MediaLegs& legs) : legs_(legs) {}

  // An INVITE/UPDATE with an SDP offer about to be forwarded, or a PRACK with the answer to
  // an offer made in a reliable 18x: its body now points at the relay. Fails (the caller
  // answers 488/500) when the SDP or the relay refuses.
  Result<void> on_offer(sip::Message& request, std::string_view source_ip);
  // A response about to go upstream to `request`: an 18x/2xx answer is steered; a failed
  // initial INVITE releases its legs.
  void on_response(const sip::Message& request, sip::Message& response, std::string_view source_ip);
  // A BYE passing through: the call's legs go.
  void on_bye(const sip::Message& bye);
  // An ACK passing through: with a body it is the answer to a late offer (RFC 3261
  // §13.2.1: the offer came in the 2xx), and is steered like any answer.
  void on_ack(sip::Message& ack, std::string_view source_ip);

  [[nodiscard]] std::uint64_t failures() const { return failures_; }
  // Late offers made in a reliable 18x whose INVITE has no final response yet.
  [[nodiscard]] std::size_t early_offer_count() const { return early_offers_.size(); }

private:
  // An offer a callee made in a reliable 18x to an INVITE without SDP.
  struct EarlyOffer {
    MediaChannel channel;   // what its SDP was pointed at
    bool answered = false;  // the PRACK carried the answer
  };
  using DialogKey = std::pair<std::string, std::string>;  // Call-ID, callee's tag

  // A response to an INVITE without SDP: the callee offers.
  void on_late_offer(const sip::Message& invite, sip::Message& response,
                     std::string_view source_ip);
  // The PRACK answering an early offer.
  Result<void> on_prack(sip::Message& prack, std::string_view source_ip);
  void forget_early_offers(std::string_view call_id);
  // Points `message`'s SDP at `channel`, or counts the failure.
  void steer(sip::Message& message, Result<MediaChannel> channel);

  MediaLegs& legs_;
  std::uint64_t failures_ = 0;
  // Bounded by the INVITE transactions in progress: dropped with the INVITE's final
  // response (RFC 3262 §3: the 2xx waits for the PRACKs) or the BYE.
  std::map<DialogKey, EarlyOffer> early_offers_;
};

// Whether `message` carries an SDP body.
[[nodiscard]] bool has_sdp(const sip::Message& message);

}  // namespace tipring::relay
