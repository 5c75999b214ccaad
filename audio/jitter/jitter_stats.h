// Jitter buffer statistics, named after the W3C webrtc-stats RTCInboundRtpStreamStats
// members (https://www.w3.org/TR/webrtc-stats/#inboundrtpstats-dict*) so that the call
// quality view and getStats()-style reports use one vocabulary.
#pragma once

#include <cstdint>

namespace tipring::audio {

struct JitterBufferStats {
  // jitterBufferDelay: sum over emitted decoded samples of the time each spent from its
  // packet's arrival to leaving the buffer, in seconds.
  double jitter_buffer_delay_s = 0.0;
  // jitterBufferTargetDelay: sum over the same samples of the target delay at the time.
  double jitter_buffer_target_delay_s = 0.0;
  // jitterBufferEmittedCount: decoded (not concealed) samples that left the buffer.
  std::uint64_t jitter_buffer_emitted_count = 0;
  std::uint64_t total_samples_received = 0;  // totalSamplesReceived: all samples played out
  std::uint64_t concealed_samples = 0;       // concealedSamples
  std::uint64_t concealment_events = 0;      // concealmentEvents
  std::uint64_t inserted_samples_for_deceleration = 0;  // insertedSamplesForDeceleration
  std::uint64_t removed_samples_for_acceleration = 0;   // removedSamplesForAcceleration
  std::int64_t packets_lost = 0;            // packetsLost (RFC 3550 expected - received)
  std::uint64_t packets_received = 0;       // packetsReceived (unique)
  std::uint64_t packets_discarded = 0;      // packetsDiscarded: late or flushed
  std::uint64_t packets_duplicated = 0;     // duplicates dropped (not in packetsReceived)
  std::uint64_t fec_packets_recovered = 0;  // lost frames rebuilt from the next packet's FEC
  double jitter_s = 0.0;                    // jitter (RFC 3550 §6.4.1), seconds

  double mean_delay_ms() const {
    return jitter_buffer_emitted_count == 0
               ? 0.0
               : 1000.0 * jitter_buffer_delay_s / static_cast<double>(jitter_buffer_emitted_count);
  }
};

}  // namespace tipring::audio
