// KeepaliveSchedule: when a client behind NAT pings its flow so the NAT binding and the
// registrar's flow stay alive (RFC 5626 §4.4.1: CRLFCRLF "ping", CRLF "pong"). The interval
// is the configured one (25 s by default, below the 30 s UDP timeout common in NATs) or the
// registrar's Flow-Timer if that is shorter, minus a random 0–20 % so that many clients do
// not ping in step. A missing pong within 10 s means the flow is dead (§4.4.1), and the
// caller registers again.
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"

#include <cstdint>
#include <optional>

namespace tipring::client {

class KeepaliveSchedule {
public:
  // `interval` 0 turns keepalives off.
  KeepaliveSchedule(Duration interval, RandomSource& random);

  // The flow was (re)established at `now`, e.g. by a successful REGISTER.
  void start(TimePoint now, std::optional<std::uint32_t> flow_timer_s);
  void stop();

  enum class Action : std::uint8_t {
    none,
    send_ping,   // send CRLFCRLF on the flow now
    flow_failed  // no pong in time: re-register
  };
  Action on_timer(TimePoint now);
  void on_pong(TimePoint now);
  // Pongs are only expected where the server sends them (our relay does; plain registrars
  // may not): without them a missing pong is not held against the flow.
  void expect_pongs(bool expect) { expect_pongs_ = expect; }

  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] Duration effective_interval() const { return effective_; }

private:
  void schedule(TimePoint from);

  Duration interval_;
  Duration effective_{};
  RandomSource& random_;
  bool running_ = false;
  bool expect_pongs_ = false;
  TimePoint next_ping_ = TimePoint::max();
  TimePoint pong_deadline_ = TimePoint::max();
};

}  // namespace tipring::client
