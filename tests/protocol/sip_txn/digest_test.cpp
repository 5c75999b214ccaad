#include "protocol/sip/digest.h"

#include <ostream>

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

// RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
constexpr std::string_view kUser = "Mufasa";
constexpr std::string_view kRealm = "http-auth@example.org";
constexpr std::string_view kPassword = "Circle of Life";
constexpr std::string_view kNonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr std::string_view kCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

struct ResponseVector {
  const char* name;
  DigestAlgorithm algorithm;
  std::string_view expected_response;
};

// MD5 and SHA-256 responses are the RFC's; the -sess ones come from Python's hashlib as an
// independent oracle over the same inputs (the RFC gives no -sess example).
const ResponseVector kRfc7616Example[] = {
    {"MD5", DigestAlgorithm::md5, "8ca523f5e9506fed4657c9700eebdbec"},
    {"SHA256", DigestAlgorithm::sha256,
     "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
    {"MD5sess", DigestAlgorithm::md5_sess, "e783283f46242139c486a698fec7211d"},
    {"SHA256sess", DigestAlgorithm::sha256_sess,
     "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"},
};

void PrintTo(const ResponseVector& vector, std::ostream* out) {
  *out << vector.name;
}

class Rfc7616Example : public ::testing::TestWithParam<ResponseVector> {};

TEST_P(Rfc7616Example, ResponseMatchesTheReference) {
  const auto& vector = GetParam();
  std::string effective = ha1_hex(vector.algorithm, kUser, kRealm, kPassword);
  if (is_session_variant(vector.algorithm)) {
    effective = session_ha1_hex(vector.algorithm, effective, kNonce, kCnonce);
  }
  const DigestRequestFields fields{"GET", "/dir/index.html", kNonce, true, kCnonce, 1};
  EXPECT_EQ(response_hex(vector.algorithm, effective, fields), vector.expected_response);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, Rfc7616Example, ::testing::ValuesIn(kRfc7616Example),
                         [](const auto& param) { return std::string(param.param.name); });

TEST(DigestResponse, MatchesTheRfc2617Example) {
  // RFC 2617 §3.5 (note "Circle Of Life" with a capital O there).
  const std::string ha1 =
      ha1_hex(DigestAlgorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  const DigestRequestFields fields{"GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                   true,  "0a4f113b",        1};
  EXPECT_EQ(response_hex(DigestAlgorithm::md5, ha1, fields), "6629fae49393a05397450978507c4ef1");
}

TEST(DigestResponse, WithoutQopUsesTheRfc2069Form) {
  // H(H(A1):nonce:H(A2)); reference value from Python hashlib.
  const std::string ha1 =
      ha1_hex(DigestAlgorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  const DigestRequestFields fields{
      "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", false, {}, 0};
  EXPECT_EQ(response_hex(DigestAlgorithm::md5, ha1, fields), "670fd8c2df070c60b045671b8b24ff02");
}

TEST(DigestHa1, IsTheHashOfUserRealmAndPasswordPerBaseAlgorithm) {
  EXPECT_EQ(ha1_hex(DigestAlgorithm::md5, kUser, kRealm, kPassword),
            "3d78807defe7de2157e2b0b6573a855f");
  EXPECT_EQ(ha1_hex(DigestAlgorithm::sha256, kUser, kRealm, kPassword),
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
  // -sess variants store the same H(A1) as their base algorithm.
  EXPECT_EQ(ha1_hex(DigestAlgorithm::md5_sess, kUser, kRealm, kPassword),
            ha1_hex(DigestAlgorithm::md5, kUser, kRealm, kPassword));
}

TEST(DigestAlgorithmNames, RoundTripCaseInsensitivelyAndRejectUnknownOnes) {
  for (auto algorithm : {DigestAlgorithm::md5, DigestAlgorithm::md5_sess, DigestAlgorithm::sha256,
                         DigestAlgorithm::sha256_sess}) {
    EXPECT_EQ(parse_digest_algorithm(to_string(algorithm)), algorithm);
  }
  EXPECT_EQ(parse_digest_algorithm("sha-256"), DigestAlgorithm::sha256);
  EXPECT_EQ(parse_digest_algorithm("md5-SESS"), DigestAlgorithm::md5_sess);
  EXPECT_EQ(parse_digest_algorithm("SHA-512-256"), std::nullopt);
  EXPECT_EQ(parse_digest_algorithm("AKAv1-MD5"), std::nullopt);
}

TEST(DigestNonceCount, IsEightLowerCaseHexDigits) {
  EXPECT_EQ(format_nonce_count(1), "00000001");
  EXPECT_EQ(format_nonce_count(0xabcdef12), "abcdef12");
}

}  // namespace
}  // namespace tipring::sip
