// Pitch-synchronous time stretching on decoded PCM (the accelerate / preemptive-expand
// operations of NetEq's shape): remove or repeat one pitch period, joined by a linear
// cross-fade, so the buffer level moves by 2.5–15 ms without an audible click.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tipring::audio {

struct PitchRange {
  std::size_t min_lag = 0;  // samples
  std::size_t max_lag = 0;  // samples; the edit needs 2 * max_lag samples of input
};

// 2.5 ms .. 15 ms at the given rate.
PitchRange pitch_range(int rate_hz);

// The lag in `range` whose period best repeats at the start of `pcm`
// (pcm.size() >= 2 * range.max_lag). `decimation` subsamples the search.
std::size_t best_period(std::span<const std::int16_t> pcm, PitchRange range,
                        std::size_t decimation);

// Cross-fades pcm[0, L) into pcm[L, 2L) in place; the caller then drops the first L
// samples, having removed one period.
void crossfade_for_accelerate(std::span<std::int16_t> pcm, std::size_t lag);

// Given room for L samples before pcm (prefix.size() == L, pcm.size() >= 2L), writes
// pcm[0, L) to prefix and cross-fades pcm[0, L) into a repeat; the caller then exposes
// prefix + pcm, having inserted one period.
void crossfade_for_expand(std::span<std::int16_t> prefix, std::span<std::int16_t> pcm);

}  // namespace tipring::audio
