#include "client/ua/registration.h"

#include "protocol/sip/digest.h"
#include "protocol/sip/digest_server.h"

#include <array>
#include <cstdint>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

// A registrar in the test's hands: it parses what the client sent from its wire form and
// answers as a real one does, authenticating with DigestServer against a stored H(A1).
class FakeRegistrar {
public:
  explicit FakeRegistrar(std::string password) : password_(std::move(password)) {}

  sip::Message answer(const sip::Message& sent, TimePoint now) {
    auto parsed = sip::Message::parse(sent.serialize());
    EXPECT_TRUE(parsed.has_value()) << "the client sent an unparseable REGISTER";
    const sip::Message& request = *parsed;
    last_request = request;
    if (force_status != 0) {
      return sip::make_response(request, force_status);
    }
    std::optional<std::string_view> authorization = request.find(sip::HeaderId::Authorization);
    if (!authorization) {
      return challenge(request, now, false);
    }
    auto credentials = sip::parse_digest_credentials(*authorization);
    EXPECT_TRUE(credentials.has_value());
    const sip::StoredHa1 stored{
        sip::ha1_hex(sip::DigestAlgorithm::md5, "alice", "example.org", password_),
        sip::ha1_hex(sip::DigestAlgorithm::sha256, "alice", "example.org", password_)};
    const auto verdict = server_.verify(*credentials, "REGISTER", stored, now);
    if (verdict == sip::DigestVerdict::stale_nonce) {
      return challenge(request, now, true);
    }
    if (verdict != sip::DigestVerdict::accepted) {
      return challenge(request, now, false);
    }
    ++accepted;
    sip::Message ok = sip::make_response(request, 200);
    if (auto contact = request.find(sip::HeaderId::Contact)) {
      ok.add_header(sip::HeaderId::Contact,
                    std::string(*contact) + ";expires=" + std::to_string(grant_s));
    }
    if (flow_timer_s) {
      ok.add_header(sip::HeaderId::FlowTimer, std::to_string(*flow_timer_s));
    }
    // What the registrar saw: the NAT's public address (RFC 3581).
    auto via = request.top_via();
    EXPECT_TRUE(via && via->has_rport()) << "every REGISTER must ask for rport";
    via->set_received(public_host);
    via->set_rport(public_port);
    ok.set_header(sip::HeaderId::Via, via->to_string());
    return ok;
  }

  sip::Message challenge(const sip::Message& request, TimePoint now, bool stale) {
    sip::Message r = sip::make_response(request, 401);
    for (const auto& c : server_.challenges(now, stale)) {
      r.add_header(sip::HeaderId::WwwAuthenticate, sip::format_digest_challenge(c));
    }
    ++challenged;
    return r;
  }

  std::string public_host = "198.18.0.2";
  std::uint16_t public_port = 40001;
  std::uint32_t grant_s = 600;
  std::optional<std::uint32_t> flow_timer_s;
  int force_status = 0;
  int challenged = 0;
  int accepted = 0;
  std::optional<sip::Message> last_request;

private:
  std::string password_;
  SeededRandom server_random_{7};
  std::array<std::uint8_t, 16> secret_{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  sip::DigestServer server_{{"example.org"}, secret_, server_random_};
};

RegistrationConfig config(std::string password) {
  RegistrationConfig c;
  c.aor = *sip::Uri::parse("sip:alice@example.org");
  c.registrar = *sip::Uri::parse("sip:example.org");
  c.password = std::move(password);
  c.instance_id = "urn:uuid:00000000-0000-4000-8000-000000000001";
  return c;
}

const LocalFlow kLocal{"198.18.1.10", 5060, sip::Transport::udp};

class RegistrationTest : public ::testing::Test {
protected:
  // Delivers every REGISTER the client wants to send to the registrar and its answer back,
  // until the client has nothing more to send. Returns how many it sent.
  int exchange(Registration& reg, FakeRegistrar& registrar) {
    int sent = 0;
    while (auto request = reg.poll_request()) {
      ++sent;
      reg.on_response(registrar.answer(*request, now), now);
    }
    return sent;
  }

  SeededRandom random{1};
  TimePoint now{};
};

TEST_F(RegistrationTest, RegistersWithDigestAuthAndLearnsItsPublicAddress) {
  FakeRegistrar registrar("s3cret");
  Registration reg(config("s3cret"), random);
  reg.start(kLocal, now);
  EXPECT_EQ(reg.state(), RegistrationState::registering);
  EXPECT_EQ(exchange(reg, registrar), 2) << "one unauthenticated REGISTER, one with credentials";
  EXPECT_EQ(registrar.challenged, 1);
  EXPECT_EQ(reg.state(), RegistrationState::registered);
  EXPECT_TRUE(reg.reason().empty());
  ASSERT_TRUE(reg.public_address());
  EXPECT_EQ(reg.public_address()->host, "198.18.0.2");
  EXPECT_EQ(reg.public_address()->port, 40001);
  EXPECT_TRUE(reg.take_status_change());
  EXPECT_FALSE(reg.take_status_change());
}

TEST_F(RegistrationTest, RegisterCarriesOutboundContactAndKeepsCallIdAcrossRequests) {
  FakeRegistrar registrar("s3cret");
  Registration reg(config("s3cret"), random);
  reg.start(kLocal, now);
  auto first = reg.poll_request();
  ASSERT_TRUE(first);
  const auto contacts = first->contacts();
  ASSERT_TRUE(contacts && contacts->contacts.size() == 1);
  const sip::Contact& c = contacts->contacts[0];
  EXPECT_EQ(c.instance(), "<urn:uuid:00000000-0000-4000-8000-000000000001>");
  EXPECT_EQ(c.reg_id(), 1U);
  EXPECT_NE(c.address.uri.param("ob"), nullptr);
  EXPECT_TRUE(first->has_token(sip::HeaderId::Supported, "outbound"));
  EXPECT_EQ(first->expires_s(), 600U);
  reg.on_response(registrar.answer(*first, now), now);
  auto second = reg.poll_request();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->call_id(), first->call_id());
  EXPECT_EQ(second->cseq_number(), first->cseq_number() + 1);
  EXPECT_NE(second->branch(), first->branch());
}

TEST_F(RegistrationTest, RefreshesBeforeExpiryAtTheExactDeadline) {
  FakeRegistrar registrar("pw");
  registrar.grant_s = 100;
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  exchange(reg, registrar);
  ASSERT_EQ(reg.granted_expires_s(), 100U);
  EXPECT_EQ(reg.next_deadline(), now + 80s);
  now = now + 80s - 1us;
  reg.on_timer(now);
  EXPECT_FALSE(reg.poll_request()) << "no refresh before the deadline";
  now = now + 1us;
  reg.on_timer(now);
  auto refresh = reg.poll_request();
  ASSERT_TRUE(refresh);
  EXPECT_NE(refresh->find(sip::HeaderId::Authorization), std::nullopt)
      << "a refresh reuses the nonce it has instead of provoking a new 401";
  reg.on_response(registrar.answer(*refresh, now), now);
  EXPECT_EQ(reg.state(), RegistrationState::registered);
  EXPECT_EQ(registrar.challenged, 1);
}

TEST_F(RegistrationTest, WrongPasswordIsReportedInWordsAndRetriedWithBackoff) {
  FakeRegistrar registrar("right");
  Registration reg(config("wrong"), random);
  reg.start(kLocal, now);
  exchange(reg, registrar);
  EXPECT_EQ(reg.state(), RegistrationState::failed);
  EXPECT_EQ(reg.reason(), "wrong password");
  // RFC 5626 §4.5: first retry between 50 % and 100 % of 30 s.
  const Duration wait = reg.next_deadline() - now;
  EXPECT_GE(wait, 15s);
  EXPECT_LE(wait, 30s);
}

TEST_F(RegistrationTest, BackoffDoublesAndIsCapped) {
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  Duration previous_max = 30s;
  for (int failure = 1; failure <= 10; ++failure) {
    ASSERT_TRUE(reg.poll_request());
    reg.on_failure(true, now);
    EXPECT_EQ(reg.reason(), "server unreachable");
    const Duration wait = reg.next_deadline() - now;
    const Duration cap = std::min<Duration>(previous_max, 1800s);
    EXPECT_GE(wait, cap / 2) << "failure " << failure;
    EXPECT_LE(wait, cap) << "failure " << failure;
    previous_max *= 2;
    now = reg.next_deadline();
    reg.on_timer(now);
  }
}

TEST_F(RegistrationTest, ChangedPublicAddressIsReportedOnceForAFreshFlow) {
  FakeRegistrar registrar("pw");
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  exchange(reg, registrar);
  ASSERT_EQ(reg.public_address()->port, 40001);
  // The NAT rebinds: the next refresh is seen from another port.
  registrar.public_port = 40999;
  now = reg.next_deadline();
  reg.on_timer(now);
  // The refresh comes 480 s later, after the registrar's 5-minute nonce lifetime: a stale
  // challenge is answered without a fuss, then the 200 reveals the new port, which the
  // owner learns once so that it registers again from a fresh flow.
  EXPECT_FALSE(reg.take_public_address_moved());
  EXPECT_EQ(exchange(reg, registrar), 2);
  EXPECT_EQ(reg.public_address()->port, 40999);
  EXPECT_TRUE(reg.take_public_address_moved());
  EXPECT_FALSE(reg.take_public_address_moved());
  EXPECT_EQ(reg.state(), RegistrationState::registered);
  EXPECT_TRUE(reg.reason().empty());
}

TEST_F(RegistrationTest, ExpiresWhenRefreshesKeepFailing) {
  FakeRegistrar registrar("pw");
  registrar.grant_s = 100;
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  exchange(reg, registrar);
  now = reg.next_deadline();  // refresh time
  reg.on_timer(now);
  ASSERT_TRUE(reg.poll_request());
  reg.on_failure(true, now);
  EXPECT_EQ(reg.state(), RegistrationState::registered) << "the old binding still holds";
  EXPECT_EQ(reg.reason(), "server unreachable");
  now = TimePoint{} + 100s;
  reg.on_timer(now);
  EXPECT_EQ(reg.state(), RegistrationState::failed);
  EXPECT_EQ(reg.reason(), "registration expired");
}

TEST_F(RegistrationTest, IntervalTooBriefAdoptsMinExpires) {
  FakeRegistrar registrar("pw");
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  auto first = reg.poll_request();
  sip::Message too_brief = sip::make_response(*first, 423);
  too_brief.add_header(sip::HeaderId::MinExpires, "3600");
  reg.on_response(too_brief, now);
  auto retry = reg.poll_request();
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->expires_s(), 3600U);
}

TEST_F(RegistrationTest, StopSendsExpiresZeroAndEndsUnregistered) {
  FakeRegistrar registrar("pw");
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  exchange(reg, registrar);
  reg.stop(now);
  EXPECT_EQ(reg.state(), RegistrationState::unregistering);
  auto bye = reg.poll_request();
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->expires_s(), 0U);
  reg.on_response(registrar.answer(*bye, now), now);
  EXPECT_EQ(reg.state(), RegistrationState::unregistered);
  EXPECT_EQ(reg.next_deadline(), TimePoint::max());
}

TEST_F(RegistrationTest, FlowTimerFromTheRegistrarIsExposed) {
  FakeRegistrar registrar("pw");
  registrar.flow_timer_s = 20;
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  exchange(reg, registrar);
  EXPECT_EQ(reg.flow_timer_s(), 20U);
}

struct ReasonCase {
  int code;
  const char* reason;
};
class RegistrationReasons : public ::testing::TestWithParam<ReasonCase> {};
TEST_P(RegistrationReasons, AreWordsAPersonCanActOn) {
  EXPECT_EQ(Registration::reason_for_status(GetParam().code, "Whatever"), GetParam().reason);
}
INSTANTIATE_TEST_SUITE_P(Table, RegistrationReasons,
                         ::testing::Values(ReasonCase{401, "wrong password"},
                                           ReasonCase{404, "unknown user"},
                                           ReasonCase{408, "server unreachable"},
                                           ReasonCase{500, "server answered 500 Whatever"}),
                         [](const ::testing::TestParamInfo<ReasonCase>& param) {
                           return "Code" + std::to_string(param.param.code);
                         });

struct StreamContactCase {
  sip::Transport transport;
  std::string_view via_protocol;
  std::string_view contact_transport;
};

class RegistrationOverStreams : public ::testing::TestWithParam<StreamContactCase> {};

TEST_P(RegistrationOverStreams, ViaAndContactNameTheFlowsTransport) {
  SeededRandom random{1};
  Registration reg(config("pw"), random);
  reg.start(LocalFlow{"198.18.1.10", 40123, GetParam().transport}, TimePoint{});
  auto request = reg.poll_request();
  ASSERT_TRUE(request);
  auto parsed = *sip::Message::parse(request->serialize());
  EXPECT_EQ(parsed.top_via()->transport, GetParam().via_protocol);
  EXPECT_TRUE(parsed.top_via()->has_rport());
  const std::string contact(*parsed.find(sip::HeaderId::Contact));
  EXPECT_NE(contact.find("<sip:alice@198.18.1.10:40123;"), std::string::npos) << contact;
  EXPECT_NE(contact.find(GetParam().contact_transport), std::string::npos) << contact;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RegistrationOverStreams,
    ::testing::Values(StreamContactCase{sip::Transport::tcp, "TCP", ";transport=tcp"},
                      StreamContactCase{sip::Transport::tls, "TLS", ";transport=tls"}));

TEST_F(RegistrationTest, FlowFailureBeforeAnyBindingFailsWithItsReasonAndWaitsForANewFlow) {
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  ASSERT_TRUE(reg.poll_request());
  (void)reg.take_status_change();
  reg.on_flow_failure("certificate not trusted", now);
  EXPECT_EQ(reg.state(), RegistrationState::failed);
  EXPECT_EQ(reg.reason(), "certificate not trusted");
  EXPECT_TRUE(reg.take_status_change());
  EXPECT_EQ(reg.next_deadline(), TimePoint::max()) << "the flow's owner retries, not a timer";
  reg.on_flow_failure("certificate not trusted", now + 5s);
  EXPECT_FALSE(reg.take_status_change()) << "the same failure again is not news";
  FakeRegistrar registrar("pw");
  reg.start(kLocal, now + 10s);
  exchange(reg, registrar);
  EXPECT_EQ(reg.state(), RegistrationState::registered);
  EXPECT_TRUE(reg.reason().empty());
}

TEST_F(RegistrationTest, FlowFailureWhileRegisteredKeepsTheBindingAndSaysWhy) {
  FakeRegistrar registrar("pw");
  Registration reg(config("pw"), random);
  reg.start(kLocal, now);
  exchange(reg, registrar);
  reg.on_flow_failure("connection closed by the server", now + 1s);
  EXPECT_EQ(reg.state(), RegistrationState::registered);
  EXPECT_EQ(reg.reason(), "connection closed by the server");
  // Without a new flow the binding runs out.
  reg.on_timer(now + 600s);
  EXPECT_EQ(reg.state(), RegistrationState::failed);
  EXPECT_EQ(reg.reason(), "registration expired");
}

}  // namespace
}  // namespace tipring::client
