// Measurements on PCM used by the audio tests: level, SNR, and the dominant frequency
// (Goertzel scan), so assertions can be made about what a listener would hear.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

namespace tipring::audio::testing {

inline std::vector<std::int16_t> sine(double frequency_hz, double amplitude, int rate_hz,
                                      std::size_t samples, std::size_t start = 0) {
  std::vector<std::int16_t> pcm(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(start + i) / rate_hz;
    pcm[i] = static_cast<std::int16_t>(
        std::lround(amplitude * std::sin(2.0 * std::numbers::pi * frequency_hz * t)));
  }
  return pcm;
}

inline double rms(std::span<const std::int16_t> pcm) {
  double sum = 0.0;
  for (auto s : pcm) {
    sum += static_cast<double>(s) * s;
  }
  return pcm.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(pcm.size()));
}

inline double snr_db(std::span<const std::int16_t> reference, std::span<const std::int16_t> test) {
  double signal = 0.0;
  double noise = 0.0;
  for (std::size_t i = 0; i < reference.size() && i < test.size(); ++i) {
    const double r = reference[i];
    const double e = r - test[i];
    signal += r * r;
    noise += e * e;
  }
  return 10.0 * std::log10(signal / std::max(noise, 1e-9));
}

// Power at `frequency_hz` (Goertzel), normalised by the length.
inline double power_at(std::span<const std::int16_t> pcm, double frequency_hz, int rate_hz) {
  const double w = 2.0 * std::numbers::pi * frequency_hz / rate_hz;
  const double coefficient = 2.0 * std::cos(w);
  double s1 = 0.0;
  double s2 = 0.0;
  for (auto sample : pcm) {
    const double s0 = sample + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return power / static_cast<double>(pcm.size() * pcm.size());
}

// The strongest frequency between `low` and `high`, scanned in `step` Hz.
inline double dominant_frequency(std::span<const std::int16_t> pcm, int rate_hz, double low,
                                 double high, double step) {
  double best = low;
  double best_power = -1.0;
  for (double f = low; f <= high; f += step) {
    const double p = power_at(pcm, f, rate_hz);
    if (p > best_power) {
      best_power = p;
      best = f;
    }
  }
  return best;
}

}  // namespace tipring::audio::testing
