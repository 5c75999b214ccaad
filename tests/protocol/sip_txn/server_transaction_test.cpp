#include "protocol/sip/server_transaction.h"

#include "tests/protocol/sip_txn/transaction_fixture.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

using namespace tipring::sip::testing;
using Kind = TransactionEventKind;

constexpr std::int64_t kMs = 1000;

// Delivers `req` and returns the server transaction the TU was told about.
TransactionId receive(FakeNetwork& net, const Message& req, const Peer& from = kUdpPeer) {
  net.deliver(req, from);
  for (const auto& event : net.events) {
    if (event.kind == Kind::request) {
      return event.transaction;
    }
  }
  ADD_FAILURE() << "no request event";
  return 0;
}

void answer(FakeNetwork& net, TransactionId id, const Message& req, int code) {
  auto sent = net.layer.send_response(id, response(req, code), net.now);
  ASSERT_TRUE(sent) << sent.error().describe();
  net.drain();
}

TEST(ServerTransaction, InviteIsPassedUpAndAnswered100TryingAtOnce) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKs1");
  const TransactionId id = receive(net, invite);
  ASSERT_NE(id, 0U);
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::request});
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 100);
  EXPECT_EQ(net.sent[0].message.branch(), "z9hG4bKs1");
  EXPECT_EQ(net.sent[0].peer, kUdpPeer);
  EXPECT_TRUE(net.sent[0].message.to_tag().empty());
}

TEST(ServerTransaction, InviteRetransmissionGetsTheLatestProvisionalAndIsNotPassedUp) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKs2");
  const TransactionId id = receive(net, invite);
  answer(net, id, invite, 180);
  net.clear();
  net.deliver(invite);
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 180);
  EXPECT_TRUE(net.events.empty());
  EXPECT_EQ(net.layer.server_count(), 1U);
}

TEST(ServerTransaction, RetransmitsNon2xxFinalOnTimerGUntilTimerH) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKs3");
  const TransactionId id = receive(net, invite);
  net.clear();
  answer(net, id, invite, 486);
  while (net.step()) {
  }
  // Timer G: T1 doubling up to T2; Timer H = 64*T1 = 32 s, then a timeout to the TU.
  const std::vector<std::int64_t> expected = {0,           500 * kMs,   1500 * kMs,  3500 * kMs,
                                              7500 * kMs,  11500 * kMs, 15500 * kMs, 19500 * kMs,
                                              23500 * kMs, 27500 * kMs, 31500 * kMs};
  EXPECT_EQ(net.send_times_us(), expected);
  for (const auto& s : net.sent) {
    EXPECT_EQ(s.message.status_code(), 486);
  }
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::timeout, Kind::terminated}));
  EXPECT_EQ(net.now.since_epoch.count(), 32'000'000);
}

TEST(ServerTransaction, CompletedInviteAbsorbsAcksAndResendsFinalForRequestRetransmissions) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKs4");
  const TransactionId id = receive(net, invite);
  answer(net, id, invite, 603);
  net.clear();

  net.now = TimePoint{milliseconds(100)};
  net.deliver(invite);  // retransmitted INVITE in Completed: the final goes again
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 603);

  net.clear();
  net.now = TimePoint{milliseconds(300)};
  const Message ack = request("ACK", "z9hG4bKs4");
  net.deliver(ack);
  EXPECT_EQ(net.layer.server(id)->state(), ServerTransaction::State::confirmed);
  net.deliver(ack);
  net.deliver(ack);
  net.deliver(invite);
  EXPECT_TRUE(net.sent.empty()) << "Confirmed sends nothing: Timer G stopped";
  EXPECT_TRUE(net.events.empty()) << "ACKs for a non-2xx never reach the TU";
  // Timer I = T4 after the first ACK.
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{milliseconds(300) + seconds(5)});
  net.step();
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::terminated});
  EXPECT_EQ(net.layer.server_count(), 0U);
}

TEST(ServerTransaction, Invite2xxEntersAcceptedAbsorbsRetransmissionsAndPassesAcksUp) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKs5");
  const TransactionId id = receive(net, invite);
  net.now = TimePoint{milliseconds(50)};
  answer(net, id, invite, 200);
  EXPECT_EQ(net.layer.server(id)->state(), ServerTransaction::State::accepted);
  net.clear();

  net.deliver(invite);
  EXPECT_TRUE(net.sent.empty()) << "RFC 6026: the TU, not the transaction, resends 2xx";
  answer(net, id, invite, 200);  // the TU's own 2xx retransmission passes through
  ASSERT_EQ(net.sent.size(), 1U);

  net.deliver(request("ACK", "z9hG4bKs5"));  // an ACK that happens to reuse the branch
  ASSERT_EQ(net.event_kinds(), std::vector<Kind>{Kind::ack});
  EXPECT_EQ(net.events[0].transaction, id);

  net.clear();
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{milliseconds(50) + seconds(32)});  // Timer L
  net.step();
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::terminated});
}

TEST(ServerTransaction, AckFor2xxWithItsOwnBranchGoesToTheDialogLayer) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKs6");
  const TransactionId id = receive(net, invite);
  answer(net, id, invite, 200);
  net.clear();
  net.deliver(request("ACK", "z9hG4bKnewbranch"));
  ASSERT_EQ(net.event_kinds(), std::vector<Kind>{Kind::ack});
  EXPECT_EQ(net.events[0].transaction, 0U);
  EXPECT_EQ(net.layer.server_count(), 1U);
}

TEST(ServerTransaction, NonInviteAbsorbsInTryingResendsProvisionalAndFinalThenTimerJ) {
  FakeNetwork net;
  const Message reg = request("REGISTER", "z9hG4bKn1");
  const TransactionId id = receive(net, reg);
  EXPECT_TRUE(net.sent.empty()) << "no automatic 100 for non-INVITE";
  net.clear();
  net.deliver(reg);
  EXPECT_TRUE(net.sent.empty());
  EXPECT_TRUE(net.events.empty());

  answer(net, id, reg, 100);
  net.deliver(reg);
  ASSERT_EQ(net.sent.size(), 2U);
  EXPECT_EQ(net.sent[1].message.status_code(), 100);

  net.clear();
  net.now = TimePoint{seconds(2)};
  answer(net, id, reg, 200);
  net.deliver(reg);
  ASSERT_EQ(net.sent.size(), 2U);
  EXPECT_EQ(net.sent[1].message.status_code(), 200);
  EXPECT_FALSE(net.layer.send_response(id, response(reg, 403), net.now))
      << "a second final response is refused";
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{seconds(2) + seconds(32)});  // Timer J
  net.clear();
  net.step();
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::terminated});
}

TEST(ServerTransaction, ReliableTransportSkipsTimerGAndEndsNonInviteAtOnce) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKr1");
  const TransactionId invite_id = receive(net, invite, kTcpPeer);
  answer(net, invite_id, invite, 500);
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{seconds(32)});  // Timer H, no Timer G
  net.deliver(request("ACK", "z9hG4bKr1"), kTcpPeer);
  EXPECT_EQ(net.layer.server(invite_id), nullptr) << "Timer I is zero on TCP";

  net.clear();
  const Message bye = request("BYE", "z9hG4bKr2");
  const TransactionId bye_id = receive(net, bye, kTcpPeer);
  answer(net, bye_id, bye, 200);
  EXPECT_EQ(net.layer.server(bye_id), nullptr) << "Timer J is zero on TCP";
}

TEST(ServerTransaction, MatchingUsesBranchSentByAndMethod) {
  FakeNetwork net;
  receive(net, request("OPTIONS", "z9hG4bKx1", 1, "192.0.2.1:5060"));
  receive(net, request("OPTIONS", "z9hG4bKx1", 1, "192.0.2.99:5060"));  // other sent-by
  receive(net, request("OPTIONS", "z9hG4bKx1", 1, "192.0.2.1:5070"));   // other port
  receive(net, request("INFO", "z9hG4bKx1", 1, "192.0.2.1:5060"));      // other method
  net.deliver(request("OPTIONS", "z9hG4bKx1", 1, "192.0.2.1:5060"));    // retransmission
  EXPECT_EQ(net.layer.server_count(), 4U);
  EXPECT_EQ(net.event_kinds(),
            (std::vector<Kind>{Kind::request, Kind::request, Kind::request, Kind::request}));
}

TEST(ServerTransaction, Rfc2543RequestWithoutMagicCookieIsRejectedWith400) {
  FakeNetwork net;
  auto result = net.layer.on_message(request("INVITE", "oldstyle1"), kUdpPeer, net.now);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().rule, "RFC 3261 §17.2.3 branch magic cookie");
  net.drain();
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 400);
  EXPECT_EQ(net.layer.server_count(), 0U);
  EXPECT_TRUE(net.events.empty());
}

// RFC 4475 §3.2.1 badbranch: the cookie with nothing after it identifies no transaction.
TEST(ServerTransaction, BareMagicCookieBranchIsRejectedWith400) {
  FakeNetwork net;
  auto result = net.layer.on_message(request("OPTIONS", "z9hG4bK"), kUdpPeer, net.now);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().rule, "RFC 3261 §17.2.3 branch magic cookie");
  net.drain();
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.status_code(), 400);
  EXPECT_EQ(net.layer.server_count(), 0U);
}

TEST(ServerTransaction, TransportErrorIsReportedToTheTu) {
  FakeNetwork net;
  const TransactionId id = receive(net, request("INVITE", "z9hG4bKte"));
  net.clear();
  net.layer.on_transport_error(id);
  net.drain();
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::transport_error, Kind::terminated}));
}

}  // namespace
}  // namespace tipring::sip
