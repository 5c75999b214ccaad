// The proxy steering a call's media through a real MediaRelay on 127.0.0.1, in process
// (InProcessMediaLegs) and over the ng protocol (NgMediaLegs against the relay's ng socket):
// SDP offers and answers are rewritten to relay channels, RTP between two loopback
// "clients" flows through the relay — also for late offers, in the 200 (answer in the ACK)
// or in a reliable 18x (answer in the PRACK) — and the legs are released on BYE, on a failed
// INVITE, on CANCEL and on timeout. Signalling is fed to ProxyCore as datagrams on a fake
// clock; only the media is real UDP.
#include "protocol/sdp/rewrite.h"
#include "protocol/sdp/session_description.h"
#include "relay_server/app/in_process_media.h"
#include "relay_server/app/ng_media_legs.h"
#include "tests/relay_server/media/rtp_packet_builder.h"
#include "tests/relay_server/media/udp_peer.h"
#include "tests/relay_server/proxy/proxy_call_fixture.h"

namespace tipring::relay::testing {
namespace {

std::string sdp_for(std::uint16_t port) {
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio " +
         std::to_string(port) +
         " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
         "a=rtcp-mux\r\n";
}

sdp::AudioEndpoint audio_of(const sip::Message& message) {
  auto parsed = sdp::parse(message.body());
  EXPECT_TRUE(parsed) << message.body();
  return parsed ? *sdp::audio_endpoint(*parsed) : sdp::AudioEndpoint{};
}

// Whether `port` is one of the relay's (relay_config()'s range), not a client's own.
bool relay_port(std::uint16_t port) {
  return port >= 26000 && port <= 26999;
}

MediaRelayConfig relay_config() {
  MediaRelayConfig config;
  config.bind_address = "127.0.0.1";
  config.port_min = 26000;
  config.port_max = 26999;
  config.workers = 1;
  config.probation_packets = 2;
  config.ng_listen = "127.0.0.1:0";
  return config;
}

enum class LegsKind { in_process, ng };

class MediaSteeringTest : public ProxyCallFixture, public ::testing::WithParamInterface<LegsKind> {
protected:
  void SetUp() override {
    ASSERT_TRUE(relay_.start());
    if (GetParam() == LegsKind::ng) {
      NgClientConfig ng;
      ng.relays = {SocketAddress::ipv4_loopback(relay_.ng_port())};
      auto opened = NgMediaLegs::open(ng);
      ASSERT_TRUE(opened) << opened.error().describe();
      ng_legs_ = std::move(*opened);
      core().attach_media(*ng_legs_);
    } else {
      core().attach_media(legs_);
    }
    register_both();
  }
  void TearDown() override { relay_.stop(); }

  // alice's INVITE with her media port, as bob receives it.
  sip::Message invite_bob() {
    RequestText invite;
    invite.body = sdp_for(alice_media_.local().port);
    const auto out = send_authenticated(invite);
    auto at_bob = first_request(out, bob_ua().flow, sip::Method::Invite);
    EXPECT_TRUE(at_bob);
    return at_bob ? *at_bob : sip::Message::response(999);
  }

  MediaRelay relay_{relay_config()};
  InProcessMediaLegs legs_{relay_};
  std::unique_ptr<NgMediaLegs> ng_legs_;
  UdpPeer alice_media_{"127.0.0.1"};
  UdpPeer bob_media_{"127.0.0.1"};
};

TEST_P(MediaSteeringTest, OfferAndAnswerPointEachClientAtItsRelayChannelAndMediaFlows) {
  const auto invite = invite_bob();
  const auto offered = audio_of(invite);
  EXPECT_EQ(offered.address.address, "127.0.0.1");
  EXPECT_GE(offered.address.port, 26000);
  EXPECT_NE(offered.address.port, alice_media_.local().port);
  EXPECT_EQ(relay_.session_count(), 1U);

  const auto answered = send(response_text(invite, 200, "btag", "<sip:bob@10.0.1.7:5062>",
                                           sdp_for(bob_media_.local().port)),
                             bob_ua().flow, 1);
  const auto ok = first_response(answered, alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  const auto answer = audio_of(*ok);
  EXPECT_GE(answer.address.port, 26000);
  EXPECT_NE(answer.address.port, offered.address.port);

  // Each client sends to the channel in the SDP it received; after probation, each hears
  // the other through the relay.
  const Endpoint alice_sends_to{*IpAddress::parse("127.0.0.1"), answer.address.port};
  const Endpoint bob_sends_to{*IpAddress::parse("127.0.0.1"), offered.address.port};
  bool alice_heard = false;
  bool bob_heard = false;
  for (std::uint16_t seq = 1; seq <= 40 && !(alice_heard && bob_heard); ++seq) {
    alice_media_.send_to(alice_sends_to, rtp_packet(seq, 0xa11ce));
    bob_media_.send_to(bob_sends_to, rtp_packet(seq, 0xb0b));
    for (const auto& d : bob_media_.drain(std::chrono::milliseconds(20))) {
      bob_heard = bob_heard || (d.from == bob_sends_to && d.bytes.size() == 172);
    }
    for (const auto& d : alice_media_.drain(std::chrono::milliseconds(20))) {
      alice_heard = alice_heard || (d.from == alice_sends_to && d.bytes.size() == 172);
    }
  }
  EXPECT_TRUE(alice_heard);
  EXPECT_TRUE(bob_heard);

  // alice hangs up: the BYE goes to bob and the relay lets the call go.
  RequestText bye;
  bye.method = "BYE";
  bye.request_uri = "sip:bob@10.0.1.7:5062";
  bye.to_tag = "btag";
  bye.cseq = 3;
  bye.branch = "z9hG4bKbye1";
  bye.contact.clear();
  for (std::size_t i = 0; i < ok->header_count(); ++i) {
    if (ok->header(i).id == sip::HeaderId::RecordRoute) {
      bye.routes.emplace_back(ok->header(i).value);
    }
  }
  const auto out = send(request_text(bye), alice_ua().flow);
  EXPECT_TRUE(first_request(out, bob_ua().flow, sip::Method::Bye));
  EXPECT_EQ(relay_.session_count(), 0U);
}

TEST_P(MediaSteeringTest, LateOfferIsSteeredInThe200AndItsAnswerInTheAck) {
  RequestText invite;  // no SDP: the callee will offer (RFC 3261 §13.2.1)
  const auto at_bob = first_request(send_authenticated(invite), bob_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_bob);
  EXPECT_FALSE(has_sdp(*at_bob));
  EXPECT_EQ(relay_.session_count(), 0U);

  const auto answered = send(response_text(*at_bob, 200, "btag", "<sip:bob@10.0.1.7:5062>",
                                           sdp_for(bob_media_.local().port)),
                             bob_ua().flow, 1);
  const auto ok = first_response(answered, alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  const auto offered = audio_of(*ok);  // bob's offer, pointing at the relay
  EXPECT_GE(offered.address.port, 26000);
  EXPECT_EQ(relay_.session_count(), 1U);

  RequestText ack;
  ack.method = "ACK";
  ack.request_uri = "sip:bob@10.0.1.7:5062";
  ack.to_tag = "btag";
  ack.cseq = 2;  // the authenticated INVITE's
  ack.branch = "z9hG4bKack1";
  ack.contact.clear();
  ack.body = sdp_for(alice_media_.local().port);
  for (std::size_t i = 0; i < ok->header_count(); ++i) {
    if (ok->header(i).id == sip::HeaderId::RecordRoute) {
      ack.routes.emplace_back(ok->header(i).value);
    }
  }
  const auto acked = send(request_text(ack), alice_ua().flow);
  const auto at_bob_ack = first_request(acked, bob_ua().flow, sip::Method::Ack);
  ASSERT_TRUE(at_bob_ack);
  const auto answer = audio_of(*at_bob_ack);  // alice's answer, pointing at the relay
  EXPECT_GE(answer.address.port, 26000);
  EXPECT_NE(answer.address.port, offered.address.port);

  const Endpoint alice_sends_to{*IpAddress::parse("127.0.0.1"), offered.address.port};
  const Endpoint bob_sends_to{*IpAddress::parse("127.0.0.1"), answer.address.port};
  bool alice_heard = false;
  bool bob_heard = false;
  for (std::uint16_t seq = 1; seq <= 40 && !(alice_heard && bob_heard); ++seq) {
    alice_media_.send_to(alice_sends_to, rtp_packet(seq, 0xa11ce));
    bob_media_.send_to(bob_sends_to, rtp_packet(seq, 0xb0b));
    for (const auto& d : bob_media_.drain(std::chrono::milliseconds(20))) {
      bob_heard = bob_heard || d.from == bob_sends_to;
    }
    for (const auto& d : alice_media_.drain(std::chrono::milliseconds(20))) {
      alice_heard = alice_heard || d.from == alice_sends_to;
    }
  }
  EXPECT_TRUE(alice_heard);
  EXPECT_TRUE(bob_heard);
}

// bob's 183 sent reliably (RFC 3262 §3) to `invite`, with `sdp`.
std::string reliable_183(const sip::Message& invite, const std::string& sdp) {
  auto response =
      *sip::Message::parse(response_text(invite, 183, "btag", "<sip:bob@10.0.1.7:5062>", sdp));
  response.add_header(sip::HeaderId::Require, "100rel");
  response.add_header("RSeq", "1");
  return response.serialize();
}

TEST_P(MediaSteeringTest, LateOfferInAReliable18xIsSteeredThereAndItsAnswerInThePrack) {
  RequestText invite;  // no SDP, 100rel supported: bob offers in a reliable 183
  invite.extra_headers = {"Supported: 100rel"};
  const auto at_bob = first_request(send_authenticated(invite), bob_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_bob);
  const std::string bob_sdp = sdp_for(bob_media_.local().port);
  const auto early =
      first_response(send(reliable_183(*at_bob, bob_sdp), bob_ua().flow, 1), alice_ua().flow, 183);
  ASSERT_TRUE(early);
  const auto offered = audio_of(*early);  // bob's offer, pointing at the relay
  EXPECT_TRUE(relay_port(offered.address.port)) << offered.address.port;
  EXPECT_EQ(relay_.session_count(), 1U);

  std::vector<std::string> routes;
  for (std::size_t i = 0; i < early->header_count(); ++i) {
    if (early->header(i).id == sip::HeaderId::RecordRoute) {
      routes.emplace_back(early->header(i).value);
    }
  }
  RequestText prack;
  prack.method = "PRACK";
  prack.request_uri = "sip:bob@10.0.1.7:5062";
  prack.to_tag = "btag";
  prack.cseq = 3;
  prack.branch = "z9hG4bKprack1";
  prack.routes = routes;
  prack.extra_headers = {"RAck: 1 2 INVITE"};
  prack.body = sdp_for(alice_media_.local().port);
  const auto at_bob_prack =
      first_request(send(request_text(prack), alice_ua().flow), bob_ua().flow, sip::Method::Prack);
  ASSERT_TRUE(at_bob_prack);
  const auto answer = audio_of(*at_bob_prack);  // alice's answer, pointing at the relay
  EXPECT_TRUE(relay_port(answer.address.port)) << answer.address.port;
  EXPECT_NE(answer.address.port, offered.address.port);
  EXPECT_TRUE(first_response(send(response_text(*at_bob_prack, 200, "btag"), bob_ua().flow, 1),
                             alice_ua().flow, 200));

  // bob's 2xx repeats the offer (RFC 6337 §3.1): it still names the same relay channel.
  const auto ok =
      first_response(send(response_text(*at_bob, 200, "btag", "<sip:bob@10.0.1.7:5062>", bob_sdp),
                          bob_ua().flow, 1),
                     alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  EXPECT_EQ(audio_of(*ok).address.port, offered.address.port);
  EXPECT_EQ(relay_.session_count(), 1U);

  const Endpoint alice_sends_to{*IpAddress::parse("127.0.0.1"), offered.address.port};
  const Endpoint bob_sends_to{*IpAddress::parse("127.0.0.1"), answer.address.port};
  bool alice_heard = false;
  bool bob_heard = false;
  for (std::uint16_t seq = 1; seq <= 40 && !(alice_heard && bob_heard); ++seq) {
    alice_media_.send_to(alice_sends_to, rtp_packet(seq, 0xa11ce));
    bob_media_.send_to(bob_sends_to, rtp_packet(seq, 0xb0b));
    for (const auto& d : bob_media_.drain(std::chrono::milliseconds(20))) {
      bob_heard = bob_heard || d.from == bob_sends_to;
    }
    for (const auto& d : alice_media_.drain(std::chrono::milliseconds(20))) {
      alice_heard = alice_heard || d.from == alice_sends_to;
    }
  }
  EXPECT_TRUE(alice_heard);
  EXPECT_TRUE(bob_heard);
}

TEST_P(MediaSteeringTest, LateOfferInAnUnreliable18xIsAPreviewAndThe200sOfferIsSteered) {
  RequestText invite;
  const auto at_bob = first_request(send_authenticated(invite), bob_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_bob);
  const std::string bob_sdp = sdp_for(bob_media_.local().port);
  const auto early =
      first_response(send(response_text(*at_bob, 183, "btag", "<sip:bob@10.0.1.7:5062>", bob_sdp),
                          bob_ua().flow, 1),
                     alice_ua().flow, 183);
  ASSERT_TRUE(early);
  EXPECT_EQ(audio_of(*early).address.port, bob_media_.local().port);
  EXPECT_EQ(relay_.session_count(), 0U) << "no PRACK will answer an unreliable 183";
  const auto ok =
      first_response(send(response_text(*at_bob, 200, "btag", "<sip:bob@10.0.1.7:5062>", bob_sdp),
                          bob_ua().flow, 1),
                     alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(relay_port(audio_of(*ok).address.port));
  EXPECT_EQ(relay_.session_count(), 1U);
}

TEST_P(MediaSteeringTest, RejectedInviteReleasesItsLegs) {
  const auto invite = invite_bob();
  EXPECT_EQ(relay_.session_count(), 1U);
  const auto out = send(response_text(invite, 486, "btag"), bob_ua().flow, 1);
  ASSERT_TRUE(first_final(out, alice_ua().flow));
  EXPECT_EQ(relay_.session_count(), 0U);
}

TEST_P(MediaSteeringTest, CancelledInviteReleasesItsLegs) {
  const auto invite = invite_bob();
  (void)send(response_text(invite, 180, "btag"), bob_ua().flow, 1);
  RequestText cancel;
  cancel.method = "CANCEL";
  cancel.cseq = 2;
  cancel.branch = "z9hG4bKinv1x";
  cancel.contact.clear();
  (void)send(request_text(cancel), alice_ua().flow);
  EXPECT_EQ(relay_.session_count(), 1U);  // until the callee confirms with 487
  const auto out = send(response_text(invite, 487, "btag"), bob_ua().flow, 1);
  ASSERT_EQ(first_final(out, alice_ua().flow)->status_code(), 487);
  EXPECT_EQ(relay_.session_count(), 0U);
}

TEST_P(MediaSteeringTest, UnansweredInviteReleasesItsLegsWhenItTimesOut) {
  (void)invite_bob();
  const auto out = advance(std::chrono::seconds(33));
  ASSERT_TRUE(first_final(out, alice_ua().flow));
  EXPECT_EQ(first_final(out, alice_ua().flow)->status_code(), 408);
  EXPECT_EQ(relay_.session_count(), 0U);
}

TEST_P(MediaSteeringTest, OfferWhoseSdpCannotBeSteeredIs488AndNotForwarded) {
  RequestText invite;
  invite.body = "v=0\r\nthis is not sdp\r\n";
  const auto out = send_authenticated(invite);
  ASSERT_TRUE(first_final(out, alice_ua().flow));
  EXPECT_EQ(first_final(out, alice_ua().flow)->status_code(), 488);
  EXPECT_FALSE(first_request(out, bob_ua().flow, sip::Method::Invite));
  EXPECT_EQ(relay_.session_count(), 0U);
}

TEST(NgMediaLegs, SilentRelayIsTriedAgainWithTheSameCookieThenNamedInTheError) {
  auto silent = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(silent);
  NgClientConfig config;
  config.relays = {silent->local_address()};
  config.timeout = std::chrono::milliseconds(50);
  config.attempts = 2;
  auto legs = NgMediaLegs::open(config);
  ASSERT_TRUE(legs);
  MediaSide alice{"127.0.0.1", 4000, 0, "127.0.0.1", true, false};
  auto channel = (*legs)->offer("call-1", "atag", "", alice);
  ASSERT_FALSE(channel);
  EXPECT_NE(channel.error().describe().find(silent->local_address().to_string()),
            std::string::npos);
  EXPECT_EQ((*legs)->unanswered(), 1U);
  std::vector<std::string> commands;
  std::array<std::byte, 4096> buffer{};
  while (auto got = silent->receive(buffer)) {
    if (!*got) {
      break;
    }
    commands.emplace_back(reinterpret_cast<const char*>(buffer.data()), (*got)->length);
  }
  ASSERT_EQ(commands.size(), 2U);
  EXPECT_EQ(commands[0], commands[1]);  // a retry repeats the cookie: the relay replays
  EXPECT_NE(commands[0].find("5:offer"), std::string::npos);
  EXPECT_NE(commands[0].find("13:received-from"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Legs, MediaSteeringTest,
                         ::testing::Values(LegsKind::in_process, LegsKind::ng),
                         [](const auto& param_info) {
                           return param_info.param == LegsKind::ng ? "OverNg" : "InProcess";
                         });

}  // namespace
}  // namespace tipring::relay::testing
