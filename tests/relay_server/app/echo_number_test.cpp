// The echo test number end to end: a real tipring-relay process on loopback, a SIP client
// that authenticates its INVITE to sip:echo@<domain>, gets 200 with an SDP answer naming
// the echo channel, and sends RTP there. Its own packets come back — to its SDP address
// when it is public, to its observed source when its SDP names a private address behind
// NAT — while a stranger sending to the same channel gets nothing.
#include "protocol/sdp/rewrite.h"
#include "protocol/sdp/session_description.h"
#include "protocol/sip/digest_client.h"
#include "protocol/sip/message.h"
#include "tests/relay_server/app/relay_process.h"
#include "tests/relay_server/media/rtp_packet_builder.h"

#include <gtest/gtest.h>

namespace tipring::relay::testing {
namespace {

const std::string kBinary = TIPRING_RELAY_BINARY;
constexpr auto kWait = std::chrono::milliseconds(2000);

struct EchoCase {
  const char* name;
  std::string sdp_address;  // what the client advertises
  bool advertise_real_port;
};

class EchoNumber : public ::testing::TestWithParam<EchoCase> {
protected:
  void SetUp() override {
    RelayProcessOptions options;
    options.users = {{"demo", "demo-pw"}};
    options.media_settings = "bind_address = \"127.0.0.1\"\nport_min = 27000\nport_max = 27999\n";
    relay_ = std::make_unique<RelayProcess>(kBinary, std::move(options));
    ASSERT_TRUE(relay_->start());
    sip_ = relay_->sip();
  }

  std::string invite(const std::string& branch, std::uint32_t cseq, const std::string& sdp,
                     const std::string& authorization = {}) const {
    std::string text =
        "INVITE sip:echo@example.test SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=" +
        branch +
        ";rport\r\nMax-Forwards: 70\r\n"
        "From: <sip:demo@example.test>;tag=demo1\r\n"
        "To: <sip:echo@example.test>\r\nCall-ID: echo-call-1\r\n"
        "CSeq: " +
        std::to_string(cseq) + " INVITE\r\nContact: <sip:demo@10.0.0.5:5060>\r\n";
    if (!authorization.empty()) {
      text += "Proxy-Authorization: " + authorization + "\r\n";
    }
    return text + "Content-Type: application/sdp\r\nContent-Length: " + std::to_string(sdp.size()) +
           "\r\n\r\n" + sdp;
  }

  // The next SIP response with a status >= `min_status`, skipping others.
  std::optional<sip::Message> response(int min_status) {
    return next_sip(
        sip_client_,
        [min_status](const sip::Message& m) {
          return m.is_response() && m.status_code() >= min_status;
        },
        kWait);
  }

  std::unique_ptr<RelayProcess> relay_;
  Endpoint sip_;
  UdpPeer sip_client_{"127.0.0.1"};
  UdpPeer media_{"127.0.0.1"};
  UdpPeer stranger_{"127.0.0.2"};
};

TEST_P(EchoNumber, AnswersTheAuthenticatedCallerAndReturnsItsRtpButNotAStrangers) {
  const auto& c = GetParam();
  const std::string sdp = "v=0\r\no=demo 1 1 IN IP4 " + c.sdp_address + "\r\ns=-\r\nc=IN IP4 " +
                          c.sdp_address + "\r\nt=0 0\r\nm=audio " +
                          std::to_string(c.advertise_real_port ? media_.local().port : 4000) +
                          " RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                          "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=rtcp-mux\r\n";

  sip_client_.send_to(sip_, bytes_of(invite("z9hG4bKe1", 1, sdp)));
  const auto challenge = response(200);
  ASSERT_TRUE(challenge) << relay_->log();
  ASSERT_EQ(challenge->status_code(), 407);
  std::vector<sip::DigestChallenge> offered;
  for (std::size_t i = 0; i < challenge->header_count(); ++i) {
    if (challenge->header(i).id == sip::HeaderId::ProxyAuthenticate) {
      offered.push_back(*sip::parse_digest_challenge(challenge->header(i).value));
    }
  }
  SeededRandom random(7);
  sip::DigestClient digest("demo", "demo-pw", random);
  digest.on_challenges(offered);
  const auto credentials = digest.authorize("INVITE", "sip:echo@example.test");
  ASSERT_FALSE(credentials.empty());
  sip_client_.send_to(
      sip_, bytes_of(invite("z9hG4bKe2", 2, sdp, sip::format_digest_credentials(credentials[0]))));
  const auto ok = response(200);
  ASSERT_TRUE(ok) << relay_->log();
  ASSERT_EQ(ok->status_code(), 200) << ok->serialize();
  auto answer = sdp::parse(ok->body());
  ASSERT_TRUE(answer) << ok->body();
  const auto echo_at = *sdp::audio_endpoint(*answer);
  EXPECT_EQ(echo_at.address.address, "127.0.0.1");
  EXPECT_EQ(answer->media[echo_at.media_index].formats.front(), "0");  // PCMU, from the offer
  EXPECT_TRUE(answer->media[echo_at.media_index].attributes.for_format("rtpmap", "101"));
  const Endpoint echo{*IpAddress::parse("127.0.0.1"), echo_at.address.port};
  // The ACK stops the 200's retransmissions (RFC 3261 §13.3.1.4).
  sip_client_.send_to(
      sip_, bytes_of("ACK sip:echo@" + sip_.to_string() +
                     " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKe2a;rport\r\n"
                     "Max-Forwards: 70\r\nFrom: <sip:demo@example.test>;tag=demo1\r\nTo: "
                     "<sip:echo@example.test>;tag=" +
                     std::string(ok->to_tag()) +
                     "\r\nCall-ID: echo-call-1\r\nCSeq: 2 ACK\r\nContent-Length: 0\r\n\r\n"));

  // A stranger's RTP goes nowhere, before and after the caller is learned.
  for (std::uint16_t seq = 1; seq <= 5; ++seq) {
    stranger_.send_to(echo, rtp_packet(seq, 0x5eed));
  }
  std::size_t echoed = 0;
  for (std::uint16_t seq = 1; seq <= 10; ++seq) {
    const auto packet = rtp_packet(seq, 0xde30, 40 + seq);
    media_.send_to(echo, packet);
    if (auto back = media_.receive(std::chrono::milliseconds(seq <= 2 ? 100 : 1000))) {
      EXPECT_EQ(back->bytes, packet);
      EXPECT_EQ(back->from, echo);
      ++echoed;
    }
  }
  // Probation holds back the first packets; the rest come straight back.
  EXPECT_GE(echoed, 7U);
  for (std::uint16_t seq = 6; seq <= 10; ++seq) {
    stranger_.send_to(echo, rtp_packet(seq, 0x5eed));
  }
  EXPECT_TRUE(stranger_.drain(std::chrono::milliseconds(200)).empty());

  std::string bye = "BYE sip:echo@" + sip_.to_string() +
                    " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKe3;rport\r\n"
                    "Max-Forwards: 70\r\nFrom: <sip:demo@example.test>;tag=demo1\r\nTo: "
                    "<sip:echo@example.test>;tag=" +
                    std::string(ok->to_tag()) +
                    "\r\nCall-ID: echo-call-1\r\nCSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n";
  sip_client_.send_to(sip_, bytes_of(bye));
  const auto bye_ok = response(200);
  ASSERT_TRUE(bye_ok);
  EXPECT_EQ(bye_ok->status_code(), 200);
  EXPECT_EQ(bye_ok->cseq_method(), sip::Method::Bye);
  media_.send_to(echo, rtp_packet(11, 0xde30));
  EXPECT_FALSE(media_.receive(std::chrono::milliseconds(200))) << "echo after BYE";
}

INSTANTIATE_TEST_SUITE_P(RelayEcho, EchoNumber,
                         ::testing::Values(EchoCase{"PublicClientSdpAddress", "127.0.0.1", true},
                                           EchoCase{"NatClientPrivateSdpAddress", "10.9.9.9",
                                                    false}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace tipring::relay::testing
