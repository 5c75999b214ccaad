#include "client/ua/reconnect_backoff.h"

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

TEST(ReconnectBackoff, DoublesFromTheBaseUpToTheCapWithinTheUpperHalf) {
  SeededRandom random(9);
  ReconnectBackoff backoff(2s, 60s, random);
  Duration cap = 2s;
  for (int failure = 1; failure <= 10; ++failure) {
    const Duration wait = backoff.on_failure();
    EXPECT_GE(wait, cap / 2) << "failure " << failure;
    EXPECT_LT(wait, cap) << "failure " << failure;
    cap = std::min<Duration>(cap * 2, 60s);
  }
}

TEST(ReconnectBackoff, AConnectionThatGotThroughStartsOver) {
  SeededRandom random(9);
  ReconnectBackoff backoff(2s, 60s, random);
  for (int i = 0; i < 6; ++i) {
    (void)backoff.on_failure();
  }
  backoff.on_connected();
  EXPECT_EQ(backoff.failures(), 0U);
  EXPECT_LT(backoff.on_failure(), Duration(2s));
}

}  // namespace
}  // namespace tipring::client
