#include "relay_server/app/sip_ingress.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace tipring::relay {
namespace {

struct Received {
  std::string text;
  SocketAddress from;
  std::size_t socket_index;
};

struct SipIngressTest : ::testing::Test {
  EventLoop loop = [] {
    auto created = EventLoop::create();
    if (!created) {
      std::abort();
    }
    return *std::move(created);
  }();
  MetricsRegistry registry;
  RelayMetrics metrics{registry};
  std::vector<Received> received;
  std::unique_ptr<SipIngress> ingress;

  void open(std::size_t sockets, std::size_t max_size) {
    std::vector<SocketAddress> listen(sockets, SocketAddress::ipv4_loopback(0));
    auto opened = SipIngress::open(loop, listen, max_size, metrics, [this](const SipDatagram& d) {
      received.push_back(
          {std::string(reinterpret_cast<const char*>(d.bytes.data()), d.bytes.size()), d.from,
           d.socket_index});
    });
    ASSERT_TRUE(opened) << opened.error().describe();
    ingress = std::move(*opened);
  }
  void turn_until(std::uint64_t datagrams) {
    for (int i = 0; i < 200 && metrics.datagrams_received.value() < datagrams; ++i) {
      ASSERT_TRUE(loop.run_once(std::chrono::milliseconds(10)));
    }
  }
};

TEST_F(SipIngressTest, HandsEachDatagramToTheHandlerWithItsSourceAndSocket) {
  open(2, 1500);
  auto client = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(client);
  const std::string first = "REGISTER sip:x SIP/2.0\r\n\r\n";
  const std::string second = "\r\n\r\n";
  ASSERT_TRUE(client->send_to(std::as_bytes(std::span(first)), ingress->socket(1).local_address()));
  ASSERT_TRUE(
      client->send_to(std::as_bytes(std::span(second)), ingress->socket(0).local_address()));
  turn_until(2);
  ASSERT_EQ(received.size(), 2U);
  for (const auto& r : received) {
    EXPECT_EQ(r.from, client->local_address());
    EXPECT_EQ(r.socket_index, r.text == first ? 1U : 0U);
  }
}

TEST_F(SipIngressTest, ListenSocketsGetAReceiveBufferForBurstsUpToTheKernelLimit) {
  open(1, 1500);
  long rmem_max = 0;
  std::ifstream("/proc/sys/net/core/rmem_max") >> rmem_max;
  long rmem_default = 0;
  std::ifstream("/proc/sys/net/core/rmem_default") >> rmem_default;
  if (rmem_max <= rmem_default) {
    GTEST_SKIP() << "net.core.rmem_max allows no buffer above the default here";
  }
  int granted = 0;
  socklen_t length = sizeof(granted);
  ASSERT_EQ(::getsockopt(ingress->socket(0).fd(), SOL_SOCKET, SO_RCVBUF, &granted, &length), 0);
  // The kernel reports twice what it granted (its bookkeeping share); the request is 4 MiB.
  EXPECT_GE(granted / 2, std::min(rmem_max, 4L * 1024 * 1024));
}

TEST_F(SipIngressTest, DatagramsOverTheSizeLimitAreCountedAndDropped) {
  open(1, 100);
  auto client = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(client);
  const std::string exact(100, 'a');
  const std::string over(101, 'b');
  const auto to = ingress->socket(0).local_address();
  ASSERT_TRUE(client->send_to(std::as_bytes(std::span(over)), to));
  ASSERT_TRUE(client->send_to(std::as_bytes(std::span(exact)), to));
  turn_until(2);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].text, exact);
  EXPECT_EQ(metrics.datagrams_oversized.value(), 1U);
}

TEST_F(SipIngressTest, StopReceivingLeavesTheSocketOpenForSending) {
  open(1, 1500);
  ingress->stop_receiving();
  auto peer = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(peer);
  const std::string text = "late";
  ASSERT_TRUE(peer->send_to(std::as_bytes(std::span(text)), ingress->socket(0).local_address()));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop.run_once(std::chrono::milliseconds(5)));
  }
  EXPECT_TRUE(received.empty());
  EXPECT_TRUE(ingress->socket(0).send_to(std::as_bytes(std::span(text)), peer->local_address()));
}

}  // namespace
}  // namespace tipring::relay
