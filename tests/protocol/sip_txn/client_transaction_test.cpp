#include "protocol/sip/client_transaction.h"

#include "tests/protocol/sip_txn/transaction_fixture.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

using namespace tipring::sip::testing;
using Kind = TransactionEventKind;

constexpr std::int64_t kMs = 1000;  // µs per ms

TransactionId start(FakeNetwork& net, const Message& req, const Peer& peer = kUdpPeer) {
  auto id = net.layer.send_request(req, peer, net.now);
  EXPECT_TRUE(id) << (id ? "" : id.error().describe());
  net.drain();
  return id.value_or(0);
}

TEST(ClientTransaction, RetransmitsInviteAtDoublingIntervalsUntilTimerB) {
  FakeNetwork net;
  const TransactionId id = start(net, request("INVITE", "z9hG4bKa1"));
  while (net.step()) {
  }
  // Timer A: T1, 2T1, 4T1, ... with no cap; Timer B ends it at 64*T1 = 32 s exactly.
  const std::vector<std::int64_t> expected = {0,          500 * kMs,   1500 * kMs, 3500 * kMs,
                                              7500 * kMs, 15500 * kMs, 31500 * kMs};
  EXPECT_EQ(net.send_times_us(), expected);
  ASSERT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::timeout, Kind::terminated}));
  EXPECT_EQ(net.events[0].transaction, id);
  EXPECT_EQ(net.now.since_epoch.count(), 32'000'000);
  EXPECT_EQ(net.layer.client_count(), 0U);
}

TEST(ClientTransaction, RetransmitsNonInviteDoublingUpToT2UntilTimerF) {
  FakeNetwork net;
  start(net, request("OPTIONS", "z9hG4bKo1"));
  while (net.step()) {
  }
  // Timer E: 500 ms, 1 s, 2 s, then T2 = 4 s; Timer F at 64*T1.
  const std::vector<std::int64_t> expected = {0,           500 * kMs,   1500 * kMs,  3500 * kMs,
                                              7500 * kMs,  11500 * kMs, 15500 * kMs, 19500 * kMs,
                                              23500 * kMs, 27500 * kMs, 31500 * kMs};
  EXPECT_EQ(net.send_times_us(), expected);
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::timeout, Kind::terminated}));
  EXPECT_EQ(net.now.since_epoch.count(), 32'000'000);
}

TEST(ClientTransaction, TimersFollowConfiguredT1AndT2) {
  TransactionLayerConfig config;
  config.timers.t1 = milliseconds(100);
  config.timers.t2 = milliseconds(300);
  FakeNetwork net(config);
  start(net, request("OPTIONS", "z9hG4bKo2"));
  while (net.step()) {
  }
  ASSERT_GE(net.sent.size(), 5U);
  EXPECT_EQ(net.sent[1].at.since_epoch.count(), 100 * kMs);
  EXPECT_EQ(net.sent[2].at.since_epoch.count(), 300 * kMs);
  EXPECT_EQ(net.sent[3].at.since_epoch.count(), 600 * kMs);  // capped at T2 = 300 ms
  EXPECT_EQ(net.sent[4].at.since_epoch.count(), 900 * kMs);
  EXPECT_EQ(net.now.since_epoch.count(), 6'400'000);  // Timer F = 64 * 100 ms
}

TEST(ClientTransaction, NonInviteRetransmitsEveryT2OnceProceeding) {
  FakeNetwork net;
  const Message req = request("REGISTER", "z9hG4bKr1");
  start(net, req);
  net.run_until(TimePoint{milliseconds(600)});  // the first retransmission went at 500 ms
  net.deliver(response(req, 100));
  net.clear();
  net.run_until(TimePoint{milliseconds(13'000)});
  // Timer E was due at 1.5 s; firing in Proceeding resets it to T2 (§17.1.2.2).
  EXPECT_EQ(net.send_times_us(), (std::vector<std::int64_t>{1500 * kMs, 5500 * kMs, 9500 * kMs}));
}

TEST(ClientTransaction, ProvisionalStopsInviteRetransmissionsAndTimerB) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKa2");
  const TransactionId id = start(net, invite);
  net.run_until(TimePoint{milliseconds(700)});
  net.deliver(response(invite, 180));
  ASSERT_EQ(net.events.size(), 1U);
  EXPECT_EQ(net.events[0].kind, Kind::response);
  EXPECT_EQ(net.events[0].message->status_code(), 180);
  EXPECT_EQ(net.layer.client(id)->state(), ClientTransaction::State::proceeding);
  EXPECT_EQ(net.layer.next_deadline(), TimePoint::max());
}

TEST(ClientTransaction, AcksANon2xxFinalAndAbsorbsItsRetransmissionsUntilTimerD) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKa3", 7);
  const TransactionId id = start(net, invite);
  net.clear();
  net.now = TimePoint{milliseconds(200)};
  const Message busy = response(invite, 486, "busy-tag");
  net.deliver(busy);

  ASSERT_EQ(net.sent.size(), 1U);
  const Message& ack = net.sent[0].message;
  EXPECT_EQ(ack.method(), Method::Ack);
  EXPECT_EQ(ack.request_uri_text(), "sip:bob@example.com");
  EXPECT_EQ(ack.branch(), "z9hG4bKa3");  // same transaction (§17.1.1.3)
  EXPECT_EQ(ack.to_tag(), "busy-tag");
  EXPECT_EQ(ack.from_tag(), "from-1");
  EXPECT_EQ(ack.call_id(), "call-1@192.0.2.1");
  EXPECT_EQ(ack.cseq_number(), 7U);
  EXPECT_EQ(ack.cseq_method(), Method::Ack);
  EXPECT_EQ(ack.count(HeaderId::Route), 1U);
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::response});
  EXPECT_EQ(net.layer.client(id)->state(), ClientTransaction::State::completed);

  net.clear();
  net.now = TimePoint{milliseconds(1200)};
  net.deliver(busy);  // our ACK was lost
  ASSERT_EQ(net.sent.size(), 1U);
  EXPECT_EQ(net.sent[0].message.method(), Method::Ack);
  EXPECT_TRUE(net.events.empty()) << "a retransmitted final must not reach the TU again";

  net.clear();
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{milliseconds(200) + seconds(32)});
  net.step();
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::terminated});
  EXPECT_EQ(net.layer.client(id), nullptr);
}

TEST(ClientTransaction, PassesEvery2xxToTheTuUntilTimerM) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKa4");
  const TransactionId id = start(net, invite);
  net.clear();
  net.now = TimePoint{milliseconds(100)};
  const Message ok = response(invite, 200);
  net.deliver(ok);
  net.now = TimePoint{milliseconds(600)};
  net.deliver(ok);
  // RFC 6026: no ACK from the transaction; both 2xx go up so the dialog can ACK each.
  EXPECT_TRUE(net.sent.empty());
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::response, Kind::response}));
  EXPECT_EQ(net.layer.client(id)->state(), ClientTransaction::State::accepted);
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{milliseconds(100) + seconds(32)});
}

TEST(ClientTransaction, NonInviteFinalIsDeliveredOnceAndTimerKEndsIt) {
  FakeNetwork net;
  const Message options = request("OPTIONS", "z9hG4bKo3");
  start(net, options);
  net.clear();
  net.now = TimePoint{milliseconds(300)};
  net.deliver(response(options, 200));
  net.deliver(response(options, 200));
  EXPECT_EQ(net.event_kinds(), std::vector<Kind>{Kind::response});
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{milliseconds(300) + seconds(5)});  // T4
  net.step();
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::response, Kind::terminated}));
}

TEST(ClientTransaction, ReliableTransportNeverRetransmitsAndEndsAtOnceOnAFinal) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKt1");
  start(net, invite, kTcpPeer);
  EXPECT_EQ(net.layer.next_deadline(), TimePoint{seconds(32)});  // Timer B only
  net.now = TimePoint{seconds(1)};
  net.deliver(response(invite, 404), kTcpPeer);
  // ACK sent, then Timer D = 0: terminated straight away.
  ASSERT_EQ(net.sent.size(), 2U);
  EXPECT_EQ(net.sent[1].message.method(), Method::Ack);
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::response, Kind::terminated}));
  EXPECT_EQ(net.layer.client_count(), 0U);
}

TEST(ClientTransaction, ResponsesMatchOnBranchAndCSeqMethodOnly) {
  FakeNetwork net;
  const Message invite = request("INVITE", "z9hG4bKm1");
  start(net, invite);
  net.clear();
  net.deliver(response(request("INVITE", "z9hG4bKother"), 180));
  net.deliver(response(request("CANCEL", "z9hG4bKm1"), 200));  // same branch, other method
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::stray_response, Kind::stray_response}));
}

TEST(ClientTransaction, RejectsRequestsWithoutAnRfc3261BranchAndAck) {
  FakeNetwork net;
  auto no_cookie = net.layer.send_request(request("OPTIONS", "abc123"), kUdpPeer, net.now);
  ASSERT_FALSE(no_cookie);
  EXPECT_EQ(no_cookie.error().rule, "RFC 3261 §8.1.1.7 branch");
  auto bare_cookie = net.layer.send_request(request("OPTIONS", "z9hG4bK"), kUdpPeer, net.now);
  ASSERT_FALSE(bare_cookie);
  EXPECT_EQ(bare_cookie.error().rule, "RFC 3261 §8.1.1.7 branch");
  EXPECT_FALSE(net.layer.send_request(request("ACK", "z9hG4bKack"), kUdpPeer, net.now));
  ASSERT_TRUE(net.layer.send_request(request("OPTIONS", "z9hG4bKdup"), kUdpPeer, net.now));
  EXPECT_FALSE(net.layer.send_request(request("OPTIONS", "z9hG4bKdup"), kUdpPeer, net.now));
}

TEST(ClientTransaction, TransportErrorIsReportedAndEndsTheTransaction) {
  FakeNetwork net;
  const TransactionId id = start(net, request("INVITE", "z9hG4bKe1"));
  net.layer.on_transport_error(id);
  net.drain();
  EXPECT_EQ(net.event_kinds(), (std::vector<Kind>{Kind::transport_error, Kind::terminated}));
  EXPECT_EQ(net.layer.client_count(), 0U);
  EXPECT_EQ(net.layer.next_deadline(), TimePoint::max());
}

}  // namespace
}  // namespace tipring::sip
