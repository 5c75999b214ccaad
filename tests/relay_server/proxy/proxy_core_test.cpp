// ProxyCore's edge: keepalives, OPTIONS to the server, garbage, malformed requests, the
// size limit and rate limiting.
#include "tests/relay_server/proxy/sip_test_peer.h"

namespace tipring::relay::testing {
namespace {

using ProxyCoreTest = ProxyCoreFixture;

TEST_F(ProxyCoreTest, DoubleCrlfKeepaliveGetsACrlfPongOnTheSameSocket) {
  const auto out = send("\r\n\r\n", nat_peer(), 1);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].bytes, "\r\n");
  EXPECT_EQ(out[0].socket, 1U);
  EXPECT_EQ(out[0].peer, nat_peer());
}

TEST_F(ProxyCoreTest, SingleCrlfPongIsNotAnswered) {
  EXPECT_TRUE(send("\r\n").empty());
}

TEST_F(ProxyCoreTest, OptionsToTheServerIsAnswered200) {
  const auto ok = answer(
      "OPTIONS sip:tipring.test SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKopt1\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:alice@tipring.test>;tag=x\r\n"
      "To: <sip:tipring.test>\r\nCall-ID: opt-1\r\nCSeq: 1 OPTIONS\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(ok.status_code(), 200);
  EXPECT_TRUE(ok.has_token(sip::HeaderId::Allow, "REGISTER"));
}

TEST_F(ProxyCoreTest, ResponsesTellAClientBehindNatItsPublicAddressAndPort) {
  // register_text asks for rport; nat_peer() is where the NAT made the request come from.
  const auto challenge = answer(register_text({}, next_branch()));
  ASSERT_EQ(challenge.status_code(), 401);
  const auto vias = challenge.vias();
  ASSERT_TRUE(vias && !vias->empty());
  EXPECT_EQ(vias->front().received(), std::optional<std::string_view>("192.0.2.10"));
  EXPECT_EQ(vias->front().rport(), std::optional<std::uint16_t>(40123));
}

TEST_F(ProxyCoreTest, ReceivedIsAddedOnlyWhenTheSentByHostIsNotTheSourceWithoutRport) {
  struct Case {
    std::string_view sent_by;
    std::optional<std::string_view> received;
  };
  for (const auto& c : {Case{"10.0.0.5:5060", "192.0.2.10"}, Case{"192.0.2.10:40123", {}}}) {
    const auto ok =
        answer("OPTIONS sip:tipring.test SIP/2.0\r\nVia: SIP/2.0/UDP " + std::string(c.sent_by) +
               ";branch=z9hG4bKrcv" + std::string(c.sent_by.substr(0, 2)) +
               "\r\nMax-Forwards: 70\r\nFrom: <sip:alice@tipring.test>;tag=x\r\n"
               "To: <sip:tipring.test>\r\nCall-ID: rcv-1\r\nCSeq: 1 OPTIONS\r\n"
               "Content-Length: 0\r\n\r\n");
    ASSERT_EQ(ok.status_code(), 200) << c.sent_by;
    const auto vias = ok.vias();
    ASSERT_TRUE(vias && !vias->empty());
    EXPECT_EQ(vias->front().received(), c.received) << c.sent_by;
    EXPECT_FALSE(vias->front().has_rport()) << c.sent_by;
  }
}

TEST_F(ProxyCoreTest, GarbageGetsNoAnswer) {
  for (const std::string_view garbage :
       {"\x16\x03\x01\x02\x00\x01", "hello", "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "SIP/2.0 200 OK\r\nVia: broken\r\n\r\n"}) {
    EXPECT_TRUE(send(garbage).empty()) << garbage;
  }
  EXPECT_EQ(core().counters().dropped, 4U);
}

TEST_F(ProxyCoreTest, MalformedRequestThatCanBeAnsweredGets400NamingTheRule) {
  const std::string bad =
      "REGISTER sip:tipring.test SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKbad1\r\n"
      "From: <sip:alice@tipring.test>;tag=x\r\nTo: <sip:alice@tipring.test>\r\n"
      "Call-ID: bad-1\r\nCSeq: 1 REGISTER\r\nCSeq: 2 REGISTER\r\n"
      "Content-Length: 0\r\n\r\n";
  ASSERT_FALSE(sip::Message::parse(bad));
  const auto response = answer(bad);
  EXPECT_EQ(response.status_code(), 400);
  EXPECT_EQ(response.reason_phrase(), sip::Message::parse(bad).error().rule);
  EXPECT_EQ(response.call_id(), "bad-1");
  EXPECT_EQ(response.branch(), "z9hG4bKbad1");
}

TEST_F(ProxyCoreTest, MessagesOverTheSizeLimitAreDropped) {
  RegisterText request;
  request.extra_headers = {"X-Padding: " + std::string(5000, 'a')};
  EXPECT_TRUE(send(register_text(request, next_branch())).empty());
}

TEST_F(ProxyCoreTest, RateLimitedRegisterGets503WithRetryAfterBeforeAnyAuthWork) {
  int asked = 0;
  admission_ = [&](AdmissionClass kind, const sip::Peer& from, TimePoint) {
    ++asked;
    EXPECT_EQ(kind, AdmissionClass::register_request);
    EXPECT_EQ(from, nat_peer());
    return asked <= 1;
  };
  EXPECT_EQ(answer(register_text({}, next_branch())).status_code(), 401);
  const auto refused = answer(register_text({}, next_branch()));
  EXPECT_EQ(refused.status_code(), 503);
  EXPECT_EQ(refused.find(sip::HeaderId::RetryAfter), std::optional<std::string_view>("5"));
  EXPECT_EQ(core().counters().rate_limited, 1U);
}

TEST_F(ProxyCoreTest, NewRequestsBeyondTheTransactionBoundAreDropped) {
  max_transactions_ = 2;
  EXPECT_EQ(answer(register_text({}, next_branch())).status_code(), 401);
  EXPECT_EQ(answer(register_text({}, next_branch())).status_code(), 401);
  EXPECT_EQ(core().transaction_count(), 2U);  // both wait out Timer J
  EXPECT_TRUE(send(register_text({}, next_branch())).empty());
  EXPECT_EQ(core().counters().dropped, 1U);
  // Once Timer J has run out the table has room again.
  clock_.now += std::chrono::seconds(33);
  core().on_timer(clock_);
  EXPECT_EQ(core().transaction_count(), 0U);
  EXPECT_EQ(answer(register_text({}, next_branch())).status_code(), 401);
}

}  // namespace
}  // namespace tipring::relay::testing
