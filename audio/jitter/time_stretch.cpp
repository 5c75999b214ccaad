#include "audio/jitter/time_stretch.h"

#include <algorithm>
#include <cmath>

namespace tipring::audio {

PitchRange pitch_range(int rate_hz) {
  const auto rate = static_cast<std::size_t>(rate_hz);
  return {rate / 400, rate * 15 / 1000};
}

std::size_t best_period(std::span<const std::int16_t> pcm, PitchRange range,
                        std::size_t decimation) {
  double best_score = -2.0;
  std::size_t best = range.min_lag;
  const std::size_t step = std::max<std::size_t>(1, decimation);
  for (std::size_t lag = range.min_lag; lag <= range.max_lag; lag += step) {
    double cross = 0.0;
    double energy_a = 1.0;
    double energy_b = 1.0;
    for (std::size_t i = 0; i < lag; i += step) {
      const double a = pcm[i];
      const double b = pcm[i + lag];
      cross += a * b;
      energy_a += a * a;
      energy_b += b * b;
    }
    const double score = cross / std::sqrt(energy_a * energy_b);
    if (score > best_score) {
      best_score = score;
      best = lag;
    }
  }
  return best;
}

namespace {

std::int16_t mix(float fading_out, float fading_in, std::size_t i, std::size_t length) {
  const float w = static_cast<float>(i + 1) / static_cast<float>(length + 1);
  const float value = fading_out * (1.0F - w) + fading_in * w;
  return static_cast<std::int16_t>(std::lround(std::clamp(value, -32768.0F, 32767.0F)));
}

}  // namespace

void crossfade_for_accelerate(std::span<std::int16_t> pcm, std::size_t lag) {
  for (std::size_t i = 0; i < lag; ++i) {
    pcm[lag + i] = mix(pcm[i], pcm[lag + i], i, lag);
  }
}

void crossfade_for_expand(std::span<std::int16_t> prefix, std::span<std::int16_t> pcm) {
  const std::size_t lag = prefix.size();
  std::copy(pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(lag), prefix.begin());
  // After prefix = x[0, L) the output must continue with x[L...] and end the inserted
  // stretch back on x[L]: fade from x[L + i] (continuation) into x[i] (the repeat).
  for (std::size_t i = 0; i < lag; ++i) {
    pcm[i] = mix(pcm[lag + i], pcm[i], i, lag);
  }
}

}  // namespace tipring::audio
