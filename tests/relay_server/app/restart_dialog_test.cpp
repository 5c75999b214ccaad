// What a restart of tipring-relay keeps besides bindings: its HMAC secret lives in the
// store, so a digest nonce handed out before a SIGTERM restart is still accepted after it,
// and a call's in-dialog BYE still finds its way by the Record-Route flow token minted
// before the restart. And media.ng_relays: the binary steers a call through a remote
// relay's ng socket. Real binary on a fixed loopback port, two UDP "clients".
#include "protocol/sdp/rewrite.h"
#include "protocol/sip/digest_client.h"
#include "protocol/sip/message.h"
#include "relay_server/app/datagram_socket.h"
#include "relay_server/media/media_relay.h"
#include "relay_server/store/ha1.h"
#include "relay_server/store/sqlite_directory.h"
#include "tests/relay_server/app/child_process.h"
#include "tests/relay_server/media/udp_peer.h"
#include "tests/relay_server/temp_dir.h"

#include <csignal>
#include <fstream>

#include <gtest/gtest.h>

namespace tipring::relay::testing {
namespace {

const std::string kBinary = TIPRING_RELAY_BINARY;
constexpr auto kWait = std::chrono::milliseconds(3000);

std::vector<std::uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

// A free loopback UDP port (bound, read and released), so the relay can come back on it.
std::uint16_t free_port() {
  auto socket = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  return socket ? socket->local_address().port() : 0;
}

class RestartKeepsSecret : public ::testing::Test {
protected:
  // More [media] settings for the relay under test.
  virtual std::string media_settings() { return {}; }

  void SetUp() override {
    auto directory = SqliteDirectory::open(dir_.file("relay.sqlite"));
    ASSERT_TRUE(directory);
    for (const auto* user : {"alice", "bob"}) {
      ASSERT_TRUE(
          (*directory)
              ->put_user(make_user_record(user, "example.test", std::string(user) + "-pw")));
    }
    const auto port = free_port();
    ASSERT_NE(port, 0);
    relay_at_ = Endpoint{*IpAddress::parse("127.0.0.1"), port};
    std::ofstream(dir_.file("relay.toml"))
        << "[sip]\nlisten = [\"127.0.0.1:" << port
        << "\"]\ndomain = \"example.test\"\n"
           "[http]\nmetrics_listen = \"127.0.0.1:0\"\n"
           "[store]\nsqlite_path = \""
        << dir_.file("relay.sqlite")
        << "\"\n[media]\nbind_address = \"127.0.0.1\"\nport_min = 28000\nport_max = 28999\n"
        << media_settings() << "[log]\nsyslog_prefix = \"never\"\n";
    start();
  }

  void start() {
    relay_ = std::make_unique<ChildProcess>(
        kBinary, std::vector<std::string>{"--config", dir_.file("relay.toml")});
    ASSERT_TRUE(relay_->wait_for_line("tipring-relay ready")) << relay_->stderr_text();
  }

  void restart() {
    ASSERT_TRUE(relay_->signal(SIGTERM));
    (void)relay_->finish();
    ASSERT_EQ(relay_->exit_code(), 0) << relay_->stderr_text();
    start();
  }

  // The next SIP message `peer` receives that satisfies `wanted`.
  static std::optional<sip::Message> next(const UdpPeer& peer,
                                          const std::function<bool(const sip::Message&)>& wanted) {
    for (int i = 0; i < 20; ++i) {
      auto datagram = peer.receive(kWait);
      if (!datagram) {
        return std::nullopt;
      }
      auto parsed = sip::Message::parse(std::string_view(
          reinterpret_cast<const char*>(datagram->bytes.data()), datagram->bytes.size()));
      if (parsed && wanted(*parsed)) {
        return std::move(*parsed);
      }
    }
    return std::nullopt;
  }
  static std::optional<sip::Message> final_response(const UdpPeer& peer) {
    return next(peer,
                [](const sip::Message& m) { return m.is_response() && m.status_code() >= 200; });
  }

  static std::string credentials(const sip::Message& challenge, sip::HeaderId id,
                                 const std::string& user, const std::string& method,
                                 const std::string& uri) {
    std::vector<sip::DigestChallenge> offered;
    for (std::size_t i = 0; i < challenge.header_count(); ++i) {
      if (challenge.header(i).id == id) {
        offered.push_back(*sip::parse_digest_challenge(challenge.header(i).value));
      }
    }
    SeededRandom random(11);
    sip::DigestClient digest(user, user + "-pw", random);
    digest.on_challenges(offered);
    const auto answers = digest.authorize(method, uri);
    return answers.empty() ? std::string() : sip::format_digest_credentials(answers[0]);
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

  void register_bob() {
    bob_.send_to(relay_at_, bytes_of(register_text(1, {})));
    const auto challenge = final_response(bob_);
    ASSERT_TRUE(challenge) << relay_->stderr_text();
    ASSERT_EQ(challenge->status_code(), 401);
    bob_.send_to(relay_at_,
                 bytes_of(register_text(2, credentials(*challenge, sip::HeaderId::WwwAuthenticate,
                                                       "bob", "REGISTER", "sip:example.test"))));
    const auto registered = final_response(bob_);
    ASSERT_TRUE(registered);
    ASSERT_EQ(registered->status_code(), 200);
  }

  TempDir dir_;
  std::unique_ptr<ChildProcess> relay_;
  Endpoint relay_at_;
  UdpPeer alice_{"127.0.0.1"};
  UdpPeer bob_{"127.0.0.1"};
};

TEST_F(RestartKeepsSecret, NonceFromBeforeARestartIsAcceptedAndTheDialogRouteStillWorks) {
  bob_.send_to(relay_at_, bytes_of(register_text(1, {})));
  const auto reg_challenge = final_response(bob_);
  ASSERT_TRUE(reg_challenge) << relay_->stderr_text();
  ASSERT_EQ(reg_challenge->status_code(), 401);
  bob_.send_to(relay_at_,
               bytes_of(register_text(2, credentials(*reg_challenge, sip::HeaderId::WwwAuthenticate,
                                                     "bob", "REGISTER", "sip:example.test"))));
  const auto registered = final_response(bob_);
  ASSERT_TRUE(registered);
  ASSERT_EQ(registered->status_code(), 200);

  alice_.send_to(relay_at_, bytes_of(invite_text(1, {})));
  const auto challenge = final_response(alice_);
  ASSERT_TRUE(challenge);
  ASSERT_EQ(challenge->status_code(), 407);
  restart();

  // The nonce of the 407 was minted by the process that is gone.
  alice_.send_to(relay_at_,
                 bytes_of(invite_text(2, credentials(*challenge, sip::HeaderId::ProxyAuthenticate,
                                                     "alice", "INVITE", "sip:bob@example.test"))));
  const auto at_bob = next(bob_, [](const sip::Message& m) {
    return m.is_request() && m.method() == sip::Method::Invite;
  });
  ASSERT_TRUE(at_bob) << "the pre-restart nonce was refused: " << relay_->stderr_text();
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
  ASSERT_TRUE(at_alice) << "the pre-restart flow token was refused: " << relay_->stderr_text();
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
  ASSERT_TRUE(at_bob) << relay_->stderr_text();
  const auto audio = sdp::read_relayed_audio(at_bob->body());
  ASSERT_TRUE(audio) << at_bob->body();
  EXPECT_GE(audio->address.port, 27600) << "not the remote relay's port range";
  EXPECT_LE(audio->address.port, 27699);
  EXPECT_EQ(remote_->session_count(), 1U);
}

}  // namespace
}  // namespace tipring::relay::testing
