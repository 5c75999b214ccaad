#include "pots/caller_id/alert_tone_detector.h"

#include <algorithm>

namespace tipring::pots {

AlertToneDetector::AlertToneDetector(double min_ms, double max_ms, double min_level_dbm0)
    : min_ms_(min_ms),
      max_ms_(max_ms),
      min_level_dbm0_(min_level_dbm0),
      low_(2130.0, kWindow),
      high_(2750.0, kWindow),
      window_(kWindow, 0.0F) {}

bool AlertToneDetector::window_has_tones() {
  double energy = 0.0;
  for (float v : window_) {
    energy += static_cast<double>(v) * v;
  }
  const double mean_square = energy / kWindow;
  if (power_to_dbm0(mean_square) < min_level_dbm0_) {
    return false;
  }
  const double n2 = static_cast<double>(kWindow * kWindow);
  const double low = 2.0 * std::norm(low_.correlate(window_)) / n2;
  const double high = 2.0 * std::norm(high_.correlate(window_)) / n2;
  // Both tones present, within 6 dB of each other, and together most of the energy.
  return low + high >= 0.7 * mean_square && low >= 0.25 * high && high >= 0.25 * low;
}

void AlertToneDetector::process(Samples in, std::vector<AlertTone>& out) {
  for (std::int16_t s : in) {
    window_[filled_++] = static_cast<float>(s);
    ++consumed_;
    if (filled_ < kWindow) {
      continue;
    }
    const std::int64_t window_start = consumed_ - static_cast<std::int64_t>(kWindow);
    if (window_has_tones()) {
      if (run_++ == 0) {
        run_start_ = window_start;
      }
    } else if (run_ > 0) {
      // Windows count once the tones fill 70 % of them (the energy-share test), so a run
      // of n windows is a tone of about n hops plus 0.4 of a window.
      const double ms =
          ms_from_samples(static_cast<std::int64_t>(run_) * static_cast<std::int64_t>(kHop)) +
          0.4 * ms_from_samples(static_cast<std::int64_t>(kWindow));
      if (ms >= min_ms_ && ms <= max_ms_) {
        out.push_back(AlertTone{run_start_, ms});
      }
      run_ = 0;
    }
    std::copy(window_.begin() + kHop, window_.end(), window_.begin());
    filled_ = kWindow - kHop;
  }
}

}  // namespace tipring::pots
