#include "relay_server/store/ha1.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

// Expected values computed independently (Python hashlib); the first is RFC 2617 §3.5's.
TEST(Ha1, Md5MatchesRfc2617Example) {
  EXPECT_EQ(ha1_hex(DigestAlgorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
}

TEST(Ha1, Sha256OfUserRealmPassword) {
  EXPECT_EQ(ha1_hex(DigestAlgorithm::sha256, "Mufasa", "http-auth@example.org", "Circle of Life"),
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
}

TEST(Ha1, UserRecordCarriesBothDigestsAndNoPassword) {
  const auto record = make_user_record("alice", "tipring", "s3cret");
  EXPECT_EQ(record.user, "alice");
  EXPECT_EQ(record.realm, "tipring");
  EXPECT_EQ(record.ha1_md5, "8c0961775d17dde67b81d7d2a382bdd2");
  EXPECT_EQ(record.ha1_sha256, "baf0a211a47345178417ad5833cefe3f0a050c31127e1fdbaa54edbd551c906e");
}

TEST(Ha1, RealmIsPartOfTheDigest) {
  EXPECT_NE(ha1_hex(DigestAlgorithm::md5, "alice", "a", "pw"),
            ha1_hex(DigestAlgorithm::md5, "alice", "b", "pw"));
}

}  // namespace
}  // namespace tipring::relay
