#include "pots/tones/tone_player.h"

namespace tipring::pots {

void TonePlayer::play(const ToneSignal& signal) {
  signal_ = signal;
  phase_ = 0;
  segment_ = 0;
  cycles_done_ = 0;
  playing_ = !signal_.empty() && !signal_.phases.front().segments.empty();
  if (playing_) {
    enter_segment();
  }
}

void TonePlayer::stop() {
  playing_ = false;
}

void TonePlayer::enter_segment() {
  const auto& segment = signal_.phases[phase_].segments[segment_];
  segment_left_ = std::max<std::int64_t>(1, samples_from_ms(segment.duration_ms));
  active_ = std::min(segment.components.size(), kMaxComponents);
  for (std::size_t i = 0; i < active_; ++i) {
    const double hz = segment.components[i].frequency_hz;
    const double amplitude = dbm0_to_amplitude(segment.components[i].level_dbm0);
    // Keep the phase across segments of the same frequency (a steady tone must not click).
    if (hz_[i] != hz) {
      oscillators_[i] = Oscillator(hz, amplitude);
      hz_[i] = hz;
    } else {
      oscillators_[i].set_amplitude(amplitude);
    }
  }
}

void TonePlayer::advance() {
  const auto& phase = signal_.phases[phase_];
  if (++segment_ < phase.segments.size()) {
    enter_segment();
    return;
  }
  segment_ = 0;
  ++cycles_done_;
  if (phase.repeat != 0 && cycles_done_ >= phase.repeat) {
    cycles_done_ = 0;
    if (++phase_ >= signal_.phases.size()) {
      playing_ = false;
      return;
    }
  }
  enter_segment();
}

void TonePlayer::render(MutableSamples out) {
  for (auto& sample : out) {
    if (!playing_) {
      sample = 0;
      continue;
    }
    double value = 0.0;
    for (std::size_t i = 0; i < active_; ++i) {
      value += oscillators_[i].next();
    }
    sample = saturate(value);
    if (--segment_left_ == 0) {
      advance();
    }
  }
}

std::vector<std::int16_t> render_tone(const ToneSignal& signal, double ms) {
  TonePlayer player;
  player.play(signal);
  std::vector<std::int16_t> out(static_cast<std::size_t>(samples_from_ms(ms)));
  player.render(out);
  return out;
}

}  // namespace tipring::pots
