#include "protocol/sip/name_addr.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

struct Form {
  const char* text;
  const char* display_name;
  const char* uri;
  const char* tag;
};

class NameAddrForms : public ::testing::TestWithParam<Form> {};

TEST_P(NameAddrForms, ParseDisplayNameUriAndTag) {
  auto na = NameAddr::parse(GetParam().text);
  ASSERT_TRUE(na) << GetParam().text << ": " << na.error().describe();
  EXPECT_EQ(na->display_name, GetParam().display_name);
  EXPECT_EQ(na->uri.to_string(), GetParam().uri);
  EXPECT_EQ(na->tag(), GetParam().tag);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3261Forms, NameAddrForms,
    ::testing::Values(
        Form{"<sip:alice@example.com>", "", "sip:alice@example.com", ""},
        Form{"sip:alice@example.com;tag=88sja8x", "", "sip:alice@example.com", "88sja8x"},
        Form{"Alice <sip:alice@example.com>;tag=1", "Alice", "sip:alice@example.com", "1"},
        Form{"Alice  Liddell <sip:a@example.com>", "Alice Liddell", "sip:a@example.com", ""},
        Form{"caller<sip:caller@example.com>;tag=323", "caller", "sip:caller@example.com", "323"},
        Form{"\"J Rosenberg \\\\\\\"\"   <sip:jdrosen@example.com>\r\n ;\r\n tag = 98asjd8",
             "J Rosenberg \\\"", "sip:jdrosen@example.com", "98asjd8"},
        Form{"\"\" <sip:anon@example.com>", "", "sip:anon@example.com", ""},
        Form{"<sip:user;par=u%40example.net@example.com>", "",
             "sip:user;par=u%40example.net@example.com", ""},
        Form{"<sip:bob@[2001:db8::9]:5060;transport=tcp>;tag=x", "",
             "sip:bob@[2001:db8::9]:5060;transport=tcp", "x"},
        Form{"isbn:2983792873", "", "isbn:2983792873", ""},
        Form{"<http://www.example.com>;tag=3234233", "", "http://www.example.com", "3234233"}));

class NameAddrRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(NameAddrRejects, Malformed) {
  EXPECT_FALSE(NameAddr::parse(GetParam())) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, NameAddrRejects,
    ::testing::Values("\"Mr. J. User <sip:j.user@example.com>",                // unterminated quote
                      "Bell, Alexander <sip:a.g.bell@example.com>;tag=43",     // non-token name
                      "\"Watson, Thomas\" < sip:t.watson@example.org >",       // LWS in <>
                      "sip:user@example.com?Route=%3Csip:sip.example.com%3E",  // ? needs <>
                      "<sip:joe@example.org>;;;;", "<sip:a@b>;tag=", "<sip:a@b", "",
                      "<sip:a@b> trailing", "\"x\" sip:a@b"));

TEST(NameAddr, SerializesInNameAddrFormWithQuotedDisplayName) {
  auto na = NameAddr::parse("A \"B\\\" C\" <sip:x@y>;tag=1");
  EXPECT_FALSE(na);  // a token display name may not be followed by a quoted string
  auto ok = NameAddr::parse("\"B\\\" C\" <sip:x@y>;tag=1;lr");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->to_string(), "\"B\\\" C\" <sip:x@y>;tag=1;lr");
  auto again = NameAddr::parse(ok->to_string());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *ok);
}

TEST(NameAddrList, SplitsAtTopLevelCommasOnly) {
  auto list = parse_name_addr_list(
      "\"Doe, John\" <sip:j@example.com>, <sip:p1.example.com;lr> ,sip:x@example.org;q=0.5");
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->size(), 3U);
  EXPECT_EQ((*list)[0].display_name, "Doe, John");
  EXPECT_EQ((*list)[1].uri.host, "p1.example.com");
  EXPECT_EQ((*list)[2].param("q")->value, "0.5");
}

TEST(Contact, WildcardAndOutboundParameters) {
  auto star = parse_contacts(" * ");
  ASSERT_TRUE(star);
  EXPECT_TRUE(star->wildcard);
  auto list = parse_contacts(
      "<sip:a@192.0.2.1;ob>;expires=600;q=0.7;reg-id=2;+sip.instance=\"<urn:uuid:1>\", "
      "<sip:b@192.0.2.2>;expires=99999999999999999999;q=1");
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->contacts.size(), 2U);
  const Contact& a = list->contacts[0];
  EXPECT_EQ(a.expires_s(), 600U);
  EXPECT_EQ(a.q_thousandths(), 700);
  EXPECT_EQ(a.reg_id(), 2U);
  EXPECT_EQ(a.instance(), "<urn:uuid:1>");
  EXPECT_EQ(list->contacts[1].expires_s(), UINT32_MAX);
  EXPECT_EQ(list->contacts[1].q_thousandths(), 1000);
}

}  // namespace
}  // namespace tipring::sip
