// LegLatch and latch_packet: the relay's learning and latching rule for one call leg, as a
// pure function of (leg state, source, packet bytes, now) -> verdict. This is DESIGN.md §1
// (NAT client: send to the observed source; public client: send to the SDP address) with
// the safe-learning rules of RFC 7362 §5 and RFC 3550 App. A.1 probation.
#pragma once

#include "protocol/core/time.h"
#include "relay_server/media/endpoint.h"

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

namespace tipring::relay {

// Why a packet was not forwarded. Each is a separate metrics counter.
enum class DropReason : std::uint8_t {
  not_learned,     // the receiving leg is still in probation, or RTCP before its RTP latched
  stranger,        // the source is not a candidate, or the leg is locked to another source
  malformed,       // not RTP/RTCP version 2, shorter than a header, or SSRC 0
  no_session,      // no live leg behind the port (released, or a port nobody allocated)
  unpublished,     // the leg's relay port has not yet appeared in an answered SDP
  no_destination,  // the other leg has not learned an address (or its consent lapsed)
};
inline constexpr std::size_t kDropReasonCount = 6;
std::string_view drop_reason_name(DropReason reason);

enum class LatchEvent : std::uint8_t {
  none,
  learned,      // the leg passed probation and locked onto a source
  relearned,    // inside the learning window a better-ranked candidate replaced the lock
  handed_over,  // media handover: same IP, same SSRC, sequence continuity, rate-limited
};

// Which of the leg's sockets carried the packet, or should carry the forwarded copy.
enum class PacketChannel : std::uint8_t { rtp, rtcp };

// What signalling (SDP offer/answer and the SIP source address) says about a leg's client.
struct LatchSignalling {
  Endpoint advertised;                     // SDP c= and m= port; unset when none was given
  std::uint16_t advertised_rtcp_port = 0;  // a=rtcp or m= port + 1; unused when rtcp_mux
  IpAddress signalling_source;             // where the SIP message carrying the SDP came from
  bool rtcp_mux = true;                    // RTCP shares the RTP port (RFC 5761)
  bool published = false;  // an answered SDP has named this leg's relay port: learning may start
  bool media_handover = false;  // this leg allows handover even if the policy does not
  TimePoint updated_at;         // last offer/answer about this leg: opens the learning window
};

struct LatchPolicy {
  unsigned probation_packets = 3;  // consecutive sequence numbers on one SSRC
  bool media_handover = false;     // allow a locked leg to move to a new port, same IP
  Duration learning_window = std::chrono::seconds(3);  // after signalling: better ranks win
  Duration handover_min_interval = std::chrono::seconds(2);
  std::uint16_t handover_max_sequence_jump = 536;  // rtpproxy's continuity bound
  // A public client is sent to only while it keeps sending (RFC 7675 consent, in spirit),
  // so the relay cannot be aimed at a third party's advertised address.
  Duration advertised_consent = std::chrono::seconds(30);
};

// How well a candidate source matches signalling; 0 means a stranger (never learned).
enum class CandidateRank : std::uint8_t {
  stranger = 0,
  signalling_ip = 1,  // the SIP source IP (a client behind NAT)
  advertised_ip = 2,  // the SDP IP, another port (a public client with a separate send port)
  advertised = 3,     // exactly the SDP ip:port
};
CandidateRank rank_candidate(const Endpoint& source, const LatchSignalling& signalling);

struct LegLatch {
  LatchSignalling signalling;

  // Probation of the current candidate.
  Endpoint candidate;
  std::uint32_t candidate_ssrc = 0;
  std::uint16_t candidate_next_sequence = 0;
  unsigned candidate_packets = 0;
  CandidateRank candidate_rank = CandidateRank::stranger;

  // The lock: media is accepted only from `source`, this leg's media is sent to `target`.
  bool learned = false;
  CandidateRank learned_rank = CandidateRank::stranger;
  Endpoint source;
  Endpoint target;
  bool target_is_advertised = false;  // public client: the SDP address, not the source
  std::uint32_t ssrc = 0;             // last SSRC and sequence from `source`, for handover
  std::uint16_t last_sequence = 0;
  TimePoint last_received;
  TimePoint last_handover;
  bool handed_over_before = false;

  // RTCP on its own port (no rtcp-mux): follows the learned RTP source IP, latched once.
  bool rtcp_latched = false;
  Endpoint rtcp_source;
  Endpoint rtcp_target;
};

struct LatchVerdict {
  bool forward = false;
  DropReason reason = DropReason::not_learned;  // meaningful when !forward
  LatchEvent event = LatchEvent::none;
  Endpoint destination;                            // where the peer leg receives
  PacketChannel out_channel = PacketChannel::rtp;  // which of the peer's sockets sends it
};

// One packet that arrived on `self`'s `channel` from `source`, to be relayed to `peer`'s
// client. Updates `self` (probation, lock, handover); `peer` is only read.
LatchVerdict latch_packet(LegLatch& self, const LegLatch& peer, const LatchPolicy& policy,
                          const Endpoint& source, std::span<const std::uint8_t> packet,
                          PacketChannel channel, TimePoint now);

// New signalling about the leg (offer, answer, re-INVITE): reopens the learning window and
// re-ranks the current lock against the new addresses. A lock is never dropped here.
void update_signalling(LegLatch& latch, const LatchSignalling& signalling, TimePoint now);

}  // namespace tipring::relay
