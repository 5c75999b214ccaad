// DtmfGenerator: plays DTMF keys (ITU-T Q.23) onto the line as sample blocks, with the
// timing and levels of a telephone keypad (default 100 ms on, 100 ms off, low tone
// -8 dBm0 and high tone -6 dBm0, i.e. 2 dB normal twist as telephones pre-emphasise).
#pragma once

#include "pots/dsp/signal.h"

#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

namespace tipring::pots {

struct DtmfToneSettings {
  double on_ms = 100.0;
  double off_ms = 100.0;
  double low_dbm0 = -8.0;
  double high_dbm0 = -6.0;
  // Multiplies the nominal frequencies (1.0 + deviation), for tests at tolerance edges.
  double low_frequency_scale = 1.0;
  double high_frequency_scale = 1.0;
};

class DtmfGenerator {
public:
  explicit DtmfGenerator(DtmfToneSettings settings = {}) : settings_(settings) {}

  // Queues keys; characters that are not DTMF keys are skipped. Returns how many were queued.
  std::size_t queue(std::string_view keys);
  // Fills `out` with the queued tones (and silence once the queue is empty).
  void render(MutableSamples out);
  // True while a key or its trailing pause is still being played.
  [[nodiscard]] bool busy() const { return !pending_.empty() || remaining_ > 0; }
  void set_settings(const DtmfToneSettings& settings) { settings_ = settings; }

private:
  void start_next_key();

  DtmfToneSettings settings_;
  std::deque<char> pending_;
  Oscillator low_;
  Oscillator high_;
  std::int64_t remaining_ = 0;  // samples left of the current key's tone plus pause
  std::int64_t tone_left_ = 0;  // samples left of its tone
};

// Convenience for tests and line-generate: the keys as one buffer.
std::vector<std::int16_t> generate_dtmf(std::string_view keys, const DtmfToneSettings& settings);

}  // namespace tipring::pots
