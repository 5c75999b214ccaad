#include "relay_server/app/rate_limiter.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

SourceKey ip(const char* text) {
  return source_key(*SocketAddress::parse(text));
}

TEST(SourceRateLimiter, AllowsTheBurstThenRefusesUntilTokensRefill) {
  SourceRateLimiter limiter(16, {2.0, 3.0});  // 2 per second, 3 at once
  const TimePoint t0{seconds(100)};
  const auto source = ip("198.18.0.1:5060");
  EXPECT_TRUE(limiter.allow(source, t0));
  EXPECT_TRUE(limiter.allow(source, t0));
  EXPECT_TRUE(limiter.allow(source, t0));
  EXPECT_FALSE(limiter.allow(source, t0));
  EXPECT_FALSE(limiter.allow(source, t0 + milliseconds(499)));  // 0.998 tokens
  EXPECT_TRUE(limiter.allow(source, t0 + milliseconds(500)));   // 1 token
  EXPECT_FALSE(limiter.allow(source, t0 + milliseconds(500)));
}

TEST(SourceRateLimiter, RefillNeverExceedsTheBurst) {
  SourceRateLimiter limiter(16, {10.0, 2.0});
  const TimePoint t0{seconds(1)};
  const auto source = ip("198.18.0.1:1");
  EXPECT_TRUE(limiter.allow(source, t0));
  const TimePoint later = t0 + seconds(3600);
  EXPECT_TRUE(limiter.allow(source, later));
  EXPECT_TRUE(limiter.allow(source, later));
  EXPECT_FALSE(limiter.allow(source, later));
}

TEST(SourceRateLimiter, SourcesAreLimitedByIpNotPort) {
  SourceRateLimiter limiter(16, {1.0, 1.0});
  const TimePoint t0{seconds(1)};
  EXPECT_TRUE(limiter.allow(ip("198.18.0.1:1000"), t0));
  EXPECT_FALSE(limiter.allow(ip("198.18.0.1:1001"), t0));
  EXPECT_TRUE(limiter.allow(ip("198.18.0.2:1000"), t0));
  EXPECT_TRUE(limiter.allow(ip("[2001:db8::1]:1000"), t0));
  EXPECT_FALSE(limiter.allow(ip("[2001:db8::1]:2000"), t0));
}

TEST(SourceRateLimiter, TableStaysAtCapacityForgettingTheLeastRecentlySeen) {
  SourceRateLimiter limiter(2, {1.0, 1.0});
  const TimePoint t0{seconds(1)};
  const auto a = ip("198.18.0.1:1");
  const auto b = ip("198.18.0.2:1");
  const auto c = ip("198.18.0.3:1");
  EXPECT_TRUE(limiter.allow(a, t0));
  EXPECT_TRUE(limiter.allow(b, t0));
  EXPECT_FALSE(limiter.allow(a, t0));  // a is now the most recently seen
  EXPECT_TRUE(limiter.allow(c, t0));   // evicts b
  EXPECT_EQ(limiter.tracked(), 2U);
  EXPECT_EQ(limiter.evictions(), 1U);
  EXPECT_FALSE(limiter.allow(a, t0));  // a kept its empty bucket
  EXPECT_TRUE(limiter.allow(b, t0));   // b was forgotten, so starts with a full bucket
}

TEST(SourceRateLimiter, ManySourcesNeverGrowTheTableBeyondCapacity) {
  SourceRateLimiter limiter(64, {1.0, 1.0});
  const TimePoint t0{seconds(1)};
  for (int i = 0; i < 10000; ++i) {
    SourceKey key{};
    key[14] = static_cast<std::uint8_t>(i >> 8);
    key[15] = static_cast<std::uint8_t>(i);
    limiter.allow(key, t0);
    ASSERT_LE(limiter.tracked(), 64U);
  }
  EXPECT_EQ(limiter.evictions(), 10000U - 64U);
}

TEST(SourceRateLimiter, NewParametersApplyToTrackedSources) {
  SourceRateLimiter limiter(16, {1.0, 1.0});
  const TimePoint t0{seconds(1)};
  const auto source = ip("198.18.0.1:1");
  EXPECT_TRUE(limiter.allow(source, t0));
  EXPECT_FALSE(limiter.allow(source, t0 + milliseconds(100)));
  limiter.set_params({100.0, 5.0});
  EXPECT_TRUE(limiter.allow(source, t0 + milliseconds(200)));
}

TEST(SourceRateLimiter, ClockGoingBackwardsGrantsNothing) {
  SourceRateLimiter limiter(16, {1.0, 1.0});
  const auto source = ip("198.18.0.1:1");
  EXPECT_TRUE(limiter.allow(source, TimePoint{seconds(10)}));
  EXPECT_FALSE(limiter.allow(source, TimePoint{seconds(5)}));
  EXPECT_FALSE(limiter.allow(source, TimePoint{seconds(10)}));
}

}  // namespace
}  // namespace tipring::relay
