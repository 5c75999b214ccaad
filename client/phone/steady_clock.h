// The client's time line for the sans-IO core: the monotonic clock as a TimePoint, and a
// RandomSource backed by the operating system's generator (tags, branches, Call-IDs).
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"

#include <QRandomGenerator>
#include <chrono>

namespace tipring::client {

inline TimePoint steady_now() {
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch())};
}

class SystemRandom final : public RandomSource {
public:
  std::uint64_t next_u64() override { return QRandomGenerator::system()->generate64(); }
};

}  // namespace tipring::client
