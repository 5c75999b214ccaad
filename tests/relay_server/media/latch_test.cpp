#include "relay_server/media/latch.h"

#include "tests/relay_server/media/rtp_packet_builder.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using namespace std::chrono_literals;
using testing::rtcp_receiver_report;
using testing::rtp_packet;

Endpoint ep(const char* ip, std::uint16_t port) {
  return Endpoint{*IpAddress::parse(ip), port};
}
IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

constexpr std::uint32_t kSsrc = 0x11223344;
const TimePoint kStart{std::chrono::seconds(1000)};

LatchSignalling signalling(Endpoint advertised, IpAddress sip_source) {
  LatchSignalling s;
  s.advertised = advertised;
  s.signalling_source = sip_source;
  s.published = true;
  s.updated_at = kStart;
  return s;
}

// A leg under test facing one client, and a peer leg already latched onto its client, so
// a forwarded packet has somewhere to go.
struct LatchFixture : ::testing::Test {
  LatchPolicy policy;
  LegLatch leg;
  LegLatch peer;
  TimePoint now = kStart;

  void SetUp() override {
    peer.signalling = signalling(ep("192.0.2.20", 7000), ip("192.0.2.20"));
    peer.learned = true;
    peer.source = peer.target = ep("192.0.2.20", 7000);
    peer.last_received = kStart;
  }

  LatchVerdict send(const Endpoint& from, std::uint16_t sequence, std::uint32_t ssrc = kSsrc) {
    now += 20ms;
    const auto packet = rtp_packet(sequence, ssrc);
    return latch_packet(leg, peer, policy, from, packet, PacketChannel::rtp, now);
  }
  LatchVerdict send_bytes(const Endpoint& from, const std::vector<std::uint8_t>& packet,
                          PacketChannel channel = PacketChannel::rtp) {
    now += 20ms;
    return latch_packet(leg, peer, policy, from, packet, channel, now);
  }
  // Sends `count` consecutive packets starting at `first`; returns the last verdict.
  LatchVerdict send_run(const Endpoint& from, std::uint16_t first, int count,
                        std::uint32_t ssrc = kSsrc) {
    LatchVerdict v;
    for (int i = 0; i < count; ++i) {
      v = send(from, static_cast<std::uint16_t>(first + i), ssrc);
    }
    return v;
  }
};

TEST_F(LatchFixture, NatClientIsSentToItsObservedSourceAfterProbation) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint nat = ep("203.0.113.5", 61000);

  EXPECT_EQ(send(nat, 100).reason, DropReason::not_learned);
  EXPECT_EQ(send(nat, 101).reason, DropReason::not_learned);
  const LatchVerdict third = send(nat, 102);

  EXPECT_TRUE(third.forward);
  EXPECT_EQ(third.event, LatchEvent::learned);
  EXPECT_EQ(third.destination, peer.target);
  EXPECT_TRUE(leg.learned);
  EXPECT_EQ(leg.target, nat);
  EXPECT_FALSE(leg.target_is_advertised);
}

TEST_F(LatchFixture, PublicClientWithSeparateSendPortIsSentToItsAdvertisedAddress) {
  leg.signalling = signalling(ep("198.51.100.7", 4000), ip("198.51.100.7"));

  const LatchVerdict v = send_run(ep("198.51.100.7", 4002), 1, 3);

  EXPECT_EQ(v.event, LatchEvent::learned);
  EXPECT_EQ(leg.target, ep("198.51.100.7", 4000));
  EXPECT_TRUE(leg.target_is_advertised);
  EXPECT_EQ(leg.source, ep("198.51.100.7", 4002));
}

TEST_F(LatchFixture, StrangerFirstIsDroppedAndNeverBecomesACandidate) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint stranger = ep("192.0.2.66", 5000);

  for (std::uint16_t s = 0; s < 10; ++s) {
    EXPECT_EQ(send(stranger, s).reason, DropReason::stranger);
  }
  EXPECT_FALSE(leg.learned);
  EXPECT_EQ(leg.candidate_packets, 0u);

  const LatchVerdict v = send_run(ep("203.0.113.5", 61000), 500, 3);
  EXPECT_EQ(v.event, LatchEvent::learned);
  EXPECT_EQ(leg.target, ep("203.0.113.5", 61000));
}

TEST_F(LatchFixture, StrangerAfterLockIsDroppedAndTheTargetStays) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);
  send_run(client, 1, 3);

  // Same SSRC and next sequence number, as an RTP Bleed attacker would copy them.
  EXPECT_EQ(send(ep("192.0.2.66", 5000), 4).reason, DropReason::stranger);
  // A neighbour behind the same NAT matches the signalling IP but the leg is locked.
  EXPECT_EQ(send_run(ep("203.0.113.5", 62000), 5, 5).reason, DropReason::stranger);

  EXPECT_EQ(leg.target, client);
  EXPECT_TRUE(send(client, 10).forward);
}

TEST_F(LatchFixture, NatRebindingIsRefusedWhenHandoverIsOff) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  send_run(ep("203.0.113.5", 61000), 1, 3);

  const LatchVerdict v = send_run(ep("203.0.113.5", 61001), 4, 10);

  EXPECT_FALSE(v.forward);
  EXPECT_EQ(v.reason, DropReason::stranger);
  EXPECT_EQ(leg.target, ep("203.0.113.5", 61000));
}

TEST_F(LatchFixture, NatRebindingWithContinuityIsHandedOverWhenEnabled) {
  policy.media_handover = true;
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint old_binding = ep("203.0.113.5", 61000);
  const Endpoint new_binding = ep("203.0.113.5", 61001);
  send_run(old_binding, 1, 3);

  const LatchVerdict v = send(new_binding, 4);

  EXPECT_TRUE(v.forward);
  EXPECT_EQ(v.event, LatchEvent::handed_over);
  EXPECT_EQ(leg.target, new_binding);
  EXPECT_EQ(send(old_binding, 5).reason, DropReason::stranger);
}

struct HandoverCase {
  std::string name;
  const char* source_ip;
  std::uint32_t ssrc;
  std::uint16_t sequence;
};

void PrintTo(const HandoverCase& c, std::ostream* os) {
  *os << c.name;
}

class HandoverRefusal : public LatchFixture, public ::testing::WithParamInterface<HandoverCase> {};

TEST_P(HandoverRefusal, KeepsTheLock) {
  policy.media_handover = true;
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  send_run(ep("203.0.113.5", 61000), 1, 3);  // last sequence 3

  const LatchVerdict v =
      send(ep(GetParam().source_ip, 61001), GetParam().sequence, GetParam().ssrc);

  EXPECT_FALSE(v.forward);
  EXPECT_EQ(v.reason, DropReason::stranger);
  EXPECT_EQ(leg.target, ep("203.0.113.5", 61000));
}

INSTANTIATE_TEST_SUITE_P(
    Latch, HandoverRefusal,
    ::testing::Values(HandoverCase{"FromAnotherIp", "192.0.2.66", kSsrc, 4},
                      HandoverCase{"WithAnotherSsrc", "203.0.113.5", kSsrc + 1, 4},
                      HandoverCase{"WithARepeatedSequence", "203.0.113.5", kSsrc, 3},
                      HandoverCase{"WithAnOldSequence", "203.0.113.5", kSsrc, 65000},
                      HandoverCase{"BeyondTheContinuityBound", "203.0.113.5", kSsrc, 3 + 537}),
    [](const auto& test_case) { return test_case.param.name; });

TEST_F(LatchFixture, HandoverIsRateLimited) {
  policy.media_handover = true;
  policy.handover_min_interval = 2s;
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  send_run(ep("203.0.113.5", 61000), 1, 3);
  ASSERT_EQ(send(ep("203.0.113.5", 61001), 4).event, LatchEvent::handed_over);

  EXPECT_EQ(send(ep("203.0.113.5", 61002), 5).reason, DropReason::stranger);
  now += 2s;
  EXPECT_EQ(send(ep("203.0.113.5", 61002), 6).event, LatchEvent::handed_over);
  EXPECT_EQ(leg.target, ep("203.0.113.5", 61002));
}

TEST_F(LatchFixture, HandoverOfAPublicClientKeepsSendingToItsAdvertisedAddress) {
  policy.media_handover = true;
  leg.signalling = signalling(ep("198.51.100.7", 4000), ip("198.51.100.7"));
  send_run(ep("198.51.100.7", 4002), 1, 3);

  EXPECT_EQ(send(ep("198.51.100.7", 4004), 4).event, LatchEvent::handed_over);
  EXPECT_EQ(leg.target, ep("198.51.100.7", 4000));
}

TEST_F(LatchFixture, SsrcChangeDuringProbationRestartsIt) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);
  send(client, 1, kSsrc);
  send(client, 2, kSsrc);

  EXPECT_EQ(send(client, 3, kSsrc + 1).reason, DropReason::not_learned);
  EXPECT_EQ(send(client, 4, kSsrc + 1).reason, DropReason::not_learned);
  EXPECT_EQ(send(client, 5, kSsrc + 1).event, LatchEvent::learned);
}

TEST_F(LatchFixture, SsrcChangeFromTheLockedSourceIsStillForwarded) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);
  send_run(client, 1, 3);

  EXPECT_TRUE(send(client, 900, kSsrc + 7).forward);
  EXPECT_EQ(leg.ssrc, kSsrc + 7);
}

TEST_F(LatchFixture, ProbationCountsAcrossTheSequenceWrap) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);

  EXPECT_EQ(send(client, 65534).reason, DropReason::not_learned);
  EXPECT_EQ(send(client, 65535).reason, DropReason::not_learned);
  EXPECT_EQ(send(client, 0).event, LatchEvent::learned);
}

TEST_F(LatchFixture, HandoverContinuityHoldsAcrossTheSequenceWrap) {
  policy.media_handover = true;
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  send_run(ep("203.0.113.5", 61000), 65533, 3);  // ends at 65535

  EXPECT_EQ(send(ep("203.0.113.5", 61001), 2).event, LatchEvent::handed_over);
}

TEST_F(LatchFixture, ProbationRestartsOnASequenceGap) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);
  send(client, 10);
  send(client, 11);

  EXPECT_EQ(send(client, 13).reason, DropReason::not_learned);
  EXPECT_EQ(send(client, 14).reason, DropReason::not_learned);
  EXPECT_EQ(send(client, 15).event, LatchEvent::learned);
}

TEST_F(LatchFixture, ProbationLengthIsConfigurable) {
  policy.probation_packets = 5;
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));

  EXPECT_FALSE(send_run(ep("203.0.113.5", 61000), 1, 4).forward);
  EXPECT_EQ(send(ep("203.0.113.5", 61000), 5).event, LatchEvent::learned);
}

TEST_F(LatchFixture, NothingIsLearnedBeforeTheLegIsPublished) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  leg.signalling.published = false;
  const Endpoint client = ep("203.0.113.5", 61000);

  EXPECT_EQ(send_run(client, 1, 5).reason, DropReason::unpublished);
  EXPECT_FALSE(leg.learned);

  LatchSignalling published = leg.signalling;
  published.published = true;
  update_signalling(leg, published, now);
  EXPECT_EQ(send_run(client, 6, 3).event, LatchEvent::learned);
}

TEST_F(LatchFixture, LowerRankedCandidateCannotResetABetterOnesProbation) {
  leg.signalling = signalling(ep("198.51.100.7", 4000), ip("203.0.113.5"));
  const Endpoint exact = ep("198.51.100.7", 4000);
  send(exact, 1);
  send(exact, 2);

  EXPECT_EQ(send(ep("203.0.113.5", 9999), 50).reason, DropReason::not_learned);
  EXPECT_EQ(send(exact, 3).event, LatchEvent::learned);
  EXPECT_EQ(leg.source, exact);
}

TEST_F(LatchFixture, BetterCandidateReplacesTheLockOnlyInsideTheLearningWindow) {
  leg.signalling = signalling(ep("198.51.100.7", 4000), ip("203.0.113.5"));
  send_run(ep("203.0.113.5", 61000), 1, 3);
  ASSERT_EQ(leg.learned_rank, CandidateRank::signalling_ip);

  EXPECT_EQ(send_run(ep("198.51.100.7", 4000), 100, 3).event, LatchEvent::relearned);
  EXPECT_EQ(leg.target, ep("198.51.100.7", 4000));

  LegLatch late;
  late.signalling = signalling(ep("198.51.100.7", 4000), ip("203.0.113.5"));
  std::swap(leg, late);
  send_run(ep("203.0.113.5", 61000), 1, 3);
  now += 4s;
  EXPECT_EQ(send_run(ep("198.51.100.7", 4000), 100, 3).reason, DropReason::stranger);
  EXPECT_EQ(leg.target, ep("203.0.113.5", 61000));
}

TEST_F(LatchFixture, RtcpIsNotUsedForLearning) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);

  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(send_bytes(client, rtcp_receiver_report(kSsrc)).reason, DropReason::not_learned);
  }
  EXPECT_FALSE(leg.learned);
  EXPECT_EQ(leg.candidate_packets, 0u);
}

TEST_F(LatchFixture, MultiplexedRtcpFollowsItsRtpSource) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);
  send_run(client, 1, 3);

  const LatchVerdict from_client = send_bytes(client, rtcp_receiver_report(kSsrc));
  EXPECT_TRUE(from_client.forward);
  EXPECT_EQ(from_client.destination, peer.target);
  EXPECT_EQ(send_bytes(ep("203.0.113.5", 61001), rtcp_receiver_report(kSsrc)).reason,
            DropReason::stranger);
}

TEST_F(LatchFixture, SeparateRtcpPortLatchesOnceFromTheLearnedIp) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  leg.signalling.rtcp_mux = false;
  peer.signalling.rtcp_mux = false;
  peer.signalling.advertised_rtcp_port = 7001;
  peer.target_is_advertised = true;
  send_run(ep("203.0.113.5", 61000), 1, 3);

  EXPECT_EQ(
      send_bytes(ep("192.0.2.66", 61001), rtcp_receiver_report(kSsrc), PacketChannel::rtcp).reason,
      DropReason::stranger);
  const LatchVerdict v =
      send_bytes(ep("203.0.113.5", 61001), rtcp_receiver_report(kSsrc), PacketChannel::rtcp);
  EXPECT_TRUE(v.forward);
  EXPECT_EQ(v.out_channel, PacketChannel::rtcp);
  EXPECT_EQ(v.destination, ep("192.0.2.20", 7001));
  EXPECT_EQ(leg.rtcp_target, ep("203.0.113.5", 61001));
  EXPECT_EQ(
      send_bytes(ep("203.0.113.5", 61003), rtcp_receiver_report(kSsrc), PacketChannel::rtcp).reason,
      DropReason::stranger);
}

TEST_F(LatchFixture, NothingIsSentToAPeerThatHasNotLearned) {
  peer = LegLatch{};
  peer.signalling = signalling(ep("192.0.2.20", 7000), ip("192.0.2.20"));
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));

  const LatchVerdict v = send_run(ep("203.0.113.5", 61000), 1, 3);

  EXPECT_FALSE(v.forward);
  EXPECT_EQ(v.reason, DropReason::no_destination);
  EXPECT_EQ(v.event, LatchEvent::learned);
}

TEST_F(LatchFixture, SilentPublicPeerLosesItsConsent) {
  peer.target_is_advertised = true;
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  const Endpoint client = ep("203.0.113.5", 61000);
  EXPECT_TRUE(send_run(client, 1, 3).forward);

  now = peer.last_received + policy.advertised_consent + 1s;
  EXPECT_EQ(send(client, 4).reason, DropReason::no_destination);
}

struct MalformedCase {
  std::string name;
  std::vector<std::uint8_t> packet;
};

void PrintTo(const MalformedCase& c, std::ostream* os) {
  *os << c.name;
}

class MalformedPacket : public LatchFixture, public ::testing::WithParamInterface<MalformedCase> {};

TEST_P(MalformedPacket, IsDroppedAndTeachesNothing) {
  leg.signalling = signalling(ep("192.168.1.10", 4000), ip("203.0.113.5"));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(send_bytes(ep("203.0.113.5", 61000), GetParam().packet).reason,
              DropReason::malformed);
  }
  EXPECT_FALSE(leg.learned);
  EXPECT_EQ(leg.candidate_packets, 0u);
}

std::vector<std::uint8_t> with_byte(std::vector<std::uint8_t> p, std::size_t i, std::uint8_t b) {
  p[i] = b;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Latch, MalformedPacket,
    ::testing::Values(MalformedCase{"Empty", {}},
                      MalformedCase{"ShorterThanTheFixedHeader",
                                    {0x80, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3}},
                      MalformedCase{"VersionOne", with_byte(rtp_packet(1, kSsrc), 0, 0x40)},
                      MalformedCase{"VersionZero", with_byte(rtp_packet(1, kSsrc), 0, 0x00)},
                      MalformedCase{"SsrcZero", rtp_packet(1, 0)},
                      MalformedCase{"ShortRtcp", {0x80, 200, 0, 0}}),
    [](const auto& test_case) { return test_case.param.name; });

TEST(CandidateRank, RanksExactSdpAboveSdpIpAboveSignallingIp) {
  const LatchSignalling s = signalling(ep("198.51.100.7", 4000), ip("203.0.113.5"));
  EXPECT_EQ(rank_candidate(ep("198.51.100.7", 4000), s), CandidateRank::advertised);
  EXPECT_EQ(rank_candidate(ep("198.51.100.7", 4002), s), CandidateRank::advertised_ip);
  EXPECT_EQ(rank_candidate(ep("203.0.113.5", 1), s), CandidateRank::signalling_ip);
  EXPECT_EQ(rank_candidate(ep("192.0.2.1", 4000), s), CandidateRank::stranger);
}

TEST(CandidateRank, AnUnsetAdvertisedAddressMatchesNothing) {
  const LatchSignalling s = signalling(ep("0.0.0.0", 4000), IpAddress{});
  EXPECT_EQ(rank_candidate(ep("0.0.0.0", 4000), s), CandidateRank::stranger);
}

}  // namespace
}  // namespace tipring::relay
