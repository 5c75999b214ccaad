#include "relay_server/media/latch.h"

#include "protocol/rtp/mux.h"
#include "protocol/rtp/rtp_packet.h"

namespace tipring::relay {

namespace {

// An RTCP compound packet starts with a version-2 header of at least 8 bytes (RFC 3550 §6.4).
bool is_plausible_rtcp(std::span<const std::uint8_t> packet) {
  return packet.size() >= 8 && (packet[0] >> 6) == 2;
}

LatchVerdict drop(DropReason reason, LatchEvent event = LatchEvent::none) {
  LatchVerdict v;
  v.forward = false;
  v.reason = reason;
  v.event = event;
  return v;
}

// Where the peer's client receives RTP, if it passed learning and still gives consent.
LatchVerdict forward_rtp_to(const LegLatch& peer, const LatchPolicy& policy, TimePoint now,
                            LatchEvent event) {
  if (!peer.learned ||
      (peer.target_is_advertised && now - peer.last_received > policy.advertised_consent)) {
    return drop(DropReason::no_destination, event);
  }
  LatchVerdict v;
  v.forward = true;
  v.event = event;
  v.destination = peer.target;
  v.out_channel = PacketChannel::rtp;
  return v;
}

// Where the peer's client receives RTCP: its RTP target when muxed; otherwise the RTCP
// source it latched, or for a public client the SDP RTCP port.
LatchVerdict forward_rtcp_to(const LegLatch& peer, const LatchPolicy& policy, TimePoint now) {
  LatchVerdict v = forward_rtp_to(peer, policy, now, LatchEvent::none);
  if (!v.forward || peer.signalling.rtcp_mux) {
    return v;
  }
  v.out_channel = PacketChannel::rtcp;
  if (peer.rtcp_latched) {
    v.destination = peer.rtcp_target;
  } else if (peer.target_is_advertised && peer.signalling.advertised_rtcp_port != 0) {
    v.destination = Endpoint{peer.target.ip, peer.signalling.advertised_rtcp_port};
  } else {
    return drop(DropReason::no_destination);
  }
  return v;
}

LatchVerdict on_rtcp(LegLatch& self, const LegLatch& peer, const LatchPolicy& policy,
                     const Endpoint& source, PacketChannel channel, TimePoint now) {
  if (!self.learned) {
    return drop(DropReason::not_learned);
  }
  if (channel == PacketChannel::rtp) {
    // Multiplexed: exactly the learned RTP source.
    if (source != self.source) {
      return drop(DropReason::stranger);
    }
  } else if (!self.rtcp_latched) {
    if (source.ip != self.source.ip) {
      return drop(DropReason::stranger);
    }
    self.rtcp_latched = true;
    self.rtcp_source = source;
    self.rtcp_target =
        self.target_is_advertised && self.signalling.advertised_rtcp_port != 0
            ? Endpoint{self.signalling.advertised.ip, self.signalling.advertised_rtcp_port}
            : source;
  } else if (source != self.rtcp_source) {
    return drop(DropReason::stranger);
  }
  self.last_received = now;
  return forward_rtcp_to(peer, policy, now);
}

void lock_onto_candidate(LegLatch& self, const rtp::RtpPacketView& header, TimePoint now) {
  self.learned = true;
  self.learned_rank = self.candidate_rank;
  self.source = self.candidate;
  const Endpoint& advertised = self.signalling.advertised;
  // DESIGN.md §1: same IP as advertised means a public client, possibly sending from
  // another port than it receives on; otherwise NAT, reply to where it came from.
  self.target_is_advertised = advertised.is_set() && self.source.ip == advertised.ip;
  self.target = self.target_is_advertised ? advertised : self.source;
  self.ssrc = header.ssrc;
  self.last_sequence = header.sequence;
  self.last_received = now;
  self.rtcp_latched = false;
  self.candidate_packets = 0;
  self.candidate_rank = CandidateRank::stranger;
}

// RFC 3550 App. A.1 probation: N consecutive sequence numbers from one source and SSRC.
// A lower-ranked candidate may not reset a better one's probation.
bool advance_probation(LegLatch& self, const Endpoint& source, CandidateRank rank,
                       const rtp::RtpPacketView& header, const LatchPolicy& policy) {
  const bool continues = self.candidate_packets > 0 && self.candidate == source &&
                         self.candidate_ssrc == header.ssrc &&
                         self.candidate_next_sequence == header.sequence;
  if (continues) {
    ++self.candidate_packets;
  } else {
    if (self.candidate_packets > 0 && rank < self.candidate_rank) {
      return false;
    }
    self.candidate = source;
    self.candidate_rank = rank;
    self.candidate_ssrc = header.ssrc;
    self.candidate_packets = 1;
  }
  self.candidate_next_sequence = static_cast<std::uint16_t>(header.sequence + 1);
  return self.candidate_packets >= policy.probation_packets;
}

bool may_hand_over(const LegLatch& self, const Endpoint& source, const rtp::RtpPacketView& header,
                   const LatchPolicy& policy, TimePoint now) {
  const bool allowed = policy.media_handover || self.signalling.media_handover;
  if (!allowed || source.ip != self.source.ip || header.ssrc != self.ssrc) {
    return false;
  }
  const auto ahead = static_cast<std::uint16_t>(header.sequence - self.last_sequence);
  if (ahead == 0 || ahead > policy.handover_max_sequence_jump) {
    return false;
  }
  return !self.handed_over_before || now - self.last_handover >= policy.handover_min_interval;
}

}  // namespace

std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::not_learned:
      return "not_learned";
    case DropReason::stranger:
      return "stranger";
    case DropReason::malformed:
      return "malformed";
    case DropReason::no_session:
      return "no_session";
    case DropReason::unpublished:
      return "unpublished";
    case DropReason::no_destination:
      return "no_destination";
  }
  return "unknown";
}

CandidateRank rank_candidate(const Endpoint& source, const LatchSignalling& signalling) {
  const Endpoint& advertised = signalling.advertised;
  if (advertised.is_set() && source == advertised) {
    return CandidateRank::advertised;
  }
  if (advertised.is_set() && source.ip == advertised.ip) {
    return CandidateRank::advertised_ip;
  }
  if (!signalling.signalling_source.is_unspecified() && source.ip == signalling.signalling_source) {
    return CandidateRank::signalling_ip;
  }
  return CandidateRank::stranger;
}

LatchVerdict latch_packet(LegLatch& self, const LegLatch& peer, const LatchPolicy& policy,
                          const Endpoint& source, std::span<const std::uint8_t> packet,
                          PacketChannel channel, TimePoint now) {
  if (!self.signalling.published) {
    return drop(DropReason::unpublished);
  }
  if (channel == PacketChannel::rtcp ||
      (self.signalling.rtcp_mux &&
       rtp::classify_muxed_packet(packet) == rtp::MuxedPacketKind::rtcp)) {
    if (!is_plausible_rtcp(packet)) {
      return drop(DropReason::malformed);
    }
    return on_rtcp(self, peer, policy, source, channel, now);
  }
  const auto header = rtp::parse_rtp(packet);
  if (!header || header->ssrc == 0) {
    return drop(DropReason::malformed);
  }

  if (self.learned && source == self.source) {
    self.ssrc = header->ssrc;  // a new SSRC from the locked source is the same client
    self.last_sequence = header->sequence;
    self.last_received = now;
    return forward_rtp_to(peer, policy, now, LatchEvent::none);
  }
  if (self.learned && may_hand_over(self, source, *header, policy, now)) {
    self.source = source;
    if (!self.target_is_advertised) {
      self.target = source;
    }
    self.rtcp_latched = false;
    self.last_sequence = header->sequence;
    self.last_received = now;
    self.last_handover = now;
    self.handed_over_before = true;
    return forward_rtp_to(peer, policy, now, LatchEvent::handed_over);
  }

  const CandidateRank rank = rank_candidate(source, self.signalling);
  if (rank == CandidateRank::stranger) {
    return drop(DropReason::stranger);
  }
  if (self.learned) {
    // Locked. Only fresh signalling reopens learning, and only for a better candidate.
    const bool window_open = now - self.signalling.updated_at < policy.learning_window;
    if (!window_open || rank <= self.learned_rank) {
      return drop(DropReason::stranger);
    }
  }
  if (!advance_probation(self, source, rank, *header, policy)) {
    return drop(self.learned ? DropReason::stranger : DropReason::not_learned);
  }
  const LatchEvent event = self.learned ? LatchEvent::relearned : LatchEvent::learned;
  lock_onto_candidate(self, *header, now);
  return forward_rtp_to(peer, policy, now, event);
}

void update_signalling(LegLatch& latch, const LatchSignalling& signalling, TimePoint now) {
  latch.signalling = signalling;
  latch.signalling.updated_at = now;
  if (!latch.learned) {
    return;
  }
  latch.learned_rank = rank_candidate(latch.source, signalling);
  const Endpoint& advertised = signalling.advertised;
  latch.target_is_advertised = advertised.is_set() && latch.source.ip == advertised.ip;
  latch.target = latch.target_is_advertised ? advertised : latch.source;
  latch.rtcp_latched = false;
}

}  // namespace tipring::relay
