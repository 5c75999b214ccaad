// CANCEL on both sides (RFC 3261 §9): the server matches it to the INVITE it cancels and
// answers 487; the client waits for a provisional before sending it.
#include "tests/protocol/sip_txn/transaction_fixture.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

using namespace tipring::sip::testing;
using Kind = TransactionEventKind;

TEST(CancelServer, CancelOfAPendingInviteGets200AndTheInviteGets487WithTheSameTag) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKc1");
  net.deliver(invite);
  const TransactionId invite_id = net.events.at(0).transaction;
  ASSERT_TRUE(net.layer.send_response(invite_id, response(invite, 180, "ring-tag"), net.now));
  net.drain();
  net.clear();

  net.deliver(request("CANCEL", "z9hG4bKc1"));
  ASSERT_EQ(net.sent.size(), 2U);
  EXPECT_EQ(net.sent[0].message.status_code(), 200);
  EXPECT_EQ(net.sent[0].message.cseq_method(), Method::Cancel);
  EXPECT_EQ(net.sent[1].message.status_code(), 487);
  EXPECT_EQ(net.sent[1].message.cseq_method(), Method::Invite);
  EXPECT_EQ(net.sent[0].message.to_tag(), "ring-tag");
  EXPECT_EQ(net.sent[1].message.to_tag(), "ring-tag");
  ASSERT_EQ(net.event_kinds(), std::vector<Kind>{Kind::cancelled});
  EXPECT_EQ(net.events[0].transaction, invite_id);
  EXPECT_EQ(net.layer.server(invite_id)->state(), ServerTransaction::State::completed);

  net.clear();
  net.deliver(request("CANCEL", "z9hG4bKc1"));  // retransmitted CANCEL: same 200 again
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 200);
  EXPECT_TRUE(net.events.empty());
}

TEST(CancelServer, CancelWithoutAMatchingInviteGets481) {
  FakeNetwork net;
  net.deliver(request("CANCEL", "z9hG4bKnothing"));
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 481);
  EXPECT_TRUE(net.events.empty());
}

TEST(CancelServer, CancelAfterTheFinalResponseHasNoEffect) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKc2");
  net.deliver(invite);
  const TransactionId invite_id = net.events.at(0).transaction;
  ASSERT_TRUE(net.layer.send_response(invite_id, response(invite, 200), net.now));
  net.drain();
  net.clear();
  net.deliver(request("CANCEL", "z9hG4bKc2"));
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 200);
  EXPECT_TRUE(net.events.empty());
  EXPECT_EQ(net.layer.server(invite_id)->state(), ServerTransaction::State::accepted);
}

TEST(CancelServer, ProxyModeReportsTheCancelButLeavesTheInviteToTheTu) {
  TransactionLayerConfig config;
  config.answer_cancelled_invite_with_487 = false;
  FakeNetwork net(config);
  const Message invite = request("INVITE", "z9hG4bKc3");
  net.deliver(invite);
  const TransactionId invite_id = net.events.at(0).transaction;
  net.clear();
  net.deliver(request("CANCEL", "z9hG4bKc3"));
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 200);
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::cancelled});
  EXPECT_EQ(net.layer.server(invite_id)->state(), ServerTransaction::State::proceeding);
}

TEST(CancelClient, WaitsForAProvisionalThenSendsCancelOnTheInvitesBranch) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKcc1", 5);
  auto invite_id = net.layer.send_request(invite, kUdpPeer, net.now);
  ASSERT_TRUE(invite_id);
  net.drain();
  auto pending = net.layer.cancel(*invite_id, net.now);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, 0U) << "no provisional yet: the CANCEL waits (§9.1)";
  net.clear();

  net.now = TimePoint{milliseconds(200)};
  net.deliver(response(invite, 180));
  ASSERT_EQ(net.sent.size(), 1U);
  const Message& cancel = net.sent[0].message;
  EXPECT_EQ(cancel.method(), Method::Cancel);
  EXPECT_EQ(cancel.branch(), "z9hG4bKcc1");
  EXPECT_EQ(cancel.cseq_number(), 5U);
  EXPECT_EQ(cancel.cseq_method(), Method::Cancel);
  EXPECT_TRUE(cancel.to_tag().empty()) << "CANCEL copies the request's To, not the response's";
  EXPECT_EQ(cancel.count(HeaderId::Route), 1U);
  EXPECT_EQ(net.layer.client_count(), 2U);

  // The far end answers both; the INVITE's 487 is ACKed by the transaction.
  net.clear();
  net.deliver(response(cancel, 200));
  net.deliver(response(invite, 487));
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.method(), Method::Ack);
}

TEST(CancelClient, CannotCancelAnInviteThatHasAFinalResponse) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKcc2");
  auto invite_id = net.layer.send_request(invite, kUdpPeer, net.now);
  ASSERT_TRUE(invite_id);
  net.drain();
  net.deliver(response(invite, 200));
  EXPECT_FALSE(net.layer.cancel(*invite_id, net.now));
}

TEST(CancelClient, PendingCancelIsDroppedWhenAFinalArrivesFirst) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKcc3");
  auto invite_id = net.layer.send_request(invite, kUdpPeer, net.now);
  ASSERT_TRUE(invite_id);
  ASSERT_TRUE(net.layer.cancel(*invite_id, net.now));
  net.drain();
  net.clear();
  net.deliver(response(invite, 200));
  EXPECT_TRUE(net.sent.empty());
  EXPECT_EQ(net.layer.client_count(), 1U);
}

}  // namespace
}  // namespace tipring::sip
