#include "protocol/sip/via.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

TEST(Via, ParsesSentProtocolSentByAndParameters) {
  auto via = Via::parse(
      "SIP/2.0/TCP client.example.com:5061;branch=z9hG4bK74bf9;received=192.0.2.1;rport=60000");
  ASSERT_TRUE(via) << via.error().describe();
  EXPECT_EQ(via->transport, "TCP");
  EXPECT_EQ(via->host, "client.example.com");
  EXPECT_EQ(via->port, 5061);
  EXPECT_EQ(via->branch(), "z9hG4bK74bf9");
  EXPECT_TRUE(via->has_rfc3261_branch());
  EXPECT_EQ(via->received(), "192.0.2.1");
  EXPECT_EQ(via->rport(), 60000);
}

// §8.1.1.7: an RFC 3261 branch begins with "z9hG4bK"; the bare cookie is a degenerate id
// (RFC 4475 §3.2.1) and does not count, so the transaction layer answers it with 400.
TEST(Via, Rfc3261BranchIsTheMagicCookieFollowedByAnId) {
  struct Case {
    std::string_view branch;
    bool rfc3261;
  };
  constexpr Case kCases[] = {
      {"z9hG4bK74bf9", true},  {"z9hG4bKx", true},   {"z9hG4bK", false}, {"z9hG4b", false},
      {"Z9HG4BK74bf9", false}, {"390skdjuw", false}, {"", false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(is_rfc3261_branch(c.branch), c.rfc3261) << "'" << c.branch << "'";
    Via via;
    via.host = "192.0.2.1";
    if (!c.branch.empty()) {
      via.set_branch(c.branch);
    }
    EXPECT_EQ(via.has_rfc3261_branch(), c.rfc3261) << "'" << c.branch << "'";
  }
}

TEST(Via, SentByHostFollowsTheHostGrammar) {
  for (std::string_view host : {"client.example.com", "192.0.2.1", "example.com."}) {
    auto via = Via::parse("SIP/2.0/UDP " + std::string(host) + ":5060;branch=z9hG4bKa");
    ASSERT_TRUE(via) << host << ": " << via.error().describe();
    EXPECT_EQ(via->host, host);
  }
  for (std::string_view host : {"-a.example.com", "a..b", "1.2.3.4.", "a.1com", "256.0.0.1"}) {
    EXPECT_FALSE(Via::parse("SIP/2.0/UDP " + std::string(host) + ";branch=z9hG4bKa")) << host;
  }
}

TEST(Via, ValuelessRportIsPresentWithoutAValue) {
  auto via = Via::parse("SIP/2.0/UDP [2001:db8::5];rport;branch=z9hG4bKx");
  ASSERT_TRUE(via) << via.error().describe();
  EXPECT_EQ(via->host, "[2001:db8::5]");
  EXPECT_FALSE(via->port);
  EXPECT_TRUE(via->has_rport());
  EXPECT_FALSE(via->rport());
}

TEST(Via, ToleratesLwsAroundSeparatorsAndFoldedLines) {
  // RFC 4475 §3.1.1.1 wsinv.
  auto list = parse_via_list("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw");
  ASSERT_TRUE(list) << list.error().describe();
  EXPECT_EQ(list->at(0).transport, "UDP");
  EXPECT_EQ(list->at(0).branch(), "390skdjuw");
  EXPECT_FALSE(list->at(0).has_rfc3261_branch());
  auto two = parse_via_list(
      "SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n"
      " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239");
  ASSERT_TRUE(two) << two.error().describe();
  ASSERT_EQ(two->size(), 2U);
  EXPECT_EQ(two->at(0).host, "spindle.example.com");
  EXPECT_EQ(two->at(0).branch(), "z9hG4bK9ikj8");
  EXPECT_EQ(two->at(1).branch(), "z9hG4bK30239");
}

class ViaRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(ViaRejects, Malformed) {
  EXPECT_FALSE(parse_via_list(GetParam())) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Grammar, ViaRejects,
                         ::testing::Values("SIP/2.0/UDP 192.0.2.15;;,;,,",  // RFC 4475 badinv01
                                           "SIP/2.0 192.0.2.1", "SIP/2.0/UDP",
                                           "SIP/2.0/UDP192.0.2.1", "SIP/2.0/UDP host:99999",
                                           "SIP/2.0/UDP host;ttl=256", "SIP/2.0/UDP host;rport=x",
                                           "SIP/2.0/UDP host;branch", "SIP/2.0/UDP h,"));

TEST(Via, BuildsAndSerializes) {
  Via via;
  via.transport = "TCP";
  via.host = "192.0.2.7";
  via.port = 5060;
  via.set_branch("z9hG4bKabc");
  via.request_rport();
  EXPECT_EQ(via.to_string(), "SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bKabc;rport");
  via.set_received("198.51.100.1");
  via.set_rport(40000);
  EXPECT_EQ(via.to_string(),
            "SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bKabc;rport=40000;received=198.51.100.1");
  auto again = Via::parse(via.to_string());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, via);
}

}  // namespace
}  // namespace tipring::sip
