#include "protocol/core/sha256.h"

#include "protocol/core/hex.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring {
namespace {

struct HashVector {
  std::string_view input;
  std::string_view hex;
};

// Names the case in test listings by its input length rather than its raw bytes.
void PrintTo(const HashVector& vector, std::ostream* out) {
  *out << vector.input.size() << "-byte input";
}

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the NESSIE/NIST short messages.
constexpr HashVector kNistVectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
     "lmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

class Sha256NistVectors : public ::testing::TestWithParam<HashVector> {};

TEST_P(Sha256NistVectors, OneShotDigestMatchesNist) {
  EXPECT_EQ(to_hex(Sha256::of(GetParam().input)), GetParam().hex);
}

TEST_P(Sha256NistVectors, ByteAtATimeStreamingGivesTheSameDigest) {
  Sha256 sha;
  for (char c : GetParam().input) {
    sha.update(std::string_view(&c, 1));
  }
  EXPECT_EQ(to_hex(sha.finish()), GetParam().hex);
}

INSTANTIATE_TEST_SUITE_P(Vectors, Sha256NistVectors, ::testing::ValuesIn(kNistVectors));

TEST(Sha256, OneMillionTimesLetterAMatchesNist) {
  Sha256 sha;
  const std::string thousand(1000, 'a');
  for (int i = 0; i < 1000; ++i) {
    sha.update(thousand);
  }
  EXPECT_EQ(to_hex(sha.finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, EverySplitPointAroundTheBlockBoundaryGivesTheSameDigest) {
  for (std::size_t length : {55U, 56U, 57U, 63U, 64U, 65U, 119U, 120U, 128U}) {
    const std::string text(length, 'y');
    const auto expected = Sha256::of(text);
    for (std::size_t split = 0; split <= length; ++split) {
      Sha256 sha;
      sha.update(std::string_view(text).substr(0, split));
      sha.update(std::string_view(text).substr(split));
      ASSERT_EQ(sha.finish(), expected) << "length " << length << " split " << split;
    }
  }
}

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

// RFC 4231 §4: HMAC-SHA-256 test cases 1, 2 and 6 (short key, "Jefe", key longer than a block).
TEST(HmacSha256, MatchesRfc4231TestCases) {
  const std::vector<std::uint8_t> key1(20, 0x0b);
  EXPECT_EQ(to_hex(hmac_sha256(key1, bytes_of("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(hmac_sha256(bytes_of("Jefe"), bytes_of("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::vector<std::uint8_t> key6(131, 0xaa);
  EXPECT_EQ(
      to_hex(hmac_sha256(key6, bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

}  // namespace
}  // namespace tipring
