#include "relay_server/app/rate_limiter.h"

#include <algorithm>
#include <cstring>

namespace tipring::relay {

SourceKey source_key(const SocketAddress& address) {
  SourceKey key{};
  if (address.is_ipv4()) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address.data());
    key[10] = 0xff;
    key[11] = 0xff;
    std::memcpy(key.data() + 12, &v4->sin_addr, 4);
  } else if (address.is_ipv6()) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address.data());
    std::memcpy(key.data(), &v6->sin6_addr, 16);
  }
  return key;
}

std::size_t SourceRateLimiter::KeyHash::operator()(const SourceKey& key) const {
  // FNV-1a: the key is an address an attacker chooses, but the table is bounded and the
  // buckets small, so a collision flood costs lookups, not memory.
  std::uint64_t hash = 14695981039346656037ULL;
  for (auto byte : key) {
    hash = (hash ^ byte) * 1099511628211ULL;
  }
  return static_cast<std::size_t>(hash);
}

SourceRateLimiter::SourceRateLimiter(std::size_t capacity, TokenBucketParams params)
    : capacity_(std::max<std::size_t>(1, capacity)), params_(params) {
  index_.reserve(capacity_);
}

bool SourceRateLimiter::allow(const SourceKey& source, TimePoint now) {
  auto found = index_.find(source);
  if (found == index_.end()) {
    if (index_.size() >= capacity_) {
      index_.erase(recency_.back().source);
      recency_.pop_back();
      ++evictions_;
    }
    recency_.push_front(Bucket{source, params_.burst, now});
    found = index_.emplace(source, recency_.begin()).first;
  } else {
    recency_.splice(recency_.begin(), recency_, found->second);
  }
  Bucket& bucket = *found->second;
  const double elapsed_s =
      std::chrono::duration<double>(std::max(Duration{0}, now - bucket.refilled_at)).count();
  bucket.tokens = std::min(params_.burst, bucket.tokens + elapsed_s * params_.rate_per_second);
  bucket.refilled_at = std::max(bucket.refilled_at, now);
  if (bucket.tokens < 1.0) {
    return false;
  }
  bucket.tokens -= 1.0;
  return true;
}

}  // namespace tipring::relay
