#include "relay_server/app/peer_proxies.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

TEST(PeerProxies, EmptyTextIsNoPeers) {
  auto peers = PeerProxies::parse("  ");
  ASSERT_TRUE(peers) << peers.error().describe();
  EXPECT_TRUE(peers->peers().empty());
  EXPECT_FALSE(peers->address_of("anyone"));
}

TEST(PeerProxies, ResolvesEachIdToItsAddressAndRecognisesTheirSockets) {
  auto peers = PeerProxies::parse("proxy-b=127.0.0.1:5070, proxy-c = [::1]:5080");
  ASSERT_TRUE(peers) << peers.error().describe();
  ASSERT_EQ(peers->peers().size(), 2U);
  EXPECT_EQ(peers->address_of("proxy-b")->to_string(), "127.0.0.1:5070");
  EXPECT_EQ(peers->address_of("proxy-c")->to_string(), "[::1]:5080");
  EXPECT_FALSE(peers->address_of("proxy-a"));
  EXPECT_TRUE(peers->is_peer("127.0.0.1", 5070));
  EXPECT_TRUE(peers->is_peer("::1", 5080));
  // A client on the peer's host but another port is not the peer.
  EXPECT_FALSE(peers->is_peer("127.0.0.1", 5071));
  EXPECT_FALSE(peers->is_peer("127.0.0.2", 5070));
}

TEST(PeerProxies, RouterHooksReachAPeerByIdAndTrustOnlyItsSocket) {
  auto peers = PeerProxies::parse("proxy-b=127.0.0.1:5070");
  ASSERT_TRUE(peers);
  RouterConfig router;
  connect_peer_hooks(router, *peers);
  ASSERT_TRUE(router.peer_proxy && router.trusted_source);
  const auto to_b = router.peer_proxy("proxy-b");
  ASSERT_TRUE(to_b);
  EXPECT_EQ(to_b->peer.host, "127.0.0.1");
  EXPECT_EQ(to_b->peer.port, 5070);
  EXPECT_EQ(to_b->peer.transport, sip::Transport::udp);
  EXPECT_FALSE(router.peer_proxy("proxy-c"));
  EXPECT_TRUE(router.trusted_source({"127.0.0.1", 5070, sip::Transport::udp}));
  EXPECT_FALSE(router.trusted_source({"127.0.0.1", 40000, sip::Transport::udp}));
}

class PeerProxiesRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(PeerProxiesRejects, MalformedEntriesNamingTheRule) {
  auto peers = PeerProxies::parse(GetParam());
  ASSERT_FALSE(peers);
  EXPECT_NE(peers.error().rule.find("sip.peers"), std::string_view::npos);
}

INSTANTIATE_TEST_SUITE_P(Entries, PeerProxiesRejects,
                         ::testing::Values("127.0.0.1:5070",              // no id
                                           "=127.0.0.1:5070",             // empty id
                                           "b=localhost:5070",            // not numeric
                                           "b=127.0.0.1",                 // no port
                                           "b=127.0.0.1:1,b=127.0.0.1:2"  // twice
                                           ));

}  // namespace
}  // namespace tipring::relay
