// The user agent against raw SIP text: routing of requests it did not expect, offers it
// cannot accept, a proxy's challenge to an INVITE, registration on the flow and keepalives.
#include "client/ua/user_agent.h"

#include "protocol/sip/digest.h"
#include "protocol/sip/digest_server.h"
#include "tests/client/ua/ua_pipe.h"

#include <array>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;
using testing::media_of;
using testing::peer_config;

const sip::Peer kPeer{"127.0.0.9", 5060, sip::Transport::udp};

std::string sdp_offer(std::string_view codecs_line, std::string_view rtpmaps) {
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\n"
         "m=audio 50000 RTP/AVP " +
         std::string(codecs_line) + "\r\n" + std::string(rtpmaps);
}

std::string request(std::string_view method, std::string_view to_tag, std::string_view body = {},
                    std::string_view extra = {}) {
  std::string m = std::string(method) + " sip:bob@127.0.0.2:5060 SIP/2.0\r\n" +
                  "Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK" + std::string(method) +
                  "1;rport\r\n" + "Max-Forwards: 70\r\n" +
                  "From: <sip:peer@127.0.0.9>;tag=peer1\r\n" + "To: <sip:bob@127.0.0.2>" +
                  (to_tag.empty() ? "" : ";tag=" + std::string(to_tag)) + "\r\n" +
                  "Call-ID: raw-call-1\r\n" + "CSeq: 1 " + std::string(method) + "\r\n" +
                  "Contact: <sip:peer@127.0.0.9:5060>\r\n" + std::string(extra);
  if (!body.empty()) {
    m += "Content-Type: application/sdp\r\n";
  }
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  return m;
}

class UserAgentTest : public ::testing::Test {
protected:
  // Everything Bob sends, parsed.
  std::vector<sip::Message> drain() {
    std::vector<sip::Message> out;
    while (auto d = bob.poll_datagram()) {
      auto m = sip::Message::parse(d->bytes);
      EXPECT_TRUE(m) << d->bytes;
      if (m) {
        out.push_back(std::move(*m));
      }
    }
    return out;
  }
  std::vector<UaEvent> events() {
    std::vector<UaEvent> out;
    while (auto e = bob.poll_event()) {
      out.push_back(std::move(*e));
    }
    return out;
  }
  // The final (non-1xx) responses Bob sent, status codes in order.
  std::vector<int> finals(const std::vector<sip::Message>& sent) {
    std::vector<int> out;
    for (const auto& m : sent) {
      if (m.is_response() && m.status_code() >= 200) {
        out.push_back(m.status_code());
      }
    }
    return out;
  }

  SeededRandom random{5};
  UserAgent bob{peer_config("bob", 2), random};
  TimePoint now{std::chrono::seconds(10)};
};

TEST_F(UserAgentTest, OptionsOutsideADialogIsAnswered200WithAllow) {
  bob.on_datagram(request("OPTIONS", ""), kPeer, now);
  auto sent = drain();
  ASSERT_EQ(finals(sent), std::vector<int>{200});
  EXPECT_TRUE(sent.back().has_token(sip::HeaderId::Allow, "INVITE"));
  EXPECT_TRUE(events().empty());
}

struct RoutingCase {
  std::string_view method;
  std::string_view to_tag;
  int status;
};

class UnexpectedRequest : public UserAgentTest,
                          public ::testing::WithParamInterface<RoutingCase> {};

TEST_P(UnexpectedRequest, IsAnsweredWithoutCreatingACall) {
  bob.on_datagram(request(GetParam().method, GetParam().to_tag), kPeer, now);
  EXPECT_EQ(finals(drain()), std::vector<int>{GetParam().status});
  EXPECT_TRUE(bob.call_handles().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, UnexpectedRequest,
    ::testing::Values(RoutingCase{"MESSAGE", "", 405}, RoutingCase{"SUBSCRIBE", "", 405},
                      RoutingCase{"PUBLISH", "", 405}, RoutingCase{"BYE", "", 481},
                      RoutingCase{"BYE", "unknown", 481}, RoutingCase{"INFO", "x", 481},
                      RoutingCase{"REFER", "", 481}, RoutingCase{"INVITE", "stale", 481}));

TEST_F(UserAgentTest, ResponsesGoBackToTheAddressTheRequestCameFrom) {
  const sip::Peer nat{"198.18.0.77", 40123, sip::Transport::udp};
  bob.on_datagram(request("OPTIONS", ""), nat, now);
  auto d = bob.poll_datagram();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->peer, nat) << "RFC 3581: to the source, not the Via sent-by";
}

TEST_F(UserAgentTest, InviteRequiringAnUnknownExtensionIsRefused420) {
  bob.on_datagram(request("INVITE", "", sdp_offer("0", ""), "Require: 100rel\r\n"), kPeer, now);
  auto sent = drain();
  ASSERT_EQ(finals(sent), std::vector<int>{420});
  EXPECT_EQ(sent.back().find(sip::HeaderId::Unsupported).value_or(""), "100rel");
}

TEST_F(UserAgentTest, OfferWithoutACommonCodecIsRefused488OnAnswer) {
  bob.on_datagram(request("INVITE", "", sdp_offer("18", "a=rtpmap:18 G729/8000\r\n")), kPeer, now);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1U);
  ASSERT_EQ(ev[0].kind, UaEvent::Kind::incoming_call);
  auto sent = drain();
  ASSERT_GE(sent.size(), 2U);
  EXPECT_EQ(sent[0].status_code(), 100);
  EXPECT_EQ(sent[1].status_code(), 180);
  EXPECT_FALSE(sent[1].to_tag().empty());
  EXPECT_FALSE(bob.find_call(ev[0].call)->answer(media_of(2), now).has_value());
  EXPECT_EQ(finals(drain()), std::vector<int>{488});
  EXPECT_EQ(bob.find_call(ev[0].call)->record().end_reason, end_reason::kIncompatibleMedia);
}

TEST_F(UserAgentTest, InviteWithoutOfferGetsOurOfferIn200AndTheAnswerFromTheAck) {
  bob.on_datagram(request("INVITE", ""), kPeer, now);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1U);
  ASSERT_TRUE(bob.find_call(ev[0].call)->answer(media_of(2), now));
  auto sent = drain();
  ASSERT_EQ(finals(sent), std::vector<int>{200});
  const sip::Message& ok = sent.back();
  EXPECT_NE(ok.body().find("m=audio 40004 RTP/AVP"), std::string_view::npos);
  ASSERT_EQ(events().size(), 1U) << "the call became active";

  std::string ack =
      "ACK sip:bob@127.0.0.2:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bKack1;rport\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:peer@127.0.0.9>;tag=peer1\r\n"
      "To: <sip:bob@127.0.0.2>;tag=" +
      std::string(ok.to_tag()) +
      "\r\nCall-ID: raw-call-1\r\nCSeq: 1 ACK\r\n"
      "Content-Type: application/sdp\r\n";
  const std::string answer = sdp_offer("0", "a=sendrecv\r\n");
  ack += "Content-Length: " + std::to_string(answer.size()) + "\r\n\r\n" + answer;
  bob.on_datagram(ack, kPeer, now);
  auto after = events();
  ASSERT_EQ(after.size(), 1U);
  ASSERT_EQ(after[0].kind, UaEvent::Kind::media_changed);
  EXPECT_EQ(after[0].media->codec.encoding_name, "PCMU");
  EXPECT_EQ(after[0].media->remote, (sdp::MediaAddress{"127.0.0.9", 50000}));
  bob.on_timer(now + 1s);
  EXPECT_TRUE(finals(drain()).empty()) << "the ACK stopped 2xx retransmissions";
}

TEST_F(UserAgentTest, RingingAndAnswerCarryTheInvitesRecordRouteInOrder) {
  // RFC 3261 §12.1.1: without the proxies' Record-Route in the 180 and 200, the caller's ACK
  // and BYE would bypass them (and never cross the callee's NAT).
  const std::string routes =
      "Record-Route: <sip:198.18.0.10:5060;lr;tr-m=abc>\r\n"
      "Record-Route: <sip:198.18.0.11;lr>, <sip:198.18.0.12;lr>\r\n";
  bob.on_datagram(request("INVITE", "", sdp_offer("0", "a=sendrecv\r\n"), routes), kPeer, now);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1U);
  ASSERT_TRUE(bob.find_call(ev[0].call)->answer(media_of(2), now));
  int checked = 0;
  for (const sip::Message& m : drain()) {
    if (m.status_code() != 180 && m.status_code() != 200) {
      continue;
    }
    auto rr = m.record_routes();
    ASSERT_TRUE(rr) << m.status_code();
    ASSERT_EQ(rr->size(), 3U) << m.status_code();
    EXPECT_EQ((*rr)[0].uri.host, "198.18.0.10");
    EXPECT_EQ((*rr)[1].uri.host, "198.18.0.11");
    EXPECT_EQ((*rr)[2].uri.host, "198.18.0.12");
    ++checked;
  }
  EXPECT_EQ(checked, 2) << "both the 180 and the 200";
}

TEST_F(UserAgentTest, InDialogRequestWithAnOldCSeqIsRefused500) {
  bob.on_datagram(request("INVITE", "", sdp_offer("0", "")), kPeer, now);
  const CallHandle h = events().at(0).call;
  ASSERT_TRUE(bob.find_call(h)->answer(media_of(2), now));
  const std::string tag(drain().back().to_tag());
  std::string info = request("INFO", tag);
  // §12.2.2: a CSeq below the last one seen in the dialog (the INVITE's 1) is out of order.
  info.replace(info.find("CSeq: 1 INFO"), 12, "CSeq: 0 INFO");
  bob.on_datagram(info, kPeer, now);
  EXPECT_EQ(finals(drain()), std::vector<int>{500});
}

// A proxy that challenges every INVITE without credentials, as tipring-relay does.
TEST_F(UserAgentTest, InviteChallengedByTheProxyIsResentOnceWithCredentials) {
  UserAgentConfig config = peer_config("alice", 1);
  config.password = "s3cret";
  config.outbound_proxy = kPeer;
  SeededRandom random_a{9};
  UserAgent alice(config, random_a);
  auto handle = alice.call(*resolve_target("bob", config.aor), media_of(1), now);
  ASSERT_TRUE(handle);
  auto first_dg = alice.poll_datagram();
  ASSERT_TRUE(first_dg);
  EXPECT_EQ(first_dg->peer, kPeer) << "every request goes to the outbound proxy";
  auto first = *sip::Message::parse(first_dg->bytes);
  EXPECT_EQ(first.request_uri_text(), "sip:bob@127.0.0.1");
  EXPECT_TRUE(first.top_via()->has_rport());

  std::array<std::uint8_t, 16> secret{};
  SeededRandom server_random{3};
  sip::DigestServer server({"tipring.test"}, secret, server_random);
  sip::Message challenge = sip::make_response(first, 407, {}, "proxytag");
  for (const auto& c : server.challenges(now)) {
    challenge.add_header(sip::HeaderId::ProxyAuthenticate, sip::format_digest_challenge(c));
  }
  alice.on_datagram(challenge.serialize(), kPeer, now);
  std::vector<sip::Message> sent;
  while (auto d = alice.poll_datagram()) {
    sent.push_back(*sip::Message::parse(d->bytes));
  }
  ASSERT_EQ(sent.size(), 2U) << "ACK for the 407, then the new INVITE";
  EXPECT_EQ(sent[0].method(), sip::Method::Ack);
  const sip::Message& second = sent[1];
  EXPECT_EQ(second.method(), sip::Method::Invite);
  EXPECT_EQ(second.call_id(), first.call_id());
  EXPECT_EQ(second.from_tag(), first.from_tag());
  EXPECT_EQ(second.cseq_number(), first.cseq_number() + 1);
  EXPECT_NE(second.branch(), first.branch());
  auto credentials = sip::parse_digest_credentials(*second.find(sip::HeaderId::ProxyAuthorization));
  ASSERT_TRUE(credentials);
  const sip::StoredHa1 stored{
      sip::ha1_hex(sip::DigestAlgorithm::md5, "alice", "tipring.test", "s3cret"),
      sip::ha1_hex(sip::DigestAlgorithm::sha256, "alice", "tipring.test", "s3cret")};
  EXPECT_EQ(server.verify(*credentials, "INVITE", stored, now), sip::DigestVerdict::accepted);

  // A second refusal means the password is wrong: the call fails and says so.
  sip::Message again = sip::make_response(second, 407, {}, "proxytag2");
  for (const auto& c : server.challenges(now)) {
    again.add_header(sip::HeaderId::ProxyAuthenticate, sip::format_digest_challenge(c));
  }
  alice.on_datagram(again.serialize(), kPeer, now);
  EXPECT_EQ(alice.find_call(*handle)->record().end_reason, "wrong password (proxy)");
}

TEST_F(UserAgentTest, RegistersThroughTheProxyAndPingsTheFlowOnceRegistered) {
  UserAgentConfig config = peer_config("alice", 1);
  config.outbound_proxy = kPeer;
  config.keepalive_interval = 25s;
  RegistrationConfig reg;
  reg.aor = config.aor;
  reg.registrar = *sip::Uri::parse("sip:127.0.0.9");
  reg.password = "pw";
  config.registration = reg;
  SeededRandom random_a{11};
  UserAgent alice(config, random_a);
  alice.start(now);
  auto dg = alice.poll_datagram();
  ASSERT_TRUE(dg);
  auto registration = *sip::Message::parse(dg->bytes);
  EXPECT_EQ(registration.method(), sip::Method::Register);
  EXPECT_TRUE(registration.top_via()->has_rport());
  sip::Message ok = sip::make_response(registration, 200, {}, "regtag");
  ok.add_header(sip::HeaderId::Contact,
                std::string(*registration.find(sip::HeaderId::Contact)) + ";expires=600");
  alice.on_datagram(ok.serialize(), kPeer, now);
  auto ev = alice.poll_event();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, UaEvent::Kind::registration_changed);
  EXPECT_EQ(alice.registration()->state(), RegistrationState::registered);

  // Step from deadline to deadline (the REGISTER transaction's Timer K comes first) until
  // the first datagram: the ping, between 80 and 100 % of 25 s after registering.
  std::optional<sip::Datagram> ping;
  TimePoint t = now;
  for (int i = 0; i < 10 && !ping; ++i) {
    t = alice.next_deadline();
    alice.on_timer(t);
    ping = alice.poll_datagram();
  }
  ASSERT_TRUE(ping);
  EXPECT_GE(t - now, Duration(20s));
  EXPECT_LE(t - now, Duration(25s));
  EXPECT_EQ(ping->bytes, "\r\n\r\n");
  EXPECT_EQ(ping->peer, kPeer);
}

TEST_F(UserAgentTest, PingFromTheFlowIsAnsweredWithAPong) {
  bob.on_datagram("\r\n\r\n", kPeer, now);
  auto pong = bob.poll_datagram();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->bytes, "\r\n");
  EXPECT_EQ(pong->peer, kPeer);
}

struct TargetCase {
  std::string_view typed;
  std::string_view uri;
};

class ResolveTarget : public ::testing::TestWithParam<TargetCase> {};

TEST_P(ResolveTarget, MakesASipUriInTheAccountsDomain) {
  auto uri = resolve_target(GetParam().typed, *sip::Uri::parse("sip:alice@tipring.test"));
  ASSERT_TRUE(uri) << uri.error().describe();
  EXPECT_EQ(uri->to_string(), GetParam().uri);
}

INSTANTIATE_TEST_SUITE_P(Table, ResolveTarget,
                         ::testing::Values(TargetCase{"echo", "sip:echo@tipring.test"},
                                           TargetCase{" bob ", "sip:bob@tipring.test"},
                                           TargetCase{"bob@example.org", "sip:bob@example.org"},
                                           TargetCase{"sip:bob@127.0.0.1:5062",
                                                      "sip:bob@127.0.0.1:5062"},
                                           TargetCase{"+15551234", "sip:+15551234@tipring.test"}));

TEST(ResolveTargetRejects, EmptyAndMalformedDialStrings) {
  const auto aor = *sip::Uri::parse("sip:alice@tipring.test");
  EXPECT_FALSE(resolve_target("", aor));
  EXPECT_FALSE(resolve_target("bob smith", aor));
  EXPECT_FALSE(resolve_target("http://x", aor));
}

}  // namespace
}  // namespace tipring::client
