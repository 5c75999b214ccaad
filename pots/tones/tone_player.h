// TonePlayer: plays a ToneSignal (a plan's dial, busy, howler...) with its cadence on the
// sample clock, block by block, so the line can mix it into what the telephone hears.
// Rendering does not allocate: up to four components per segment.
#pragma once

#include "pots/dsp/signal.h"
#include "pots/tones/tone_plan.h"

#include <array>
#include <cstdint>
#include <vector>

namespace tipring::pots {

class TonePlayer {
public:
  static constexpr std::size_t kMaxComponents = 4;

  // Starts `signal` from its first segment (replacing whatever was playing).
  void play(const ToneSignal& signal);
  void stop();
  // Fills `out` (silence when nothing plays or the signal has ended).
  void render(MutableSamples out);
  [[nodiscard]] bool playing() const { return playing_; }

private:
  void enter_segment();
  void advance();

  ToneSignal signal_;
  bool playing_ = false;
  std::size_t phase_ = 0;
  std::size_t segment_ = 0;
  int cycles_done_ = 0;
  std::int64_t segment_left_ = 0;
  std::array<Oscillator, kMaxComponents> oscillators_{};
  std::array<double, kMaxComponents> hz_{};
  std::size_t active_ = 0;
};

// `ms` milliseconds of `signal`, for tests and line-generate.
std::vector<std::int16_t> render_tone(const ToneSignal& signal, double ms);

}  // namespace tipring::pots
