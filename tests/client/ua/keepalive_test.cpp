#include "client/ua/keepalive.h"

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;
using Action = KeepaliveSchedule::Action;

TEST(KeepaliveSchedule, PingsBetween80And100PercentOfTheInterval) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random);
  TimePoint now{};
  k.start(now, std::nullopt);
  for (int i = 0; i < 200; ++i) {
    const Duration wait = k.next_deadline() - now;
    ASSERT_GE(wait, 20s);
    ASSERT_LE(wait, 25s);
    now = k.next_deadline();
    EXPECT_EQ(k.on_timer(now - 1us), Action::none);
    EXPECT_EQ(k.on_timer(now), Action::send_ping);
    k.on_pong(now);
  }
}

TEST(KeepaliveSchedule, HonoursAShorterFlowTimer) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random);
  k.start(TimePoint{}, 15U);
  EXPECT_EQ(k.effective_interval(), 15s);
  EXPECT_LE(k.next_deadline() - TimePoint{}, 15s);
  k.start(TimePoint{}, 120U);
  EXPECT_EQ(k.effective_interval(), 25s) << "a longer Flow-Timer does not slow our pings";
}

TEST(KeepaliveSchedule, ZeroIntervalMeansOff) {
  SeededRandom random(3);
  KeepaliveSchedule k(0s, random);
  k.start(TimePoint{}, 15U);
  EXPECT_EQ(k.next_deadline(), TimePoint::max());
  EXPECT_EQ(k.on_timer(TimePoint{} + 1000s), Action::none);
}

TEST(KeepaliveSchedule, MissingPongFromAServerThatPongedDeclaresTheFlowDeadAfterTenSeconds) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random);
  TimePoint now{};
  k.start(now, std::nullopt);
  now = k.next_deadline();
  ASSERT_EQ(k.on_timer(now), Action::send_ping);
  k.on_pong(now + 20ms);
  now = k.next_deadline();
  ASSERT_EQ(k.on_timer(now), Action::send_ping);
  EXPECT_EQ(k.next_deadline(), now + 10s);
  EXPECT_EQ(k.on_timer(now + 10s - 1us), Action::none);
  EXPECT_EQ(k.on_timer(now + 10s), Action::flow_failed);
  EXPECT_EQ(k.next_deadline(), TimePoint::max());
}

TEST(KeepaliveSchedule, PongKeepsTheFlowAlive) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random);
  TimePoint now{};
  k.start(now, std::nullopt);
  for (int i = 0; i < 10; ++i) {
    now = k.next_deadline();
    ASSERT_EQ(k.on_timer(now), Action::send_ping);
    k.on_pong(now + 50ms);
  }
  EXPECT_GT(k.next_deadline(), now + 19s);
}

TEST(KeepaliveSchedule, ServerThatNeverPongsGetsOptionsTenSecondsAfterTheFirstPing) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random);
  TimePoint now{};
  k.start(now, std::nullopt);
  now = k.next_deadline();
  ASSERT_EQ(k.on_timer(now), Action::send_ping);
  EXPECT_EQ(k.on_timer(now + 10s - 1us), Action::none);
  EXPECT_EQ(k.on_timer(now + 10s), Action::send_options) << "no pong: OPTIONS at once";
  EXPECT_EQ(k.method(), KeepaliveMethod::options);
  now += 10s;
  for (int i = 0; i < 5; ++i) {
    const Duration wait = k.next_deadline() - now;
    ASSERT_GE(wait, 20s);
    ASSERT_LE(wait, 25s);
    now = k.next_deadline();
    ASSERT_EQ(k.on_timer(now), Action::send_options) << "OPTIONS stay: the server never ponged";
  }
}

TEST(KeepaliveSchedule, ConfiguredOptionsNeverPings) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random, KeepaliveMethod::options);
  TimePoint now{};
  k.start(now, std::nullopt);
  for (int i = 0; i < 5; ++i) {
    now = k.next_deadline();
    ASSERT_EQ(k.on_timer(now), Action::send_options);
  }
}

TEST(KeepaliveSchedule, OptionsFallbackHonoursTheFlowTimer) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random, KeepaliveMethod::options);
  TimePoint now{};
  k.start(now, 10U);
  for (int i = 0; i < 5; ++i) {
    const Duration wait = k.next_deadline() - now;
    ASSERT_GE(wait, 8s);
    ASSERT_LE(wait, 10s);
    now = k.next_deadline();
    ASSERT_EQ(k.on_timer(now), Action::send_options);
  }
}

TEST(KeepaliveSchedule, RefreshKeepsWhatWasLearntAndANewFlowForgetsIt) {
  SeededRandom random(3);
  KeepaliveSchedule k(25s, random);
  TimePoint now{};
  k.start(now, std::nullopt);
  now = k.next_deadline();
  ASSERT_EQ(k.on_timer(now), Action::send_ping);
  ASSERT_EQ(k.on_timer(now + 10s), Action::send_options);
  now += 10s;
  k.start(now, std::nullopt);  // a registration refresh on the same flow
  now = k.next_deadline();
  EXPECT_EQ(k.on_timer(now), Action::send_options);
  k.new_flow();
  k.start(now, std::nullopt);
  now = k.next_deadline();
  EXPECT_EQ(k.on_timer(now), Action::send_ping) << "a new flow's server may answer pings";
  EXPECT_EQ(k.method(), KeepaliveMethod::crlf);
}

}  // namespace
}  // namespace tipring::client
