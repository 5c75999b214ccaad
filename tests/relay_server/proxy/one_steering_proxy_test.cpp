// The one-steering-proxy rule (media_steering.h, docs/architecture.md) through ProxyCore
// with a recording MediaLegs: a proxy that forwards a call to a peer proxy leaves the SDP
// alone and stamps the caller's source into its Via; the callee's proxy steers with that
// source; a call a peer already steers is not steered twice; a client cannot switch
// steering off with a forged mark; in-dialog requests are steered where the mark is.
#include "tests/relay_server/proxy/proxy_call_fixture.h"

namespace tipring::relay::testing {
namespace {

const sip::Peer kPeer{"198.18.0.11", 5060, sip::Transport::udp};

class RecordingLegs final : public MediaLegs {
public:
  Result<MediaChannel> offer(std::string_view /*call_id*/, std::string_view /*from_tag*/,
                             std::string_view /*to_tag*/, const MediaSide& offerer) override {
    offers.push_back(offerer);
    return MediaChannel{"203.0.113.9", static_cast<std::uint16_t>(30000 + 2 * offers.size()), 0,
                        true};
  }
  Result<MediaChannel> answer(std::string_view /*call_id*/, std::string_view /*from_tag*/,
                              std::string_view /*to_tag*/, const MediaSide& answerer) override {
    answers.push_back(answerer);
    return MediaChannel{"203.0.113.9", 31000, 0, true};
  }
  void release(std::string_view /*call_id*/, std::string_view /*from_tag*/) override {}

  std::vector<MediaSide> offers;
  std::vector<MediaSide> answers;
};

std::string offer_sdp() {
  return "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
         "m=audio 7078 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
}

std::vector<std::string> values_of(const sip::Message& m, sip::HeaderId id) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i < m.header_count(); ++i) {
    if (m.header(i).id == id) {
      values.emplace_back(m.header(i).value);
    }
  }
  return values;
}

bool carries_mark(const std::vector<std::string>& record_routes) {
  return std::any_of(record_routes.begin(), record_routes.end(), [](const std::string& rr) {
    return rr.find(kMediaMark) != std::string::npos;
  });
}

class OneSteeringProxy : public ProxyCallFixture {
protected:
  void SetUp() override {
    configure_ = [](ProxyCoreConfig& config) {
      config.router.peer_proxy = [](std::string_view id) -> std::optional<FlowAddress> {
        if (id == "proxy-b") {
          return FlowAddress{kPeer, 0};
        }
        return std::nullopt;
      };
      config.router.trusted_source = [](const sip::Peer& peer) { return peer == kPeer; };
    };
    core().attach_media(legs_);
  }

  // bob's binding is held by peer proxy-b.
  void bind_bob_at_peer() {
    Binding bob;
    bob.aor = "sip:bob@tipring.test";
    bob.contact_uri = "sip:bob@10.0.1.7:5062";
    bob.expires_at = clock_.wall + std::chrono::seconds(600);
    bob.flow = Flow{"udp", "198.51.100.20", 40200, "udp:127.0.0.1:5060"};
    bob.owner_proxy = "proxy-b";
    ASSERT_TRUE(directory_->put_binding(bob, clock_.wall));
  }

  // alice's INVITE as peer proxy-b relays it: its Via on top of alice's stamped one.
  std::vector<Outgoing> invite_from_peer(std::string_view peer_record_route) {
    RequestText invite;
    invite.via_host = "198.18.0.11:5060";
    invite.branch = "z9hG4bK-trpeer1";
    invite.extra_headers = {
        "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKalice1;rport;received=192.0.2.10",
        "Record-Route: " + std::string(peer_record_route)};
    invite.body = offer_sdp();
    return send(request_text(invite), kPeer);
  }

  RecordingLegs legs_;
};

TEST_F(OneSteeringProxy, CallerProxyForwardingToAPeerLeavesTheSdpAloneAndStampsTheSource) {
  register_ua(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-alice");
  bind_bob_at_peer();
  RequestText invite;
  invite.body = offer_sdp();
  const auto at_peer = first_request(send_authenticated(invite), kPeer, sip::Method::Invite);
  ASSERT_TRUE(at_peer);
  EXPECT_EQ(at_peer->body(), offer_sdp());
  EXPECT_TRUE(legs_.offers.empty());
  EXPECT_FALSE(carries_mark(values_of(*at_peer, sip::HeaderId::RecordRoute)));
  const auto vias = *at_peer->vias();
  ASSERT_EQ(vias.size(), 2U);
  EXPECT_EQ(vias[1].received(), "192.0.2.10");  // alice's NAT, for the steering peer
}

TEST_F(OneSteeringProxy, CalleeProxySteersACallFromAPeerWithTheCallersStampedSource) {
  register_both();
  const auto out = invite_from_peer("<sip:198.18.0.11:5060;lr>");
  const auto at_bob = first_request(out, bob_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_bob);
  ASSERT_EQ(legs_.offers.size(), 1U);
  EXPECT_EQ(legs_.offers[0].signalling_source, "192.0.2.10");  // not the peer's address
  EXPECT_NE(at_bob->body().find("c=IN IP4 203.0.113.9"), std::string::npos);
  EXPECT_TRUE(carries_mark(values_of(*at_bob, sip::HeaderId::RecordRoute)));

  // bob's answer comes straight from bob: its source is his own.
  const auto answered =
      send(response_text(*at_bob, 200, "btag", "<sip:bob@10.0.1.7:5062>", offer_sdp()),
           bob_ua().flow, 1);
  const auto ok = first_response(answered, kPeer, 200);
  ASSERT_TRUE(ok);
  ASSERT_EQ(legs_.answers.size(), 1U);
  EXPECT_EQ(legs_.answers[0].signalling_source, "198.51.100.20");
  EXPECT_NE(ok->body().find("c=IN IP4 203.0.113.9"), std::string::npos);
}

TEST_F(OneSteeringProxy, CallThatAPeerAlreadySteersIsNotSteeredAgain) {
  register_both();
  const auto out = invite_from_peer("<sip:198.18.0.11:5060;lr;tipring-media>");
  const auto at_bob = first_request(out, bob_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_bob);
  EXPECT_TRUE(legs_.offers.empty());
  EXPECT_EQ(at_bob->body(), offer_sdp());
  EXPECT_EQ(values_of(*at_bob, sip::HeaderId::RecordRoute).size(), 2U);
}

TEST_F(OneSteeringProxy, ClientCannotSwitchSteeringOffWithAForgedMark) {
  register_both();
  RequestText invite;
  invite.body = offer_sdp();
  invite.extra_headers = {"Record-Route: <sip:198.18.0.99;lr;tipring-media>"};
  const auto at_bob = first_request(send_authenticated(invite), bob_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_bob);
  EXPECT_EQ(legs_.offers.size(), 1U);
}

TEST_F(OneSteeringProxy, InDialogRequestIsSteeredWhereItsRouteCarriesTheMark) {
  register_both();
  RequestText invite;
  invite.body = offer_sdp();
  const auto at_bob = first_request(send_authenticated(invite), bob_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_bob);
  (void)send(response_text(*at_bob, 200, "btag", "<sip:bob@10.0.1.7:5062>", offer_sdp()),
             bob_ua().flow, 1);
  ASSERT_EQ(legs_.offers.size(), 1U);

  // bob's re-INVITE, routed by the Record-Route he received.
  RequestText reinvite;
  reinvite.request_uri = "sip:alice@10.0.0.5:5060";
  reinvite.from_user = "bob";
  reinvite.from_tag = "btag";
  reinvite.to_uri = "sip:alice@tipring.test";
  reinvite.to_tag = "atag";
  reinvite.via_host = "10.0.1.7:5062";
  reinvite.branch = "z9hG4bKre1";
  reinvite.contact = "<sip:bob@10.0.1.7:5062>";
  reinvite.routes = values_of(*at_bob, sip::HeaderId::RecordRoute);
  reinvite.body = offer_sdp();
  ASSERT_TRUE(carries_mark(reinvite.routes));
  const auto at_alice = first_request(send(request_text(reinvite), bob_ua().flow, 1),
                                      alice_ua().flow, sip::Method::Invite);
  ASSERT_TRUE(at_alice);
  ASSERT_EQ(legs_.offers.size(), 2U);
  EXPECT_EQ(legs_.offers[1].signalling_source, "198.51.100.20");
}

}  // namespace
}  // namespace tipring::relay::testing
