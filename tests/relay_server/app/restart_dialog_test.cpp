// What a restart of tipring-relay keeps and what it refuses. Its HMAC secret lives in the
// store, so a call's in-dialog BYE still finds its way by the Record-Route flow token minted
// before a SIGTERM restart; but a digest nonce handed out before the restart is answered
// stale (its nonce-counts were only in the old process's memory), so a captured request
// cannot be replayed after it, while the client's own retry on the fresh nonce succeeds.
// And media.ng_relays: the binary steers a call through a remote relay's ng socket. Real
// binary on a fixed loopback port, two UDP "clients".
#include "protocol/sdp/rewrite.h"
#include "protocol/sip/digest_client.h"
#include "protocol/sip/message.h"
#include "relay_server/media/media_relay.h"
#include "tests/relay_server/app/relay_process.h"

#include <gtest/gtest.h>

namespace tipring::relay::testing {
namespace {

const std::string kBinary = TIPRING_RELAY_BINARY;
constexpr auto kWait = std::chrono::milliseconds(3000);

class RestartKeepsSecret : public ::testing::Test {
protected:
  // More [media] settings for the relay under test.
  virtual std::string media_settings() { return {}; }

  void SetUp() override {
    RelayProcessOptions options;
    options.users = {{"alice", "alice-pw"}, {"bob", "bob-pw"}};
    options.sip_port = free_loopback_port();
    ASSERT_NE(options.sip_port, 0);
    options.media_settings =
        "bind_address = \"127.0.0.1\"\nport_min = 28000\nport_max = 28999\n" + media_settings();
    relay_ = std::make_unique<RelayProcess>(kBinary, std::move(options));
    ASSERT_TRUE(relay_->start());
    relay_at_ = relay_->sip();
  }

  void restart() {
    ASSERT_TRUE(relay_->restart());
    ASSERT_EQ(relay_->sip(), relay_at_);
  }

  // The next SIP message `peer` receives that satisfies `wanted`.
  static std::optional<sip::Message> next(const UdpPeer& peer,
                                          const std::function<bool(const sip::Message&)>& wanted) {
    return next_sip(peer, wanted, kWait);
  }
  static std::optional<sip::Message> final_response(const UdpPeer& peer) {
    return next(peer, is_final_response);
  }
  // The final response to the request with CSeq `cseq` (older ones may still arrive:
  // retransmissions by the process that is gone).
  static std::optional<sip::Message> final_response(const UdpPeer& peer, std::uint32_t cseq) {
    return next(peer, [cseq](const sip::Message& m) {
      return is_final_response(m) && m.cseq_number() == cseq;
    });
  }

  static std::string credentials(const sip::Message& challenge, sip::HeaderId id,
                                 const std::string& user, const std::string& method,
                                 const std::string& uri) {
    return digest_answer(challenge, id, user, user + "-pw", method, uri);
  }

  // Whether the challenge says the nonce answered was stale (RFC 7616 §3.3), not the password.
  static bool says_stale(const sip::Message& challenge, sip::HeaderId id) {
    const auto value = challenge.find(id);
    if (!value) {
      return false;
    }
    const auto parsed = sip::parse_digest_challenge(*value);
    return parsed && parsed->stale;
  }

  std::string register_text(std::uint32_t cseq, const std::string& authorization) const {
    std::string text =
        "REGISTER sip:example.test SIP/2.0\r\n"
        "Via: SIP/2.0/UDP " +
        bob_.local().to_string() + ";branch=z9hG4bKreg" + std::to_string(cseq) +
        ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:bob@example.test>;tag=r1\r\n"
        "To: <sip:bob@example.test>\r\nCall-ID: reg-bob\r\nCSeq: " +
        std::to_string(cseq) + " REGISTER\r\nContact: <sip:bob@" + bob_.local().to_string() +
        ">\r\nExpires: 600\r\n";
    if (!authorization.empty()) {
      text += "Authorization: " + authorization + "\r\n";
    }
    return text + "Content-Length: 0\r\n\r\n";
  }

  std::string invite_text(std::uint32_t cseq, const std::string& authorization,
                          const std::string& sdp = {}) const {
    std::string text =
        "INVITE sip:bob@example.test SIP/2.0\r\n"
        "Via: SIP/2.0/UDP " +
        alice_.local().to_string() + ";branch=z9hG4bKinv" + std::to_string(cseq) +
        ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.test>;tag=a1\r\n"
        "To: <sip:bob@example.test>\r\nCall-ID: call-restart\r\nCSeq: " +
        std::to_string(cseq) + " INVITE\r\nContact: <sip:alice@" + alice_.local().to_string() +
        ">\r\n";
    if (!authorization.empty()) {
      text += "Proxy-Authorization: " + authorization + "\r\n";
    }
    if (!sdp.empty()) {
      text += "Content-Type: application/sdp\r\n";
    }
    return text + "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
  }

  // bob's REGISTER with CSeq `cseq` answered by his own digest client (which, like a real
  // UA, keeps the nonce and counts its uses).
  std::string bob_register(std::uint32_t cseq) {
    const auto answers = bob_digest_.authorize("REGISTER", "sip:example.test");
    return register_text(
        cseq, answers.empty() ? std::string() : sip::format_digest_credentials(answers[0]));
  }
  // bob's client takes in the 401 to the REGISTER it sent.
  void bob_challenged(const sip::Message& challenge) {
    std::vector<sip::DigestChallenge> offered;
    for (std::size_t i = 0; i < challenge.header_count(); ++i) {
      if (challenge.header(i).id == sip::HeaderId::WwwAuthenticate) {
        offered.push_back(*sip::parse_digest_challenge(challenge.header(i).value));
      }
    }
    ASSERT_EQ(bob_digest_.on_challenges(offered), sip::DigestClient::Verdict::retry);
  }

  void register_bob() {
    bob_.send_to(relay_at_, bytes_of(register_text(1, {})));
    const auto challenge = final_response(bob_, 1);
    ASSERT_TRUE(challenge) << relay_->log();
    ASSERT_EQ(challenge->status_code(), 401);
    bob_challenged(*challenge);
    bob_.send_to(relay_at_, bytes_of(bob_register(2)));
    const auto registered = final_response(bob_, 2);
    ASSERT_TRUE(registered);
    ASSERT_EQ(registered->status_code(), 200);
    bob_digest_.on_authenticated();
  }

  std::unique_ptr<RelayProcess> relay_;
  Endpoint relay_at_;
  UdpPeer alice_{"127.0.0.1"};
  UdpPeer bob_{"127.0.0.1"};
  SeededRandom bob_random_{3};
  sip::DigestClient bob_digest_{"bob", "bob-pw", bob_random_};
};

// Another transaction carrying the same credentials: `text` with its Via branch replaced.
std::string replayed(std::string text, const std::string& old_branch) {
  text.replace(text.find(old_branch), old_branch.size(), "z9hG4bKreplay" + old_branch.substr(7));
  return text;
}

TEST_F(RestartKeepsSecret, ARegisterCapturedBeforeARestartCannotBeReplayedAfterIt) {
  register_bob();
  // What an eavesdropper captured: bob's authorized REGISTER (its nc=1 already used).
  const std::string captured = bob_register(3);
  bob_.send_to(relay_at_, bytes_of(captured));
  const auto refreshed = final_response(bob_, 3);
  ASSERT_TRUE(refreshed);
  ASSERT_EQ(refreshed->status_code(), 200);
  bob_digest_.on_authenticated();
  // Control: the same process refuses the replay by its nonce-count ledger.
  bob_.send_to(relay_at_, bytes_of(replayed(captured, "z9hG4bKreg3")));
  const auto refused = final_response(bob_, 3);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status_code(), 401);
  EXPECT_TRUE(says_stale(*refused, sip::HeaderId::WwwAuthenticate));
  restart();

  // The restarted process never saw that nonce-count used: the nonce itself is refused.
  // Twice: the captured bytes as they were, and as a new transaction.
  for (const auto& replay : {captured, replayed(captured, "z9hG4bKreg3")}) {
    bob_.send_to(relay_at_, bytes_of(replay));
    const auto answer = final_response(bob_, 3);
    ASSERT_TRUE(answer) << relay_->log();
    EXPECT_EQ(answer->status_code(), 401) << answer->serialize();
    EXPECT_TRUE(says_stale(*answer, sip::HeaderId::WwwAuthenticate)) << answer->serialize();
  }

  // bob's own refresh uses his cached nonce (nc=3) and is told it is stale; his client
  // retries on the fresh nonce without asking for the password, and that goes through.
  bob_.send_to(relay_at_, bytes_of(bob_register(4)));
  const auto stale = final_response(bob_, 4);
  ASSERT_TRUE(stale);
  ASSERT_EQ(stale->status_code(), 401);
  ASSERT_TRUE(says_stale(*stale, sip::HeaderId::WwwAuthenticate));
  bob_challenged(*stale);
  bob_.send_to(relay_at_, bytes_of(bob_register(5)));
  const auto registered = final_response(bob_, 5);
  ASSERT_TRUE(registered);
  EXPECT_EQ(registered->status_code(), 200) << registered->serialize();
}

TEST_F(RestartKeepsSecret, NonceFromBeforeARestartIsStaleButTheDialogRouteStillWorks) {
  register_bob();
  alice_.send_to(relay_at_, bytes_of(invite_text(1, {})));
  const auto challenge = final_response(alice_, 1);
  ASSERT_TRUE(challenge) << relay_->log();
  ASSERT_EQ(challenge->status_code(), 407);
  restart();

  // The nonce of the 407 was minted by the process that is gone: stale, so alice's UA
  // answers the new challenge with the same password. bob's binding survived the restart.
  alice_.send_to(relay_at_,
                 bytes_of(invite_text(2, credentials(*challenge, sip::HeaderId::ProxyAuthenticate,
                                                     "alice", "INVITE", "sip:bob@example.test"))));
  const auto stale = final_response(alice_, 2);
  ASSERT_TRUE(stale) << relay_->log();
  ASSERT_EQ(stale->status_code(), 407);
  EXPECT_TRUE(says_stale(*stale, sip::HeaderId::ProxyAuthenticate)) << stale->serialize();
  alice_.send_to(relay_at_,
                 bytes_of(invite_text(3, credentials(*stale, sip::HeaderId::ProxyAuthenticate,
                                                     "alice", "INVITE", "sip:bob@example.test"))));
  const auto at_bob = next(bob_, [](const sip::Message& m) {
    return m.is_request() && m.method() == sip::Method::Invite;
  });
  ASSERT_TRUE(at_bob) << "the fresh nonce was refused: " << relay_->log();
  auto ok = sip::make_response(*at_bob, 200, {}, "b1");
  std::vector<std::string> record_routes;
  for (std::size_t i = 0; i < at_bob->header_count(); ++i) {
    if (at_bob->header(i).id == sip::HeaderId::RecordRoute) {
      record_routes.emplace_back(at_bob->header(i).value);
      ok.add_header(sip::HeaderId::RecordRoute, at_bob->header(i).value);
    }
  }
  ASSERT_EQ(record_routes.size(), 1U);
  ok.add_header(sip::HeaderId::Contact, "<sip:bob@" + bob_.local().to_string() + ">");
  bob_.send_to(relay_at_, bytes_of(ok.serialize()));
  ASSERT_TRUE(next(
      alice_, [](const sip::Message& m) { return m.is_response() && m.status_code() == 200; }));
  restart();

  // bob hangs up over the route set minted before the restart: the BYE reaches alice.
  const std::string bye =
      "BYE sip:alice@" + alice_.local().to_string() + " SIP/2.0\r\nVia: SIP/2.0/UDP " +
      bob_.local().to_string() +
      ";branch=z9hG4bKbye1;rport\r\nMax-Forwards: 70\r\nRoute: " + record_routes[0] +
      "\r\nFrom: <sip:bob@example.test>;tag=b1\r\n"
      "To: <sip:alice@example.test>;tag=a1\r\nCall-ID: call-restart\r\n"
      "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
  bob_.send_to(relay_at_, bytes_of(bye));
  const auto at_alice = next(alice_, [](const sip::Message& m) {
    return m.is_request() && m.method() == sip::Method::Bye;
  });
  ASSERT_TRUE(at_alice) << "the pre-restart flow token was refused: " << relay_->log();
  EXPECT_EQ(at_alice->call_id(), "call-restart");
}

// The relay under test steers through a MediaRelay in this process, over its ng socket.
class SteersOverNg : public RestartKeepsSecret {
protected:
  std::string media_settings() override {
    MediaRelayConfig config;
    config.bind_address = "127.0.0.1";
    config.port_min = 27600;
    config.port_max = 27699;
    config.ng_listen = "127.0.0.1:0";
    remote_ = std::make_unique<MediaRelay>(config);
    EXPECT_TRUE(remote_->start());
    return "ng_relays = \"127.0.0.1:" + std::to_string(remote_->ng_port()) + "\"\n";
  }
  void TearDown() override {
    relay_.reset();
    remote_->stop();
  }

  std::unique_ptr<MediaRelay> remote_;
};

TEST_F(SteersOverNg, ACallIsSteeredThroughTheRemoteRelayOfMediaNgRelays) {
  register_bob();
  const std::string sdp =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
      "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  alice_.send_to(relay_at_, bytes_of(invite_text(1, {}, sdp)));
  const auto challenge = final_response(alice_);
  ASSERT_TRUE(challenge);
  ASSERT_EQ(challenge->status_code(), 407);
  alice_.send_to(relay_at_,
                 bytes_of(invite_text(2,
                                      credentials(*challenge, sip::HeaderId::ProxyAuthenticate,
                                                  "alice", "INVITE", "sip:bob@example.test"),
                                      sdp)));
  const auto at_bob = next(bob_, [](const sip::Message& m) {
    return m.is_request() && m.method() == sip::Method::Invite;
  });
  ASSERT_TRUE(at_bob) << relay_->log();
  const auto audio = sdp::read_relayed_audio(at_bob->body());
  ASSERT_TRUE(audio) << at_bob->body();
  EXPECT_GE(audio->address.port, 27600) << "not the remote relay's port range";
  EXPECT_LE(audio->address.port, 27699);
  EXPECT_EQ(remote_->session_count(), 1U);
}

}  // namespace
}  // namespace tipring::relay::testing
