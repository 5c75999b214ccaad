// The built-in test numbers through ProxyCore on the fake clock, with a fake EchoMedia:
// the echo number answers as a UAS, and the call-me-back number rings, refuses with 486,
// then calls the user back at their registered flow and takes the BYE; in its answering
// variant it retransmits its 200 until the ACK and only then hangs up.
#include "protocol/sdp/rewrite.h"
#include "protocol/sdp/session_description.h"
#include "tests/relay_server/proxy/proxy_call_fixture.h"

namespace tipring::relay::testing {
namespace {

class FakeEchoMedia final : public EchoMedia {
public:
  Result<MediaChannel> open(std::string_view call_id, const MediaSide& caller) override {
    opened.emplace_back(call_id);
    sides.push_back(caller);
    return MediaChannel{"203.0.113.1", 40000, 40001, true};
  }
  void close(std::string_view call_id) override { closed.emplace_back(call_id); }

  std::vector<std::string> opened;
  std::vector<MediaSide> sides;
  std::vector<std::string> closed;
};

std::string offer_sdp() {
  return "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
         "m=audio 7078 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
         "a=rtpmap:101 telephone-event/8000\r\n";
}

class TestNumbers : public ProxyCallFixture {
protected:
  void SetUp() override {
    configure_ = [](ProxyCoreConfig& config) {
      config.callback.ringback = std::chrono::seconds(3);
      config.callback.delay = std::chrono::seconds(5);
    };
    core().attach_echo(media_);
    register_both();
  }

  FakeEchoMedia media_;
};

TEST_F(TestNumbers, EchoNumberAnswersWithPcmaAndTheEchoChannelAndEndsOnBye) {
  RequestText invite;
  invite.request_uri = "sip:echo@tipring.test";
  invite.to_uri = "sip:echo@tipring.test";
  invite.body = offer_sdp();
  const auto out = send_authenticated(invite);
  const auto ok = first_response(out, alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  const auto answer = *sdp::parse(ok->body());
  const auto audio = *sdp::audio_endpoint(answer);
  EXPECT_EQ(audio.address, (sdp::MediaAddress{"203.0.113.1", 40000}));
  EXPECT_EQ(answer.media[audio.media_index].formats,
            (std::vector<std::string>{"8", "101"}));  // the offer's PCMA + telephone-event
  ASSERT_EQ(media_.sides.size(), 1U);
  EXPECT_EQ(media_.sides[0].advertised_address, "10.0.0.5");
  EXPECT_EQ(media_.sides[0].signalling_source, "192.0.2.10");

  RequestText bye;
  bye.method = "BYE";
  bye.request_uri = "sip:echo@127.0.0.1:5060";
  bye.to_uri = "sip:echo@tipring.test";
  bye.to_tag = std::string(ok->to_tag());
  bye.cseq = 3;
  bye.branch = "z9hG4bKbye";
  bye.contact.clear();
  const auto ended = send(request_text(bye), alice_ua().flow);
  ASSERT_TRUE(first_response(ended, alice_ua().flow, 200));
  EXPECT_EQ(media_.closed, media_.opened);
}

RequestText echo_invite() {
  RequestText invite;
  invite.request_uri = "sip:echo@tipring.test";
  invite.to_uri = "sip:echo@tipring.test";
  invite.body = offer_sdp();
  return invite;
}

std::size_t count_200s(const std::vector<Outgoing>& out) {
  std::size_t n = 0;
  for (const auto& datagram : out) {
    auto parsed = sip::Message::parse(datagram.bytes);
    n += parsed && parsed->is_response() && parsed->status_code() == 200 ? 1 : 0;
  }
  return n;
}

TEST_F(TestNumbers, EchoNumberRetransmitsIts200AtDoublingIntervalsUntilTheAck) {
  const auto ok = first_response(send_authenticated(echo_invite()), alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  using std::chrono::milliseconds;
  EXPECT_EQ(count_200s(advance(milliseconds(499))), 0U);
  const auto again = advance(milliseconds(1));  // T1
  ASSERT_EQ(count_200s(again), 1U);
  EXPECT_EQ(first_response(again, alice_ua().flow, 200)->to_tag(), ok->to_tag());
  EXPECT_EQ(count_200s(advance(milliseconds(999))), 0U);
  EXPECT_EQ(count_200s(advance(milliseconds(1))), 1U);  // 2*T1 later

  RequestText ack = echo_invite();
  ack.method = "ACK";
  ack.request_uri = "sip:echo@127.0.0.1:5060";
  ack.to_tag = std::string(ok->to_tag());
  ack.cseq = 2;  // the authenticated INVITE's
  ack.branch = "z9hG4bKack2xx";
  ack.body.clear();
  EXPECT_TRUE(send(request_text(ack), alice_ua().flow).empty());
  EXPECT_EQ(count_200s(advance(std::chrono::seconds(5))), 0U);
  EXPECT_TRUE(media_.closed.empty()) << "an acknowledged echo call goes on";
}

TEST_F(TestNumbers, EchoCallWhose200IsNeverAcknowledgedEndsAfter64T1) {
  ASSERT_TRUE(first_response(send_authenticated(echo_invite()), alice_ua().flow, 200));
  // T1 = 500 ms: again at 0.5, 1.5, 3.5, 7.5 s, then every T2 = 4 s up to 31.5 s.
  std::size_t resent = 0;
  for (int step = 0; step < 63; ++step) {
    resent += count_200s(advance(std::chrono::milliseconds(500)));
  }
  EXPECT_EQ(resent, 10U);
  EXPECT_TRUE(media_.closed.empty());
  (void)advance(std::chrono::milliseconds(500));  // 64*T1
  EXPECT_EQ(media_.closed, media_.opened);
}

TEST_F(TestNumbers, CallbackRingsRefusesWith486AndCallsTheUserBackAfterTheDelay) {
  RequestText invite;
  invite.request_uri = "sip:callback@tipring.test";
  invite.to_uri = "sip:callback@tipring.test";
  invite.body = offer_sdp();
  const auto out = send_authenticated(invite);
  const auto ringing = first_response(out, alice_ua().flow, 180);
  ASSERT_TRUE(ringing);
  EXPECT_FALSE(first_final(out, alice_ua().flow));

  const auto busy = advance(std::chrono::seconds(3));
  const auto refused = first_final(busy, alice_ua().flow);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status_code(), 486);
  EXPECT_EQ(refused->to_tag(), ringing->to_tag());
  EXPECT_FALSE(
      first_request(advance(std::chrono::seconds(4)), alice_ua().flow, sip::Method::Invite));

  const auto called = advance(std::chrono::seconds(1));
  const auto call_back = first_request(called, alice_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(call_back);
  EXPECT_EQ(call_back->request_uri_text(), "sip:alice@10.0.0.5:5060");
  EXPECT_EQ(call_back->from()->uri.user, "callback");
  EXPECT_EQ(call_back->to()->uri.user, "alice");
  const auto offered = *sdp::audio_endpoint(*sdp::parse(call_back->body()));
  EXPECT_EQ(offered.address, (sdp::MediaAddress{"203.0.113.1", 40000}));
  ASSERT_EQ(media_.sides.size(), 1U);
  EXPECT_EQ(media_.sides[0].signalling_source, "192.0.2.10");  // alice's flow

  // alice answers: the relay ACKs over her flow; her BYE ends the echo.
  auto ok = sip::make_response(*call_back, 200, {}, "atag2");
  ok.add_header(sip::HeaderId::Contact, "<sip:alice@10.0.0.5:5060>");
  ok.set_body(offer_sdp(), "application/sdp");
  const auto acked = send(ok.serialize(), alice_ua().flow);
  const auto ack = first_request(acked, alice_ua().flow, sip::Method::Ack);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->to_tag(), "atag2");
  EXPECT_EQ(ack->call_id(), call_back->call_id());

  RequestText bye;
  bye.method = "BYE";
  bye.request_uri =
      std::string(call_back->find(sip::HeaderId::Contact)
                      ->substr(1, call_back->find(sip::HeaderId::Contact)->size() - 2));
  bye.from_tag = "atag2";
  bye.to_uri = "sip:callback@tipring.test";
  bye.to_tag = std::string(call_back->from_tag());
  bye.call_id = std::string(call_back->call_id());
  bye.cseq = 1;
  bye.branch = "z9hG4bKcbbye";
  bye.contact.clear();
  const auto ended = send(request_text(bye), alice_ua().flow);
  ASSERT_TRUE(first_response(ended, alice_ua().flow, 200));
  EXPECT_EQ(media_.closed, media_.opened);
}

TEST_F(TestNumbers, CallbackRefusedByTheUserReleasesItsEchoChannel) {
  RequestText invite;
  invite.request_uri = "sip:callback@tipring.test";
  invite.to_uri = "sip:callback@tipring.test";
  (void)send_authenticated(invite);
  const auto called = advance(std::chrono::seconds(8));
  const auto call_back = first_request(called, alice_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(call_back);
  (void)send(sip::make_response(*call_back, 603, {}, "atag3").serialize(), alice_ua().flow);
  EXPECT_EQ(media_.closed, media_.opened);
  EXPECT_EQ(media_.opened.size(), 1U);
}

TEST_F(TestNumbers, CancelDuringTheRingbackIs487AndTheCallBackStillComes) {
  RequestText invite;
  invite.request_uri = "sip:callback@tipring.test";
  invite.to_uri = "sip:callback@tipring.test";
  (void)send_authenticated(invite);
  RequestText cancel = invite;
  cancel.method = "CANCEL";
  cancel.cseq = 2;
  cancel.branch = "z9hG4bKinv1x";
  cancel.contact.clear();
  const auto out = send(request_text(cancel), alice_ua().flow);
  const auto final = first_final(out, alice_ua().flow);
  ASSERT_TRUE(final);
  ASSERT_TRUE(first_response(out, alice_ua().flow, 487));
  EXPECT_TRUE(
      first_request(advance(std::chrono::seconds(8)), alice_ua().flow, sip::Method::Invite));
}

// The answering variant (sip.callback_answers): 200 now, BYE after the ringback.
class CallbackAnswers : public TestNumbers {
protected:
  void SetUp() override {
    configure_ = [](ProxyCoreConfig& config) {
      config.callback.ringback = std::chrono::seconds(3);
      config.callback.delay = std::chrono::seconds(5);
      config.callback.answer_first = true;
    };
    core().attach_echo(media_);
    register_both();
  }

  static RequestText invite() {
    RequestText invite;
    invite.request_uri = "sip:callback@tipring.test";
    invite.to_uri = "sip:callback@tipring.test";
    invite.body = offer_sdp();
    return invite;
  }

  static RequestText ack_for(const sip::Message& ok) {
    RequestText ack = invite();
    ack.method = "ACK";
    ack.request_uri = "sip:callback@127.0.0.1:5060";
    ack.to_tag = std::string(ok.to_tag());
    ack.cseq = 2;  // the authenticated INVITE's
    ack.branch = "z9hG4bKcback";
    ack.body.clear();
    return ack;
  }
};

TEST_F(CallbackAnswers, RetransmitsIts200AtDoublingIntervalsAndHangsUpOnlyAfterTheAck) {
  using std::chrono::milliseconds;
  const auto ok = first_response(send_authenticated(invite()), alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  // alice's UA lost the 200 and its first retransmissions: T1, 2*T1, 4*T1 apart.
  EXPECT_EQ(count_200s(advance(milliseconds(499))), 0U);
  const auto again = advance(milliseconds(1));
  ASSERT_EQ(count_200s(again), 1U);
  EXPECT_EQ(first_response(again, alice_ua().flow, 200)->to_tag(), ok->to_tag());
  EXPECT_EQ(first_response(again, alice_ua().flow, 200)->body(), ok->body());
  EXPECT_EQ(count_200s(advance(milliseconds(999))), 0U);
  EXPECT_EQ(count_200s(advance(milliseconds(1))), 1U);  // at 1.5 s
  // The ringback (3 s) is over, but the dialog is not confirmed: no BYE yet (§15).
  const auto unconfirmed = advance(milliseconds(2000));  // to 3.5 s
  EXPECT_EQ(count_200s(unconfirmed), 1U);
  EXPECT_FALSE(first_request(unconfirmed, alice_ua().flow, sip::Method::Bye));

  EXPECT_TRUE(send(request_text(ack_for(*ok)), alice_ua().flow).empty());
  const auto after_ack = advance(milliseconds(1));
  const auto bye = first_request(after_ack, alice_ua().flow, sip::Method::Bye);
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->from_tag(), ok->to_tag());
  EXPECT_EQ(media_.closed, media_.opened);
  EXPECT_EQ(count_200s(advance(std::chrono::seconds(4))), 0U);
}

TEST_F(CallbackAnswers, AcknowledgedBeforeTheRingbackEndsHangsUpWhenTheRingbackEnds) {
  const auto ok = first_response(send_authenticated(invite()), alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(send(request_text(ack_for(*ok)), alice_ua().flow).empty());
  const auto ringing = advance(std::chrono::milliseconds(2999));
  EXPECT_EQ(count_200s(ringing), 0U);
  EXPECT_FALSE(first_request(ringing, alice_ua().flow, sip::Method::Bye));
  EXPECT_TRUE(
      first_request(advance(std::chrono::milliseconds(1)), alice_ua().flow, sip::Method::Bye));
}

TEST_F(CallbackAnswers, A200NeverAcknowledgedIsResentUntil64T1ThenTheCallIsHungUp) {
  ASSERT_TRUE(first_response(send_authenticated(invite()), alice_ua().flow, 200));
  // T1 = 500 ms: again at 0.5, 1.5, 3.5, 7.5 s, then every T2 = 4 s up to 31.5 s.
  std::size_t resent = 0;
  for (int step = 0; step < 63; ++step) {
    const auto out = advance(std::chrono::milliseconds(500));
    resent += count_200s(out);
    EXPECT_FALSE(first_request(out, alice_ua().flow, sip::Method::Bye)) << step;
  }
  EXPECT_EQ(resent, 10U);
  // §13.3.1.4: the dialog counts as confirmed, and the session is ended with a BYE.
  const auto given_up = advance(std::chrono::milliseconds(500));  // 64*T1
  EXPECT_TRUE(first_request(given_up, alice_ua().flow, sip::Method::Bye));
  EXPECT_EQ(count_200s(given_up), 0U);
  // The answered call's echo channel is closed (the call back, placed at 8 s, has its own).
  ASSERT_FALSE(media_.opened.empty());
  EXPECT_EQ(media_.closed, std::vector<std::string>{media_.opened.front()});
}

}  // namespace
}  // namespace tipring::relay::testing
