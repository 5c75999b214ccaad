#include "relay_server/app/flood_guard.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

LimitSettings limits() {
  LimitSettings l;
  l.register_rate = 1;
  l.register_burst = 2;
  l.invite_rate = 1;
  l.invite_burst = 1;
  l.tracked_sources = 16;
  l.max_message_size = 1500;
  l.max_transactions = 3;
  return l;
}

TEST(FloodGuard, RegisterAndInviteHaveSeparateBucketsAndRefusalsAreCounted) {
  MetricsRegistry registry;
  RelayMetrics metrics(registry);
  FloodGuard guard(limits(), metrics);
  const auto source = *SocketAddress::parse("198.18.0.1:5060");
  const TimePoint now{std::chrono::seconds(5)};
  EXPECT_TRUE(guard.admit(RateLimitedMethod::register_request, source, now));
  EXPECT_TRUE(guard.admit(RateLimitedMethod::register_request, source, now));
  EXPECT_FALSE(guard.admit(RateLimitedMethod::register_request, source, now));
  EXPECT_TRUE(guard.admit(RateLimitedMethod::invite, source, now));
  EXPECT_FALSE(guard.admit(RateLimitedMethod::invite, source, now));
  EXPECT_EQ(metrics.rate_limited_register.value(), 1U);
  EXPECT_EQ(metrics.rate_limited_invite.value(), 1U);
}

TEST(FloodGuard, LiveRateUpdateTakesEffect) {
  MetricsRegistry registry;
  RelayMetrics metrics(registry);
  FloodGuard guard(limits(), metrics);
  const auto source = *SocketAddress::parse("198.18.0.1:5060");
  const TimePoint now{std::chrono::seconds(5)};
  EXPECT_TRUE(guard.admit(RateLimitedMethod::invite, source, now));
  EXPECT_FALSE(guard.admit(RateLimitedMethod::invite, source, now + std::chrono::milliseconds(10)));
  auto faster = limits();
  faster.invite_rate = 1000;
  guard.update_rates(faster);
  EXPECT_TRUE(guard.admit(RateLimitedMethod::invite, source, now + std::chrono::milliseconds(20)));
}

TEST(FloodGuard, MessageSizeAndTransactionBounds) {
  MetricsRegistry registry;
  RelayMetrics metrics(registry);
  FloodGuard guard(limits(), metrics);
  EXPECT_TRUE(guard.message_size_allowed(1500));
  EXPECT_FALSE(guard.message_size_allowed(1501));
  EXPECT_TRUE(guard.transaction_allowed(2));
  EXPECT_FALSE(guard.transaction_allowed(3));
}

TEST(RelayMetrics, ResponsesByCodeShareOneFamily) {
  MetricsRegistry registry;
  RelayMetrics metrics(registry);
  metrics.responses(401).increment();
  metrics.responses(200).increment(2);
  metrics.responses(401).increment();
  const auto text = registry.render();
  EXPECT_NE(text.find("tipring_relay_sip_responses_total{code=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("tipring_relay_sip_responses_total{code=\"401\"} 2\n"), std::string::npos);
}

}  // namespace
}  // namespace tipring::relay
