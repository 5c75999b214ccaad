#include "audio/jitter/delay_manager.h"

#include <algorithm>
#include <cmath>

namespace tipring::audio {
namespace {

double to_ms(Duration d) {
  return static_cast<double>(d.count()) / 1000.0;
}

}  // namespace

DelayManager::DelayManager(DelayManagerConfig config)
    : config_(config), target_ms_(config.min_target_ms) {}

void DelayManager::reset() {
  count_ = 0;
  next_ = 0;
  have_reference_ = false;
  jitter_rtp_units_ = 0.0;
  target_ms_ = config_.min_target_ms;
}

void DelayManager::on_packet(std::int64_t rtp_timestamp, std::size_t packet_samples,
                             TimePoint arrival) {
  const double rate_per_ms = config_.clock_rate_hz / 1000.0;
  if (!have_reference_) {
    have_reference_ = true;
    reference_timestamp_ = rtp_timestamp;
    reference_arrival_ = arrival;
    last_arrival_ = arrival;
    last_timestamp_ = rtp_timestamp;
    last_transit_ = 0.0;
  }
  const double media_ms = static_cast<double>(rtp_timestamp - reference_timestamp_) / rate_per_ms;
  const double relative = to_ms(arrival - reference_arrival_) - media_ms;

  // RFC 3550 §6.4.1: J += (|D| - J) / 16, in timestamp units.
  const double transit = relative * rate_per_ms;
  if (count_ > 0) {
    jitter_rtp_units_ += (std::abs(transit - last_transit_) - jitter_rtp_units_) / 16.0;
  }
  last_transit_ = transit;

  const double elapsed_ms = std::max(0.0, to_ms(arrival - last_arrival_));
  last_arrival_ = std::max(last_arrival_, arrival);
  last_timestamp_ = std::max(last_timestamp_, rtp_timestamp);

  relative_delay_ms_[next_] = relative;
  next_ = (next_ + 1) % kWindow;
  count_ = std::min(count_ + 1, kWindow);

  const double packet_ms = static_cast<double>(packet_samples) / rate_per_ms;
  const double wanted = std::clamp(window_quantile_above_minimum() + packet_ms,
                                   config_.min_target_ms, config_.max_target_ms);
  if (wanted >= target_ms_) {
    target_ms_ = wanted;  // fast up: late packets cost audible concealment
  } else {
    const double step = config_.decrease_ms_per_second * elapsed_ms / 1000.0;
    target_ms_ = std::max(wanted, target_ms_ - step);  // slow down
  }
}

double DelayManager::window_quantile_above_minimum() {
  const auto begin = relative_delay_ms_.begin();
  const auto end = begin + static_cast<std::ptrdiff_t>(count_);
  const double minimum = *std::min_element(begin, end);
  auto out = scratch_.begin();
  for (auto it = begin; it != end; ++it, ++out) {
    *out = *it - minimum;
  }
  const auto rank = static_cast<std::size_t>(config_.quantile * static_cast<double>(count_ - 1));
  const auto nth = scratch_.begin() + static_cast<std::ptrdiff_t>(rank);
  std::nth_element(scratch_.begin(), nth, scratch_.begin() + static_cast<std::ptrdiff_t>(count_));
  return *nth;
}

}  // namespace tipring::audio
