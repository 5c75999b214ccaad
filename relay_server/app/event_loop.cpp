#include "relay_server/app/event_loop.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "event loop";

tl::unexpected<Error> errno_failure(const char* what) {
  return fail(kRule, std::string(what) + ": " + std::strerror(errno));
}

timespec to_timespec(TimePoint t) {
  const auto us = std::max<std::int64_t>(1, t.since_epoch.count());
  return {static_cast<time_t>(us / 1'000'000), static_cast<long>((us % 1'000'000) * 1000)};
}

}  // namespace

Result<EventLoop> EventLoop::create() {
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) {
    return errno_failure("epoll_create1");
  }
  UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!timer) {
    return errno_failure("timerfd_create");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = timer.get();
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, timer.get(), &event) != 0) {
    return errno_failure("epoll_ctl timerfd");
  }
  return EventLoop(std::move(epoll), std::move(timer));
}

EventLoop::EventLoop(UniqueFd epoll, UniqueFd timer)
    : epoll_(std::move(epoll)), timerfd_(std::move(timer)) {}

TimePoint EventLoop::now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return TimePoint{Duration{static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000}};
}

Result<void> EventLoop::watch(int fd, IoCallback callback, bool want_writable) {
  epoll_event event{};
  event.events = EPOLLIN | (want_writable ? EPOLLOUT : 0U);
  event.data.fd = fd;
  const bool known = watches_.contains(fd);
  if (::epoll_ctl(epoll_.get(), known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) != 0) {
    return errno_failure("epoll_ctl watch");
  }
  watches_[fd] = Watch{std::move(callback), want_writable};
  return {};
}

Result<void> EventLoop::set_want_writable(int fd, bool want_writable) {
  auto it = watches_.find(fd);
  if (it == watches_.end()) {
    return fail(kRule, "fd " + std::to_string(fd) + " is not watched");
  }
  if (it->second.want_writable == want_writable) {
    return {};
  }
  epoll_event event{};
  event.events = EPOLLIN | (want_writable ? EPOLLOUT : 0U);
  event.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) {
    return errno_failure("epoll_ctl modify");
  }
  it->second.want_writable = want_writable;
  return {};
}

void EventLoop::unwatch(int fd) {
  if (watches_.erase(fd) > 0) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  }
}

TimerId EventLoop::add_timer(TimePoint deadline, TimerCallback callback) {
  const TimerId id = next_timer_id_++;
  timers_.emplace(id, Timer{deadline, Duration{0}, std::move(callback)});
  deadlines_.emplace(deadline, id);
  rearm_timerfd();
  return id;
}

TimerId EventLoop::add_periodic(Duration interval, TimerCallback callback) {
  const TimerId id = next_timer_id_++;
  const TimePoint first = now() + interval;
  timers_.emplace(id, Timer{first, interval, std::move(callback)});
  deadlines_.emplace(first, id);
  rearm_timerfd();
  return id;
}

void EventLoop::cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) {
    return;
  }
  deadlines_.erase({it->second.deadline, id});
  timers_.erase(it);
  rearm_timerfd();
}

void EventLoop::rearm_timerfd() {
  const TimePoint earliest = deadlines_.empty() ? TimePoint::max() : deadlines_.begin()->first;
  if (earliest == armed_for_) {
    return;
  }
  armed_for_ = earliest;
  itimerspec spec{};
  if (earliest != TimePoint::max()) {
    spec.it_value = to_timespec(earliest);  // never all-zero: that would disarm
  }
  ::timerfd_settime(timerfd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::fire_due_timers() {
  std::uint64_t expirations = 0;
  while (::read(timerfd_.get(), &expirations, sizeof(expirations)) > 0) {
  }
  const TimePoint current = now();
  // Collect first: callbacks may add or cancel timers, and a periodic timer rearmed at
  // `current + interval` must not fire twice in one turn.
  std::vector<TimerId> due;
  for (const auto& [deadline, id] : deadlines_) {
    if (deadline > current) {
      break;
    }
    due.push_back(id);
  }
  for (TimerId id : due) {
    auto it = timers_.find(id);
    if (it == timers_.end()) {
      continue;  // cancelled by an earlier callback in this turn
    }
    deadlines_.erase({it->second.deadline, id});
    if (it->second.interval.count() > 0) {
      it->second.deadline = current + it->second.interval;
      deadlines_.emplace(it->second.deadline, id);
      auto callback = it->second.callback;  // the callback may cancel its own timer
      callback();
    } else {
      auto callback = std::move(it->second.callback);
      timers_.erase(it);
      callback();
    }
  }
  armed_for_ = TimePoint{Duration{-1}};  // force a rearm: the timerfd has expired
  rearm_timerfd();
}

Result<void> EventLoop::on_signal(int signal_number, SignalCallback callback) {
  sigset_t mask;
  sigemptyset(&mask);
  for (const auto& [known, unused] : signal_callbacks_) {
    sigaddset(&mask, known);
  }
  sigaddset(&mask, signal_number);
  if (::pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) {
    return errno_failure("pthread_sigmask");
  }
  const bool first = !signalfd_.valid();
  const int fd = ::signalfd(first ? -1 : signalfd_.get(), &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    return errno_failure("signalfd");
  }
  if (first) {
    signalfd_.reset(fd);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
      return errno_failure("epoll_ctl signalfd");
    }
  }
  signal_callbacks_[signal_number] = std::move(callback);
  return {};
}

void EventLoop::drain_signals() {
  signalfd_siginfo info{};
  while (::read(signalfd_.get(), &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
    const int number = static_cast<int>(info.ssi_signo);
    auto it = signal_callbacks_.find(number);
    if (it != signal_callbacks_.end()) {
      auto callback = it->second;
      callback(number);
    }
  }
}

Result<void> EventLoop::run() {
  stopping_ = false;
  while (!stopping_) {
    if (auto r = dispatch(-1); !r) {
      return r;
    }
  }
  return {};
}

Result<void> EventLoop::run_once(Duration max_wait) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(max_wait).count();
  return dispatch(static_cast<int>(std::max<std::int64_t>(0, ms)));
}

Result<void> EventLoop::dispatch(int timeout_ms) {
  std::array<epoll_event, 64> events{};
  const int n =
      ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), timeout_ms);
  if (n < 0) {
    if (errno == EINTR) {
      return {};
    }
    return errno_failure("epoll_wait");
  }
  for (int i = 0; i < n; ++i) {
    const auto& event = events[static_cast<std::size_t>(i)];
    const int fd = event.data.fd;
    if (fd == timerfd_.get()) {
      fire_due_timers();
      continue;
    }
    if (signalfd_.valid() && fd == signalfd_.get()) {
      drain_signals();
      continue;
    }
    auto it = watches_.find(fd);
    if (it == watches_.end()) {
      continue;  // unwatched by an earlier callback in this batch
    }
    IoReadiness readiness{(event.events & EPOLLIN) != 0, (event.events & EPOLLOUT) != 0,
                          (event.events & (EPOLLERR | EPOLLHUP)) != 0};
    auto callback = it->second.callback;  // the callback may unwatch and destroy its entry
    callback(readiness);
  }
  return {};
}

}  // namespace tipring::relay
