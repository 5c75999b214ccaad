#include "relay_server/app/flood_guard.h"

namespace tipring::relay {

FloodGuard::FloodGuard(const LimitSettings& limits, RelayMetrics& metrics)
    : register_(static_cast<std::size_t>(limits.tracked_sources),
                {limits.register_rate, static_cast<double>(limits.register_burst)}),
      invite_(static_cast<std::size_t>(limits.tracked_sources),
              {limits.invite_rate, static_cast<double>(limits.invite_burst)}),
      max_message_size_(static_cast<std::size_t>(limits.max_message_size)),
      max_transactions_(static_cast<std::size_t>(limits.max_transactions)),
      metrics_(metrics) {}

bool FloodGuard::admit(RateLimitedMethod method, const SocketAddress& source, TimePoint now) {
  const auto key = source_key(source);
  if (method == RateLimitedMethod::register_request) {
    if (register_.allow(key, now)) {
      return true;
    }
    metrics_.rate_limited_register.increment();
    return false;
  }
  if (invite_.allow(key, now)) {
    return true;
  }
  metrics_.rate_limited_invite.increment();
  return false;
}

void FloodGuard::update_rates(const LimitSettings& limits) {
  register_.set_params({limits.register_rate, static_cast<double>(limits.register_burst)});
  invite_.set_params({limits.invite_rate, static_cast<double>(limits.invite_burst)});
}

}  // namespace tipring::relay
