#include "protocol/core/md5.h"

#include "protocol/core/hex.h"

#include <ostream>
#include <string>

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

// RFC 1321 Appendix A.5, the reference test suite.
constexpr HashVector kRfc1321Suite[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
     "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

class Md5Rfc1321Suite : public ::testing::TestWithParam<HashVector> {};

TEST_P(Md5Rfc1321Suite, OneShotDigestMatchesTheRfc) {
  EXPECT_EQ(to_hex(Md5::of(GetParam().input)), GetParam().hex);
}

TEST_P(Md5Rfc1321Suite, ByteAtATimeStreamingGivesTheSameDigest) {
  Md5 md5;
  for (char c : GetParam().input) {
    md5.update(std::string_view(&c, 1));
  }
  EXPECT_EQ(to_hex(md5.finish()), GetParam().hex);
}

INSTANTIATE_TEST_SUITE_P(Vectors, Md5Rfc1321Suite, ::testing::ValuesIn(kRfc1321Suite));

TEST(Md5, EverySplitPointAroundTheBlockBoundaryGivesTheSameDigest) {
  // Lengths 55..57 and 63..65 are where the padding spills into a second block.
  for (std::size_t length : {55U, 56U, 57U, 63U, 64U, 65U, 119U, 120U, 128U}) {
    const std::string text(length, 'x');
    const auto expected = Md5::of(text);
    for (std::size_t split = 0; split <= length; ++split) {
      Md5 md5;
      md5.update(std::string_view(text).substr(0, split));
      md5.update(std::string_view(text).substr(split));
      ASSERT_EQ(md5.finish(), expected) << "length " << length << " split " << split;
    }
  }
}

TEST(Md5, FinishResetsForTheNextMessage) {
  Md5 md5;
  md5.update("first message");
  (void)md5.finish();
  md5.update("abc");
  EXPECT_EQ(to_hex(md5.finish()), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(Hex, RoundTripsAndRejectsMalformedInput) {
  const auto digest = Md5::of("abc");
  Md5::Digest decoded{};
  ASSERT_TRUE(from_hex("900150983CD24FB0D6963F7D28E17F72", decoded));
  EXPECT_EQ(decoded, digest);
  EXPECT_FALSE(from_hex("900150983cd24fb0d6963f7d28e17f7", decoded));   // odd length
  EXPECT_FALSE(from_hex("900150983cd24fb0d6963f7d28e17f7g", decoded));  // not hex
  EXPECT_FALSE(from_hex("", decoded));
}

}  // namespace
}  // namespace tipring
