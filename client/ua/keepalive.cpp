#include "client/ua/keepalive.h"

#include <algorithm>

namespace tipring::client {

namespace {
// RFC 5626 §4.4.1: a pong that has not come 10 s after the ping will not come.
constexpr Duration kPongTimeout = std::chrono::seconds(10);
}  // namespace

KeepaliveSchedule::KeepaliveSchedule(Duration interval, RandomSource& random,
                                     KeepaliveMethod configured)
    : interval_(interval), random_(random), configured_(configured), method_(configured) {}

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

void KeepaliveSchedule::new_flow() {
  pong_seen_ = false;
  method_ = configured_;
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
    pong_deadline_ = TimePoint::max();
    if (pong_seen_) {
      stop();
      return Action::flow_failed;
    }
    // The server never answered a ping on this flow: it does not speak RFC 5626 pongs.
    // Prove the flow with OPTIONS from now on, starting at once.
    method_ = KeepaliveMethod::options;
    schedule(now);
    return Action::send_options;
  }
  if (now < next_ping_) {
    return Action::none;
  }
  schedule(now);
  if (method_ == KeepaliveMethod::options) {
    return Action::send_options;
  }
  if (pong_deadline_ == TimePoint::max()) {
    pong_deadline_ = now + kPongTimeout;
  }
  return Action::send_ping;
}

void KeepaliveSchedule::on_pong(TimePoint now) {
  (void)now;
  pong_seen_ = true;
  pong_deadline_ = TimePoint::max();
}

TimePoint KeepaliveSchedule::next_deadline() const {
  return running_ ? std::min(next_ping_, pong_deadline_) : TimePoint::max();
}

}  // namespace tipring::client
