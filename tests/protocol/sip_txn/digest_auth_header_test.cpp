// Digest over real messages: challenges read with Message::auth_headers(), credentials
// written into an Authorization header and read back by the server.
#include "protocol/sip/digest_auth_header.h"

#include "protocol/sip/digest_client.h"
#include "protocol/sip/digest_server.h"
#include "tests/protocol/sip_txn/transaction_fixture.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

using testing::parse_or_fail;

const std::string kUnauthorized =
    "SIP/2.0 401 Unauthorized\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKreg1\r\n"
    "From: <sip:alice@tipring.example>;tag=a1\r\n"
    "To: <sip:alice@tipring.example>;tag=r1\r\n"
    "Call-ID: reg-1\r\n"
    "CSeq: 1 REGISTER\r\n"
    "WWW-Authenticate: Digest realm=\"tipring\", nonce=\"n-md5\", algorithm=MD5, qop=\"auth\"\r\n"
    "WWW-Authenticate: Digest realm=\"tipring\", nonce=\"n-sha\", algorithm=SHA-256, "
    "qop=\"auth\", opaque=\"o1\"\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(DigestAuthHeader, ClientReadsEveryChallengeOfA401AndAnswersTheStrongest) {
  const Message response = parse_or_fail(kUnauthorized);
  auto headers = response.auth_headers(HeaderId::WwwAuthenticate);
  ASSERT_TRUE(headers) << headers.error().describe();
  std::vector<DigestChallenge> challenges;
  for (const auto& header : *headers) {
    auto challenge = digest_challenge_from(header);
    ASSERT_TRUE(challenge) << challenge.error().describe();
    challenges.push_back(*challenge);
  }
  SeededRandom random(9);
  DigestClient client("alice", "secret", random);
  ASSERT_EQ(client.on_challenges(challenges), DigestClient::Verdict::retry);
  const auto credentials = client.authorize("REGISTER", "sip:tipring.example");
  ASSERT_EQ(credentials.size(), 1U);
  EXPECT_EQ(credentials[0].nonce, "n-sha");
  EXPECT_EQ(credentials[0].opaque, "o1");
}

TEST(DigestAuthHeader, ServerVerifiesCredentialsCarriedInAnAuthorizationHeader) {
  SeededRandom random(3);
  const std::uint8_t secret[16] = {9, 8, 7};
  DigestServer server({"tipring"}, secret, random);
  const TimePoint now{std::chrono::seconds(50)};
  DigestClient client("alice", "secret", random);
  client.on_challenges(server.challenges(now));
  const auto credentials = client.authorize("REGISTER", "sip:tipring.example");
  ASSERT_EQ(credentials.size(), 1U);

  Message reg = testing::request("REGISTER", "z9hG4bKreg2");
  reg.add_header(HeaderId::Authorization, to_auth_header(credentials[0]).to_string());
  const Message received = parse_or_fail(reg.serialize());
  auto headers = received.auth_headers(HeaderId::Authorization);
  ASSERT_TRUE(headers);
  ASSERT_EQ(headers->size(), 1U);
  auto parsed = digest_credentials_from(headers->front());
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(*parsed, credentials[0]);
  const StoredHa1 stored{ha1_hex(DigestAlgorithm::md5, "alice", "tipring", "secret"),
                         ha1_hex(DigestAlgorithm::sha256, "alice", "tipring", "secret")};
  EXPECT_EQ(server.verify(*parsed, "REGISTER", stored, now), DigestVerdict::accepted);
}

TEST(DigestAuthHeader, RejectsOtherSchemesAndRepeatedParameters) {
  AuthHeader basic;
  basic.scheme = "Basic";
  basic.token68 = "QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
  EXPECT_FALSE(digest_credentials_from(basic));
  auto repeated = AuthHeader::parse(R"(Digest realm="a", realm="b", nonce="n")");
  ASSERT_TRUE(repeated);
  auto challenge = digest_challenge_from(*repeated);
  ASSERT_FALSE(challenge);
  EXPECT_NE(challenge.error().detail.find("twice"), std::string::npos);
}

}  // namespace
}  // namespace tipring::sip
