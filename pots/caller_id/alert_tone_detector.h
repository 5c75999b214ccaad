// AlertToneDetector: finds the dual-tone alerting signal that announces caller ID —
// GR-30-CORE's CAS (2130+2750 Hz, 75-85 ms, off-hook before type 2 data) and EN 300 659's
// DT-AS (same pair, about 100 ms, before on-hook data). Reports each burst whose length
// falls in the accepted range, when it ends.
#pragma once

#include "pots/dsp/signal.h"
#include "pots/dsp/tone_correlator.h"

#include <cstdint>
#include <vector>

namespace tipring::pots {

struct AlertTone {
  std::int64_t start_sample;
  double duration_ms;
};

class AlertToneDetector {
public:
  static constexpr std::size_t kWindow = 80;  // 10 ms
  static constexpr std::size_t kHop = 40;

  explicit AlertToneDetector(double min_ms = 60.0, double max_ms = 130.0,
                             double min_level_dbm0 = -35.0);
  void process(Samples in, std::vector<AlertTone>& out);

private:
  bool window_has_tones();

  double min_ms_;
  double max_ms_;
  double min_level_dbm0_;
  ToneCorrelator low_;
  ToneCorrelator high_;
  std::vector<float> window_;
  std::size_t filled_ = kWindow - kHop;
  std::int64_t consumed_ = 0;
  int run_ = 0;
  std::int64_t run_start_ = 0;
};

}  // namespace tipring::pots
