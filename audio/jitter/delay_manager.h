// DelayManager: chooses the jitter buffer's target delay from observed arrival times (the
// "delay manager" of NetEq's shape). Each packet's relative delay is its arrival time
// minus its RTP time, measured against the fastest packet of a sliding window (so sender
// clock drift washes out); the target is the 95th percentile of that plus one packet,
// raised at once when jitter grows and lowered slowly when it shrinks. Also keeps the
// RFC 3550 §6.4.1 interarrival jitter estimate.
#pragma once

#include "protocol/core/time.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace tipring::audio {

struct DelayManagerConfig {
  int clock_rate_hz = 48000;
  double min_target_ms = 20.0;
  double max_target_ms = 1000.0;
  double decrease_ms_per_second = 5.0;  // how fast the target may come down
  double quantile = 0.95;
};

class DelayManager {
public:
  static constexpr std::size_t kWindow = 256;  // packets (about 5 s of 20 ms packets)

  explicit DelayManager(DelayManagerConfig config);

  // Called for every packet accepted into the buffer, in arrival order.
  void on_packet(std::int64_t rtp_timestamp, std::size_t packet_samples, TimePoint arrival);
  void reset();

  double target_delay_ms() const { return target_ms_; }
  // RFC 3550 interarrival jitter, in seconds.
  double jitter_seconds() const { return jitter_rtp_units_ / config_.clock_rate_hz; }

private:
  double window_quantile_above_minimum();

  DelayManagerConfig config_;
  std::array<double, kWindow> relative_delay_ms_{};
  std::array<double, kWindow> scratch_{};
  std::size_t count_ = 0;
  std::size_t next_ = 0;
  bool have_reference_ = false;
  std::int64_t reference_timestamp_ = 0;
  TimePoint reference_arrival_;
  TimePoint last_arrival_;
  std::int64_t last_timestamp_ = 0;
  double last_transit_ = 0.0;
  double jitter_rtp_units_ = 0.0;
  double target_ms_;
};

}  // namespace tipring::audio
