// KeepaliveSchedule: when a client behind NAT pings its flow so the NAT binding and the
// registrar's flow stay alive (RFC 5626 §4.4.1: CRLFCRLF "ping", CRLF "pong"). The interval
// is the configured one (25 s by default, below the 30 s UDP timeout common in NATs) or the
// registrar's Flow-Timer (§4.4.1, §11) if that is shorter, minus a random 0–20 % so that many
// clients do not ping in step. A server that never answers a ping with a pong gets an OPTIONS
// request instead (RFC 3261 §11; any response proves the flow); once a server has answered
// pings, a missing pong within 10 s means the flow is dead and the caller registers again.
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"

#include <cstdint>
#include <optional>

namespace tipring::client {

enum class KeepaliveMethod : std::uint8_t {
  crlf,     // CRLFCRLF pings; OPTIONS once the server shows it does not answer them
  options,  // OPTIONS requests only (configured: keepalive=options)
};

class KeepaliveSchedule {
public:
  // `interval` 0 turns keepalives off.
  KeepaliveSchedule(Duration interval, RandomSource& random,
                    KeepaliveMethod configured = KeepaliveMethod::crlf);

  // The flow was (re)established or refreshed at `now`, e.g. by a successful REGISTER.
  // What was learnt about the server's pongs is kept until new_flow().
  void start(TimePoint now, std::optional<std::uint32_t> flow_timer_s);
  void stop();
  // The flow was replaced (new socket or connection): forget whether the server pongs.
  void new_flow();

  enum class Action : std::uint8_t {
    none,
    send_ping,     // send CRLFCRLF on the flow now
    send_options,  // send an OPTIONS on the flow now; its timeout means flow_failed
    flow_failed    // no pong in time from a server that pongs: re-register
  };
  Action on_timer(TimePoint now);
  void on_pong(TimePoint now);

  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] Duration effective_interval() const { return effective_; }
  [[nodiscard]] bool running() const { return running_; }
  // What on_timer() sends next: CRLF until the server fails to pong, then OPTIONS.
  [[nodiscard]] KeepaliveMethod method() const { return method_; }

private:
  void schedule(TimePoint from);

  Duration interval_;
  Duration effective_{};
  RandomSource& random_;
  KeepaliveMethod configured_;
  KeepaliveMethod method_;
  bool running_ = false;
  bool pong_seen_ = false;  // this flow's server answers pings
  TimePoint next_ping_ = TimePoint::max();
  TimePoint pong_deadline_ = TimePoint::max();
};

}  // namespace tipring::client
