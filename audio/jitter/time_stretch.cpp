#include "audio/jitter/time_stretch.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tipring::audio {

PitchRange pitch_range(int rate_hz) {
  const auto rate = static_cast<std::size_t>(rate_hz);
  return {rate / 400, rate * 15 / 1000};
}

namespace {

constexpr std::size_t kMaxCandidates = 256;

double similarity(std::span<const std::int16_t> pcm, std::size_t lag, std::size_t step) {
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
  return cross / std::sqrt(energy_a * energy_b);
}

}  // namespace

std::size_t best_period(std::span<const std::int16_t> pcm, PitchRange range,
                        std::size_t decimation) {
  const std::size_t step = std::max<std::size_t>(1, decimation);
  std::array<double, kMaxCandidates> scores{};
  std::size_t count = 0;
  double best_score = -2.0;
  for (std::size_t lag = range.min_lag; lag <= range.max_lag && count < scores.size();
       lag += step) {
    scores[count] = similarity(pcm, lag, step);
    best_score = std::max(best_score, scores[count]);
    ++count;
  }
  // Multiples of the period match as well as the period itself; the shortest peak that
  // matches nearly as well moves the level in the smallest, least audible step.
  for (std::size_t i = 0; i < count; ++i) {
    const bool peak =
        (i == 0 || scores[i] >= scores[i - 1]) && (i + 1 == count || scores[i] >= scores[i + 1]);
    if (peak && scores[i] >= best_score - 0.1 * std::abs(best_score)) {
      return range.min_lag + i * step;
    }
  }
  return range.min_lag;
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
