// The call-me-back number in its answering variant (sip.callback_answers) end to end: a
// real tipring-relay on loopback; a registered client calls sip:callback@<domain> with
// credentials, is answered with an SDP naming an echo channel (sent again while the client
// does not ACK it), ACKs, is hung up on by the number's own BYE (which it answers), and is
// then called back at its registered contact; its 200 to the call back is ACKed.
#include "protocol/sdp/rewrite.h"
#include "protocol/sdp/session_description.h"
#include "protocol/sip/message.h"
#include "tests/relay_server/app/relay_process.h"

#include <functional>

#include <gtest/gtest.h>

namespace tipring::relay::testing {
namespace {

const std::string kBinary = TIPRING_RELAY_BINARY;

std::string credentials(const sip::Message& challenge, sip::HeaderId id, const std::string& method,
                        const std::string& uri) {
  return digest_answer(challenge, id, "demo", "demo-pw", method, uri);
}

class CallbackAnswers : public ::testing::Test {
protected:
  void SetUp() override {
    RelayProcessOptions options;
    options.users = {{"demo", "demo-pw"}};
    options.sip_settings = "callback_answers = true\ncallback_delay = 1\n";
    options.media_settings = "bind_address = \"127.0.0.1\"\nport_min = 29000\nport_max = 29999\n";
    relay_ = std::make_unique<RelayProcess>(kBinary, std::move(options));
    ASSERT_TRUE(relay_->start());
    relay_at_ = relay_->sip();
  }

  // The next SIP message for the client that satisfies `wanted`, within `wait`.
  std::optional<sip::Message> next(const std::function<bool(const sip::Message&)>& wanted,
                                   std::chrono::milliseconds wait = std::chrono::seconds(3)) {
    return next_sip(client_, wanted, wait);
  }
  std::optional<sip::Message> final_response() {
    return next([](const sip::Message& m) { return m.is_response() && m.status_code() >= 200; });
  }
  std::optional<sip::Message> request(sip::Method method, std::chrono::milliseconds wait) {
    return next([method](const sip::Message& m) { return m.is_request() && m.method() == method; },
                wait);
  }

  std::string contact() const { return "<sip:demo@" + client_.local().to_string() + ">"; }

  std::string register_text(std::uint32_t cseq, const std::string& authorization) const {
    std::string text = "REGISTER sip:example.test SIP/2.0\r\nVia: SIP/2.0/UDP " +
                       client_.local().to_string() + ";branch=z9hG4bKr" + std::to_string(cseq) +
                       ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:demo@example.test>;tag=r\r\n"
                       "To: <sip:demo@example.test>\r\nCall-ID: reg-demo\r\nCSeq: " +
                       std::to_string(cseq) + " REGISTER\r\nContact: " + contact() +
                       "\r\nExpires: 600\r\n";
    if (!authorization.empty()) {
      text += "Authorization: " + authorization + "\r\n";
    }
    return text + "Content-Length: 0\r\n\r\n";
  }

  std::string invite_text(std::uint32_t cseq, const std::string& authorization) const {
    const std::string sdp =
        "v=0\r\no=demo 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        "t=0 0\r\nm=audio " +
        std::to_string(media_.local().port) +
        " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\n";
    std::string text = "INVITE sip:callback@example.test SIP/2.0\r\nVia: SIP/2.0/UDP " +
                       client_.local().to_string() + ";branch=z9hG4bKi" + std::to_string(cseq) +
                       ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:demo@example.test>;tag=d1\r\n"
                       "To: <sip:callback@example.test>\r\nCall-ID: cb-call\r\nCSeq: " +
                       std::to_string(cseq) + " INVITE\r\nContact: " + contact() + "\r\n";
    if (!authorization.empty()) {
      text += "Proxy-Authorization: " + authorization + "\r\n";
    }
    return text + "Content-Type: application/sdp\r\nContent-Length: " + std::to_string(sdp.size()) +
           "\r\n\r\n" + sdp;
  }

  std::unique_ptr<RelayProcess> relay_;
  Endpoint relay_at_;
  UdpPeer client_{"127.0.0.1"};
  UdpPeer media_{"127.0.0.1"};
};

TEST_F(CallbackAnswers, AnswersHangsUpWithItsOwnByeThenCallsTheUserBack) {
  client_.send_to(relay_at_, bytes_of(register_text(1, {})));
  const auto reg_challenge = final_response();
  ASSERT_TRUE(reg_challenge) << relay_->log();
  client_.send_to(relay_at_, bytes_of(register_text(
                                 2, credentials(*reg_challenge, sip::HeaderId::WwwAuthenticate,
                                                "REGISTER", "sip:example.test"))));
  const auto registered = final_response();
  ASSERT_TRUE(registered);
  ASSERT_EQ(registered->status_code(), 200);

  client_.send_to(relay_at_, bytes_of(invite_text(1, {})));
  const auto challenge = final_response();
  ASSERT_TRUE(challenge);
  ASSERT_EQ(challenge->status_code(), 407);
  client_.send_to(relay_at_,
                  bytes_of(invite_text(2, credentials(*challenge, sip::HeaderId::ProxyAuthenticate,
                                                      "INVITE", "sip:callback@example.test"))));
  const auto answered_invite = [](const sip::Message& m) {
    return is_final_response(m) && m.cseq_number() == 2;  // not a 407 resent for CSeq 1
  };
  const auto ok = next(answered_invite);
  ASSERT_TRUE(ok) << relay_->log();
  ASSERT_EQ(ok->status_code(), 200) << ok->serialize();
  // The client's network loses that 200: the number sends it again until the ACK
  // (RFC 3261 §13.3.1.4), and hangs up only in a confirmed dialog.
  const auto again = next(answered_invite);
  ASSERT_TRUE(again) << "the 200 was not sent again: " << relay_->log();
  EXPECT_EQ(again->status_code(), 200);
  EXPECT_EQ(again->to_tag(), ok->to_tag());
  EXPECT_EQ(again->body(), ok->body());
  const auto answer = sdp::parse(ok->body());
  ASSERT_TRUE(answer) << ok->body();
  EXPECT_EQ(sdp::audio_endpoint(*answer)->address.address, "127.0.0.1");
  client_.send_to(relay_at_,
                  bytes_of("ACK sip:callback@" + relay_at_.to_string() +
                           " SIP/2.0\r\nVia: SIP/2.0/UDP " + client_.local().to_string() +
                           ";branch=z9hG4bKack;rport\r\nMax-Forwards: 70\r\n"
                           "From: <sip:demo@example.test>;tag=d1\r\nTo: "
                           "<sip:callback@example.test>;tag=" +
                           std::string(ok->to_tag()) +
                           "\r\nCall-ID: cb-call\r\nCSeq: 2 ACK\r\nContent-Length: 0\r\n\r\n"));

  // The number hangs up after its 3 s ringback, in the dialog its 200 made.
  const auto bye = request(sip::Method::Bye, std::chrono::seconds(6));
  ASSERT_TRUE(bye) << relay_->log();
  EXPECT_EQ(bye->call_id(), "cb-call");
  EXPECT_EQ(bye->from_tag(), ok->to_tag());
  EXPECT_EQ(bye->to_tag(), "d1");
  client_.send_to(relay_at_, bytes_of(sip::make_response(*bye, 200).serialize()));

  // Then it calls back, at the registered contact.
  const auto call_back = request(sip::Method::Invite, std::chrono::seconds(4));
  ASSERT_TRUE(call_back) << relay_->log();
  EXPECT_NE(call_back->call_id(), "cb-call");
  EXPECT_EQ(call_back->from()->uri.user, "callback");
  auto answered = sip::make_response(*call_back, 200, {}, "d2");
  answered.add_header(sip::HeaderId::Contact, contact());
  client_.send_to(relay_at_, bytes_of(answered.serialize()));
  const auto ack = request(sip::Method::Ack, std::chrono::seconds(3));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->call_id(), call_back->call_id());
}

}  // namespace
}  // namespace tipring::relay::testing
