// Every header form the parser validates, one row each: the field is added to a valid 200 OK
// and the message must parse (and round-trip) or be rejected naming the rule.
#include "protocol/sip/message.h"
#include "tests/protocol/sip/sample_messages.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

struct HeaderForm {
  const char* name;
  const char* line;       // the header line, without CRLF
  std::string_view rule;  // empty: accepted
};

std::string with_line(std::string_view line) {
  std::string text = samples::kOk;
  text.insert(text.find("Content-Length: 0"), std::string(line) + "\r\n");
  return text;
}

class HeaderForms : public ::testing::TestWithParam<HeaderForm> {};

TEST_P(HeaderForms, AcceptedOrRejectedByTheirGrammar) {
  const HeaderForm& f = GetParam();
  auto m = Message::parse(with_line(f.line));
  if (f.rule.empty()) {
    ASSERT_TRUE(m) << f.line << ": " << m.error().describe();
    auto again = Message::parse(m->serialize());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *m);
  } else {
    ASSERT_FALSE(m) << f.line;
    EXPECT_EQ(m.error().rule, f.rule) << m.error().describe();
  }
}

constexpr std::string_view kContact = "RFC 3261 §25.1 Contact";
constexpr std::string_view kRoute = "RFC 3261 §25.1 Route/Record-Route";
constexpr std::string_view kOptionTag = "RFC 3261 §25.1 option-tag";
constexpr std::string_view kAuth = "RFC 3261 §25.1 challenge/credentials";

INSTANTIATE_TEST_SUITE_P(
    Rfc3261Section25, HeaderForms,
    ::testing::Values(
        HeaderForm{"ContactNameAddr", "Contact: \"A\" <sip:a@h.example.com>;expires=60", {}},
        HeaderForm{"ContactAddrSpecWithParams", "m: sip:a@h.example.com;q=0.5", {}},
        HeaderForm{"ContactList", "Contact: <sip:a@h>, <sip:b@h>;q=1.0 ,\r\n <sip:c@h>", {}},
        HeaderForm{"ContactWildcard", "Contact: *", {}},
        HeaderForm{"ContactIpv6", "Contact: <sip:a@[2001:db8::1]:5060;transport=tcp>", {}},
        HeaderForm{"ContactTrailingComma", "Contact: <sip:a@h>,", kContact},
        HeaderForm{"ContactEmptyParam", "Contact: <sip:a@h>;", kContact},
        HeaderForm{"ContactUnclosedAngle", "Contact: <sip:a@h", kContact},
        HeaderForm{"RouteList", "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>", {}},
        HeaderForm{"RecordRouteWithParams", "Record-Route: <sip:p;lr>;foo=bar", {}},
        HeaderForm{"RouteWithoutAngles", "Route: sip:p1.example.com;lr", kRoute},
        HeaderForm{"PathList", "Path: <sip:edge.example.com;lr;ob>", {}},
        HeaderForm{"AllowList", "Allow: INVITE, ACK,OPTIONS", {}},
        HeaderForm{"AllowEmpty", "Allow:", {}},
        HeaderForm{"SupportedCompact", "k: 100rel, timer", {}},
        HeaderForm{"RequireDoubleComma", "Require: a,,b", kOptionTag},
        HeaderForm{"ProxyRequireSpace", "Proxy-Require: a b", kOptionTag},
        HeaderForm{"ContentTypeParams", "c: text/plain ; charset=\"utf-8\"", {}},
        HeaderForm{"ContentTypeNoSubtype", "Content-Type: text", "RFC 3261 §25.1 media-type"},
        HeaderForm{"Expires", "Expires: 3600", {}},
        HeaderForm{"ExpiresOverlargeSaturates", "Expires: 99999999999999999999", {}},
        HeaderForm{"ExpiresNotANumber", "Expires: soon", "RFC 3261 §20.19 Expires"},
        HeaderForm{"FlowTimer", "Flow-Timer: 120", {}},
        HeaderForm{"FlowTimerNegative", "Flow-Timer: -1", "RFC 5626 §11 Flow-Timer"},
        HeaderForm{"WwwAuthenticate",
                   "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth,auth-int\"",
                   {}},
        HeaderForm{"ProxyAuthorization",
                   "Proxy-Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", "
                   "uri=\"sip:a@b\", response=\"0123\", nc=00000001, qop=auth",
                   {}},
        HeaderForm{"AuthorizationNoSpace", "Authorization: Digest,realm=\"r\"", kAuth},
        HeaderForm{"AuthorizationUnterminated", "Authorization: Digest realm=\"r", kAuth},
        HeaderForm{"DateGmt", "Date: Sat, 13 Nov 2010 23:29:00 GMT", {}},
        HeaderForm{"DateNotGmt", "Date: Sat, 13 Nov 2010 23:29:00 PST", "RFC 3261 §25.1 Date"},
        HeaderForm{"ExtensionAnything", "X-Anything: ;;,,\"unbalanced <", {}},
        HeaderForm{"ExtensionFolded", "X-Folded: a\r\n\tb\r\n  c", {}},
        HeaderForm{"EmptyName", ": value", "RFC 3261 §7.3 message-header"},
        HeaderForm{"NameWithSpaceInside", "Bad Name: value", "RFC 3261 §7.3 message-header"},
        HeaderForm{"NoColon", "NoColonHere", "RFC 3261 §7.3 message-header"},
        HeaderForm{"SecondCallId", "i: other@x", rules::kSingleValued},
        HeaderForm{"SecondContentLength", "l: 0", rules::kSingleValued},
        HeaderForm{"SecondMaxForwards", "Max-Forwards: 1\r\nMax-Forwards: 2", rules::kSingleValued},
        HeaderForm{"MaxForwardsOver255", "Max-Forwards: 256", "RFC 3261 §20.22 Max-Forwards"},
        HeaderForm{"DuplicateCallIdEvenIfMalformed", "Call-ID: a b", rules::kSingleValued},
        HeaderForm{"ViaBadTtl", "Via: SIP/2.0/UDP h;ttl=300", "RFC 3261 §25.1 Via"},
        HeaderForm{"ViaMaddrIpv6", "Via: SIP/2.0/UDP h;maddr=[2001:db8::1];ttl=1", {}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(HeaderForms, CallIdMustBeWordAtWord) {
  std::string text = samples::kOk;
  text.replace(text.find("a84b4c76e66710@pc33.atlanta.example.com"), 39, "a b@c");
  auto m = Message::parse(text);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().rule, "RFC 3261 §25.1 Call-ID");
}

}  // namespace
}  // namespace tipring::sip
