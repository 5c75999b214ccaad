// RFC 4475 §3: every torture message, with the verdict this parser gives and why.
//
// Decisions for the messages the RFC leaves to the implementation:
// - §3.1.2.12 baddate: rejected. §20.17 allows only GMT, and the Date field is cheap to
//   check; the RFC permits a 400.
// - §3.1.2.4 scalar02 / §3.1.2.5 scalarlg: rejected for the CSeq (the first overlarge
//   field); an overlarge Expires alone would be accepted and saturate at 2^32-1.
// - §3.2.1 badbranch: parses; Via::has_rfc3261_branch() is false because the branch is
//   only the magic cookie, so the transaction layer must not use it as an RFC 3261 id.
// - §3.3.x: application-layer problems parse, and the typed accessors expose what the
//   application needs to answer (416 for unknown schemes, 420 for Require, 483 for
//   Max-Forwards 0, 415 for unknown content types); §3.3.1 insuf, §3.3.8 multi01 and
//   §3.3.9 mcl01 are rejected by the parser (400).
#include "protocol/sip/message.h"
#include "tests/protocol/sip/rfc4475_invalid_messages.h"
#include "tests/protocol/sip/rfc4475_messages.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

using namespace rfc4475;

struct Torture {
  const char* name;
  const std::string* text;
  std::string_view rule;  // empty: the message must parse
};

const std::string kLongreq = longreq();

class Rfc4475 : public ::testing::TestWithParam<Torture> {};

TEST_P(Rfc4475, VerdictMatchesTheRfc) {
  const Torture& t = GetParam();
  auto m = Message::parse(*t.text);
  if (t.rule.empty()) {
    ASSERT_TRUE(m) << t.name << ": " << m.error().describe();
    // serialize(parse(x)) re-parses to an equal message.
    auto again = Message::parse(m->serialize());
    ASSERT_TRUE(again) << t.name << ": " << again.error().describe();
    EXPECT_EQ(*again, *m) << t.name;
  } else {
    ASSERT_FALSE(m) << t.name << " was accepted";
    EXPECT_EQ(m.error().rule, t.rule) << t.name << ": " << m.error().describe();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Section3, Rfc4475,
    ::testing::Values(
        Torture{"wsinv_3_1_1_1", &kWsinv, {}}, Torture{"intmeth_3_1_1_2", &kIntmeth, {}},
        Torture{"esc01_3_1_1_3", &kEsc01, {}}, Torture{"escnull_3_1_1_4", &kEscnull, {}},
        Torture{"esc02_3_1_1_5", &kEsc02, {}}, Torture{"lwsdisp_3_1_1_6", &kLwsdisp, {}},
        Torture{"longreq_3_1_1_7", &kLongreq, {}}, Torture{"dblreq_3_1_1_8", &kDblreq, {}},
        Torture{"semiuri_3_1_1_9", &kSemiuri, {}}, Torture{"transports_3_1_1_10", &kTransports, {}},
        Torture{"mpart01_3_1_1_11", &kMpart01, {}}, Torture{"unreason_3_1_1_12", &kUnreason, {}},
        Torture{"noreason_3_1_1_13", &kNoreason, {}},
        Torture{"badinv01_3_1_2_1", &kBadinv01, "RFC 3261 §25.1 Via"},
        Torture{"clerr_3_1_2_2", &kClerr, "RFC 3261 §18.3 Content-Length framing"},
        Torture{"ncl_3_1_2_3", &kNcl, "RFC 3261 §20.14 Content-Length"},
        Torture{"scalar02_3_1_2_4", &kScalar02, "RFC 3261 §20.16 CSeq"},
        Torture{"scalarlg_3_1_2_5", &kScalarlg, "RFC 3261 §20.16 CSeq"},
        Torture{"quotbal_3_1_2_6", &kQuotbal, "RFC 3261 §25.1 To"},
        Torture{"ltgtruri_3_1_2_7", &kLtgtruri, "RFC 3261 §25.1 Request-URI"},
        Torture{"lwsruri_3_1_2_8", &kLwsruri, "RFC 3261 §25.1 Request-Line"},
        Torture{"lwsstart_3_1_2_9", &kLwsstart, "RFC 3261 §25.1 Request-Line"},
        Torture{"trws_3_1_2_10", &kTrws, "RFC 3261 §25.1 Request-Line"},
        Torture{"escruri_3_1_2_11", &kEscruri, "RFC 3261 §19.1.1 Request-URI"},
        Torture{"baddate_3_1_2_12", &kBaddate, "RFC 3261 §25.1 Date"},
        Torture{"regbadct_3_1_2_13", &kRegbadct, "RFC 3261 §20 addr-spec"},
        Torture{"badaspec_3_1_2_14", &kBadaspec, "RFC 3261 §25.1 To"},
        Torture{"baddn_3_1_2_15", &kBaddn, "RFC 3261 §25.1 From"},
        Torture{"badvers_3_1_2_16", &kBadvers, rules::kSipVersion},
        Torture{"mismatch01_3_1_2_17", &kMismatch01, "RFC 3261 §8.1.1.5 CSeq"},
        Torture{"mismatch02_3_1_2_18", &kMismatch02, "RFC 3261 §8.1.1.5 CSeq"},
        Torture{"bigcode_3_1_2_19", &kBigcode, "RFC 3261 §25.1 Status-Line"},
        Torture{"badbranch_3_2_1", &kBadbranch, {}},
        Torture{"insuf_3_3_1", &kInsuf, rules::kMandatoryHeaders},
        Torture{"unkscm_3_3_2", &kUnkscm, {}}, Torture{"novelsc_3_3_3", &kNovelsc, {}},
        Torture{"unksm2_3_3_4", &kUnksm2, {}}, Torture{"bext01_3_3_5", &kBext01, {}},
        Torture{"invut_3_3_6", &kInvut, {}}, Torture{"regaut01_3_3_7", &kRegaut01, {}},
        Torture{"multi01_3_3_8", &kMulti01, rules::kSingleValued},
        Torture{"mcl01_3_3_9", &kMcl01, rules::kSingleValued}, Torture{"bcast_3_3_10", &kBcast, {}},
        Torture{"zeromf_3_3_11", &kZeromf, {}}, Torture{"cparam01_3_3_12", &kCparam01, {}},
        Torture{"cparam02_3_3_13", &kCparam02, {}}, Torture{"regescrt_3_3_14", &kRegescrt, {}},
        Torture{"sdp01_3_3_15", &kSdp01, {}}, Torture{"inv2543_3_4_1", &kInv2543, {}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

Message parsed(const std::string& text) {
  auto m = Message::parse(text);
  EXPECT_TRUE(m) << m.error().describe();
  return m ? std::move(*m) : Message{};
}

TEST(Rfc4475Content, WsinvFoldedAndSpacedFieldsHaveTheirValues) {
  Message m = parsed(kWsinv);
  EXPECT_EQ(m.to_tag(), "1918181833n");
  EXPECT_EQ(m.from_tag(), "98asjd8");
  EXPECT_EQ(m.from()->display_name, "J Rosenberg \\\"");
  EXPECT_EQ(m.max_forwards(), 68U);
  EXPECT_EQ(m.cseq_number(), 9U);
  EXPECT_EQ(m.cseq_method(), Method::Invite);
  EXPECT_EQ(m.branch(), "390skdjuw");
  auto vias = m.vias();
  ASSERT_TRUE(vias);
  ASSERT_EQ(vias->size(), 3U);
  EXPECT_EQ((*vias)[1].branch(), "z9hG4bK9ikj8");
  EXPECT_EQ((*vias)[2].host, "192.168.255.111");
  EXPECT_EQ(m.find(HeaderId::Subject), "");
  EXPECT_EQ(m.find("newfangledheader"), "newfangled value\r\n continued newfangled value");
  EXPECT_EQ(m.find("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts);
  const Contact& c = contacts->contacts.at(0);
  EXPECT_EQ(c.address.display_name, "Quoted string \"\"");
  EXPECT_EQ(c.address.param("newparam")->value, "newvalue");
  EXPECT_FALSE(c.address.param("secondparam")->has_value);
  EXPECT_EQ(c.q_thousandths(), 330);
  EXPECT_EQ(m.body().size(), 150U);
}

TEST(Rfc4475Content, IntmethKeepsUnusualTokensAndEscapedControlCharacters) {
  Message m = parsed(kIntmeth);
  EXPECT_EQ(m.method(), Method::Unknown);
  EXPECT_EQ(m.method_text(), "!interesting-Method0123456789_*+`.%indeed'~");
  auto uri = m.request_uri();
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(uri->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(m.to()->display_name,
            std::string("BEL:\x07 NUL:", 10) + std::string(1, '\0') + " DEL:\x7F");
  EXPECT_EQ(m.from()->display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(m.from_tag(), "_token~1'+`*%!-.");
  EXPECT_EQ(m.call_id(), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(m.branch(), "z9hG4bK-.!%66*_+`'~");
}

TEST(Rfc4475Content, EscapesAreKeptAndCompareAsTheirCharacters) {
  Message m = parsed(kEsc01);
  EXPECT_EQ(m.request_uri()->user, "sips%3Auser%40example.com");
  EXPECT_EQ(m.to()->uri, *Uri::parse("sip:user@example.com"));
  EXPECT_EQ(m.call_id(), "esc01.239409asdfakjkn23onasd0-3234");
  EXPECT_TRUE(m.content_type()->is("application", "sdp"));
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts);
  const Uri& contact = contacts->contacts.at(0).address.uri;
  EXPECT_EQ(contact.params.at(1).value, "v%61lue%25%34%31");
  EXPECT_EQ(contact, *Uri::parse("sip:caller@host5.example.net;lr;name=value%25%34%31"));
  EXPECT_NE(contact, *Uri::parse("sip:caller@host5.example.net;lr;name=valueA"));
}

TEST(Rfc4475Content, PercentOutsideEscapesIsLiteral) {
  Message m = parsed(kEsc02);
  EXPECT_EQ(m.method(), Method::Unknown);
  EXPECT_EQ(m.method_text(), "RE%47IST%45R");
  EXPECT_EQ(m.to()->display_name, "%Z%45");
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts);
  EXPECT_EQ(contacts->contacts.size(), 2U);
  EXPECT_EQ(m.find("C%6Fntact"), "<sip:alias2@host2.example.com>");
  EXPECT_EQ(m.content_length(), 0U);
}

TEST(Rfc4475Content, LongreqHas34ViasAndLongValues) {
  Message m = parsed(kLongreq);
  auto vias = m.vias();
  ASSERT_TRUE(vias);
  EXPECT_EQ(vias->size(), 34U);
  EXPECT_EQ(vias->front().host, "sip33.example.com");
  EXPECT_EQ(vias->back().received(), "192.0.2.5");
  EXPECT_EQ(m.from_tag(), "12" + repeat("982", 50) + "424");
  EXPECT_EQ(m.to()->uri.port, 6000);
}

TEST(Rfc4475Content, DatagramOctetsAfterContentLengthAreIgnored) {
  Message m = parsed(kDblreq);
  EXPECT_EQ(m.method(), Method::Register);
  EXPECT_EQ(m.body(), "");
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts);
  EXPECT_EQ(contacts->contacts.at(0).address.uri.host, "host.example.com");
}

TEST(Rfc4475Content, SemicolonsInTheUserPartBelongToTheUser) {
  Message m = parsed(kSemiuri);
  auto uri = m.request_uri();
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->user, "user;par=u%40example.net");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_TRUE(uri->params.empty());
}

TEST(Rfc4475Content, UnknownTransportsAreKept) {
  auto vias = parsed(kTransports).vias();
  ASSERT_TRUE(vias);
  ASSERT_EQ(vias->size(), 5U);
  EXPECT_EQ((*vias)[1].transport, "SCTP");
  EXPECT_EQ((*vias)[3].transport, "UNKNOWN");
}

TEST(Rfc4475Content, MultipartBodyIsFramedByContentLength) {
  Message m = parsed(kMpart01);
  EXPECT_EQ(m.body(), kMpartBody);
  EXPECT_TRUE(m.content_type()->is("multipart", "mixed"));
}

TEST(Rfc4475Content, ReasonPhrasesMayBeUtf8OrEmpty) {
  Message unusual = parsed(kUnreason);
  EXPECT_EQ(unusual.status_code(), 200);
  EXPECT_TRUE(unusual.reason_phrase().starts_with("= 2**3 * 5**2 \xD0\xBD\xD0\xBE"));
  Message empty = parsed(kNoreason);
  EXPECT_EQ(empty.status_code(), 100);
  EXPECT_EQ(empty.reason_phrase(), "");
}

TEST(Rfc4475Content, ApplicationLayerCasesExposeWhatTheResponseNeeds) {
  EXPECT_FALSE(parsed(kBadbranch).top_via()->has_rfc3261_branch());
  EXPECT_EQ(parsed(kUnkscm).request_uri()->scheme, UriScheme::Other);
  EXPECT_EQ(parsed(kNovelsc).request_uri()->other_scheme, "soap.beep");
  Message unksm2 = parsed(kUnksm2);
  EXPECT_EQ(unksm2.to()->uri.opaque, "2983792873");
  EXPECT_EQ(unksm2.from()->uri.other_scheme, "http");
  EXPECT_TRUE(parsed(kBext01).has_token(HeaderId::Require, "nothingSupportedHere"));
  EXPECT_FALSE(parsed(kInvut).content_type()->is("application", "sdp"));
  auto auth = parsed(kRegaut01).auth_headers(HeaderId::Authorization);
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->at(0).scheme, "NoOneKnowsThisScheme");
  Message zero = parsed(kZeromf);
  EXPECT_EQ(zero.max_forwards(), 0U);
  EXPECT_FALSE(zero.decrement_max_forwards());
  auto c1 = parsed(kCparam01).contacts();
  ASSERT_TRUE(c1);
  EXPECT_NE(c1->contacts.at(0).address.param("unknownparam"), nullptr);
  EXPECT_TRUE(c1->contacts.at(0).address.uri.params.empty());
  auto c2 = parsed(kCparam02).contacts();
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->contacts.at(0).address.param("unknownparam"), nullptr);
  EXPECT_NE(c2->contacts.at(0).address.uri.param("unknownparam"), nullptr);
  auto c3 = parsed(kRegescrt).contacts();
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->contacts.at(0).address.uri.headers.at(0).value, "%3Csip:sip.example.com%3E");
  Message rfc2543 = parsed(kInv2543);
  EXPECT_FALSE(rfc2543.max_forwards());
  EXPECT_EQ(rfc2543.branch(), "");
  EXPECT_TRUE(rfc2543.body().ends_with("m=audio 49217 RTP/AVP 0\r\n"));
}

}  // namespace
}  // namespace tipring::sip
