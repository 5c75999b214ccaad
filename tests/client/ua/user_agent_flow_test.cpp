// The user agent's flow on a fake transport and a fake clock: keepalives falling back from
// CRLF to OPTIONS, a moved public address seen in received/rport, a fresh local flow, a
// flow that failed before REGISTER left, and SIP over a stream transport.
#include "client/ua/user_agent.h"
#include "tests/client/ua/ua_pipe.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;
using testing::peer_config;

const sip::Peer kRegistrar{"127.0.0.9", 5060, sip::Transport::udp};

// A registrar at kRegistrar in the test's hands: answers REGISTER 200 (no auth) and OPTIONS
// 200, writing the public address it "sees" into the top Via (RFC 3581).
class FlowTest : public ::testing::Test {
protected:
  UserAgent make(UserAgentConfig config) {
    config.outbound_proxy = kRegistrar;
    RegistrationConfig reg;
    reg.aor = config.aor;
    reg.registrar = *sip::Uri::parse("sip:127.0.0.9");
    reg.password = "pw";
    config.registration = reg;
    return UserAgent(std::move(config), random);
  }

  UserAgentConfig keepalive_config(Duration interval,
                                   KeepaliveMethod method = KeepaliveMethod::crlf) {
    UserAgentConfig c = peer_config("alice", 1);
    c.keepalive_interval = interval;
    c.keepalive_method = method;
    return c;
  }

  sip::Message answer(const sip::Message& request, std::optional<std::uint32_t> flow_timer = {}) {
    sip::Message ok = sip::make_response(request, 200, {}, "srv");
    if (request.method() == sip::Method::Register) {
      ok.add_header(sip::HeaderId::Contact,
                    std::string(*request.find(sip::HeaderId::Contact)) + ";expires=600");
      if (flow_timer) {
        ok.add_header(sip::HeaderId::FlowTimer, std::to_string(*flow_timer));
      }
    }
    auto via = request.top_via();
    via->set_received(public_host);
    via->set_rport(public_port);
    ok.set_header(sip::HeaderId::Via, via->to_string());
    return ok;
  }

  // What the UA sent since the last call: SIP messages parsed, keepalive bytes as they are.
  struct Sent {
    std::vector<sip::Message> messages;
    std::vector<std::string> keepalives;
    std::vector<sip::Peer> peers;
  };
  Sent drain(UserAgent& ua) {
    Sent out;
    while (auto d = ua.poll_datagram()) {
      out.peers.push_back(d->peer);
      if (d->bytes.find_first_not_of("\r\n") == std::string::npos) {
        out.keepalives.push_back(d->bytes);
        continue;
      }
      auto m = sip::Message::parse(d->bytes);
      EXPECT_TRUE(m) << d->bytes;
      if (m) {
        out.messages.push_back(std::move(*m));
      }
    }
    return out;
  }
  std::vector<UaEvent> events(UserAgent& ua) {
    std::vector<UaEvent> out;
    while (auto e = ua.poll_event()) {
      out.push_back(std::move(*e));
    }
    return out;
  }
  static bool has(const std::vector<UaEvent>& events, UaEvent::Kind kind) {
    return std::any_of(events.begin(), events.end(),
                       [kind](const UaEvent& e) { return e.kind == kind; });
  }

  // Registers `ua` and answers its REGISTER.
  void register_now(UserAgent& ua, std::optional<std::uint32_t> flow_timer = {}) {
    ua.start(now);
    Sent sent = drain(ua);
    ASSERT_EQ(sent.messages.size(), 1U);
    ua.on_datagram(answer(sent.messages[0], flow_timer).serialize(), kRegistrar, now);
    ASSERT_EQ(ua.registration()->state(), RegistrationState::registered);
    (void)events(ua);
  }

  // Fires deadlines until the UA sends something; returns it (and the time in `now`).
  Sent run_until_sent(UserAgent& ua, Duration limit) {
    const TimePoint until = now + limit;
    while (ua.next_deadline() <= until) {
      now = ua.next_deadline();
      ua.on_timer(now);
      Sent sent = drain(ua);
      if (!sent.messages.empty() || !sent.keepalives.empty()) {
        return sent;
      }
    }
    return {};
  }

  SeededRandom random{21};
  TimePoint now{std::chrono::seconds(100)};
  std::string public_host = "198.18.0.2";
  std::uint16_t public_port = 40001;
};

TEST_F(FlowTest, UnansweredPingsTurnIntoOptionsToTheRegistrarTenSecondsLater) {
  UserAgent ua = make(keepalive_config(25s));
  register_now(ua);
  const TimePoint registered_at = now;
  Sent ping = run_until_sent(ua, 30s);
  ASSERT_EQ(ping.keepalives, std::vector<std::string>{"\r\n\r\n"});
  EXPECT_LE(now - registered_at, Duration(25s));
  const TimePoint pinged_at = now;
  Sent options = run_until_sent(ua, 30s);
  ASSERT_EQ(options.messages.size(), 1U);
  EXPECT_EQ(options.messages[0].method(), sip::Method::Options);
  EXPECT_EQ(now - pinged_at, Duration(10s));
  EXPECT_EQ(options.peers[0], kRegistrar);
  EXPECT_TRUE(options.messages[0].top_via()->has_rport());
  // The registrar answers from the same public address: the flow is fine.
  ua.on_datagram(answer(options.messages[0]).serialize(), kRegistrar, now);
  EXPECT_FALSE(has(events(ua), UaEvent::Kind::flow_broken));
  Sent next = run_until_sent(ua, 30s);
  ASSERT_EQ(next.messages.size(), 1U);
  EXPECT_EQ(next.messages[0].method(), sip::Method::Options) << "no return to unanswered pings";
}

TEST_F(FlowTest, PongedPingsStayPings) {
  UserAgent ua = make(keepalive_config(25s));
  register_now(ua);
  for (int i = 0; i < 4; ++i) {
    Sent ping = run_until_sent(ua, 30s);
    ASSERT_EQ(ping.keepalives, std::vector<std::string>{"\r\n\r\n"}) << "round " << i;
    ua.on_datagram("\r\n", kRegistrar, now + 30ms);
  }
}

TEST_F(FlowTest, ConfiguredOptionsKeepaliveHonoursAShorterFlowTimer) {
  UserAgent ua = make(keepalive_config(25s, KeepaliveMethod::options));
  register_now(ua, 12U);
  const TimePoint registered_at = now;
  Sent first = run_until_sent(ua, 30s);
  ASSERT_EQ(first.messages.size(), 1U);
  EXPECT_EQ(first.messages[0].method(), sip::Method::Options);
  EXPECT_GE(now - registered_at, Duration(9600ms));
  EXPECT_LE(now - registered_at, Duration(12s));
}

TEST_F(FlowTest, OptionsAnswerShowingAMovedPublicAddressBreaksTheFlow) {
  UserAgent ua = make(keepalive_config(25s, KeepaliveMethod::options));
  register_now(ua);
  Sent options = run_until_sent(ua, 30s);
  ASSERT_EQ(options.messages.size(), 1U);
  public_port = 40777;  // the NAT rebound us
  ua.on_datagram(answer(options.messages[0]).serialize(), kRegistrar, now);
  const auto ev = events(ua);
  ASSERT_TRUE(has(ev, UaEvent::Kind::flow_broken));
  EXPECT_EQ(ua.keepalive().next_deadline(), TimePoint::max()) << "no keepalive on a dead flow";
  // The owner opens a fresh flow: REGISTER leaves from it at once.
  ua.change_local_flow(LocalFlow{"127.0.0.1", 5099, sip::Transport::udp}, now);
  Sent again = drain(ua);
  ASSERT_EQ(again.messages.size(), 1U);
  EXPECT_EQ(again.messages[0].method(), sip::Method::Register);
  EXPECT_EQ(again.messages[0].top_via()->port, 5099);
  EXPECT_NE(std::string(*again.messages[0].find(sip::HeaderId::Contact)).find(":5099"),
            std::string::npos);
  ua.on_datagram(answer(again.messages[0]).serialize(), kRegistrar, now);
  EXPECT_EQ(ua.registration()->public_address()->port, 40777);
  EXPECT_FALSE(has(events(ua), UaEvent::Kind::flow_broken))
      << "the fresh flow's own public address is not another move";
  EXPECT_NE(ua.keepalive().next_deadline(), TimePoint::max()) << "keepalive on the new flow";
}

TEST_F(FlowTest, RegistrationRefreshShowingAMovedPublicAddressKeepsTheFlow) {
  // The refresh itself came through the NAT's new mapping, so the registrar (and a held
  // INVITE, the poll) already points at this socket through it: no fresh flow, no event
  // that would make the owner drop the socket.
  UserAgent ua = make(keepalive_config(Duration{0}));
  register_now(ua);
  public_port = 40555;
  Sent refresh = run_until_sent(ua, 600s);
  ASSERT_EQ(refresh.messages.size(), 1U);
  ASSERT_EQ(refresh.messages[0].method(), sip::Method::Register);
  ua.on_datagram(answer(refresh.messages[0]).serialize(), kRegistrar, now);
  const auto ev = events(ua);
  EXPECT_FALSE(has(ev, UaEvent::Kind::flow_broken));
  EXPECT_TRUE(has(ev, UaEvent::Kind::registration_changed)) << "the new public address is news";
  EXPECT_EQ(ua.registration()->public_address()->port, 40555);
}

TEST_F(FlowTest, UnansweredOptionsBreakTheFlow) {
  UserAgent ua = make(keepalive_config(25s, KeepaliveMethod::options));
  register_now(ua);
  Sent options = run_until_sent(ua, 30s);
  ASSERT_EQ(options.messages.size(), 1U);
  bool broken = false;
  const TimePoint sent_at = now;
  while (!broken && ua.next_deadline() <= sent_at + 40s) {
    now = ua.next_deadline();
    ua.on_timer(now);
    (void)drain(ua);
    broken = has(events(ua), UaEvent::Kind::flow_broken);
  }
  ASSERT_TRUE(broken);
  EXPECT_EQ(now - sent_at, Duration(32s)) << "Timer F (64 × T1) ends the OPTIONS";
}

TEST_F(FlowTest, FlowFailureBeforeTheRegisterLeftIsTheRegistrationsReason) {
  UserAgent ua = make(keepalive_config(Duration{0}));
  ua.start(now);
  Sent sent = drain(ua);
  ASSERT_EQ(sent.messages.size(), 1U);
  ua.on_flow_failed("certificate not trusted", now);
  EXPECT_TRUE(has(events(ua), UaEvent::Kind::registration_changed));
  EXPECT_EQ(ua.registration()->state(), RegistrationState::failed);
  EXPECT_EQ(ua.registration()->reason(), "certificate not trusted");
  // The REGISTER's transaction then reports it could not send: that changes nothing.
  ua.on_send_failed(1, now);
  EXPECT_EQ(ua.registration()->reason(), "certificate not trusted");
}

TEST_F(FlowTest, OverAStreamFlowRequestsNameItAndFramedInputIsUnderstood) {
  UserAgentConfig c = keepalive_config(25s);
  c.local = LocalFlow{"127.0.0.1", 0, sip::Transport::tls};
  UserAgent ua = make(c);
  const sip::Peer server{"127.0.0.9", 5061, sip::Transport::tls};
  // The connection is up: the account registers from its port.
  ua.change_local_flow(LocalFlow{"127.0.0.1", 43210, sip::Transport::tls}, now);
  Sent sent = drain(ua);
  ASSERT_EQ(sent.messages.size(), 1U);
  const sip::Message& reg = sent.messages[0];
  EXPECT_EQ(reg.top_via()->transport, "TLS");
  EXPECT_EQ(reg.top_via()->port, 43210);
  EXPECT_NE(std::string(*reg.find(sip::HeaderId::Contact)).find(";transport=tls"),
            std::string::npos);
  ua.on_message(answer(reg), server, now);
  EXPECT_EQ(ua.registration()->state(), RegistrationState::registered);
  // A ping from the server is answered with a pong on the flow; our ping's pong is taken.
  ua.on_stream_keepalive(true, server, now);
  Sent pong = drain(ua);
  ASSERT_EQ(pong.keepalives, std::vector<std::string>{"\r\n"});
  EXPECT_EQ(pong.peers[0], server);
  Sent ping = run_until_sent(ua, 30s);
  ASSERT_EQ(ping.keepalives, std::vector<std::string>{"\r\n\r\n"});
  ua.on_stream_keepalive(false, server, now + 5ms);
  Sent next = run_until_sent(ua, 30s);
  EXPECT_EQ(next.keepalives, std::vector<std::string>{"\r\n\r\n"}) << "ponged: still pings";
}

}  // namespace
}  // namespace tipring::client
