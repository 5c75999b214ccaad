// The forwarding loop must not allocate: each relay worker opens an allocation-counting
// scope when it starts (via on_worker_start), then the test relays a call and asserts the
// worker's count did not move while packets flowed. On both data paths, in a network
// namespace of the test's own (the steered path's sk_lookup program sees the namespace).
#include "tests/relay_server/media/relay_call.h"
#include "tests/support/allocation_counter.h"
#include "tests/support/private_network.h"

#include <atomic>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using namespace std::chrono_literals;
using namespace testing;

struct ForwardingLoop : ::testing::TestWithParam<MediaDataPath> {
  static void SetUpTestSuite() { test_support::enter_private_network(); }
};

TEST_P(ForwardingLoop, AllocatesNothingWhileRelayingACall) {
  if (GetParam() == MediaDataPath::steered && !test_support::enter_private_network().empty()) {
    GTEST_SKIP() << test_support::enter_private_network();
  }
  MediaRelayConfig config = loopback_config(42000, 42099);
  config.workers = 1;
  config.data_path = GetParam();
  static std::atomic<const test_support::AllocationScope*> worker_scope{nullptr};
  config.on_worker_start = [] {
    // Counts this worker thread's allocations for the rest of its life.
    static thread_local const test_support::AllocationScope scope;
    worker_scope = &scope;
    // Proves the scope counts on this thread: one allocation before the loop starts (a
    // direct call, which the compiler may not elide as it may a new-expression).
    ::operator delete(::operator new(1));
  };
  const auto worker_allocations = [] { return worker_scope.load()->count(); };
  MediaRelay relay(config);
  auto started = relay.start();
  ASSERT_TRUE(started.has_value()) << started.error().describe();
  ASSERT_TRUE(eventually([] {
    const auto* scope = worker_scope.load();
    return scope != nullptr && scope->count() >= 1;
  }));

  UdpPeer alice("127.0.0.2");
  UdpPeer bob("127.0.0.3");
  MediaParty a;
  a.advertised = endpoint("192.168.1.10", 4000);
  a.signalling_source = *IpAddress::parse("127.0.0.2");
  MediaParty b;
  b.advertised = bob.local();
  b.signalling_source = *IpAddress::parse("127.0.0.3");
  const Endpoint to_bob = relay_endpoint(*relay.offer("call", "a", "", a));
  const Endpoint to_alice = relay_endpoint(*relay.answer("call", "a", "b", b));
  std::uint16_t seq = 0;
  for (; seq < 3; ++seq) {
    alice.send_to(to_alice, marked_packet(1, seq, 0xa));
    bob.send_to(to_bob, marked_packet(2, seq, 0xb));
  }
  ASSERT_TRUE(eventually([&] {
    auto s = relay.query("call");
    return s && s->legs[0].learned && s->legs[1].learned;
  }));
  alice.drain(0ms);
  bob.drain(0ms);

  const std::uint64_t before = worker_allocations();
  constexpr int kRounds = 20;
  constexpr int kBurst = 25;
  std::size_t at_alice = 0;
  std::size_t at_bob = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kBurst; ++i, ++seq) {
      alice.send_to(to_alice, marked_packet(1, seq, 0xa));
      bob.send_to(to_bob, marked_packet(2, seq, 0xb));
    }
    // Also a stranger and a malformed datagram: drop paths must not allocate either.
    UdpPeer stranger("127.0.0.9");
    stranger.send_to(to_alice, marked_packet(9, seq, 0x9));
    alice.send_to(to_alice, {0x00, 0x01});
    at_bob += bob.receive_count(kBurst, 3s).size();
    at_alice += alice.receive_count(kBurst, 3s).size();
  }
  const std::uint64_t after = worker_allocations();

  EXPECT_EQ(at_bob, std::size_t{kRounds * kBurst});
  EXPECT_EQ(at_alice, std::size_t{kRounds * kBurst});
  EXPECT_EQ(after - before, 0u) << "the forwarding loop allocated";
}

INSTANTIATE_TEST_SUITE_P(DataPaths, ForwardingLoop,
                         ::testing::Values(MediaDataPath::sockets, MediaDataPath::steered),
                         data_path_test_name);

}  // namespace
}  // namespace tipring::relay
