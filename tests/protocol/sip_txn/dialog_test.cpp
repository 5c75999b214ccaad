#include "protocol/sip/dialog.h"

#include "tests/protocol/sip_txn/transaction_fixture.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

using testing::parse_or_fail;

// Alice's INVITE after two record-routing proxies, and Bob's answers (RFC 3261 §12 roles).
const std::string kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKp2\r\n"
    "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1\r\n"
    "Via: SIP/2.0/UDP alice-pc.example.com;branch=z9hG4bKa1\r\n"
    "Record-Route: <sip:p2.example.com;lr>\r\n"
    "Record-Route: <sip:p1.example.com;lr>\r\n"
    "Max-Forwards: 68\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=alice-tag\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: dialog-call-1\r\n"
    "CSeq: 314 INVITE\r\n"
    "Contact: <sip:alice@alice-pc.example.com>\r\n"
    "Content-Length: 0\r\n\r\n";

std::string answer(int code, std::string_view contact = "sip:bob@bob-pc.example.com",
                   std::string_view record_routes =
                       "<sip:p2.example.com;lr>, "
                       "<sip:p1.example.com;lr>") {
  std::string text = "SIP/2.0 " + std::to_string(code) + " X\r\n";
  text += "Via: SIP/2.0/UDP alice-pc.example.com;branch=z9hG4bKa1\r\n";
  if (!record_routes.empty()) {
    text += "Record-Route: " + std::string(record_routes) + "\r\n";
  }
  text += "From: Alice <sip:alice@atlanta.example.com>;tag=alice-tag\r\n";
  text += "To: Bob <sip:bob@biloxi.example.com>;tag=bob-tag\r\n";
  text += "Call-ID: dialog-call-1\r\n";
  text += "CSeq: 314 INVITE\r\n";
  text += "Contact: <" + std::string(contact) + ">\r\n";
  text += "Content-Length: 0\r\n\r\n";
  return text;
}

Via via_with_branch(std::string_view branch) {
  Via via;
  via.host = "alice-pc.example.com";
  via.set_branch(branch);
  return via;
}

std::vector<std::string> route_hosts(const Message& request) {
  std::vector<std::string> hosts;
  auto routes = request.routes();
  EXPECT_TRUE(routes);
  for (const auto& route : routes.value_or(std::vector<NameAddr>{})) {
    hosts.push_back(route.uri.host);
  }
  return hosts;
}

Dialog uac_dialog(int code = 200) {
  auto dialog = Dialog::as_uac(parse_or_fail(kInvite), parse_or_fail(answer(code)));
  EXPECT_TRUE(dialog) << dialog.error().describe();
  return std::move(*dialog);
}

TEST(Dialog, UacDialogFromA180WithTagIsEarlyWithReversedRouteSet) {
  const Dialog dialog = uac_dialog(180);
  EXPECT_EQ(dialog.state(), Dialog::State::early);
  EXPECT_EQ(dialog.id(), (DialogId{"dialog-call-1", "alice-tag", "bob-tag"}));
  ASSERT_EQ(dialog.route_set().size(), 2U);
  EXPECT_EQ(dialog.route_set()[0].uri.host, "p1.example.com");  // nearest proxy first
  EXPECT_EQ(dialog.route_set()[1].uri.host, "p2.example.com");
  EXPECT_EQ(dialog.remote_target().host, "bob-pc.example.com");
  EXPECT_EQ(dialog.local_cseq(), 314U);
  EXPECT_FALSE(dialog.remote_cseq().has_value());
}

TEST(Dialog, TwoHundredConfirmsAnEarlyDialogAndRecomputesItsRouteSet) {
  Dialog dialog = uac_dialog(180);
  dialog.on_response(
      parse_or_fail(answer(200, "sip:bob@bob-new.example.com", "<sip:p2.example.com;lr>")),
      Method::Invite);
  EXPECT_EQ(dialog.state(), Dialog::State::confirmed);
  ASSERT_EQ(dialog.route_set().size(), 1U);
  EXPECT_EQ(dialog.route_set()[0].uri.host, "p2.example.com");
  EXPECT_EQ(dialog.remote_target().host, "bob-new.example.com");
}

TEST(Dialog, NonSuccessFinalEndsAnEarlyDialog) {
  Dialog dialog = uac_dialog(183);
  dialog.on_response(parse_or_fail(answer(486)), Method::Invite);
  EXPECT_EQ(dialog.state(), Dialog::State::terminated);
}

TEST(Dialog, OnlyProvisionalWithTagOrSuccessCreatesADialog) {
  EXPECT_FALSE(Dialog::as_uac(parse_or_fail(kInvite), parse_or_fail(answer(100))));
  EXPECT_FALSE(Dialog::as_uac(parse_or_fail(kInvite), parse_or_fail(answer(404))));
  std::string untagged = answer(180);
  untagged.replace(untagged.find(";tag=bob-tag"), 12, "");
  EXPECT_FALSE(Dialog::as_uac(parse_or_fail(kInvite), parse_or_fail(untagged)));
}

TEST(Dialog, InDialogRequestUsesRemoteTargetRouteSetTagsAndNextCSeq) {
  Dialog dialog = uac_dialog();
  const Message bye = dialog.make_request(Method::Bye, via_with_branch("z9hG4bKbye1"));
  EXPECT_EQ(bye.method(), Method::Bye);
  EXPECT_EQ(bye.request_uri_text(), "sip:bob@bob-pc.example.com");
  EXPECT_EQ(route_hosts(bye), (std::vector<std::string>{"p1.example.com", "p2.example.com"}));
  EXPECT_EQ(bye.from_tag(), "alice-tag");
  EXPECT_EQ(bye.to_tag(), "bob-tag");
  EXPECT_EQ(bye.call_id(), "dialog-call-1");
  EXPECT_EQ(bye.cseq_number(), 315U);
  EXPECT_EQ(bye.branch(), "z9hG4bKbye1");
  EXPECT_EQ(bye.count(HeaderId::Contact), 0U);
  EXPECT_EQ(dialog.local_cseq(), 315U);

  const Message reinvite = dialog.make_request(Method::Invite, via_with_branch("z9hG4bKre1"));
  EXPECT_EQ(reinvite.cseq_number(), 316U);
  EXPECT_EQ(reinvite.count(HeaderId::Contact), 1U) << "a target refresh carries our Contact";
  // The request parses back as sent.
  EXPECT_EQ(parse_or_fail(reinvite.serialize()), reinvite);
}

TEST(Dialog, StrictRouterGetsTheRequestUriAndTheRemoteTargetGoesLast) {
  auto dialog =
      Dialog::as_uac(parse_or_fail(kInvite),
                     parse_or_fail(answer(200, "sip:bob@bob-pc.example.com",
                                          "<sip:p2.example.com;lr>, <sip:strict.example.com>")));
  ASSERT_TRUE(dialog);
  const Message bye = dialog->make_request(Method::Bye, via_with_branch("z9hG4bKbye2"));
  EXPECT_EQ(bye.request_uri_text(), "sip:strict.example.com");
  auto routes = bye.routes();
  ASSERT_TRUE(routes);
  ASSERT_EQ(routes->size(), 2U);
  EXPECT_EQ((*routes)[0].uri.host, "p2.example.com");
  EXPECT_EQ((*routes)[1].uri.host, "bob-pc.example.com");
  EXPECT_EQ((*routes)[1].uri.user, "bob");
}

TEST(Dialog, AckFor2xxKeepsTheInviteCSeqAndHasItsOwnBranch) {
  Dialog dialog = uac_dialog();
  const Message ack = dialog.make_ack(314, via_with_branch("z9hG4bKack1"));
  EXPECT_EQ(ack.method(), Method::Ack);
  EXPECT_EQ(ack.cseq_number(), 314U);
  EXPECT_EQ(ack.cseq_method(), Method::Ack);
  EXPECT_EQ(ack.branch(), "z9hG4bKack1");
  EXPECT_EQ(ack.request_uri_text(), "sip:bob@bob-pc.example.com");
  EXPECT_EQ(route_hosts(ack), (std::vector<std::string>{"p1.example.com", "p2.example.com"}));
  EXPECT_EQ(dialog.local_cseq(), 314U) << "ACK does not consume a CSeq";
}

TEST(Dialog, UasDialogKeepsRecordRouteOrderAndMirrorsTheUacId) {
  const Message invite = parse_or_fail(kInvite);
  const Message ok = parse_or_fail(answer(200));
  auto uas = Dialog::as_uas(invite, ok);
  ASSERT_TRUE(uas) << uas.error().describe();
  EXPECT_EQ(uas->state(), Dialog::State::confirmed);
  EXPECT_EQ(uas->id(), (DialogId{"dialog-call-1", "bob-tag", "alice-tag"}));
  ASSERT_EQ(uas->route_set().size(), 2U);
  EXPECT_EQ(uas->route_set()[0].uri.host, "p2.example.com");
  EXPECT_EQ(uas->remote_target().host, "alice-pc.example.com");
  EXPECT_EQ(uas->remote_cseq(), 314U);
  EXPECT_FALSE(uas->local_cseq().has_value());

  const Message bye = uas->make_request(Method::Bye, via_with_branch("z9hG4bKuasbye"));
  EXPECT_EQ(bye.cseq_number(), 1U) << "a UAS's first request starts its own CSeq space";
  EXPECT_EQ(bye.from_tag(), "bob-tag");
  EXPECT_EQ(bye.to_tag(), "alice-tag");
  EXPECT_EQ(bye.request_uri_text(), "sip:alice@alice-pc.example.com");
  EXPECT_EQ(dialog_id_of_incoming_request(bye), uac_dialog().id());
}

std::string in_dialog_request(std::string_view method, std::uint32_t cseq,
                              std::string_view contact = "") {
  std::string text = std::string(method) + " sip:bob@bob-pc.example.com SIP/2.0\r\n";
  text += "Via: SIP/2.0/UDP alice-pc.example.com;branch=z9hG4bKin" + std::to_string(cseq) + "\r\n";
  text += "From: <sip:alice@atlanta.example.com>;tag=alice-tag\r\n";
  text += "To: <sip:bob@biloxi.example.com>;tag=bob-tag\r\n";
  text += "Call-ID: dialog-call-1\r\n";
  text += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  if (!contact.empty()) {
    text += "Contact: <" + std::string(contact) + ">\r\n";
  }
  text += "Content-Length: 0\r\n\r\n";
  return text;
}

TEST(Dialog, RejectsOutOfOrderCSeqAndRefreshesTargetOnReInvite) {
  auto uas = Dialog::as_uas(parse_or_fail(kInvite), parse_or_fail(answer(200)));
  ASSERT_TRUE(uas);
  auto old = uas->on_request(parse_or_fail(in_dialog_request("INFO", 313)));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().rule, "RFC 3261 §12.2.2 CSeq");

  EXPECT_TRUE(uas->on_request(parse_or_fail(in_dialog_request("ACK", 314))));
  EXPECT_TRUE(uas->on_request(parse_or_fail(in_dialog_request("INFO", 320, "sip:x@ignored"))));
  EXPECT_EQ(uas->remote_cseq(), 320U);
  EXPECT_EQ(uas->remote_target().host, "alice-pc.example.com") << "INFO is not a target refresh";

  EXPECT_TRUE(
      uas->on_request(parse_or_fail(in_dialog_request("INVITE", 321, "sip:alice@roamed.example"))));
  EXPECT_EQ(uas->remote_target().host, "roamed.example");
}

TEST(Dialog, TargetRefreshResponseUpdatesTheRemoteTarget) {
  Dialog dialog = uac_dialog();
  dialog.on_response(parse_or_fail(answer(200, "sip:bob@moved.example.com")), Method::Invite);
  EXPECT_EQ(dialog.remote_target().host, "moved.example.com");
  dialog.on_response(parse_or_fail(answer(200, "sip:bob@elsewhere.example.com")), Method::Bye);
  EXPECT_EQ(dialog.remote_target().host, "moved.example.com") << "BYE is not a target refresh";
}

}  // namespace
}  // namespace tipring::sip
