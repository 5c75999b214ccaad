// EventLoop: the relay's signalling-side loop on Linux epoll. Sockets report readiness
// through callbacks; timers run on CLOCK_MONOTONIC (one timerfd armed for the earliest
// deadline) and signals arrive through a signalfd, so a sans-IO state machine is driven by
// `add_timer(core.next_deadline(), ...)` and nothing here ever sleeps or polls.
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/time.h"
#include "relay_server/app/unique_fd.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include <sys/epoll.h>

namespace tipring::relay {

using TimerId = std::uint64_t;

struct IoReadiness {
  bool readable = false;
  bool writable = false;
  // Error or hang-up: the callback should read (to learn the error) and close.
  bool failed = false;
};

class EventLoop {
public:
  using IoCallback = std::function<void(IoReadiness)>;
  using TimerCallback = std::function<void()>;
  using SignalCallback = std::function<void(int signal_number)>;

  static Result<EventLoop> create();

  EventLoop(EventLoop&&) noexcept = default;
  EventLoop& operator=(EventLoop&&) noexcept = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop() = default;

  // CLOCK_MONOTONIC as the protocol core's TimePoint.
  [[nodiscard]] static TimePoint now();

  // Watches `fd` (not owned) for readability and, if asked, writability. Watching an fd
  // again replaces its callback and interest. A callback may unwatch any fd, itself included.
  Result<void> watch(int fd, IoCallback callback, bool want_writable = false);
  Result<void> set_want_writable(int fd, bool want_writable);
  void unwatch(int fd);

  // One-shot timer at an absolute deadline; a deadline in the past fires on the next turn.
  TimerId add_timer(TimePoint deadline, TimerCallback callback);
  // Fires every `interval`, first at now() + interval, until cancelled.
  TimerId add_periodic(Duration interval, TimerCallback callback);
  // Cancelling an unknown or already fired timer is harmless.
  void cancel(TimerId id);
  [[nodiscard]] std::size_t pending_timers() const { return timers_.size(); }

  // Blocks `signal_number` for this thread (do it before starting other threads, so they
  // inherit the mask) and delivers it as a callback on the loop instead.
  Result<void> on_signal(int signal_number, SignalCallback callback);

  // Runs until stop(). Returns an error only if epoll itself fails.
  Result<void> run();
  // Dispatches whatever is ready, waiting at most `max_wait` (for tests and for draining).
  Result<void> run_once(Duration max_wait);
  void stop() { stopping_ = true; }
  [[nodiscard]] bool stopping() const { return stopping_; }

private:
  struct Timer {
    TimePoint deadline;
    Duration interval{0};  // zero for one-shot
    TimerCallback callback;
  };
  struct Watch {
    IoCallback callback;
    bool want_writable = false;
  };

  EventLoop(UniqueFd epoll, UniqueFd timer);
  Result<void> dispatch(int timeout_ms);
  void fire_due_timers();
  void rearm_timerfd();
  void drain_signals();

  UniqueFd epoll_;
  UniqueFd timerfd_;
  UniqueFd signalfd_;
  std::unordered_map<int, Watch> watches_;
  std::map<TimerId, Timer> timers_;
  std::set<std::pair<TimePoint, TimerId>> deadlines_;
  std::map<int, SignalCallback> signal_callbacks_;
  TimePoint armed_for_ = TimePoint::max();
  TimerId next_timer_id_ = 1;
  bool stopping_ = false;
};

}  // namespace tipring::relay
