#include "protocol/sip/digest_client.h"

#include "protocol/sip/digest_server.h"

#include <ostream>

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

DigestChallenge challenge(DigestAlgorithm algorithm, std::string nonce = "n1",
                          std::string realm = "tipring", bool stale = false) {
  return DigestChallenge{std::move(realm), std::move(nonce), "op", algorithm, true, stale};
}

// Recomputes what the response must be from the credentials' own fields and the password,
// so each test checks the client's arithmetic and bookkeeping independently of its code path.
std::string expected_response(const DigestCredentials& c, std::string_view password,
                              std::string_view method) {
  const DigestAlgorithm algorithm = c.effective_algorithm();
  const std::string cnonce = c.cnonce.value_or("");
  std::string ha1 = ha1_hex(algorithm, c.username, c.realm, password);
  if (is_session_variant(algorithm)) {
    ha1 = session_ha1_hex(algorithm, ha1, c.nonce, cnonce);
  }
  const DigestRequestFields fields{method,     c.uri,  c.nonce,
                                   c.qop_auth, cnonce, c.nonce_count.value_or(0)};
  return response_hex(algorithm, ha1, fields);
}

TEST(DigestClient, AnswersAChallengeWithQopAuthCnonceAndFirstNonceCount) {
  SeededRandom random(7);
  DigestClient client("alice", "secret", random);
  const DigestChallenge offered[] = {challenge(DigestAlgorithm::md5)};
  ASSERT_EQ(client.on_challenges(offered), DigestClient::Verdict::retry);
  auto credentials = client.authorize("REGISTER", "sip:tipring.example");
  ASSERT_EQ(credentials.size(), 1U);
  const auto& c = credentials[0];
  EXPECT_EQ(c.username, "alice");
  EXPECT_EQ(c.realm, "tipring");
  EXPECT_EQ(c.nonce, "n1");
  EXPECT_EQ(c.uri, "sip:tipring.example");
  EXPECT_EQ(c.opaque, "op");
  EXPECT_TRUE(c.qop_auth);
  EXPECT_EQ(c.nonce_count, 1U);
  ASSERT_TRUE(c.cnonce.has_value());
  EXPECT_EQ(c.cnonce->size(), 32U);
  EXPECT_EQ(c.response, expected_response(c, "secret", "REGISTER"));
}

TEST(DigestClient, CountsEachUseOfANonceAndKeepsItsCnonce) {
  SeededRandom random(7);
  DigestClient client("alice", "secret", random);
  const DigestChallenge offered[] = {challenge(DigestAlgorithm::sha256)};
  client.on_challenges(offered);
  const auto first = client.authorize("REGISTER", "sip:r");
  const auto second = client.authorize("INVITE", "sip:bob@r");
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(first[0].nonce_count, 1U);
  EXPECT_EQ(second[0].nonce_count, 2U);
  EXPECT_EQ(first[0].cnonce, second[0].cnonce);
  EXPECT_EQ(second[0].response, expected_response(second[0], "secret", "INVITE"));
}

TEST(DigestClient, PicksTheStrongestAlgorithmWhicheverOrderTheyAreOffered) {
  for (bool sha_first : {true, false}) {
    SeededRandom random(1);
    DigestClient client("alice", "secret", random);
    std::vector<DigestChallenge> offered = {challenge(DigestAlgorithm::md5, "m"),
                                            challenge(DigestAlgorithm::sha256, "s")};
    if (sha_first) {
      std::swap(offered[0], offered[1]);
    }
    ASSERT_EQ(client.on_challenges(offered), DigestClient::Verdict::retry);
    const auto credentials = client.authorize("REGISTER", "sip:r");
    ASSERT_EQ(credentials.size(), 1U);
    EXPECT_EQ(credentials[0].algorithm, DigestAlgorithm::sha256);
    EXPECT_EQ(credentials[0].nonce, "s");
  }
}

TEST(DigestClient, StaleChallengeIsRetriedWithTheNewNonceWithoutRejectingThePassword) {
  SeededRandom random(3);
  DigestClient client("alice", "secret", random);
  const DigestChallenge first[] = {challenge(DigestAlgorithm::md5, "old")};
  client.on_challenges(first);
  (void)client.authorize("REGISTER", "sip:r");
  (void)client.authorize("REGISTER", "sip:r");
  const DigestChallenge stale[] = {challenge(DigestAlgorithm::md5, "new", "tipring", true)};
  ASSERT_EQ(client.on_challenges(stale), DigestClient::Verdict::retry);
  const auto credentials = client.authorize("REGISTER", "sip:r");
  EXPECT_EQ(credentials[0].nonce, "new");
  EXPECT_EQ(credentials[0].nonce_count, 1U);
  EXPECT_EQ(credentials[0].response, expected_response(credentials[0], "secret", "REGISTER"));
}

TEST(DigestClient, FreshChallengeAfterAnsweringMeansThePasswordWasRefused) {
  SeededRandom random(3);
  DigestClient client("alice", "wrong", random);
  const DigestChallenge first[] = {challenge(DigestAlgorithm::md5, "n1")};
  ASSERT_EQ(client.on_challenges(first), DigestClient::Verdict::retry);
  (void)client.authorize("REGISTER", "sip:r");
  const DigestChallenge again[] = {challenge(DigestAlgorithm::md5, "n2")};
  EXPECT_EQ(client.on_challenges(again), DigestClient::Verdict::rejected);

  client.set_password("right");
  EXPECT_TRUE(client.authorize("REGISTER", "sip:r").empty());
  ASSERT_EQ(client.on_challenges(again), DigestClient::Verdict::retry);
  const auto credentials = client.authorize("REGISTER", "sip:r");
  EXPECT_EQ(credentials[0].response, expected_response(credentials[0], "right", "REGISTER"));
}

TEST(DigestClient, NonStaleChallengeForAProvenNonceIsRetriedOnce) {
  SeededRandom random(3);
  DigestClient client("alice", "secret", random);
  const DigestChallenge first[] = {challenge(DigestAlgorithm::md5, "n1")};
  client.on_challenges(first);
  (void)client.authorize("REGISTER", "sip:r");
  client.on_authenticated();
  // The registrar restarted and forgot n1 without saying stale: retry, not a wrong password.
  const DigestChallenge fresh[] = {challenge(DigestAlgorithm::md5, "n2")};
  ASSERT_EQ(client.on_challenges(fresh), DigestClient::Verdict::retry);
  (void)client.authorize("REGISTER", "sip:r");
  const DigestChallenge again[] = {challenge(DigestAlgorithm::md5, "n3")};
  EXPECT_EQ(client.on_challenges(again), DigestClient::Verdict::rejected);
}

TEST(DigestClient, SessionAlgorithmsWithoutQopAreUnsupported) {
  SeededRandom random(3);
  DigestClient client("alice", "secret", random);
  DigestChallenge sess = challenge(DigestAlgorithm::md5_sess);
  sess.qop_auth = false;
  const DigestChallenge offered[] = {sess};
  EXPECT_EQ(client.on_challenges(offered), DigestClient::Verdict::unsupported);
  EXPECT_TRUE(client.authorize("REGISTER", "sip:r").empty());
}

TEST(DigestClient, ChallengeWithoutQopIsAnsweredInTheRfc2069Form) {
  SeededRandom random(3);
  DigestClient client("alice", "secret", random);
  DigestChallenge old_style = challenge(DigestAlgorithm::md5);
  old_style.qop_auth = false;
  const DigestChallenge offered[] = {old_style};
  ASSERT_EQ(client.on_challenges(offered), DigestClient::Verdict::retry);
  const auto credentials = client.authorize("INVITE", "sip:bob@r");
  EXPECT_FALSE(credentials[0].qop_auth);
  EXPECT_FALSE(credentials[0].cnonce.has_value());
  EXPECT_FALSE(credentials[0].nonce_count.has_value());
  EXPECT_EQ(credentials[0].response, expected_response(credentials[0], "secret", "INVITE"));
}

TEST(DigestClient, AnswersEveryRealmThatChallenged) {
  SeededRandom random(3);
  DigestClient client("alice", "secret", random);
  const DigestChallenge offered[] = {challenge(DigestAlgorithm::md5, "a", "proxy-a"),
                                     challenge(DigestAlgorithm::sha256, "b", "proxy-b")};
  ASSERT_EQ(client.on_challenges(offered), DigestClient::Verdict::retry);
  const auto credentials = client.authorize("INVITE", "sip:bob@r");
  ASSERT_EQ(credentials.size(), 2U);
  EXPECT_EQ(credentials[0].realm, "proxy-a");
  EXPECT_EQ(credentials[1].realm, "proxy-b");
  EXPECT_EQ(credentials[1].algorithm, DigestAlgorithm::sha256);
}

}  // namespace

// Lets gtest print algorithms by name in test listings.
void PrintTo(DigestAlgorithm algorithm, std::ostream* out) {
  *out << to_string(algorithm);
}

namespace {

// The client and server agree for every algorithm, including the -sess forms.
class DigestRoundTrip : public ::testing::TestWithParam<DigestAlgorithm> {};

TEST_P(DigestRoundTrip, ServerAcceptsWhatTheClientComputes) {
  SeededRandom random(11);
  const std::uint8_t secret[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  DigestServer server({"tipring", {GetParam()}}, secret, random);
  DigestClient client("alice", "secret", random);
  const TimePoint now{std::chrono::seconds(100)};
  const auto offered = server.challenges(now);
  ASSERT_EQ(client.on_challenges(offered), DigestClient::Verdict::retry);
  const StoredHa1 stored{ha1_hex(DigestAlgorithm::md5, "alice", "tipring", "secret"),
                         ha1_hex(DigestAlgorithm::sha256, "alice", "tipring", "secret")};
  for (int request = 0; request < 3; ++request) {
    const auto credentials = client.authorize("REGISTER", "sip:tipring.example");
    ASSERT_EQ(credentials.size(), 1U);
    EXPECT_EQ(server.verify(credentials[0], "REGISTER", stored, now), DigestVerdict::accepted)
        << "request " << request;
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, DigestRoundTrip,
                         ::testing::Values(DigestAlgorithm::md5, DigestAlgorithm::md5_sess,
                                           DigestAlgorithm::sha256, DigestAlgorithm::sha256_sess),
                         [](const auto& param) {
                           std::string name(to_string(param.param));
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
}  // namespace tipring::sip
