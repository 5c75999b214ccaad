// BusyPoll: when a forwarding worker may poll its sockets without sleeping. A sleeping
// worker costs every datagram a wake-up (the sender's IPI, a context switch, on a VM a halt
// and re-entry), which at tens of thousands of datagrams per second is most of the cost of
// relaying one and the source of the latency tail (docs/performance.md, "Media relay").
// So while traffic is steady — a wake-up with datagrams comes within `window` of the last
// one — the worker keeps polling until `window` after it; light traffic still sleeps.
#pragma once

#include "protocol/core/time.h"

namespace tipring::relay {

class BusyPoll {
public:
  explicit BusyPoll(Duration window) : window_(window) {}

  // The poller's timeout at `now`: 0 while spinning, else `idle_ms`.
  [[nodiscard]] int timeout_ms(TimePoint now, int idle_ms) const {
    return now < spin_until_ ? 0 : idle_ms;
  }

  // A wake-up at `now` brought datagrams.
  void traffic_at(TimePoint now) {
    if (now - last_traffic_ < window_) {
      spin_until_ = now + window_;
    }
    last_traffic_ = now;
  }

private:
  Duration window_;
  TimePoint spin_until_;
  TimePoint last_traffic_;
};

}  // namespace tipring::relay
