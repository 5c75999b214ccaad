#include "protocol/sip/uri.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

Uri parsed(std::string_view text) {
  auto u = Uri::parse(text);
  EXPECT_TRUE(u) << text << ": " << (u ? "" : u.error().describe());
  return u ? *u : Uri{};
}

// §25.1 host = hostname / IPv4address / IPv6reference; hostname labels are alphanum with
// inner '-', the top label starts with ALPHA, one trailing '.' is allowed. The parser checks
// this in one pass (views::scan_host); the same table goes through the URI and the Via.
TEST(Uri, AcceptsExactlyTheHostsOfTheHostGrammar) {
  struct Case {
    std::string_view host;
    bool valid;
  };
  constexpr Case kCases[] = {
      {"a.example.com", true},
      {"example.com.", true},
      {"a-b.c0m", true},
      {"1a.example.com", true},
      {"x", true},
      {"192.0.2.1", true},
      {"010.0.2.255", true},
      {"-a.example.com", false},
      {"a-.example.com", false},
      {"a..b", false},
      {".a", false},
      {"a.-b", false},
      {"example.com-", false},
      {"example.com..", false},
      {"a.1com", false},
      {"a_b.com", false},
      {"256.1.1.1", false},
      {"1.2.3", false},
      {"1.2.3.4.", false},
      {"1.2.3.4.5", false},
      {"1..2.3", false},
      {".", false},
  };
  for (const Case& c : kCases) {
    std::string uri = "sip:alice@" + std::string(c.host) + ";transport=udp";
    EXPECT_EQ(Uri::parse(uri).has_value(), c.valid) << uri;
    std::string with_port = "sip:" + std::string(c.host) + ":5060";
    EXPECT_EQ(Uri::parse(with_port).has_value(), c.valid) << with_port;
  }
}

TEST(Uri, ParsesEveryComponentOfASipUri) {
  Uri u = parsed(
      "sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority="
      "urgent");
  EXPECT_EQ(u.scheme, UriScheme::Sips);
  EXPECT_EQ(u.user, "alice");
  EXPECT_TRUE(u.has_password);
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "atlanta.example.com");
  EXPECT_EQ(u.port, 5061);
  ASSERT_EQ(u.params.size(), 2U);
  EXPECT_EQ(u.transport(), "tcp");
  EXPECT_FALSE(u.params[1].has_value);
  ASSERT_EQ(u.headers.size(), 2U);
  EXPECT_EQ(u.headers[0].value, "project%20x");
}

TEST(Uri, ParsesIpv6ReferenceWithPort) {
  Uri u = parsed("sip:[2001:db8::10]:5070");
  EXPECT_EQ(u.host, "[2001:db8::10]");
  EXPECT_EQ(u.port, 5070);
  EXPECT_EQ(parsed("sip:[::ffff:192.0.2.1]").host, "[::ffff:192.0.2.1]");
}

TEST(Uri, ParsesTelAndOpaqueSchemes) {
  Uri tel = parsed("tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_EQ(tel.scheme, UriScheme::Tel);
  EXPECT_EQ(tel.user, "+1-201-555-0123");
  EXPECT_EQ(tel.params.at(0).name, "phone-context");
  Uri other = parsed("http://www.example.com/a?b");
  EXPECT_EQ(other.scheme, UriScheme::Other);
  EXPECT_EQ(other.other_scheme, "http");
  EXPECT_EQ(other.to_string(), "http://www.example.com/a?b");
}

TEST(Uri, SerializesBackToTheSameText) {
  for (std::string_view text :
       {"sip:alice@example.com", "sip:example.com:5060;lr", "sips:[2001:db8::1]:5061",
        "sip:u%40x:pw@h.example.com;maddr=239.255.255.1;ttl=15?to=alice%40example.com",
        "tel:+12015550123;ext=22", "sip:255.255.255.255", "sip:a@[1:2:3:4:5:6:7:8]", "sip:[::1]",
        "sip:a-b.example.com.", "sip:u@[::ffff:10.0.0.1]:1"}) {
    EXPECT_EQ(parsed(text).to_string(), text);
  }
}

struct BadUri {
  const char* text;
};

class UriRejects : public ::testing::TestWithParam<BadUri> {};

TEST_P(UriRejects, Malformed) {
  auto u = Uri::parse(GetParam().text);
  EXPECT_FALSE(u) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, UriRejects,
    ::testing::Values(BadUri{"alice@example.com"}, BadUri{"sip:"}, BadUri{"sip:@example.com"},
                      BadUri{"sip:alice@"}, BadUri{"sip:alice@exa mple.com"},
                      BadUri{"sip:alice@example.com:70000"}, BadUri{"sip:alice@example.com:"},
                      BadUri{"sip:[2001:db8::10"}, BadUri{"sip:[2001:db8:::10]"},
                      BadUri{"sip:1.2.3.256"}, BadUri{"sip:a%4@example.com"},
                      BadUri{"sip:example.com;=x"}, BadUri{"sip:example.com;a="},
                      BadUri{"sip:example.com?noequals"}, BadUri{"sip:-bad-.example.com"},
                      BadUri{"1sip:x"}, BadUri{"sip:1.2.3"}, BadUri{"sip:1.2.3.4.5"},
                      BadUri{"sip:1..2.3"}, BadUri{"sip:1234.1.1.1"},
                      BadUri{"sip:[1:2:3:4:5:6:7:8:9]"}, BadUri{"sip:a.-b.com"}));

struct Comparison {
  const char* a;
  const char* b;
  bool equal;
};

class UriComparison : public ::testing::TestWithParam<Comparison> {};

TEST_P(UriComparison, FollowsRfc3261Section19_1_4) {
  EXPECT_EQ(parsed(GetParam().a) == parsed(GetParam().b), GetParam().equal)
      << GetParam().a << " vs " << GetParam().b;
}

// The examples of RFC 3261 §19.1.4.
INSTANTIATE_TEST_SUITE_P(
    Rfc3261Examples, UriComparison,
    ::testing::Values(
        Comparison{"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp",
                   true},
        Comparison{"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", true},
        Comparison{"sip:carol@chicago.com", "sip:carol@chicago.com;security=on", true},
        Comparison{"sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on", true},
        Comparison{"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                   "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com", true},
        Comparison{"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                   "sip:alice@atlanta.com?priority=urgent&subject=project%20x", true},
        Comparison{"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP",
                   false},
        Comparison{"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060", false},
        Comparison{"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp", false},
        Comparison{"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp", false},
        Comparison{"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting", false},
        Comparison{"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4", false},
        Comparison{"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off",
                   false},
        Comparison{"sip:alice@example.com", "sips:alice@example.com", false}));

}  // namespace
}  // namespace tipring::sip
