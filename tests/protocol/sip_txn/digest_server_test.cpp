#include "protocol/sip/digest_server.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

using std::chrono::seconds;

constexpr std::uint8_t kSecret[] = {0x5e, 0xc7, 0x01, 0x22, 0x9a, 0x41, 0xfe, 0x03,
                                    0x77, 0x18, 0xc2, 0x6d, 0x90, 0x3b, 0xe4, 0x55};

const TimePoint kStart{seconds(1000)};

// A client that answers by hand, so tests can shape every field (nc, cnonce, realm).
struct Answer {
  std::string username = "alice";
  std::string password = "secret";
  std::string realm = "tipring";
  DigestAlgorithm algorithm = DigestAlgorithm::sha256;
  std::uint32_t nonce_count = 1;
  std::string cnonce = "0a4f113b";
  std::string method = "REGISTER";
  std::string uri = "sip:tipring.example";
};

DigestCredentials answer(const DigestChallenge& challenge, const Answer& a) {
  DigestCredentials c;
  c.username = a.username;
  c.realm = a.realm;
  c.nonce = challenge.nonce;
  c.uri = a.uri;
  c.opaque = challenge.opaque;
  c.algorithm = a.algorithm;
  c.qop_auth = true;
  c.cnonce = a.cnonce;
  c.nonce_count = a.nonce_count;
  std::string ha1 = ha1_hex(a.algorithm, a.username, a.realm, a.password);
  if (is_session_variant(a.algorithm)) {
    ha1 = session_ha1_hex(a.algorithm, ha1, c.nonce, a.cnonce);
  }
  c.response =
      response_hex(a.algorithm, ha1, {a.method, a.uri, c.nonce, true, a.cnonce, a.nonce_count});
  return c;
}

class DigestServerTest : public ::testing::Test {
protected:
  DigestServerTest() : server_(config(), kSecret, random_) {}

  static DigestServerConfig config() {
    DigestServerConfig c;
    c.realm = "tipring";
    c.algorithms = {DigestAlgorithm::sha256, DigestAlgorithm::md5, DigestAlgorithm::md5_sess};
    c.nonce_lifetime = seconds(300);
    c.max_tracked_nonces = 3;
    return c;
  }

  DigestVerdict verify(const DigestCredentials& c, TimePoint now = kStart) {
    return server_.verify(c, "REGISTER", stored_, now);
  }

  SeededRandom random_{5};
  DigestServer server_;
  // The directory keeps only H(A1): the server never sees "secret".
  StoredHa1 stored_{ha1_hex(DigestAlgorithm::md5, "alice", "tipring", "secret"),
                    ha1_hex(DigestAlgorithm::sha256, "alice", "tipring", "secret")};
};

TEST_F(DigestServerTest, OffersOneChallengePerAlgorithmInPreferenceOrderSharingANonce) {
  const auto challenges = server_.challenges(kStart);
  ASSERT_EQ(challenges.size(), 3U);
  EXPECT_EQ(challenges[0].algorithm, DigestAlgorithm::sha256);
  EXPECT_EQ(challenges[1].algorithm, DigestAlgorithm::md5);
  EXPECT_EQ(challenges[2].algorithm, DigestAlgorithm::md5_sess);
  for (const auto& c : challenges) {
    EXPECT_EQ(c.realm, "tipring");
    EXPECT_EQ(c.nonce, challenges[0].nonce);
    EXPECT_TRUE(c.qop_auth);
    EXPECT_TRUE(c.opaque.has_value());
    EXPECT_FALSE(c.stale);
  }
  EXPECT_NE(server_.challenges(kStart)[0].nonce, challenges[0].nonce);
  EXPECT_TRUE(server_.challenges(kStart, true)[0].stale);
}

TEST_F(DigestServerTest, AcceptsTheRightPasswordForEachOfferedAlgorithm) {
  const auto challenge = server_.challenges(kStart)[0];
  for (auto algorithm :
       {DigestAlgorithm::sha256, DigestAlgorithm::md5, DigestAlgorithm::md5_sess}) {
    Answer a;
    a.algorithm = algorithm;
    a.cnonce = std::string(to_string(algorithm));  // distinct per loop, nc restarts below
    a.nonce_count = static_cast<std::uint32_t>(1 + static_cast<int>(algorithm));
    EXPECT_EQ(verify(answer(challenge, a)), DigestVerdict::accepted) << to_string(algorithm);
  }
}

TEST_F(DigestServerTest, WrongPasswordIsAWrongResponse) {
  Answer a;
  a.password = "guess";
  EXPECT_EQ(verify(answer(server_.challenges(kStart)[0], a)), DigestVerdict::wrong_response);
}

TEST_F(DigestServerTest, ResponseForAnotherMethodIsAWrongResponse) {
  const auto credentials = answer(server_.challenges(kStart)[0], Answer{});
  EXPECT_EQ(server_.verify(credentials, "INVITE", stored_, kStart), DigestVerdict::wrong_response);
}

TEST_F(DigestServerTest, CredentialsForAnotherRealmAreRejectedAsWrongRealm) {
  Answer a;
  a.realm = "elsewhere";
  EXPECT_EQ(verify(answer(server_.challenges(kStart)[0], a)), DigestVerdict::wrong_realm);
}

TEST_F(DigestServerTest, ReplayedNonceCountIsRejected) {
  const auto credentials = answer(server_.challenges(kStart)[0], Answer{});
  EXPECT_EQ(verify(credentials), DigestVerdict::accepted);
  EXPECT_EQ(verify(credentials, kStart + seconds(1)), DigestVerdict::replayed);
}

TEST_F(DigestServerTest, NonceOfAnEarlierInstanceWithTheSameSecretIsStaleAfterARestart) {
  const auto before = server_.challenges(kStart)[0];
  const auto captured = answer(before, Answer{});
  EXPECT_EQ(verify(captured), DigestVerdict::accepted);

  // The restarted server keeps the secret but not the ledger that saw nc=1 used.
  SeededRandom after_restart{6};
  DigestServer restarted(config(), kSecret, after_restart);
  EXPECT_EQ(restarted.verify(captured, "REGISTER", stored_, kStart + seconds(1)),
            DigestVerdict::stale_nonce);
  Answer unused_count;
  unused_count.nonce_count = 2;
  EXPECT_EQ(
      restarted.verify(answer(before, unused_count), "REGISTER", stored_, kStart + seconds(1)),
      DigestVerdict::stale_nonce);

  // The client's retry on the fresh nonce goes through; the opaque it echoes is unchanged.
  const auto fresh = restarted.challenges(kStart + seconds(1), true)[0];
  EXPECT_TRUE(fresh.stale);
  EXPECT_EQ(fresh.opaque, before.opaque);
  EXPECT_EQ(restarted.verify(answer(fresh, Answer{}), "REGISTER", stored_, kStart + seconds(1)),
            DigestVerdict::accepted);
}

TEST_F(DigestServerTest, ReorderedNonceCountsAreEachAcceptedOnce) {
  const auto challenge = server_.challenges(kStart)[0];
  Answer a;
  for (std::uint32_t nc : {1U, 3U, 2U}) {
    a.nonce_count = nc;
    EXPECT_EQ(verify(answer(challenge, a)), DigestVerdict::accepted) << nc;
  }
  a.nonce_count = 2;
  EXPECT_EQ(verify(answer(challenge, a)), DigestVerdict::replayed);
}

TEST_F(DigestServerTest, NonceIsStaleAfterItsLifetimeButNotBefore) {
  const auto challenge = server_.challenges(kStart)[0];
  Answer a;
  EXPECT_EQ(verify(answer(challenge, a), kStart + seconds(300)), DigestVerdict::accepted);
  a.nonce_count = 2;
  EXPECT_EQ(verify(answer(challenge, a), kStart + seconds(300) + Duration(1)),
            DigestVerdict::stale_nonce);
}

TEST_F(DigestServerTest, NonceFromTheFutureIsStale) {
  // A nonce issued "later" than now: the clock moved back (restart with a new epoch).
  const auto challenge = server_.challenges(kStart + seconds(10))[0];
  EXPECT_EQ(verify(answer(challenge, Answer{})), DigestVerdict::stale_nonce);
}

TEST_F(DigestServerTest, ForgedNonceWithAnExtendedTimestampIsStale) {
  auto challenge = server_.challenges(kStart)[0];
  // Move the embedded issue time forward by one digit: the MAC no longer matches. The
  // password is right, so the client gets stale=TRUE and a real nonce, nothing more.
  challenge.nonce[10] = challenge.nonce[10] == 'f' ? 'e' : 'f';
  EXPECT_EQ(verify(answer(challenge, Answer{}), kStart + seconds(400)), DigestVerdict::stale_nonce);
}

TEST_F(DigestServerTest, ForeignNonceWithRightPasswordIsStaleNotWrong) {
  // The RFC 7616 example nonce was not made by this server.
  const DigestChallenge foreign{"tipring",
                                "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                                server_.challenges(kStart)[0].opaque,
                                DigestAlgorithm::sha256,
                                true,
                                false};
  EXPECT_EQ(verify(answer(foreign, Answer{})), DigestVerdict::stale_nonce);
}

TEST_F(DigestServerTest, SessionVariantVerifiesFromTheStoredBaseHa1) {
  Answer a;
  a.algorithm = DigestAlgorithm::md5_sess;
  EXPECT_EQ(verify(answer(server_.challenges(kStart)[0], a)), DigestVerdict::accepted);
  a.password = "guess";
  EXPECT_EQ(verify(answer(server_.challenges(kStart)[0], a)), DigestVerdict::wrong_response);
}

TEST_F(DigestServerTest, UnofferedAlgorithmMissingQopAlteredOpaqueOrMissingHa1AreUnsupported) {
  const auto challenge = server_.challenges(kStart)[0];
  Answer a;
  a.algorithm = DigestAlgorithm::sha256_sess;  // not in this server's list
  EXPECT_EQ(verify(answer(challenge, a)), DigestVerdict::unsupported);

  auto no_qop = answer(challenge, Answer{});
  no_qop.qop_auth = false;
  no_qop.cnonce.reset();
  no_qop.nonce_count.reset();
  EXPECT_EQ(verify(no_qop), DigestVerdict::unsupported);

  auto altered = answer(challenge, Answer{});
  altered.opaque = "something else";
  EXPECT_EQ(verify(altered), DigestVerdict::unsupported);

  stored_.sha256.clear();
  EXPECT_EQ(verify(answer(challenge, Answer{})), DigestVerdict::unsupported);
}

TEST_F(DigestServerTest, RemembersABoundedNumberOfNoncesAndTreatsForgottenOnesAsStale) {
  std::vector<DigestChallenge> issued;
  for (int i = 0; i < 5; ++i) {
    issued.push_back(server_.challenges(kStart + seconds(i))[0]);
  }
  const TimePoint now = kStart + seconds(10);
  for (const auto& challenge : issued) {
    EXPECT_EQ(verify(answer(challenge, Answer{}), now), DigestVerdict::accepted);
    EXPECT_LE(server_.tracked_nonce_count(), 3U);
  }
  // The two oldest were forgotten: replaying them cannot be detected, so they are stale.
  Answer second;
  second.nonce_count = 2;
  EXPECT_EQ(verify(answer(issued[0], second), now), DigestVerdict::stale_nonce);
  EXPECT_EQ(verify(answer(issued[1], Answer{}), now), DigestVerdict::stale_nonce);
  // The newest are still tracked, with their counts.
  EXPECT_EQ(verify(answer(issued[4], Answer{}), now), DigestVerdict::replayed);
  EXPECT_EQ(verify(answer(issued[4], second), now), DigestVerdict::accepted);
}

TEST_F(DigestServerTest, AcceptsUpperCaseHexResponse) {
  auto credentials = answer(server_.challenges(kStart)[0], Answer{});
  for (char& c : credentials.response) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(verify(credentials), DigestVerdict::accepted);
}

struct WindowStep {
  std::uint32_t nonce_count;
  bool accepted;
};

TEST(NonceCountWindow, AcceptsEachCountOnceWithinSixtyFourOfTheHighest) {
  const WindowStep steps[] = {
      {0, false},  // nc starts at 1
      {1, true},   {1, false},  {5, true},    {3, true},   {3, false},
      {2, true},   {100, true}, {37, true},  // 63 behind the highest: still inside the window
      {36, false},                           // 64 behind: too old to tell
      {37, false}, {99, true},  {1000, true}, {999, true}, {100, false},
  };
  NonceCountWindow window;
  for (const auto& step : steps) {
    EXPECT_EQ(window.accept(step.nonce_count), step.accepted) << "nc " << step.nonce_count;
  }
}

}  // namespace
}  // namespace tipring::sip
