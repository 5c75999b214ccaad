#include "protocol/sip/header_values.h"

#include "protocol/sip/header_id.h"
#include "protocol/sip/reason_phrase.h"
#include "protocol/sip/views.h"

#include <cctype>

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

struct NameCase {
  const char* name;
  HeaderId id;
};

class HeaderNames : public ::testing::TestWithParam<NameCase> {};

TEST_P(HeaderNames, ResolveCaseInsensitivelyIncludingCompactForms) {
  EXPECT_EQ(header_id(GetParam().name), GetParam().id) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3261Section7_3_3, HeaderNames,
    ::testing::Values(
        NameCase{"Via", HeaderId::Via}, NameCase{"v", HeaderId::Via}, NameCase{"V", HeaderId::Via},
        NameCase{"MaX-fOrWaRdS", HeaderId::MaxForwards}, NameCase{"i", HeaderId::CallId},
        NameCase{"call-id", HeaderId::CallId}, NameCase{"m", HeaderId::Contact},
        NameCase{"l", HeaderId::ContentLength}, NameCase{"c", HeaderId::ContentType},
        NameCase{"e", HeaderId::ContentEncoding}, NameCase{"f", HeaderId::From},
        NameCase{"t", HeaderId::To}, NameCase{"k", HeaderId::Supported},
        NameCase{"s", HeaderId::Subject}, NameCase{"www-authenticate", HeaderId::WwwAuthenticate},
        NameCase{"Flow-Timer", HeaderId::FlowTimer}, NameCase{"C%6Fntact", HeaderId::Other},
        NameCase{"X-Custom", HeaderId::Other}, NameCase{"q", HeaderId::Other}));

TEST(HeaderNames, EveryCanonicalNameResolvesToItsIdInAnyCase) {
  for (auto i = static_cast<int>(HeaderId::Via); i < static_cast<int>(HeaderId::Count_); ++i) {
    auto id = static_cast<HeaderId>(i);
    std::string name(header_name(id));
    EXPECT_EQ(header_id(name), id) << name;
    for (char& c : name) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(header_id(name), id) << name;
    name.push_back('x');
    EXPECT_EQ(header_id(name), HeaderId::Other) << name;
  }
}

// Lookup is bucketed by first letter and length; names sharing both with a known name,
// or longer than any, must still come out as extension headers.
TEST(HeaderNames, NearMissesAndLongNamesAreExtensionHeaders) {
  for (std::string_view name :
       {"Contacx", "Call-IE", "Record-Routf", "Reply-Tp", "Viaa", "Vi", "X-Contact",
        "Content-Lengthy", "P-A-Very-Long-Extension-Header-Name-Beyond-Any-Known-One"}) {
    EXPECT_EQ(header_id(name), HeaderId::Other) << name;
  }
}

TEST(HeaderNames, CanonicalNames) {
  EXPECT_EQ(header_name(HeaderId::CallId), "Call-ID");
  EXPECT_EQ(header_name(HeaderId::CSeq), "CSeq");
  EXPECT_EQ(header_name(HeaderId::WwwAuthenticate), "WWW-Authenticate");
  EXPECT_EQ(header_name(HeaderId::Other), "");
}

TEST(CSeq, ParsesNumberAndCaseSensitiveMethod) {
  auto c = CSeq::parse("0009\r\n  INVITE");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->number, 9U);
  EXPECT_EQ(c->method, Method::Invite);
  auto lower = CSeq::parse("1 invite");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->method, Method::Unknown);
  EXPECT_EQ(lower->method_text, "invite");
  EXPECT_EQ(lower->to_string(), "1 invite");
}

TEST(CSeq, RejectsNumbersFrom2To31Up) {
  EXPECT_TRUE(CSeq::parse("2147483647 ACK"));
  EXPECT_FALSE(CSeq::parse("2147483648 ACK"));
  EXPECT_FALSE(CSeq::parse("36893488147419103232 INVITE"));
  EXPECT_FALSE(CSeq::parse("1INVITE"));
  EXPECT_FALSE(CSeq::parse("INVITE"));
  EXPECT_FALSE(CSeq::parse("1 INVITE x"));
}

TEST(TokenList, ParsesCommaSeparatedTokensAndEmptyLists) {
  auto t = parse_token_list("INVITE ,ACK,\r\n BYE");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (std::vector<std::string>{"INVITE", "ACK", "BYE"}));
  EXPECT_TRUE(parse_token_list("")->empty());
  EXPECT_FALSE(parse_token_list("a,,b"));
  EXPECT_FALSE(parse_token_list("a b"));
  EXPECT_EQ(join_tokens(*t), "INVITE, ACK, BYE");
}

// The check has a one-pass path for lists without folds and a Scanner path for the rest;
// both must agree with the option-tag list grammar.
TEST(TokenList, AcceptsAndRejectsTheSameListsWithAndWithoutFolds) {
  struct Case {
    std::string_view text;
    bool valid;
  };
  constexpr Case kCases[] = {
      {"INVITE, ACK, CANCEL, BYE, OPTIONS", true},
      {"INVITE,ACK", true},
      {"  100rel \t,\ttimer  ", true},
      {"   ", true},
      {"a", true},
      {"a,", false},
      {",a", false},
      {",", false},
      {"a,,b", false},
      {"a b", false},
      {"a, b c", false},
      {"a;b", false},
      {"a,\r\n b", true},
      {"a\r\n ,b", true},
      {"a,\r\n ,b", false},
  };
  for (const Case& c : kCases) {
    auto r = views::check_token_list(c.text);
    EXPECT_EQ(r.has_value(), c.valid) << "'" << c.text << "'";
    if (!r) {
      EXPECT_EQ(r.error().rule, "RFC 3261 §25.1 option-tag") << "'" << c.text << "'";
    }
  }
}

TEST(MediaType, ParsesTypeSubtypeAndParameters) {
  auto m = MediaType::parse("multipart/mixed;boundary=7a9cbec02ceef655");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->is("Multipart", "MIXED"));
  EXPECT_EQ(find_param(m->params, "boundary")->value, "7a9cbec02ceef655");
  EXPECT_FALSE(MediaType::parse("application"));
  EXPECT_FALSE(MediaType::parse("application/"));
}

TEST(Numbers, SaturateInsteadOfOverflowing) {
  EXPECT_EQ(parse_saturating_number("3600"), 3600U);
  EXPECT_EQ(parse_saturating_number("10239873938475938475987348579348753"), UINT32_MAX);
  EXPECT_EQ(parse_saturating_number("300", 255), 255U);
  EXPECT_FALSE(parse_saturating_number("-1"));
  EXPECT_FALSE(parse_saturating_number(""));
}

TEST(ReasonPhrase, StandardAndClassFallback) {
  EXPECT_EQ(reason_phrase(180), "Ringing");
  EXPECT_EQ(reason_phrase(483), "Too Many Hops");
  EXPECT_EQ(reason_phrase(430), "Flow Failed");
  EXPECT_EQ(reason_phrase(603), "Decline");
  EXPECT_EQ(reason_phrase(499), "Client Error");
}

}  // namespace
}  // namespace tipring::sip
