// NgMediaLegs against an independent ng implementation: Debian's rtpengine daemon
// (userspace, --table=-1), started by the test on loopback and stopped by PID. Offer and
// answer give two relay channels in rtpengine's port range, RTP between two loopback
// "clients" crosses it both ways, and delete ends the call (a second delete is refused).
#include "relay_server/app/ng_media_legs.h"
#include "tests/relay_server/app/child_process.h"
#include "tests/relay_server/media/rtp_packet_builder.h"
#include "tests/relay_server/media/udp_peer.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

namespace tipring::relay::testing {
namespace {

constexpr const char* kRtpengine = "/usr/bin/rtpengine";

std::uint16_t free_port() {
  auto socket = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  return socket ? socket->local_address().port() : 0;
}

MediaSide side_of(const UdpPeer& peer) {
  return MediaSide{"127.0.0.1", peer.local().port, 0, "127.0.0.1", true, false};
}

TEST(NgMediaLegsWithRtpengine, OfferAnswerAndDeleteSteerRtpThroughRtpengine) {
  if (!std::filesystem::exists(kRtpengine)) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "rtpengine is not installed (scripts/bootstrap.sh installs it)";
    }
    GTEST_SKIP() << "rtpengine is not installed";
  }
  const auto ng_port = free_port();
  ASSERT_NE(ng_port, 0);
  ChildProcess rtpengine(
      kRtpengine, {"--foreground", "--log-stderr", "--table=-1", "--no-fallback",
                   "--interface=127.0.0.1", "--listen-ng=127.0.0.1:" + std::to_string(ng_port),
                   "--port-min=45000", "--port-max=45999", "--delete-delay=0", "--log-level=4"});
  ASSERT_GT(rtpengine.pid(), 0);
  NgClientConfig config;
  config.relays = {SocketAddress::ipv4_loopback(ng_port)};
  config.timeout = std::chrono::milliseconds(250);
  config.attempts = 20;  // rtpengine takes a moment to open its ng socket
  auto legs = NgMediaLegs::open(config);
  ASSERT_TRUE(legs);

  UdpPeer alice{"127.0.0.1"};
  UdpPeer bob{"127.0.0.1"};
  auto offered = (*legs)->offer("rtpengine-call", "atag", "", side_of(alice));
  ASSERT_TRUE(offered) << offered.error().describe() << rtpengine.stderr_text();
  auto answered = (*legs)->answer("rtpengine-call", "atag", "btag", side_of(bob));
  ASSERT_TRUE(answered) << answered.error().describe();
  for (const auto* channel : {&*offered, &*answered}) {
    EXPECT_EQ(channel->address, "127.0.0.1");
    EXPECT_GE(channel->rtp_port, 45000);
    EXPECT_LE(channel->rtp_port, 45999);
  }
  EXPECT_NE(offered->rtp_port, answered->rtp_port);

  // bob was offered `offered` (he sends there); alice got `answered`.
  const Endpoint alice_sends_to{*IpAddress::parse("127.0.0.1"), answered->rtp_port};
  const Endpoint bob_sends_to{*IpAddress::parse("127.0.0.1"), offered->rtp_port};
  bool alice_heard = false;
  bool bob_heard = false;
  for (std::uint16_t seq = 1; seq <= 40 && !(alice_heard && bob_heard); ++seq) {
    alice.send_to(alice_sends_to, rtp_packet(seq, 0xa11ce));
    bob.send_to(bob_sends_to, rtp_packet(seq, 0xb0b));
    for (const auto& d : bob.drain(std::chrono::milliseconds(20))) {
      bob_heard = bob_heard || d.from == bob_sends_to;
    }
    for (const auto& d : alice.drain(std::chrono::milliseconds(20))) {
      alice_heard = alice_heard || d.from == alice_sends_to;
    }
  }
  EXPECT_TRUE(alice_heard);
  EXPECT_TRUE(bob_heard);

  (*legs)->release("rtpengine-call", {});
  // The call is gone: answering it again is refused by rtpengine.
  auto after = (*legs)->answer("rtpengine-call", "atag", "btag", side_of(bob));
  EXPECT_FALSE(after);
}

}  // namespace
}  // namespace tipring::relay::testing
