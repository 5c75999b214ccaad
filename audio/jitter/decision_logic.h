// DecisionLogic: what the jitter buffer does next, as pure functions of its state (the
// "decision logic" of NetEq's shape), so each rule is tested on its own.
//  * next_fill(): where the next audio comes from — decode the packet that is due, rebuild
//    a lost one from the next packet's FEC, conceal a gap, skip a gap that concealment
//    already covered while the buffer ran dry, or jump to a new timeline.
//  * next_stretch(): whether to speed up (accelerate) or slow down (preemptive expand)
//    playout to steer the buffer level towards the target delay.
#pragma once

#include <cstdint>

namespace tipring::audio {

enum class FillOperation {
  decode,            // the front packet starts exactly at the playout point
  fec_recover,       // exactly one packet is missing and the next one carries FEC
  conceal_gap,       // packets are missing before the front packet: conceal one chunk
  skip_gap,          // the gap was already concealed while the buffer was empty
  conceal_underrun,  // nothing buffered: conceal without moving the timeline
  jump,              // gap longer than any concealment makes sense for: new timeline
};

struct FillState {
  bool have_packet = false;
  std::int64_t gap_samples = 0;     // front packet timestamp - playout timestamp
  std::int64_t front_samples = 0;   // duration of the front packet
  std::int64_t credit_samples = 0;  // concealed during underrun, not yet on the timeline
  bool decoder_has_fec = false;
  std::int64_t max_gap_samples = 0;  // beyond this a gap is a timestamp jump
};

FillOperation next_fill(const FillState& state);

enum class StretchOperation { none, accelerate, preemptive_expand };

struct StretchState {
  double filtered_level_ms = 0.0;  // smoothed buffered audio (packets + decoded)
  double target_delay_ms = 0.0;
  bool enough_decoded = false;  // room in the decoded audio for a pitch-period edit
  bool concealing = false;      // no edits while concealing
};

StretchOperation next_stretch(const StretchState& state);

}  // namespace tipring::audio
