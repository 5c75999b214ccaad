#include "pots/dsp/tone_correlator.h"

#include "pots/dsp/signal.h"

#include <cmath>
#include <numbers>

namespace tipring::pots {
namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;

double wrap_phase(double phase) {
  return std::remainder(phase, kTwoPi);
}
}  // namespace

ToneCorrelator::ToneCorrelator(double frequency_hz, std::size_t window_length)
    : frequency_hz_(frequency_hz), reference_(window_length) {
  const double w = kTwoPi * frequency_hz / kSampleRateHz;
  for (std::size_t n = 0; n < window_length; ++n) {
    reference_[n] = std::polar(1.0, -w * static_cast<double>(n));
  }
}

std::complex<double> ToneCorrelator::correlate(std::span<const float> window) const {
  double re = 0.0;
  double im = 0.0;
  const std::size_t count = std::min(window.size(), reference_.size());
  for (std::size_t n = 0; n < count; ++n) {
    re += window[n] * reference_[n].real();
    im += window[n] * reference_[n].imag();
  }
  return {re, im};
}

std::complex<double> window_kernel(double delta_rad_per_sample, std::size_t length) {
  const double n = static_cast<double>(length);
  const double half = delta_rad_per_sample / 2.0;
  if (std::abs(std::sin(half)) < 1e-12) {
    return {n, 0.0};
  }
  const double magnitude = std::sin(n * half) / std::sin(half);
  return std::polar(1.0, half * (n - 1.0)) * magnitude;
}

double frequency_from_phase_advance(std::complex<double> earlier, std::complex<double> later,
                                    double reference_hz, std::size_t hop_samples) {
  const double hop = static_cast<double>(hop_samples);
  const double expected = kTwoPi * reference_hz * hop / kSampleRateHz;
  const double advance = std::arg(later * std::conj(earlier));
  const double offset = wrap_phase(advance - expected);
  return reference_hz + offset * kSampleRateHz / (kTwoPi * hop);
}

double tone_amplitude(std::complex<double> correlation, double tone_hz, double reference_hz,
                      std::size_t length) {
  const double delta = kTwoPi * (tone_hz - reference_hz) / kSampleRateHz;
  const double gain = std::abs(window_kernel(delta, length));
  if (gain < 1e-9) {
    return 0.0;
  }
  return 2.0 * std::abs(correlation) / gain;
}

}  // namespace tipring::pots
