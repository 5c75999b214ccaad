#include "pots/dsp/signal.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tipring::pots {
namespace {
// G.711: the digital milliwatt is 3.14 dB below a full-scale sine.
constexpr double kFullScaleDbm0 = 3.14;
constexpr double kFullScale = 32767.0;
}  // namespace

double dbm0_to_amplitude(double dbm0) {
  return kFullScale * std::pow(10.0, (dbm0 - kFullScaleDbm0) / 20.0);
}

double amplitude_to_dbm0(double amplitude) {
  if (amplitude <= 0.0) {
    return -200.0;
  }
  return kFullScaleDbm0 + 20.0 * std::log10(amplitude / kFullScale);
}

double power_to_dbm0(double mean_square) {
  // A sine of peak A has mean square A^2/2.
  return amplitude_to_dbm0(std::sqrt(2.0 * std::max(mean_square, 0.0)));
}

std::int16_t saturate(double value) {
  return static_cast<std::int16_t>(std::lround(std::clamp(value, -32768.0, 32767.0)));
}

void mix_into(MutableSamples target, Samples source) {
  const auto count = std::min(target.size(), source.size());
  for (std::size_t i = 0; i < count; ++i) {
    target[i] = saturate(static_cast<double>(target[i]) + static_cast<double>(source[i]));
  }
}

Oscillator::Oscillator(double frequency_hz, double amplitude) : amplitude_(amplitude) {
  set_frequency(frequency_hz);
}

void Oscillator::set_frequency(double frequency_hz) {
  step_ = 2.0 * std::numbers::pi * frequency_hz / kSampleRateHz;
}

double Oscillator::next() {
  const double value = amplitude_ * std::sin(phase_);
  phase_ += step_;
  if (phase_ > 2.0 * std::numbers::pi) {
    phase_ -= 2.0 * std::numbers::pi;
  }
  return value;
}

}  // namespace tipring::pots
