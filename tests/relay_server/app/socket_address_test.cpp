#include "relay_server/app/socket_address.h"

#include <ostream>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

struct RoundTrip {
  const char* text;
  bool v6;
  std::uint16_t port;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const RoundTrip& value, std::ostream* out) {
  *out << value.text;
}

class SocketAddressRoundTrip : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(SocketAddressRoundTrip, ParsesAndFormatsBackToTheSameText) {
  auto address = SocketAddress::parse(GetParam().text);
  ASSERT_TRUE(address.has_value()) << address.error().describe();
  EXPECT_EQ(address->is_ipv6(), GetParam().v6);
  EXPECT_EQ(address->port(), GetParam().port);
  EXPECT_EQ(address->to_string(), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(Forms, SocketAddressRoundTrip,
                         ::testing::Values(RoundTrip{"127.0.0.1:5060", false, 5060},
                                           RoundTrip{"0.0.0.0:0", false, 0},
                                           RoundTrip{"198.18.0.1:65535", false, 65535},
                                           RoundTrip{"[::1]:5060", true, 5060},
                                           RoundTrip{"[2001:db8::7]:5061", true, 5061}));

class SocketAddressRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(SocketAddressRejects, MalformedTextWithAReason) {
  auto address = SocketAddress::parse(GetParam());
  ASSERT_FALSE(address.has_value());
  EXPECT_FALSE(address.error().detail.empty());
}

INSTANTIATE_TEST_SUITE_P(Forms, SocketAddressRejects,
                         ::testing::Values("", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
                                           "127.0.0.1:-1", "127.0.0.1:50x", "localhost:5060",
                                           "::1:5060", "[::1]5060", "[::1", "[zz::1]:5060",
                                           "300.0.0.1:5060"));

TEST(SocketAddress, EqualityComparesFamilyAddressAndPort) {
  EXPECT_EQ(*SocketAddress::parse("127.0.0.1:1"), SocketAddress::ipv4_loopback(1));
  EXPECT_FALSE(*SocketAddress::parse("127.0.0.1:1") == *SocketAddress::parse("127.0.0.1:2"));
  EXPECT_FALSE(*SocketAddress::parse("127.0.0.2:1") == *SocketAddress::parse("127.0.0.1:1"));
  EXPECT_FALSE(*SocketAddress::parse("[::1]:1") == *SocketAddress::parse("127.0.0.1:1"));
}

TEST(SocketAddress, SetPortKeepsTheHost) {
  auto address = *SocketAddress::parse("[::1]:1");
  address.set_port(4242);
  EXPECT_EQ(address.to_string(), "[::1]:4242");
}

}  // namespace
}  // namespace tipring::relay
