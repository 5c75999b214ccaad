#include "relay_server/app/event_loop.h"

#include "relay_server/app/udp_socket.h"

#include <array>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>

namespace tipring::relay {
namespace {

using std::chrono::milliseconds;

EventLoop make_loop() {
  auto loop = EventLoop::create();
  if (!loop) {
    std::abort();  // no epoll: nothing here can run
  }
  return *std::move(loop);
}

// Turns the loop until `done` holds; bounded so a broken loop fails instead of hanging.
bool run_until(EventLoop& loop, const std::function<bool()>& done, int max_turns = 500) {
  for (int turn = 0; turn < max_turns && !done(); ++turn) {
    EXPECT_TRUE(loop.run_once(milliseconds(20)).has_value());
  }
  return done();
}

TEST(EventLoop, NowIsMonotonic) {
  const TimePoint a = EventLoop::now();
  const TimePoint b = EventLoop::now();
  EXPECT_LE(a, b);
  EXPECT_GT(a.since_epoch.count(), 0);
}

TEST(EventLoop, OneShotTimersFireOnceInDeadlineOrder) {
  auto loop = make_loop();
  std::vector<int> fired;
  const TimePoint start = EventLoop::now();
  loop.add_timer(start + milliseconds(3), [&] { fired.push_back(3); });
  loop.add_timer(start + milliseconds(1), [&] { fired.push_back(1); });
  loop.add_timer(start + milliseconds(2), [&] { fired.push_back(2); });
  ASSERT_TRUE(run_until(loop, [&] { return fired.size() >= 3; }));
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(loop.pending_timers(), 0U);
}

TEST(EventLoop, DeadlineInThePastFiresOnNextTurn) {
  auto loop = make_loop();
  bool fired = false;
  loop.add_timer(TimePoint{}, [&] { fired = true; });
  ASSERT_TRUE(run_until(loop, [&] { return fired; }));
}

TEST(EventLoop, CancelledTimerNeverFires) {
  auto loop = make_loop();
  bool cancelled_fired = false;
  bool later_fired = false;
  const TimePoint start = EventLoop::now();
  const TimerId id = loop.add_timer(start + milliseconds(1), [&] { cancelled_fired = true; });
  loop.add_timer(start + milliseconds(5), [&] { later_fired = true; });
  loop.cancel(id);
  loop.cancel(id);  // twice is harmless
  ASSERT_TRUE(run_until(loop, [&] { return later_fired; }));
  EXPECT_FALSE(cancelled_fired);
}

TEST(EventLoop, TimerCallbackCanCancelAnotherDueTimer) {
  auto loop = make_loop();
  const TimePoint past = EventLoop::now() - milliseconds(10);
  bool second_fired = false;
  TimerId second = 0;
  loop.add_timer(past, [&] { loop.cancel(second); });
  second = loop.add_timer(past + milliseconds(1), [&] { second_fired = true; });
  bool sentinel = false;
  loop.add_timer(EventLoop::now() + milliseconds(2), [&] { sentinel = true; });
  ASSERT_TRUE(run_until(loop, [&] { return sentinel; }));
  EXPECT_FALSE(second_fired);
}

TEST(EventLoop, PeriodicTimerRepeatsUntilCancelledFromItsOwnCallback) {
  auto loop = make_loop();
  int ticks = 0;
  TimerId id = 0;
  id = loop.add_periodic(milliseconds(1), [&] {
    if (++ticks == 3) {
      loop.cancel(id);
    }
  });
  bool sentinel = false;
  loop.add_timer(EventLoop::now() + milliseconds(30), [&] { sentinel = true; });
  ASSERT_TRUE(run_until(loop, [&] { return sentinel; }));
  EXPECT_EQ(ticks, 3);
  EXPECT_EQ(loop.pending_timers(), 0U);
}

TEST(EventLoop, ReadableSocketCallbackReceivesLoopbackDatagram) {
  auto loop = make_loop();
  auto receiver = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  auto sender = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(receiver && sender);
  std::vector<std::string> got;
  ASSERT_TRUE(loop.watch(receiver->fd(), [&](IoReadiness ready) {
    ASSERT_TRUE(ready.readable);
    std::array<std::byte, 64> buffer{};
    while (auto datagram = receiver->receive(buffer)) {
      if (!*datagram) {
        break;
      }
      got.emplace_back(reinterpret_cast<const char*>(buffer.data()), (*datagram)->length);
      EXPECT_EQ((*datagram)->from, sender->local_address());
    }
  }));
  const std::string text = "OPTIONS";
  ASSERT_TRUE(sender->send_to(std::as_bytes(std::span(text)), receiver->local_address()));
  ASSERT_TRUE(run_until(loop, [&] { return !got.empty(); }));
  EXPECT_EQ(got.front(), "OPTIONS");
}

TEST(EventLoop, UnwatchInsideCallbackStopsFurtherDelivery) {
  auto loop = make_loop();
  auto receiver = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  auto sender = UdpSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(receiver && sender);
  int calls = 0;
  ASSERT_TRUE(loop.watch(receiver->fd(), [&](IoReadiness) {
    ++calls;
    loop.unwatch(receiver->fd());  // leaves the datagram unread: level-triggered would repeat
  }));
  const std::string text = "x";
  ASSERT_TRUE(sender->send_to(std::as_bytes(std::span(text)), receiver->local_address()));
  ASSERT_TRUE(run_until(loop, [&] { return calls > 0; }));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop.run_once(milliseconds(1)));
  }
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, BlockedSignalArrivesAsCallback) {
  auto loop = make_loop();
  int received = 0;
  ASSERT_TRUE(loop.on_signal(SIGUSR1, [&](int number) { received = number; }));
  ASSERT_TRUE(loop.on_signal(SIGUSR2, [&](int number) { received = number; }));
  ASSERT_EQ(::raise(SIGUSR2), 0);
  ASSERT_TRUE(run_until(loop, [&] { return received != 0; }));
  EXPECT_EQ(received, SIGUSR2);
}

TEST(EventLoop, StopFromCallbackEndsRun) {
  auto loop = make_loop();
  loop.add_timer(EventLoop::now(), [&] { loop.stop(); });
  ASSERT_TRUE(loop.run());
  EXPECT_TRUE(loop.stopping());
}

}  // namespace
}  // namespace tipring::relay
