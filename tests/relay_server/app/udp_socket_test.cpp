#include "relay_server/app/udp_socket.h"

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

std::span<const std::byte> bytes_of(const std::string& text) {
  return std::as_bytes(std::span(text));
}

TEST(UdpSocket, BindToPortZeroReportsTheChosenPort) {
  auto socket = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(socket.has_value()) << socket.error().describe();
  EXPECT_NE(socket->local_address().port(), 0);
  EXPECT_EQ(socket->local_address().ip_string(), "127.0.0.1");
}

TEST(UdpSocket, BindingAnAddressInUseFailsWithTheAddressInTheMessage) {
  auto first = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(first);
  auto second = UdpSocket::bind(first->local_address());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().detail.find(first->local_address().to_string()), std::string::npos);
}

TEST(UdpSocket, ReceiveOnEmptySocketReturnsNothingWithoutBlocking) {
  auto socket = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(socket);
  std::array<std::byte, 16> buffer{};
  auto got = socket->receive(buffer);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->has_value());
}

// Polls a non-blocking socket a bounded number of times for a loopback datagram.
std::optional<ReceivedDatagram> receive_soon(UdpSocket& socket, std::span<std::byte> buffer) {
  for (int i = 0; i < 1000; ++i) {
    auto got = socket.receive(buffer);
    if (got && got->has_value()) {
      return **got;
    }
    ::usleep(1000);
  }
  return std::nullopt;
}

TEST(UdpSocket, TruncatedDatagramReportsItsFullLength) {
  auto receiver = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  auto sender = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(receiver && sender);
  const std::string big(100, 'a');
  ASSERT_TRUE(sender->send_to(bytes_of(big), receiver->local_address()));
  std::array<std::byte, 10> small{};
  auto got = receive_soon(*receiver, small);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->length, 100U);
}

TEST(UdpSocket, Ipv6LoopbackExchangeWhenAvailable) {
  auto receiver = UdpSocket::bind(*SocketAddress::parse("[::1]:0"));
  if (!receiver) {
    GTEST_SKIP() << "no IPv6 loopback here: " << receiver.error().describe();
  }
  auto sender = UdpSocket::bind(*SocketAddress::parse("[::1]:0"));
  ASSERT_TRUE(sender);
  ASSERT_TRUE(sender->send_to(bytes_of("hello"), receiver->local_address()));
  std::array<std::byte, 16> buffer{};
  auto got = receive_soon(*receiver, buffer);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->length, 5U);
  EXPECT_EQ(got->from, sender->local_address());
}

}  // namespace
}  // namespace tipring::relay
