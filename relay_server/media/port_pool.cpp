#include "relay_server/media/port_pool.h"

#include <utility>

namespace tipring::relay {

PortPool::PortPool(std::uint16_t port_min, std::uint16_t port_max, Duration quarantine,
                   RandomSource& random)
    : port_min_(port_min),
      port_max_(port_max < port_min ? port_min : port_max),
      quarantine_duration_(quarantine),
      random_(random),
      states_(static_cast<std::size_t>(port_max_ - port_min_) + 1, State::free) {
  free_.reserve(states_.size());
  for (std::uint32_t p = port_min_; p <= port_max_; ++p) {
    free_.push_back(static_cast<std::uint16_t>(p));
  }
  free_count_ = free_.size();
  // Fisher-Yates with the injected source.
  for (std::size_t i = free_.size(); i > 1; --i) {
    const std::size_t j = random_.next_u64() % i;
    std::swap(free_[i - 1], free_[j]);
  }
}

void PortPool::mark_in_use(std::uint16_t port) {
  state(port) = State::in_use;
  --free_count_;
}

std::optional<std::uint16_t> PortPool::take(bool pair, TimePoint now) {
  end_quarantines(now);
  if (!pair) {
    while (!free_.empty()) {
      const std::uint16_t port = free_.back();
      free_.pop_back();
      if (state(port) == State::free) {
        mark_in_use(port);
        return port;
      }
    }
    return std::nullopt;
  }
  // Walk from the back so the choice stays random; drop stale entries on the way.
  for (std::size_t i = free_.size(); i-- > 0;) {
    const std::uint16_t port = free_[i];
    if (state(port) != State::free) {
      free_[i] = free_.back();
      free_.pop_back();
      continue;
    }
    if (port % 2 != 0 || port >= port_max_ ||
        state(static_cast<std::uint16_t>(port + 1)) != State::free) {
      continue;
    }
    free_[i] = free_.back();
    free_.pop_back();
    mark_in_use(port);
    mark_in_use(static_cast<std::uint16_t>(port + 1));
    return port;
  }
  return std::nullopt;
}

void PortPool::give_back(std::uint16_t port, TimePoint now) {
  if (port < port_min_ || port > port_max_ || state(port) != State::in_use) {
    return;
  }
  state(port) = State::quarantined;
  quarantine_.push_back(Resting{port, now + quarantine_duration_});
}

void PortPool::end_quarantines(TimePoint now) {
  // Compares the durations: clang-tidy 14 misreads the defaulted TimePoint <=>.
  while (!quarantine_.empty() && quarantine_.front().until.since_epoch <= now.since_epoch) {
    const std::uint16_t port = quarantine_.front().port;
    quarantine_.pop_front();
    state(port) = State::free;
    ++free_count_;
    // Insert at a random position so released ports do not come back in release order.
    free_.push_back(port);
    const std::size_t j = random_.next_u64() % free_.size();
    std::swap(free_.back(), free_[j]);
  }
}

}  // namespace tipring::relay
