#include "protocol/sip/message.h"
#include "tests/protocol/sip/sample_messages.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

Message parsed(std::string_view text) {
  auto m = Message::parse(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().describe());
  return m ? std::move(*m) : Message{};
}

// Each mutation re-derives only the hot fields of the header it touched; after every step
// they must be what a fresh parse of the serialized message picks out.
void expect_hot_fields_as_reparsed(const Message& m, std::string_view step) {
  auto again = Message::parse(m.serialize());
  ASSERT_TRUE(again) << step << ": " << again.error().describe();
  EXPECT_EQ(m.branch(), again->branch()) << step;
  EXPECT_EQ(m.via_transport(), again->via_transport()) << step;
  EXPECT_EQ(m.via_host(), again->via_host()) << step;
  EXPECT_EQ(m.via_port(), again->via_port()) << step;
  EXPECT_EQ(m.from_tag(), again->from_tag()) << step;
  EXPECT_EQ(m.to_tag(), again->to_tag()) << step;
  EXPECT_EQ(m.call_id(), again->call_id()) << step;
  EXPECT_EQ(m.cseq_number(), again->cseq_number()) << step;
  EXPECT_EQ(m.cseq_method_text(), again->cseq_method_text()) << step;
  EXPECT_EQ(m.max_forwards(), again->max_forwards()) << step;
  EXPECT_EQ(m.content_length(), again->content_length()) << step;
}

TEST(MessageBuild, MutationsKeepTheHotFieldsAReparseWouldPickOut) {
  Message m = parsed(samples::kInvite);
  m.prepend_header(HeaderId::Via, "SIP/2.0/UDP proxy.example.com:5070;branch=z9hG4bKproxy1");
  EXPECT_EQ(m.branch(), "z9hG4bKproxy1");
  EXPECT_EQ(m.via_port(), 5070);
  expect_hot_fields_as_reparsed(m, "prepend Via");
  m.add_header(HeaderId::Via, "SIP/2.0/TCP last.example.com;branch=z9hG4bKlast");
  EXPECT_EQ(m.branch(), "z9hG4bKproxy1");
  expect_hot_fields_as_reparsed(m, "append Via");
  m.prepend_header(HeaderId::RecordRoute, "<sip:proxy.example.com;lr>");
  expect_hot_fields_as_reparsed(m, "prepend Record-Route");
  ASSERT_TRUE(m.decrement_max_forwards());
  EXPECT_EQ(m.max_forwards(), 69U);
  expect_hot_fields_as_reparsed(m, "decrement Max-Forwards");
  EXPECT_TRUE(m.remove_first_value(HeaderId::Via));
  EXPECT_EQ(m.branch(), "z9hG4bK776asdhds");
  expect_hot_fields_as_reparsed(m, "remove the top Via");
  m.set_to_tag("callee-tag");
  EXPECT_EQ(m.to_tag(), "callee-tag");
  expect_hot_fields_as_reparsed(m, "set the To tag");
  m.set_header(HeaderId::CSeq, "314160 INVITE");
  EXPECT_EQ(m.cseq_number(), 314160U);
  expect_hot_fields_as_reparsed(m, "set CSeq");
  m.set_body("v=0\r\n", "application/sdp");
  EXPECT_EQ(m.content_length(), 5U);
  expect_hot_fields_as_reparsed(m, "set the body");
  EXPECT_EQ(m.remove_headers(HeaderId::Via), 2U);
  EXPECT_EQ(m.branch(), "");
  EXPECT_EQ(m.via_port(), std::nullopt);
  m.add_header(HeaderId::Via, "SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKnew");
  EXPECT_EQ(m.branch(), "z9hG4bKnew");
  expect_hot_fields_as_reparsed(m, "replace every Via");
  m.set_header(HeaderId::CallId, "other-call@example.com");
  EXPECT_EQ(m.call_id(), "other-call@example.com");
  expect_hot_fields_as_reparsed(m, "set Call-ID");
}

TEST(MessageBuild, RequestFromScratchParsesBack) {
  Message m = Message::request(Method::Options, Uri::sip("bob", "example.com"));
  Via via;
  via.host = "192.0.2.1";
  via.set_branch("z9hG4bKbuild1");
  m.add_header(HeaderId::Via, via.to_string());
  m.add_header(HeaderId::MaxForwards, "70");
  m.add_header(HeaderId::From, "<sip:alice@example.com>;tag=abc");
  m.add_header(HeaderId::To, "<sip:bob@example.com>");
  m.add_header(HeaderId::CallId, "call-1@192.0.2.1");
  m.add_header(HeaderId::CSeq, "1 OPTIONS");
  m.add_header("X-Extension", "yes");
  m.set_body("hello", "text/plain");
  EXPECT_EQ(m.branch(), "z9hG4bKbuild1");
  EXPECT_EQ(m.from_tag(), "abc");
  EXPECT_EQ(m.content_length(), 5U);
  std::string text = m.serialize();
  Message again = parsed(text);
  EXPECT_EQ(again, m);
  EXPECT_EQ(again.find("x-extension"), "yes");
  EXPECT_EQ(again.body(), "hello");
}

TEST(MessageBuild, ProxyForwardingMutations) {
  Message m = parsed(
      "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
      "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
      "Route: <sip:p3.example.com;lr>\r\n" +
      samples::kInvite.substr(samples::kInvite.find("Via:")));
  m.prepend_header(HeaderId::Via, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1");
  EXPECT_EQ(m.branch(), "z9hG4bKproxy1");
  m.prepend_header(HeaderId::RecordRoute, "<sip:proxy.example.com;lr>");
  EXPECT_EQ(m.header(0).id, HeaderId::RecordRoute);
  ASSERT_TRUE(m.remove_first_value(HeaderId::Route));
  auto routes = m.routes();
  ASSERT_TRUE(routes);
  ASSERT_EQ(routes->size(), 2U);
  EXPECT_EQ((*routes)[0].uri.host, "p2.example.com");
  ASSERT_TRUE(m.remove_first_value(HeaderId::Route));
  ASSERT_TRUE(m.remove_first_value(HeaderId::Route));
  EXPECT_FALSE(m.remove_first_value(HeaderId::Route));
  EXPECT_EQ(m.count(HeaderId::Route), 0U);
  auto mf = m.decrement_max_forwards();
  ASSERT_TRUE(mf);
  EXPECT_EQ(*mf, 69U);
  EXPECT_EQ(m.max_forwards(), 69U);
  m.set_body("v=0\r\n", "application/sdp");
  EXPECT_EQ(m.content_length(), 5U);
  Message again = parsed(m.serialize());
  EXPECT_EQ(again, m);
  auto vias = again.vias();
  ASSERT_TRUE(vias);
  ASSERT_EQ(vias->size(), 2U);
  EXPECT_EQ((*vias)[1].branch(), "z9hG4bK776asdhds");
}

TEST(MessageBuild, MaxForwardsZeroCannotBeDecrementedAndAbsentBecomes70) {
  std::string zero = samples::kInvite;
  zero.replace(zero.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
  Message m = parsed(zero);
  auto r = m.decrement_max_forwards();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rule, "RFC 3261 §16.3 Max-Forwards");
  m.remove_headers(HeaderId::MaxForwards);
  EXPECT_EQ(m.decrement_max_forwards(), 70U);
}

TEST(MessageBuild, MakeResponseCopiesTheRfc3261Section8_2_6_2Fields) {
  Message request = parsed(
      "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp\r\n" +
      samples::kInvite.substr(samples::kInvite.find("Via:")));
  Message r = make_response(request, 180, {}, "bobtag");
  EXPECT_EQ(r.status_code(), 180);
  EXPECT_EQ(r.reason_phrase(), "Ringing");
  EXPECT_EQ(r.count(HeaderId::Via), 2U);
  EXPECT_EQ(r.branch(), "z9hG4bKp");
  EXPECT_EQ(r.call_id(), request.call_id());
  EXPECT_EQ(r.cseq(), request.cseq());
  EXPECT_EQ(r.from_tag(), "1928301774");
  EXPECT_EQ(r.to_tag(), "bobtag");
  EXPECT_EQ(r.content_length(), 0U);
  Message again = parsed(r.serialize());
  EXPECT_EQ(again, r);
  Message with_reason = make_response(request, 486, "Gone Fishing");
  EXPECT_EQ(with_reason.reason_phrase(), "Gone Fishing");
  EXPECT_EQ(with_reason.to_tag(), "");
}

TEST(MessageBuild, FieldsOutsideTheIndexComeAndGoWithoutChangingTheHotFields) {
  Message m = parsed(samples::kInvite);
  const std::string branch(m.branch());
  const std::string from_tag(m.from_tag());
  const std::string call_id(m.call_id());
  m.prepend_header(HeaderId::RecordRoute, "<sip:proxy.example.com;lr>");
  m.add_header(HeaderId::WwwAuthenticate, "Digest realm=\"x\", nonce=\"n\"");
  m.add_header("X-Extension", "yes");
  m.remove_headers(HeaderId::Contact);
  EXPECT_EQ(m.branch(), branch);
  EXPECT_EQ(m.from_tag(), from_tag);
  EXPECT_EQ(m.call_id(), call_id);
  EXPECT_EQ(m.cseq_number(), 314159U);
  // Fields inside the index still move it: a new top Via is the branch now.
  m.prepend_header(HeaderId::Via, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKtop");
  EXPECT_EQ(m.branch(), "z9hG4bKtop");
  m.remove_first_value(HeaderId::Via);
  EXPECT_EQ(m.branch(), branch);
  Message again = parsed(m.serialize());
  EXPECT_EQ(again, m);
}

TEST(MessageBuild, CopiesAreIndependent) {
  Message a = parsed(samples::kOk);
  Message b = a;
  b.set_header(HeaderId::CallId, "other@x");
  EXPECT_EQ(a.call_id(), "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(b.call_id(), "other@x");
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace tipring::sip
