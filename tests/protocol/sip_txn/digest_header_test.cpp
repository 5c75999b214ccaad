#include "protocol/sip/digest.h"

#include <ostream>

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

// The WWW-Authenticate and Authorization values of RFC 7616 §3.9.1 (SHA-256 variant).
constexpr std::string_view kRfcChallenge =
    "Digest\r\n"
    "    realm=\"http-auth@example.org\",\r\n"
    "    qop=\"auth, auth-int\",\r\n"
    "    algorithm=SHA-256,\r\n"
    "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

constexpr std::string_view kRfcAuthorization =
    "Digest username=\"Mufasa\",\r\n"
    "    realm=\"http-auth@example.org\",\r\n"
    "    uri=\"/dir/index.html\",\r\n"
    "    algorithm=SHA-256,\r\n"
    "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    nc=00000001,\r\n"
    "    cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n"
    "    qop=auth,\r\n"
    "    response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

TEST(DigestChallengeHeader, ParsesTheRfc7616Example) {
  auto challenge = parse_digest_challenge(kRfcChallenge);
  ASSERT_TRUE(challenge) << challenge.error().describe();
  EXPECT_EQ(challenge->realm, "http-auth@example.org");
  EXPECT_EQ(challenge->nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  EXPECT_EQ(challenge->opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  EXPECT_EQ(challenge->algorithm, DigestAlgorithm::sha256);
  EXPECT_TRUE(challenge->qop_auth);
  EXPECT_FALSE(challenge->stale);
}

TEST(DigestChallengeHeader, DefaultsToMd5WithoutQopAndReadsStale) {
  auto challenge = parse_digest_challenge(R"(digest realm="r", nonce="n", stale=true)");
  ASSERT_TRUE(challenge) << challenge.error().describe();
  EXPECT_EQ(challenge->algorithm, DigestAlgorithm::md5);
  EXPECT_FALSE(challenge->qop_auth);
  EXPECT_TRUE(challenge->stale);
  EXPECT_FALSE(challenge->opaque.has_value());
}

TEST(DigestChallengeHeader, QopAuthIntAloneDoesNotOfferAuth) {
  auto challenge = parse_digest_challenge(R"(Digest realm="r", nonce="n", qop="auth-int")");
  ASSERT_TRUE(challenge);
  EXPECT_FALSE(challenge->qop_auth);
}

TEST(DigestChallengeHeader, FormatThenParseGivesTheSameChallenge) {
  const DigestChallenge original{"a \"quoted\" realm\\",       "abc", "xyz",
                                 DigestAlgorithm::sha256_sess, true,  true};
  const std::string text = format_digest_challenge(original);
  auto parsed = parse_digest_challenge(text);
  ASSERT_TRUE(parsed) << text;
  EXPECT_EQ(*parsed, original) << text;
}

TEST(DigestCredentialsHeader, ParsesTheRfc7616Example) {
  auto credentials = parse_digest_credentials(kRfcAuthorization);
  ASSERT_TRUE(credentials) << credentials.error().describe();
  EXPECT_EQ(credentials->username, "Mufasa");
  EXPECT_EQ(credentials->realm, "http-auth@example.org");
  EXPECT_EQ(credentials->uri, "/dir/index.html");
  EXPECT_EQ(credentials->algorithm, DigestAlgorithm::sha256);
  EXPECT_EQ(credentials->nonce_count, 1U);
  EXPECT_EQ(credentials->cnonce, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
  EXPECT_TRUE(credentials->qop_auth);
  EXPECT_EQ(credentials->response,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(DigestCredentialsHeader, FormatThenParseGivesTheSameCredentials) {
  DigestCredentials original;
  original.username = "alice";
  original.realm = "tipring";
  original.nonce = "n1";
  original.uri = "sip:tipring.example;transport=udp";
  original.response = "0123456789abcdef0123456789abcdef";
  original.opaque = "op";
  original.algorithm = DigestAlgorithm::md5_sess;
  original.qop_auth = true;
  original.cnonce = "c1";
  original.nonce_count = 0x1a;
  const std::string text = format_digest_credentials(original);
  EXPECT_NE(text.find("nc=0000001a"), std::string::npos) << text;
  EXPECT_NE(text.find("qop=auth"), std::string::npos) << text;
  auto parsed = parse_digest_credentials(text);
  ASSERT_TRUE(parsed) << text;
  EXPECT_EQ(*parsed, original) << text;
}

struct Malformed {
  const char* name;
  std::string_view value;
  std::string_view detail_contains;
};

const Malformed kMalformed[] = {
    {"OtherScheme", R"(Basic realm="r")", "not Digest"},
    {"MissingUri", R"(Digest username="u", realm="r", nonce="n", response="x")", "missing uri"},
    {"Unterminated", R"(Digest realm="r", username="u)", "unterminated"},
    {"Duplicate", R"(Digest username="u", username="v")", "twice"},
    {"NoEquals", R"(Digest username)", "no '='"},
    {"MissingComma", R"(Digest username="u" realm="r")", "expected ','"},
    {"ShortNc",
     R"(Digest username="u", realm="r", nonce="n", uri="s", response="x", qop=auth, cnonce="c", nc=1)",
     "8 hex digits"},
    {"QopWithoutCnonce",
     R"(Digest username="u", realm="r", nonce="n", uri="s", response="x", qop=auth, nc=00000001)",
     "missing cnonce"},
    {"AuthInt",
     R"(Digest username="u", realm="r", nonce="n", uri="s", response="x", qop=auth-int, cnonce="c", nc=00000001)",
     "not auth"},
    {"UnknownAlgorithm",
     R"(Digest username="u", realm="r", nonce="n", uri="s", response="x", algorithm=SHA-512-256)",
     "unsupported algorithm"},
};

void PrintTo(const Malformed& malformed, std::ostream* out) {
  *out << malformed.name;
}

class MalformedCredentials : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedCredentials, AreRejectedNamingTheProblem) {
  auto credentials = parse_digest_credentials(GetParam().value);
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().detail.find(GetParam().detail_contains), std::string::npos)
      << credentials.error().describe();
  EXPECT_FALSE(credentials.error().rule.empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, MalformedCredentials, ::testing::ValuesIn(kMalformed),
                         [](const auto& param) { return std::string(param.param.name); });

TEST(DigestChallengeHeader, MissingNonceIsRejected) {
  auto challenge = parse_digest_challenge(R"(Digest realm="r")");
  ASSERT_FALSE(challenge);
  EXPECT_EQ(challenge.error().detail, "missing nonce");
}

}  // namespace
}  // namespace tipring::sip
