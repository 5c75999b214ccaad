#include "audio/jitter/decision_logic.h"

#include <algorithm>

namespace tipring::audio {

FillOperation next_fill(const FillState& state) {
  if (!state.have_packet) {
    return FillOperation::conceal_underrun;
  }
  if (state.gap_samples <= 0) {
    return FillOperation::decode;
  }
  if (state.credit_samples > 0) {
    return FillOperation::skip_gap;  // skips min(gap, credit)
  }
  if (state.gap_samples > state.max_gap_samples) {
    return FillOperation::jump;
  }
  if (state.decoder_has_fec && state.gap_samples == state.front_samples) {
    return FillOperation::fec_recover;
  }
  return FillOperation::conceal_gap;
}

StretchOperation next_stretch(const StretchState& state) {
  if (!state.enough_decoded || state.concealing) {
    return StretchOperation::none;
  }
  // Hysteresis around the target: wide enough that a packet's sawtooth never triggers
  // an edit, narrow enough that ±100 ppm drift is trimmed long before anyone hears it.
  const double high = state.target_delay_ms + std::max(15.0, state.target_delay_ms * 0.25);
  const double low = state.target_delay_ms - std::max(8.0, state.target_delay_ms * 0.15);
  if (state.filtered_level_ms > high) {
    return StretchOperation::accelerate;
  }
  if (state.filtered_level_ms < low) {
    return StretchOperation::preemptive_expand;
  }
  return StretchOperation::none;
}

}  // namespace tipring::audio
