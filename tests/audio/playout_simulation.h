// Replays a network trace through a JitterBuffer on a simulated receiver clock (10 ms
// pulls), with real codec payloads, and records what a listener would measure: stats,
// the buffer level second by second, and the largest level seen.
#pragma once

#include "audio/codec/audio_codec.h"
#include "audio/jitter/jitter_buffer.h"
#include "tests/audio/network_trace.h"

#include <cstdint>
#include <vector>

namespace tipring::audio::testing {

struct PlayoutResult {
  JitterBufferStats stats;
  std::vector<double> level_ms_per_second;   // mean buffer level in each simulated second
  std::vector<double> target_ms_per_second;  // mean target delay in each simulated second
  double max_level_ms = 0.0;
  std::int64_t pulls = 0;
  double concealment_ratio() const {
    return stats.total_samples_received == 0
               ? 0.0
               : static_cast<double>(stats.concealed_samples) /
                     static_cast<double>(stats.total_samples_received);
  }
};

struct PlayoutOptions {
  CodecSettings codec;         // frame_ms must match the trace
  double extra_seconds = 0.0;  // keep pulling after the last arrival
  JitterBufferConfig buffer;   // clock_rate_hz is set from the codec
};

// Payload for sent frame `index`: a voiced, speech-like harmonic signal, encoded.
PlayoutResult simulate_playout(const Trace& trace, const PlayoutOptions& options);

}  // namespace tipring::audio::testing
