// ReconnectBackoff: how long a client waits before opening its flow again after the
// connection failed (RFC 5626 §4.5 wait-time, scaled for a single flow): base × 2^(n-1)
// capped at max, then a random point in its upper half so that many clients do not reconnect
// in step. A connection that got through resets it.
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"

#include <algorithm>
#include <chrono>

namespace tipring::client {

class ReconnectBackoff {
public:
  ReconnectBackoff(Duration base, Duration max, RandomSource& random)
      : base_(base), max_(max), random_(random) {}

  // The wait before the next attempt, counting this failure.
  Duration on_failure() {
    ++failures_;
    Duration wait = base_;
    for (unsigned i = 1; i < failures_ && wait < max_; ++i) {
      wait *= 2;
    }
    wait = std::min(wait, max_);
    const auto half = wait.count() / 2;
    const auto jitter =
        half > 0 ? static_cast<Duration::rep>(random_.next_u64() % static_cast<std::uint64_t>(half))
                 : 0;
    return Duration(half + jitter);
  }
  void on_connected() { failures_ = 0; }
  [[nodiscard]] unsigned failures() const { return failures_; }

private:
  Duration base_;
  Duration max_;
  RandomSource& random_;
  unsigned failures_ = 0;
};

}  // namespace tipring::client
