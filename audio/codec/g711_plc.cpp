#include "audio/codec/g711_plc.h"

#include <algorithm>
#include <cmath>

namespace tipring::audio {
namespace {

constexpr std::size_t k10ms = 80;
constexpr std::size_t kSilentAfter = 6 * k10ms;  // 60 ms
constexpr std::size_t kCorrelationWindow = 160;  // 20 ms of the most recent history

std::size_t find_pitch(std::span<const std::int16_t> history) {
  // Normalised cross-correlation between the last 20 ms and the same span `lag` earlier.
  const std::size_t end = history.size();
  const std::size_t start = end - kCorrelationWindow;
  double best_score = -1.0;
  std::size_t best_lag = G711Concealer::kMinPitch;
  for (std::size_t lag = G711Concealer::kMinPitch; lag <= G711Concealer::kMaxPitch; ++lag) {
    double cross = 0.0;
    double energy = 1.0;
    for (std::size_t i = start; i < end; ++i) {
      const double past = history[i - lag];
      cross += past * history[i];
      energy += past * past;
    }
    const double score = cross / std::sqrt(energy);
    if (score > best_score) {
      best_score = score;
      best_lag = lag;
    }
  }
  return best_lag;
}

}  // namespace

void G711Concealer::reset() {
  history_.fill(0);
  erased_ = 0;
  position_ = 0;
  periods_ = 1;
}

void G711Concealer::start_loss() {
  pitch_ = find_pitch(history_);
  pitch_buffer_ = history_;
  periods_ = 1;
  // Continue exactly where the signal stopped: the sample after the end is the one a
  // period earlier, so playback starts one period back from the end.
  position_ = 0;
}

float G711Concealer::gain_at(std::size_t erased_sample) const {
  if (erased_sample < k10ms) {
    return 1.0F;
  }
  if (erased_sample >= kSilentAfter) {
    return 0.0F;
  }
  // 20 % less per 10 ms after the first 10 ms, linearly within each 10 ms.
  const float tens = static_cast<float>(erased_sample - k10ms) / static_cast<float>(k10ms);
  return std::max(0.0F, 1.0F - 0.2F * tens);
}

std::int16_t G711Concealer::next_synthetic() {
  const std::size_t span = pitch_ * periods_;
  const std::size_t base = kHistory - span;
  const std::int16_t sample = pitch_buffer_[base + position_];
  position_ = (position_ + 1) % span;
  return sample;
}

void G711Concealer::conceal(std::span<std::int16_t> out) {
  if (erased_ == 0) {
    start_loss();
  }
  for (auto& sample : out) {
    // Use more of the history as the loss grows so the repetition sounds less buzzy.
    const std::size_t wanted = std::min<std::size_t>(3, 1 + erased_ / k10ms);
    if (wanted != periods_ && pitch_ * wanted <= kHistory) {
      position_ = (position_ + pitch_ * (wanted - periods_)) % (pitch_ * wanted);
      periods_ = wanted;
    }
    const float value = static_cast<float>(next_synthetic()) * gain_at(erased_);
    sample = static_cast<std::int16_t>(std::lround(value));
    ++erased_;
  }
  remember(out);
}

void G711Concealer::on_good_frame(std::span<std::int16_t> frame) {
  if (erased_ > 0) {
    // Overlap-add from the synthetic continuation into the real signal: a quarter period,
    // plus 4 ms for every further 10 ms of loss, at most 10 ms (Appendix I's rule).
    const std::size_t extra = (erased_ > k10ms ? (erased_ - k10ms) / k10ms : 0) * 32;
    const std::size_t overlap = std::min({pitch_ / 4 + extra, k10ms, frame.size()});
    for (std::size_t i = 0; i < overlap; ++i) {
      const float w = static_cast<float>(i + 1) / static_cast<float>(overlap + 1);
      const float synthetic = static_cast<float>(next_synthetic()) * gain_at(erased_ + i);
      const float mixed = synthetic * (1.0F - w) + static_cast<float>(frame[i]) * w;
      frame[i] = static_cast<std::int16_t>(std::lround(std::clamp(mixed, -32768.0F, 32767.0F)));
    }
    erased_ = 0;
  }
  remember(frame);
}

void G711Concealer::remember(std::span<const std::int16_t> frame) {
  if (frame.size() >= kHistory) {
    std::copy(frame.end() - static_cast<std::ptrdiff_t>(kHistory), frame.end(), history_.begin());
    return;
  }
  std::shift_left(history_.begin(), history_.end(), static_cast<std::ptrdiff_t>(frame.size()));
  std::copy(frame.begin(), frame.end(), history_.end() - static_cast<std::ptrdiff_t>(frame.size()));
}

}  // namespace tipring::audio
