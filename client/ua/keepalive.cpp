#include "client/ua/keepalive.h"

#include <algorithm>

namespace tipring::client {

namespace {
constexpr Duration kPongTimeout = std::chrono::seconds(10);
}

KeepaliveSchedule::KeepaliveSchedule(Duration interval, RandomSource& random)
    : interval_(interval), random_(random) {}

void KeepaliveSchedule::start(TimePoint now, std::optional<std::uint32_t> flow_timer_s) {
  if (interval_ <= Duration::zero()) {
    return;
  }
  effective_ = interval_;
  if (flow_timer_s && *flow_timer_s > 0) {
    effective_ = std::min<Duration>(effective_, std::chrono::seconds(*flow_timer_s));
  }
  running_ = true;
  pong_deadline_ = TimePoint::max();
  schedule(now);
}

void KeepaliveSchedule::stop() {
  running_ = false;
  next_ping_ = TimePoint::max();
  pong_deadline_ = TimePoint::max();
}

void KeepaliveSchedule::schedule(TimePoint from) {
  // RFC 5626 §4.4.1: a random value between 80 % and 100 % of the interval.
  const auto span = effective_.count() / 5;
  const auto minus =
      span > 0 ? static_cast<Duration::rep>(random_.next_u64() % static_cast<std::uint64_t>(span))
               : 0;
  next_ping_ = from + Duration(effective_.count() - minus);
}

KeepaliveSchedule::Action KeepaliveSchedule::on_timer(TimePoint now) {
  if (!running_) {
    return Action::none;
  }
  if (now >= pong_deadline_) {
    stop();
    return Action::flow_failed;
  }
  if (now >= next_ping_) {
    schedule(now);
    if (expect_pongs_ && pong_deadline_ == TimePoint::max()) {
      pong_deadline_ = now + kPongTimeout;
    }
    return Action::send_ping;
  }
  return Action::none;
}

void KeepaliveSchedule::on_pong(TimePoint now) {
  (void)now;
  pong_deadline_ = TimePoint::max();
}

TimePoint KeepaliveSchedule::next_deadline() const {
  return running_ ? std::min(next_ping_, pong_deadline_) : TimePoint::max();
}

}  // namespace tipring::client
