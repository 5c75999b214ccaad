#include "protocol/core/random.h"

#include <set>

#include <gtest/gtest.h>

namespace tipring {
namespace {

TEST(SeededRandom, SameSeedGivesSameSequence) {
  SeededRandom a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    auto va = a.next_u64();
    EXPECT_EQ(va, b.next_u64());
    EXPECT_NE(va, c.next_u64());
  }
}

TEST(RandomSource, TokensHaveRequestedLengthAndAlphabet) {
  SeededRandom r(1);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto t = r.token(10);
    ASSERT_EQ(t.size(), 10U);
    for (char ch : t) {
      EXPECT_TRUE((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')) << t;
    }
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

}  // namespace
}  // namespace tipring
