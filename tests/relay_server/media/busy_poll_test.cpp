#include "relay_server/media/busy_poll.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

constexpr int kIdleMs = 100;
constexpr Duration kWindow{50};

TimePoint at_us(std::int64_t us) {
  return TimePoint{Duration{us}};
}

TEST(BusyPoll, SparseTrafficSleepsBetweenDatagrams) {
  BusyPoll busy(kWindow);
  for (std::int64_t t = 1'000'000; t < 1'200'000; t += 20'000) {  // one datagram per 20 ms
    busy.traffic_at(at_us(t));
    EXPECT_EQ(busy.timeout_ms(at_us(t + 1), kIdleMs), kIdleMs) << "at " << t << " us";
  }
}

TEST(BusyPoll, SteadyTrafficSpinsUntilTheWindowAfterTheLastDatagram) {
  BusyPoll busy(kWindow);
  busy.traffic_at(at_us(1'000'000));
  EXPECT_EQ(busy.timeout_ms(at_us(1'000'001), kIdleMs), kIdleMs) << "one datagram is no stream";
  busy.traffic_at(at_us(1'000'030));  // 30 us later: steady
  EXPECT_EQ(busy.timeout_ms(at_us(1'000'031), kIdleMs), 0);
  EXPECT_EQ(busy.timeout_ms(at_us(1'000'079), kIdleMs), 0);
  EXPECT_EQ(busy.timeout_ms(at_us(1'000'080), kIdleMs), kIdleMs) << "the window has passed";
}

TEST(BusyPoll, AZeroWindowNeverSpins) {
  BusyPoll busy(Duration{0});
  busy.traffic_at(at_us(1'000'000));
  busy.traffic_at(at_us(1'000'000));
  EXPECT_EQ(busy.timeout_ms(at_us(1'000'000), kIdleMs), kIdleMs);
}

}  // namespace
}  // namespace tipring::relay
