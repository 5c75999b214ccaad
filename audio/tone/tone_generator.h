// ToneGenerator: the softphone's own sounds — ringtone (ringer device), ringback and DTMF
// key feedback (ITU-T Q.23 frequency pairs) — from a small table of tone shapes: up to two
// frequencies, a level and an on/off cadence. National call-progress plans live in pots/;
// this is only what the desktop client plays locally.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tipring::audio {

struct ToneShape {
  std::string_view name;
  double frequency1_hz = 0.0;
  double frequency2_hz = 0.0;       // 0: single frequency
  double level_dbfs = -12.0;        // per frequency
  std::array<int, 4> cadence_ms{};  // on, off, on, off; all zero: continuous
  bool repeat = true;               // false: play the cadence once (key feedback)
};

// "ringtone", "ringback", "busy", or a DTMF key "0".."9", "*", "#", "A".."D".
std::optional<ToneShape> find_tone(std::string_view name);

class ToneGenerator {
public:
  explicit ToneGenerator(int rate_hz) : rate_hz_(rate_hz) {}

  void start(const ToneShape& shape);
  void stop() { playing_ = false; }
  bool playing() const { return playing_; }
  // Writes the next samples (silence when stopped or in an off period); returns true
  // while the tone is still going.
  bool generate(std::span<std::int16_t> out);

private:
  bool in_on_period() const;

  int rate_hz_;
  ToneShape shape_;
  bool playing_ = false;
  std::uint64_t position_ = 0;  // samples since start
  double phase1_ = 0.0;
  double phase2_ = 0.0;
};

}  // namespace tipring::audio
