// Two (or three) user agents calling each other through an in-test pipe on a fake clock:
// the call state machine from both ends, asserting states, negotiated media and the
// end reason each side records.
#include "tests/client/ua/ua_pipe.h"

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;
using testing::media_of;
using testing::peer_config;
using testing::UaPipe;
using Kind = UaEvent::Kind;

class CallTest : public ::testing::Test {
protected:
  CallTest() {
    pipe.attach(alice);
    pipe.attach(bob);
    pipe.attach(carol);
  }

  // Alice calls Bob; returns both handles once Bob rings.
  std::pair<CallHandle, CallHandle> ring_bob() {
    auto handle =
        alice.call(*resolve_target("sip:bob@127.0.0.2", alice.config().aor), media_of(1), pipe.now);
    EXPECT_TRUE(handle.has_value());
    pipe.run();
    auto incoming = pipe.events(bob, Kind::incoming_call);
    EXPECT_EQ(incoming.size(), 1U);
    return {*handle, incoming.empty() ? 0 : incoming.back().call};
  }

  std::pair<CallHandle, CallHandle> connect_alice_and_bob() {
    auto [a, b] = ring_bob();
    EXPECT_TRUE(bob.find_call(b)->answer(media_of(2), pipe.now));
    bob.settle(pipe.now);
    pipe.run();
    EXPECT_EQ(alice.find_call(a)->state(), CallState::active);
    EXPECT_EQ(bob.find_call(b)->state(), CallState::active);
    return {a, b};
  }

  SeededRandom random_a{1}, random_b{2}, random_c{3};
  UserAgent alice{peer_config("alice", 1), random_a};
  UserAgent bob{peer_config("bob", 2), random_b};
  UserAgent carol{peer_config("carol", 3), random_c};
  UaPipe pipe;
};

TEST_F(CallTest, OutgoingCallRingsThenIsAnsweredWithMediaPointingAtEachOther) {
  auto [a, b] = ring_bob();
  EXPECT_EQ(alice.find_call(a)->state(), CallState::ringing);
  EXPECT_EQ(bob.find_call(b)->state(), CallState::incoming);
  EXPECT_EQ(bob.find_call(b)->record().peer, "sip:alice@127.0.0.1:5060");
  EXPECT_EQ(bob.find_call(b)->record().direction, CallDirection::incoming);

  pipe.advance(3s);
  ASSERT_TRUE(bob.find_call(b)->answer(media_of(2), pipe.now));
  bob.settle(pipe.now);
  pipe.run();

  const CallSession& caller = *alice.find_call(a);
  const CallSession& callee = *bob.find_call(b);
  EXPECT_EQ(caller.state(), CallState::active);
  EXPECT_EQ(callee.state(), CallState::active);
  ASSERT_TRUE(caller.media() && callee.media());
  EXPECT_EQ(caller.media()->remote, media_of(2));
  EXPECT_EQ(callee.media()->remote, media_of(1));
  EXPECT_EQ(caller.media()->codec.encoding_name, "opus");
  EXPECT_EQ(callee.media()->codec.encoding_name, "opus");
  EXPECT_TRUE(caller.media()->telephone_event_payload_type.has_value());
  EXPECT_EQ(caller.media()->direction, sdp::Direction::sendrecv);
  EXPECT_EQ(*caller.record().answered_at, pipe.now);
  EXPECT_EQ(pipe.events(alice, Kind::media_changed).size(), 1U);
  EXPECT_EQ(pipe.count_sent("ACK "), 1);
  EXPECT_EQ(pipe.count_sent("SIP/2.0 180"), 1);
}

TEST_F(CallTest, CallerHangsUpWithByeAndBothSidesRecordWhoEndedIt) {
  auto [a, b] = connect_alice_and_bob();
  pipe.advance(10s);
  alice.find_call(a)->hangup(pipe.now);
  alice.settle(pipe.now);
  pipe.run();
  const CallRecord& caller = alice.find_call(a)->record();
  const CallRecord& callee = bob.find_call(b)->record();
  EXPECT_EQ(caller.end_reason, end_reason::kHungUp);
  EXPECT_EQ(callee.end_reason, end_reason::kRemoteHungUp);
  EXPECT_TRUE(caller.ended_normally());
  EXPECT_EQ(caller.talk_time(), Duration(10s));
  EXPECT_EQ(pipe.count_sent("BYE "), 1);
  EXPECT_EQ(pipe.count_sent("SIP/2.0 200"), 2) << "200 to the INVITE and 200 to the BYE";
}

TEST_F(CallTest, CalleeHangsUpWithBye) {
  auto [a, b] = connect_alice_and_bob();
  bob.find_call(b)->hangup(pipe.now);
  bob.settle(pipe.now);
  pipe.run();
  EXPECT_EQ(alice.find_call(a)->record().end_reason, end_reason::kRemoteHungUp);
  EXPECT_EQ(bob.find_call(b)->record().end_reason, end_reason::kHungUp);
}

struct RejectCase {
  int code;
  std::string_view caller_reason;
  std::string_view callee_reason;
};

class RejectTest : public CallTest, public ::testing::WithParamInterface<RejectCase> {};

TEST_P(RejectTest, RejectedCallEndsWithTheReasonForTheStatus) {
  auto [a, b] = ring_bob();
  ASSERT_TRUE(bob.find_call(b)->reject(GetParam().code, pipe.now));
  bob.settle(pipe.now);
  pipe.run();
  const CallRecord& caller = alice.find_call(a)->record();
  EXPECT_EQ(alice.find_call(a)->state(), CallState::ended);
  EXPECT_EQ(caller.end_reason, GetParam().caller_reason);
  EXPECT_EQ(caller.end_status, GetParam().code);
  EXPECT_FALSE(caller.answered());
  EXPECT_EQ(bob.find_call(b)->record().end_reason, GetParam().callee_reason);
  EXPECT_EQ(pipe.count_sent("ACK "), 1) << "the caller's transaction ACKs the rejection";
}

INSTANTIATE_TEST_SUITE_P(BusyAndDecline, RejectTest,
                         ::testing::Values(RejectCase{486, "busy", end_reason::kRejectedBusy},
                                           RejectCase{603, "declined",
                                                      end_reason::kRejectedDeclined}));

TEST_F(CallTest, CallerCancelsWhileTheCalleeRings) {
  auto [a, b] = ring_bob();
  alice.find_call(a)->hangup(pipe.now);
  alice.settle(pipe.now);
  pipe.run();
  EXPECT_EQ(pipe.count_sent("CANCEL "), 1);
  EXPECT_EQ(pipe.count_sent("SIP/2.0 487"), 1);
  EXPECT_EQ(alice.find_call(a)->record().end_reason, end_reason::kCancelled);
  EXPECT_EQ(bob.find_call(b)->state(), CallState::ended);
  EXPECT_EQ(bob.find_call(b)->record().end_reason, end_reason::kCancelledByCaller);
  EXPECT_FALSE(bob.find_call(b)->answer(media_of(2), pipe.now).has_value());
}

TEST_F(CallTest, HoldSendsSendonlyAndResumeRestoresSendrecvOnBothSides) {
  auto [a, b] = connect_alice_and_bob();
  ASSERT_TRUE(alice.find_call(a)->hold(pipe.now));
  alice.settle(pipe.now);
  pipe.run();
  EXPECT_TRUE(alice.find_call(a)->local_hold());
  EXPECT_TRUE(bob.find_call(b)->remote_hold());
  EXPECT_EQ(alice.find_call(a)->media()->direction, sdp::Direction::sendonly);
  EXPECT_EQ(bob.find_call(b)->media()->direction, sdp::Direction::recvonly);
  EXPECT_EQ(pipe.events(bob, Kind::hold_changed).size(), 1U);

  ASSERT_TRUE(alice.find_call(a)->resume(pipe.now));
  alice.settle(pipe.now);
  pipe.run();
  EXPECT_FALSE(alice.find_call(a)->local_hold());
  EXPECT_FALSE(bob.find_call(b)->remote_hold());
  EXPECT_EQ(alice.find_call(a)->media()->direction, sdp::Direction::sendrecv);
  EXPECT_EQ(bob.find_call(b)->media()->direction, sdp::Direction::sendrecv);
  EXPECT_EQ(pipe.count_sent("INVITE "), 3);
  EXPECT_EQ(pipe.count_sent("ACK "), 3);
  EXPECT_EQ(alice.find_call(a)->state(), CallState::active);
}

TEST_F(CallTest, HoldingAHeldCallIsRefused) {
  auto [a, b] = connect_alice_and_bob();
  ASSERT_TRUE(alice.find_call(a)->hold(pipe.now));
  EXPECT_FALSE(alice.find_call(a)->hold(pipe.now).has_value()) << "an offer is outstanding";
  alice.settle(pipe.now);
  pipe.run();
  EXPECT_FALSE(alice.find_call(a)->hold(pipe.now).has_value()) << "already held";
  EXPECT_FALSE(bob.find_call(b)->resume(pipe.now).has_value()) << "Bob holds nothing";
}

TEST_F(CallTest, DtmfSentAsInfoArrivesAsDigits) {
  auto [a, b] = connect_alice_and_bob();
  for (char digit : std::string("12#")) {
    ASSERT_TRUE(alice.find_call(a)->send_dtmf_info(digit, 120ms, pipe.now));
  }
  alice.settle(pipe.now);
  pipe.run();
  auto digits = pipe.events(bob, Kind::dtmf_received);
  ASSERT_EQ(digits.size(), 3U);
  EXPECT_EQ(digits[0].digit, '1');
  EXPECT_EQ(digits[1].digit, '2');
  EXPECT_EQ(digits[2].digit, '#');
  EXPECT_EQ(digits[2].duration, 120ms);
  EXPECT_FALSE(alice.find_call(a)->send_dtmf_info('x', 100ms, pipe.now).has_value());
}

TEST_F(CallTest, SecondIncomingCallRingsWhileTheFirstIsActive) {
  auto [a, b] = connect_alice_and_bob();
  auto c =
      carol.call(*resolve_target("sip:bob@127.0.0.2", carol.config().aor), media_of(3), pipe.now);
  ASSERT_TRUE(c);
  pipe.run();
  auto incoming = pipe.events(bob, Kind::incoming_call);
  ASSERT_EQ(incoming.size(), 2U);
  const CallHandle second = incoming[1].call;
  EXPECT_NE(second, b);
  EXPECT_EQ(bob.find_call(second)->state(), CallState::incoming);
  EXPECT_EQ(bob.find_call(b)->state(), CallState::active);
  EXPECT_EQ(carol.find_call(*c)->state(), CallState::ringing);
  EXPECT_EQ(bob.live_call_count(), 2U);

  ASSERT_TRUE(bob.find_call(second)->reject(486, pipe.now));
  bob.settle(pipe.now);
  pipe.run();
  EXPECT_EQ(carol.find_call(*c)->record().end_reason, "busy");
  EXPECT_EQ(bob.find_call(b)->state(), CallState::active) << "the first call is untouched";
}

TEST_F(CallTest, BlindTransferMovesTheCallerToTheTarget) {
  auto [a, b] = connect_alice_and_bob();
  ASSERT_TRUE(bob.find_call(b)->transfer(*sip::Uri::parse("sip:carol@127.0.0.3"), pipe.now));
  bob.settle(pipe.now);
  pipe.run();
  auto requested = pipe.events(alice, Kind::transfer_requested);
  ASSERT_EQ(requested.size(), 1U);
  EXPECT_EQ(requested[0].call, a);
  EXPECT_EQ(requested[0].target, "sip:carol@127.0.0.3");

  auto to_carol =
      alice.call_transfer_target(a, *sip::Uri::parse(requested[0].target), media_of(1), pipe.now);
  ASSERT_TRUE(to_carol);
  pipe.run();
  auto at_carol = pipe.events(carol, Kind::incoming_call);
  ASSERT_EQ(at_carol.size(), 1U);
  EXPECT_EQ(bob.find_call(b)->state(), CallState::active) << "180 is progress, not success";
  ASSERT_TRUE(carol.find_call(at_carol[0].call)->answer(media_of(3), pipe.now));
  carol.settle(pipe.now);
  pipe.run();

  EXPECT_EQ(alice.find_call(*to_carol)->state(), CallState::active);
  EXPECT_EQ(bob.find_call(b)->record().end_reason, end_reason::kTransferred);
  EXPECT_EQ(alice.find_call(a)->record().end_reason, end_reason::kTransferred);
  EXPECT_GE(pipe.count_sent("NOTIFY "), 3) << "100, 180 and 200 progress reports";
}

TEST_F(CallTest, RefusedTransferIsReportedAndTheCallStays) {
  auto [a, b] = connect_alice_and_bob();
  ASSERT_TRUE(bob.find_call(b)->transfer(*sip::Uri::parse("sip:carol@127.0.0.3"), pipe.now));
  bob.settle(pipe.now);
  pipe.run();
  auto to_carol =
      alice.call_transfer_target(a, *sip::Uri::parse("sip:carol@127.0.0.3"), media_of(1), pipe.now);
  ASSERT_TRUE(to_carol);
  pipe.run();
  const CallHandle at_carol = pipe.events(carol, Kind::incoming_call).at(0).call;
  ASSERT_TRUE(carol.find_call(at_carol)->reject(603, pipe.now));
  carol.settle(pipe.now);
  pipe.run();
  auto failed = pipe.events(bob, Kind::transfer_failed);
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].status, 603);
  EXPECT_EQ(bob.find_call(b)->state(), CallState::active);
  EXPECT_EQ(alice.find_call(a)->state(), CallState::active);
}

TEST_F(CallTest, AttendedTransferReplacesTheConsultationCall) {
  auto [a, b] = connect_alice_and_bob();  // Alice talks to Bob
  // Bob consults Carol.
  auto consult = bob.call(*sip::Uri::parse("sip:carol@127.0.0.3"), media_of(2), pipe.now);
  ASSERT_TRUE(consult);
  pipe.run();
  const CallHandle carol_leg = pipe.events(carol, Kind::incoming_call).at(0).call;
  ASSERT_TRUE(carol.find_call(carol_leg)->answer(media_of(3), pipe.now));
  carol.settle(pipe.now);
  pipe.run();
  ASSERT_EQ(bob.find_call(*consult)->state(), CallState::active);

  // Bob asks Alice to call Carol, replacing his call with Carol.
  ASSERT_TRUE(bob.find_call(b)->transfer_replacing(*bob.find_call(*consult), pipe.now));
  bob.settle(pipe.now);
  pipe.run();
  auto requested = pipe.events(alice, Kind::transfer_requested);
  ASSERT_EQ(requested.size(), 1U);
  auto to_carol =
      alice.call_transfer_target(a, *sip::Uri::parse(requested[0].target), media_of(1), pipe.now);
  ASSERT_TRUE(to_carol);
  pipe.run();
  auto replacing = pipe.events(carol, Kind::incoming_call);
  ASSERT_EQ(replacing.size(), 2U);
  EXPECT_EQ(replacing[1].replaces, carol_leg) << "Carol sees which call is replaced";
}

TEST_F(CallTest, UnansweredInviteToNobodyTimesOutAtTimerB) {
  auto handle = alice.call(*sip::Uri::parse("sip:nobody@127.0.0.9"), media_of(1), pipe.now);
  ASSERT_TRUE(handle);
  const TimePoint start = pipe.now;
  pipe.run();
  pipe.advance(31s);
  EXPECT_NE(alice.find_call(*handle)->state(), CallState::ended);
  pipe.advance(1s);
  const CallRecord& record = alice.find_call(*handle)->record();
  EXPECT_EQ(record.end_reason, end_reason::kNoResponse);
  EXPECT_EQ(*record.ended_at - start, Duration(32s)) << "64*T1";
  EXPECT_EQ(pipe.unrouted.size(), 7U) << "INVITE and its 6 retransmissions";
}

TEST_F(CallTest, AnswerIsRetransmittedUntilAckAndTheCallEndsWithoutOne) {
  auto [a, b] = ring_bob();
  pipe.drop = [](const std::string& bytes) { return bytes.starts_with("ACK "); };
  ASSERT_TRUE(bob.find_call(b)->answer(media_of(2), pipe.now));
  bob.settle(pipe.now);
  pipe.run();
  pipe.advance(2s);
  EXPECT_EQ(pipe.count_sent("SIP/2.0 200"), 3) << "at 0, T1 and 3*T1";
  EXPECT_GE(pipe.count_sent("ACK "), 3) << "each 2xx retransmission is ACKed again";
  pipe.advance(31s);
  EXPECT_EQ(bob.find_call(b)->record().end_reason, end_reason::kNoAck);
  EXPECT_EQ(alice.find_call(a)->record().end_reason, end_reason::kRemoteHungUp);
}

TEST_F(CallTest, EndedCallsAreForgottenAfterTheirLinger) {
  auto [a, b] = connect_alice_and_bob();
  alice.find_call(a)->hangup(pipe.now);
  alice.settle(pipe.now);
  pipe.run();
  pipe.advance(33s);
  EXPECT_EQ(alice.find_call(a), nullptr);
  EXPECT_EQ(bob.find_call(b), nullptr);
}

}  // namespace
}  // namespace tipring::client
