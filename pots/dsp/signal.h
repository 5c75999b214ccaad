// Samples and levels on the line: 8 kHz mono int16 spans, and the dBm0 scale that telephony
// specifies levels in (ITU-T G.711: a full-scale sine is +3.14 dBm0).
// Every DSP part of pots/ works on these types, so the line, the emulated telephone and the
// analysis tools all share one notion of "loud".
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

namespace tipring::pots {

inline constexpr int kSampleRateHz = 8000;

using Samples = std::span<const std::int16_t>;
using MutableSamples = std::span<std::int16_t>;

// Peak amplitude (in int16 units) of a sine at `dbm0`.
double dbm0_to_amplitude(double dbm0);
// Level in dBm0 of a sine with peak amplitude `amplitude`.
double amplitude_to_dbm0(double amplitude);
// Level in dBm0 of a signal with mean square `mean_square` (power of an int16 signal).
double power_to_dbm0(double mean_square);

// Number of samples in `ms` milliseconds at 8 kHz.
inline std::int64_t samples_from_ms(double ms) {
  return std::llround(ms * kSampleRateHz / 1000.0);
}
constexpr double ms_from_samples(std::int64_t samples) {
  return static_cast<double>(samples) * 1000.0 / kSampleRateHz;
}

// Saturating conversion used wherever signals are summed into the int16 line.
std::int16_t saturate(double value);

// Adds `source` into `target` sample by sample, saturating (the line mixes signals).
void mix_into(MutableSamples target, Samples source);

// A sine oscillator with a phase accumulator, so tones stay continuous across blocks.
class Oscillator {
public:
  Oscillator() = default;
  Oscillator(double frequency_hz, double amplitude);

  // The next sample value (not yet rounded).
  double next();
  void set_frequency(double frequency_hz);
  void set_amplitude(double amplitude) { amplitude_ = amplitude; }
  void reset_phase() { phase_ = 0.0; }

private:
  double phase_ = 0.0;
  double step_ = 0.0;
  double amplitude_ = 0.0;
};

}  // namespace tipring::pots
