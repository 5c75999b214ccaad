// FloodGuard: the admission checks the SIP proxy runs on each request before doing any
// work for it — per-source rate limits for REGISTER and INVITE (server.md §5: pike's
// 16 requests per 2 s; sipvicious-style scans), a bound on open transactions, and the
// maximum message size. Refusals are counted; how to refuse (drop, or 503 with
// Retry-After) is the proxy's choice.
#pragma once

#include "protocol/core/time.h"
#include "relay_server/app/rate_limiter.h"
#include "relay_server/app/relay_config.h"
#include "relay_server/app/relay_metrics.h"

#include <cstddef>

namespace tipring::relay {

enum class RateLimitedMethod { register_request, invite };

class FloodGuard {
public:
  FloodGuard(const LimitSettings& limits, RelayMetrics& metrics);

  // One token from the source's bucket for this method; false: refuse it.
  bool admit(RateLimitedMethod method, const SocketAddress& source, TimePoint now);
  [[nodiscard]] bool message_size_allowed(std::size_t bytes) const {
    return bytes <= max_message_size_;
  }
  [[nodiscard]] bool transaction_allowed(std::size_t open_transactions) const {
    return open_transactions < max_transactions_;
  }
  [[nodiscard]] std::size_t max_message_size() const { return max_message_size_; }

  // SIGHUP: the rates and bursts are live; table capacity and sizes need a restart.
  void update_rates(const LimitSettings& limits);

private:
  SourceRateLimiter register_;
  SourceRateLimiter invite_;
  std::size_t max_message_size_;
  std::size_t max_transactions_;
  RelayMetrics& metrics_;
};

}  // namespace tipring::relay
