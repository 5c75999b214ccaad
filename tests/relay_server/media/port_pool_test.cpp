#include "relay_server/media/port_pool.h"

#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using namespace std::chrono_literals;
const TimePoint kNow{std::chrono::seconds(100)};

std::vector<std::uint16_t> take_all(PortPool& pool, bool pair) {
  std::vector<std::uint16_t> taken;
  while (auto p = pool.take(pair, kNow)) {
    taken.push_back(*p);
  }
  return taken;
}

TEST(PortPool, HandsOutEveryPortOfTheRangeOnceInRandomOrder) {
  SeededRandom random(1);
  PortPool pool(40000, 40099, 30s, random);
  const auto taken = take_all(pool, false);

  ASSERT_EQ(taken.size(), 100u);
  EXPECT_EQ(std::set<std::uint16_t>(taken.begin(), taken.end()).size(), 100u);
  EXPECT_EQ(*std::min_element(taken.begin(), taken.end()), 40000);
  EXPECT_EQ(*std::max_element(taken.begin(), taken.end()), 40099);
  std::vector<std::uint16_t> ascending(taken);
  std::sort(ascending.begin(), ascending.end());
  EXPECT_NE(taken, ascending);
}

TEST(PortPool, DifferentSeedsGiveDifferentOrders) {
  SeededRandom a(1);
  SeededRandom b(2);
  PortPool pool_a(40000, 40099, 30s, a);
  PortPool pool_b(40000, 40099, 30s, b);
  EXPECT_NE(take_all(pool_a, false), take_all(pool_b, false));
}

TEST(PortPool, PairsAreEvenPortsWithTheirSuccessorReserved) {
  SeededRandom random(3);
  PortPool pool(40000, 40019, 30s, random);
  const auto pairs = take_all(pool, true);

  EXPECT_EQ(pairs.size(), 10u);
  for (auto p : pairs) {
    EXPECT_EQ(p % 2, 0);
  }
  EXPECT_EQ(pool.free_count(), 0u);
  EXPECT_FALSE(pool.take(false, kNow).has_value());
}

TEST(PortPool, ReleasedPortRestsInQuarantineBeforeReuse) {
  SeededRandom random(4);
  PortPool pool(40000, 40003, 30s, random);
  const auto taken = take_all(pool, false);
  ASSERT_EQ(taken.size(), 4u);

  pool.give_back(taken[0], kNow);
  EXPECT_EQ(pool.quarantined_count(), 1u);
  EXPECT_FALSE(pool.take(false, kNow + 29s).has_value());
  const auto again = pool.take(false, kNow + 30s);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, taken[0]);
}

TEST(PortPool, PairIsRefusedWhileItsSuccessorIsInUse) {
  SeededRandom random(5);
  PortPool pool(40000, 40001, 0s, random);
  const auto single = pool.take(false, kNow);
  ASSERT_TRUE(single.has_value());
  EXPECT_FALSE(pool.take(true, kNow).has_value());
  pool.give_back(*single, kNow);
  EXPECT_EQ(pool.take(true, kNow), std::optional<std::uint16_t>(40000));
}

TEST(PortPool, GivingBackAPortNotInUseChangesNothing) {
  SeededRandom random(6);
  PortPool pool(40000, 40003, 30s, random);
  pool.give_back(40001, kNow);
  pool.give_back(12, kNow);
  EXPECT_EQ(pool.quarantined_count(), 0u);
  EXPECT_EQ(pool.free_count(), 4u);
}

}  // namespace
}  // namespace tipring::relay
