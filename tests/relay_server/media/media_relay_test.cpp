#include "relay_server/media/media_relay.h"

#include "tests/relay_server/media/relay_call.h"
#include "tests/support/private_network.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using namespace std::chrono_literals;
using namespace testing;

constexpr std::uint32_t kAliceSsrc = 0xa11ce;
constexpr std::uint32_t kBobSsrc = 0xb0b;
constexpr std::uint8_t kFromAlice = 0xaa;
constexpr std::uint8_t kFromBob = 0xbb;

// Alice sits behind NAT: her SDP names a private address, her SIP and media come from
// 127.0.0.2. Bob is public with separate send and receive sockets on 127.0.0.3. Every test
// runs on both data paths (a socket per leg; the steered path's shared socket) in a network
// namespace of its own, since the steered path's sk_lookup program sees the whole namespace.
struct RelayedCall : ::testing::TestWithParam<MediaDataPath> {
  static void SetUpTestSuite() { test_support::enter_private_network(); }
  void SetUp() override {
    if (GetParam() == MediaDataPath::steered && !test_support::enter_private_network().empty()) {
      GTEST_SKIP() << "the steered data path is tested in a private network namespace: "
                   << test_support::enter_private_network();
    }
  }

  std::vector<SessionSummary> released;  // outlives the relay, which reports on shutdown
  std::unique_ptr<MediaRelay> relay;
  UdpPeer alice{"127.0.0.2"};
  UdpPeer bob_receive{"127.0.0.3"};
  UdpPeer bob_send{"127.0.0.3"};
  Endpoint alice_sends_to;
  Endpoint bob_sends_to;
  std::uint16_t alice_seq = 1000;
  std::uint16_t bob_seq = 2000;

  void start(MediaRelayConfig config) {
    config.data_path = GetParam();
    relay = std::make_unique<MediaRelay>(std::move(config));
    auto started = relay->start();
    ASSERT_TRUE(started.has_value()) << started.error().describe();
  }

  MediaParty alice_party() const {
    MediaParty p;
    p.advertised = endpoint("192.168.1.10", 4000);
    p.signalling_source = *IpAddress::parse("127.0.0.2");
    return p;
  }
  MediaParty bob_party() const {
    MediaParty p;
    p.advertised = bob_receive.local();
    p.signalling_source = *IpAddress::parse("127.0.0.3");
    return p;
  }

  void offer() {
    auto channel = relay->offer("call-1@example", "alice-tag", "", alice_party());
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();
    bob_sends_to = relay_endpoint(*channel);
  }
  void answer() {
    auto channel = relay->answer("call-1@example", "alice-tag", "bob-tag", bob_party());
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();
    alice_sends_to = relay_endpoint(*channel);
  }

  void alice_sends(int count) {
    for (int i = 0; i < count; ++i) {
      alice.send_to(alice_sends_to, marked_packet(kFromAlice, alice_seq++, kAliceSsrc));
    }
  }
  void bob_sends(int count) {
    for (int i = 0; i < count; ++i) {
      bob_send.send_to(bob_sends_to, marked_packet(kFromBob, bob_seq++, kBobSsrc));
    }
  }
  bool both_learned() const {
    auto s = relay->query("call-1@example");
    return s && s->legs[0].learned && s->legs[1].learned;
  }
  // Probation for both; the packets that teach the relay are not delivered.
  void learn_both() {
    alice_sends(3);
    bob_sends(3);
    // The packet completing each probation is forwarded or dropped for want of a learned
    // peer; once both are accounted for, nothing from learning is still in flight.
    ASSERT_TRUE(eventually([&] {
      auto s = relay->query("call-1@example");
      auto settled = [](const LegSummary& leg) {
        return leg.learned &&
               leg.traffic.packets_forwarded + leg.traffic.dropped(DropReason::no_destination) >= 1;
      };
      return s && settled(s->legs[0]) && settled(s->legs[1]);
    }));
    alice.drain(0ms);
    bob_receive.drain(0ms);
  }
  static std::size_t count_marked(const std::vector<UdpPeer::Datagram>& all, std::uint8_t marker) {
    std::size_t n = 0;
    for (const auto& d : all) {
      n += d.bytes.size() > 12 && d.bytes[12] == marker ? 1 : 0;
    }
    return n;
  }
  // Alice sends runs of datagrams of mixed sizes back to back (some leave the relay as one
  // UDP GSO message); Bob must get every one, byte for byte, in order, from his relay port.
  void expect_mixed_bursts_arrive_intact() {
    std::vector<std::vector<std::uint8_t>> sent;
    for (const auto& [count, payload] : std::vector<std::pair<int, std::size_t>>{
             {12, 160}, {1, 80}, {5, 160}, {3, 1388}, {2, 48}, {1, 160}, {20, 160}}) {
      for (int i = 0; i < count; ++i) {
        auto packet = rtp_packet(alice_seq, kAliceSsrc, payload);
        packet[12] = kFromAlice;
        packet[13] = static_cast<std::uint8_t>(alice_seq >> 8);
        packet[14] = static_cast<std::uint8_t>(alice_seq);
        ++alice_seq;
        sent.push_back(std::move(packet));
      }
    }
    for (const auto& packet : sent) {
      alice.send_to(alice_sends_to, packet);
    }
    const auto at_bob = bob_receive.receive_count(sent.size(), 3s);

    ASSERT_EQ(at_bob.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
      EXPECT_EQ(at_bob[i].bytes, sent[i]) << "datagram " << i;
      EXPECT_EQ(at_bob[i].from, bob_sends_to);
    }
  }
};

TEST_P(RelayedCall, BurstsOfMixedSizesArriveAsTheSameDatagramsInOrder) {
  start(loopback_config(41000, 41099));
  offer();
  answer();
  learn_both();
  expect_mixed_bursts_arrive_intact();
}

// busy_poll only changes how a worker waits; what it relays must not change.
TEST_P(RelayedCall, AWorkerThatAlwaysSleepsRelaysBurstsTheSameAsABusyPollingOne) {
  auto config = loopback_config(42100, 42149);
  config.busy_poll = 0us;
  start(config);
  offer();
  answer();
  learn_both();
  expect_mixed_bursts_arrive_intact();
}

TEST_P(RelayedCall, NothingFlowsBeforeTheAnswerPublishesTheLegs) {
  start(loopback_config(41100, 41199));
  offer();
  bob_sends(10);

  EXPECT_TRUE(alice.drain(100ms).empty());
  auto s = relay->query("call-1@example");
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE(s->legs[1].learned);
  EXPECT_TRUE(eventually([&] {
    return relay->query("call-1@example")->legs[1].traffic.dropped(DropReason::unpublished) == 10;
  }));
}

TEST_P(RelayedCall, AThirdSocketFloodingEveryPortReceivesNothingAndDisturbsNothing) {
  const std::uint16_t first = 41200;
  const std::uint16_t last = 41239;
  start(loopback_config(first, last));
  UdpPeer attacker("127.0.0.66");
  std::uint16_t attacker_seq = 1003;  // chases Alice's own numbering
  auto flood = [&] {
    for (int round = 0; round < 5; ++round) {
      for (std::uint32_t port = first; port <= last; ++port) {
        attacker.send_to(endpoint("127.0.0.1", static_cast<std::uint16_t>(port)),
                         marked_packet(0x66, attacker_seq, kAliceSsrc));
      }
      ++attacker_seq;
    }
  };

  flood();  // before the call
  offer();
  flood();  // offered, unpublished
  answer();
  flood();  // published, nobody learned yet: the attacker is first
  learn_both();
  for (int i = 0; i < 10; ++i) {  // during the call, interleaved with the media
    flood();
    alice_sends(5);
    bob_sends(5);
  }
  const auto at_bob = bob_receive.receive_count(50, 3s);
  const auto at_alice = alice.receive_count(50, 3s);
  const auto during = relay->query("call-1@example");
  relay->release("call-1@example");
  flood();  // after the call

  EXPECT_TRUE(attacker.drain(200ms).empty());
  EXPECT_EQ(at_bob.size(), 50u);
  EXPECT_EQ(count_marked(at_bob, kFromAlice), 50u);
  EXPECT_EQ(at_alice.size(), 50u);
  EXPECT_EQ(count_marked(at_alice, kFromBob), 50u);
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(during->legs[0].learned_source, alice.local());
  EXPECT_EQ(during->legs[1].learned_source, bob_send.local());
  EXPECT_GT(during->legs[0].traffic.dropped(DropReason::stranger), 0u);
  EXPECT_GT(during->legs[0].traffic.dropped(DropReason::unpublished), 0u);
}

TEST_P(RelayedCall, IdleSessionIsReleasedAndTheListenerGetsItsFinalStatistics) {
  MediaRelayConfig config = loopback_config(41300, 41399);
  config.idle_timeout = 60s;
  start(config);
  relay->on_session_released([&](const SessionSummary& s) { released.push_back(s); });
  offer();
  answer();
  learn_both();
  alice_sends(20);
  ASSERT_EQ(count_marked(bob_receive.receive_count(20, 3s), kFromAlice), 20u);
  ASSERT_TRUE(eventually(
      [&] { return relay->query("call-1@example")->legs[0].traffic.packets_forwarded == 20; }));

  relay->expire_idle(monotonic_now() + 30s);
  EXPECT_EQ(relay->session_count(), 1u);
  relay->expire_idle(monotonic_now() + 61s);

  EXPECT_EQ(relay->session_count(), 0u);
  ASSERT_EQ(released.size(), 1u);
  const SessionSummary& s = released[0];
  EXPECT_EQ(s.reason, ReleaseReason::idle_timeout);
  EXPECT_EQ(s.call_id, "call-1@example");
  EXPECT_EQ(s.to_tag, "bob-tag");
  EXPECT_EQ(s.legs[0].traffic.packets_received, 23u);
  EXPECT_EQ(s.legs[0].traffic.packets_forwarded, 20u);
  EXPECT_EQ(s.legs[0].traffic.bytes_forwarded, 20u * 172u);
  EXPECT_EQ(s.legs[0].traffic.dropped(DropReason::not_learned), 2u);
}

TEST_P(RelayedCall, HeldSessionOutlivesTheIdleTimeoutUntilTheHeldTimeout) {
  MediaRelayConfig config = loopback_config(41400, 41499);
  config.idle_timeout = 60s;
  config.held_timeout = 3600s;
  start(config);
  relay->on_session_released([&](const SessionSummary& s) { released.push_back(s); });
  offer();
  MediaParty held = bob_party();
  held.held = true;
  ASSERT_TRUE(relay->answer("call-1@example", "alice-tag", "bob-tag", held).has_value());

  relay->expire_idle(monotonic_now() + 120s);
  EXPECT_EQ(relay->session_count(), 1u);
  relay->expire_idle(monotonic_now() + 3601s);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].reason, ReleaseReason::held_timeout);
}

TEST_P(RelayedCall, OfferWithoutAnswerExpiresAfterTheIdleTimeout) {
  start(loopback_config(41900, 41999));
  relay->on_session_released([&](const SessionSummary& s) { released.push_back(s); });
  offer();

  relay->expire_idle(monotonic_now() + 61s);

  EXPECT_EQ(relay->session_count(), 0u);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].reason, ReleaseReason::idle_timeout);
  EXPECT_TRUE(released[0].to_tag.empty());
}

TEST_P(RelayedCall, ReleasedPortsAreQuarantinedAndNotReissued) {
  start(loopback_config(41500, 41503));  // two port pairs: exactly one session
  offer();
  EXPECT_FALSE(relay->offer("call-2", "x", "", alice_party()).has_value());
  ASSERT_EQ(relay->release("call-1@example").size(), 1u);
  EXPECT_FALSE(relay->offer("call-2", "x", "", alice_party()).has_value());
}

TEST_P(RelayedCall, AnswerWithoutOfferIsRefused) {
  start(loopback_config(41600, 41699));
  EXPECT_FALSE(relay->answer("nope", "a", "b", bob_party()).has_value());
}

TEST_P(RelayedCall, RtcpWithoutMuxUsesPortPlusOneAndFollowsTheLearnedRtp) {
  start(loopback_config(41700, 41799));
  UdpPeer alice_rtcp("127.0.0.2");
  UdpPeer bob_rtcp_receive("127.0.0.3", static_cast<std::uint16_t>(bob_receive.local().port + 1));
  MediaParty a = alice_party();
  a.rtcp_mux = false;
  MediaParty b = bob_party();
  b.rtcp_mux = false;
  auto to_bob = relay->offer("call-1@example", "alice-tag", "", a);
  auto to_alice = relay->answer("call-1@example", "alice-tag", "bob-tag", b);
  ASSERT_TRUE(to_bob && to_alice);
  EXPECT_EQ(to_alice->rtcp_port, to_alice->rtp_port + 1);
  EXPECT_FALSE(to_alice->rtcp_mux);
  bob_sends_to = relay_endpoint(*to_bob);
  alice_sends_to = relay_endpoint(*to_alice);
  learn_both();

  alice_rtcp.send_to(Endpoint{alice_sends_to.ip, to_alice->rtcp_port},
                     rtcp_receiver_report(kAliceSsrc));
  const auto report = bob_rtcp_receive.receive(2s);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->bytes, rtcp_receiver_report(kAliceSsrc));
  EXPECT_EQ(report->from.port, to_bob->rtcp_port);
}

TEST_P(RelayedCall, APairWhoseRtcpPortAnotherProcessHoldsIsSkippedWhenALegOpens) {
  // Ten pairs; other sockets hold the RTCP port of every second one. Four legs opened without
  // rtcp-mux must all land on the five free pairs (a pair that fails rests in quarantine, so
  // each failed attempt rules one out). Without the probe a leg would take a held pair in
  // about 97 % of runs and fail at port+1.
  start(loopback_config(41880, 41899));
  std::vector<std::unique_ptr<UdpPeer>> squatters;
  for (std::uint16_t rtcp = 41881; rtcp < 41900; rtcp += 4) {
    squatters.push_back(std::make_unique<UdpPeer>("127.0.0.1", rtcp));
  }
  MediaParty a = alice_party();
  a.rtcp_mux = false;
  MediaParty b = bob_party();
  b.rtcp_mux = false;
  for (const std::string call_id : {"call-0", "call-1"}) {
    auto to_bob = relay->offer(call_id, "alice-tag", "", a);
    ASSERT_TRUE(to_bob.has_value()) << call_id << ": " << to_bob.error().describe();
    auto to_alice = relay->answer(call_id, "alice-tag", "bob-tag", b);
    ASSERT_TRUE(to_alice.has_value()) << call_id << ": " << to_alice.error().describe();
    for (const std::uint16_t port : {to_bob->rtp_port, to_alice->rtp_port}) {
      EXPECT_EQ((port - 41880) % 4, 2) << call_id << ": port " << port << " has a held RTCP port";
    }
  }
}

// Descriptors this process holds: sockets, since nothing else opens files during a test.
std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}

TEST_P(RelayedCall, ACallCostsOneSocketPerLegOnTheSocketPathAndNoneOnTheSteeredPath) {
  start(loopback_config(41700, 41799));
  const std::size_t before = open_descriptors();
  for (const std::string call_id : {"call-0", "call-1", "call-2", "call-3", "call-4"}) {
    ASSERT_TRUE(relay->offer(call_id, "alice-tag", "", alice_party()).has_value());
    ASSERT_TRUE(relay->answer(call_id, "alice-tag", "bob-tag", bob_party()).has_value());
  }
  const std::size_t opened = open_descriptors() - before;
  relay->release("call-0");

  EXPECT_EQ(opened, GetParam() == MediaDataPath::steered ? 0u : 10u);
}

TEST_P(RelayedCall, DatagramsToAReleasedPortReachNobody) {
  start(loopback_config(41600, 41699));
  offer();
  answer();
  learn_both();
  relay->release("call-1@example");

  alice_sends(5);
  bob_sends(5);

  EXPECT_TRUE(bob_receive.drain(200ms).empty());
  EXPECT_TRUE(alice.drain(0ms).empty());
  EXPECT_EQ(relay->session_count(), 0u);
}

TEST_P(RelayedCall, MetricsCountForwardedPacketsAndDropsByReason) {
  start(loopback_config(41800, 41899));
  offer();
  answer();
  learn_both();
  alice_sends(10);
  UdpPeer stranger("127.0.0.77");
  stranger.send_to(alice_sends_to, marked_packet(0x77, 1, 7));
  ASSERT_EQ(bob_receive.receive_count(10, 3s).size(), 10u);
  ASSERT_TRUE(eventually([&] {
    return relay->query("call-1@example")->legs[0].traffic.dropped(DropReason::stranger) == 1;
  }));

  std::string text;
  relay->write_metrics(text);
  EXPECT_NE(text.find("tipring_relay_media_sessions 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tipring_relay_media_data_path{path=\"" +
                      std::string(media_data_path_name(GetParam())) + "\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tipring_relay_media_legs 2\n"), std::string::npos);
  EXPECT_NE(text.find("tipring_relay_media_drops_total{reason=\"stranger\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tipring_relay_media_learning_events_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("tipring_relay_media_streams{flow=\"zero_way\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("tipring_relay_media_worker_packets_total{worker=\"1\"}"), std::string::npos);
  EXPECT_NE(text.find("tipring_relay_media_worker_busy_microseconds_total{worker=\"1\"}"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE tipring_relay_media_packets_forwarded_total counter"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(DataPaths, RelayedCall,
                         ::testing::Values(MediaDataPath::sockets, MediaDataPath::steered),
                         data_path_test_name);

}  // namespace
}  // namespace tipring::relay
