// SourceRateLimiter: per-source-IP token buckets for REGISTER and INVITE floods (the
// protection Kamailio's pike module gives: a source above its rate is refused). Memory is
// bounded: a fixed number of sources is tracked and the least recently seen is forgotten
// first. Time is passed in, so tests drive it with a fake clock.
#pragma once

#include "protocol/core/time.h"
#include "relay_server/app/socket_address.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

namespace tipring::relay {

struct TokenBucketParams {
  double rate_per_second = 1;  // refill rate
  double burst = 1;            // bucket size: requests allowed at once
};

// A source IP (not port: a flooder changes ports) as 16 bytes, IPv4 mapped into IPv6.
using SourceKey = std::array<std::uint8_t, 16>;
SourceKey source_key(const SocketAddress& address);

class SourceRateLimiter {
public:
  SourceRateLimiter(std::size_t capacity, TokenBucketParams params);

  // Takes one token from the source's bucket; false (refuse) when it is empty.
  bool allow(const SourceKey& source, TimePoint now);
  // New limits apply to every tracked source from its next request (SIGHUP).
  void set_params(TokenBucketParams params) { params_ = params; }

  [[nodiscard]] std::size_t tracked() const { return index_.size(); }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] std::uint64_t evictions() const { return evictions_; }

private:
  struct Bucket {
    SourceKey source;
    double tokens;
    TimePoint refilled_at;
  };
  struct KeyHash {
    std::size_t operator()(const SourceKey& key) const;
  };

  std::size_t capacity_;
  TokenBucketParams params_;
  std::list<Bucket> recency_;  // front: most recently seen
  std::unordered_map<SourceKey, std::list<Bucket>::iterator, KeyHash> index_;
  std::uint64_t evictions_ = 0;
};

}  // namespace tipring::relay
