// Time as protocol/ sees it: a value passed in by the caller, never read from a clock here.
// The client passes Qt's monotonic time, the relay CLOCK_MONOTONIC, tests a fake clock.
#pragma once

#include <chrono>

namespace tipring {

using Duration = std::chrono::microseconds;

// A point on the caller's monotonic time line, in microseconds since an arbitrary epoch.
struct TimePoint {
  Duration since_epoch{0};

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 flags the synthesized comparison.
  friend constexpr auto operator<=>(TimePoint, TimePoint) = default;
  friend constexpr TimePoint operator+(TimePoint t, Duration d) { return {t.since_epoch + d}; }
  friend constexpr TimePoint operator-(TimePoint t, Duration d) { return {t.since_epoch - d}; }
  friend constexpr Duration operator-(TimePoint a, TimePoint b) {
    return a.since_epoch - b.since_epoch;
  }
  TimePoint& operator+=(Duration d) {
    since_epoch += d;
    return *this;
  }
  static constexpr TimePoint max() { return {Duration::max()}; }
};

}  // namespace tipring
