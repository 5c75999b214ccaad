#include "protocol/sdp/address.h"

#include <gtest/gtest.h>

namespace tipring::sdp {
namespace {

TEST(Address, Ipv4Literals) {
  for (auto ok : {"0.0.0.0", "192.0.2.1", "255.255.255.255", "198.18.0.5"}) {
    EXPECT_TRUE(is_ipv4_literal(ok)) << ok;
  }
  for (auto bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1234.1.1.1"}) {
    EXPECT_FALSE(is_ipv4_literal(bad)) << bad;
  }
}

TEST(Address, Ipv6Literals) {
  for (auto ok : {"::", "::1", "2001:db8::2", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
                  "::ffff:192.0.2.1", "64:ff9b::198.51.100.7", "1:2:3:4:5:6:1.2.3.4"}) {
    EXPECT_TRUE(is_ipv6_literal(ok)) << ok;
  }
  for (auto bad : {"", ":", "1:2:3:4:5:6:7:8:9", "2001:db8:::1", "1::2::3", "12345::", "g::1",
                   ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "::ffff:192.0.2.256",
                   "1:2:3:4:5:6:7:1.2.3.4", "192.0.2.1"}) {
    EXPECT_FALSE(is_ipv6_literal(bad)) << bad;
  }
}

TEST(Address, TypeFollowsTheLiteral) {
  EXPECT_EQ(address_type_of("2001:db8::1"), "IP6");
  EXPECT_EQ(address_type_of("198.18.0.1"), "IP4");
}

}  // namespace
}  // namespace tipring::sdp
