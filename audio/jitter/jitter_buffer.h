// JitterBuffer: turns RTP packets arriving with jitter, loss, reordering and duplication
// into a steady 10 ms-per-pull stream of PCM (RFC 3550 §6.4.1 receiver timing). Composed
// of small parts in NetEq's shape: PacketBuffer (ordering), DelayManager (target delay),
// DecisionLogic (what to do next), the codec's concealment and FEC, and time stretching
// (accelerate / preemptive expand) that keeps the level at the target, which is what
// absorbs sender/receiver clock drift. Runs on the media thread, never in the callback.
#pragma once

#include "audio/codec/audio_codec.h"
#include "audio/jitter/delay_manager.h"
#include "audio/jitter/jitter_stats.h"
#include "audio/jitter/media_packet.h"
#include "audio/jitter/packet_buffer.h"
#include "audio/jitter/sample_fifo.h"
#include "audio/jitter/time_stretch.h"

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tipring::audio {

struct JitterBufferConfig {
  int clock_rate_hz = 48000;
  int pull_ms = 10;
  double min_delay_ms = 20.0;
  double max_delay_ms = 1000.0;
  std::size_t max_packets = 250;
  // A timestamp that disagrees with its sequence number by more than this starts a new
  // timeline instead of being concealed up to.
  int max_gap_ms = 1000;
};

class JitterBuffer {
public:
  JitterBuffer(AudioDecoder& decoder, JitterBufferConfig config);

  InsertOutcome insert(MediaPacket packet);
  // Fills `out` (exactly pull_samples() samples) with the next 10 ms of audio.
  void pull(std::span<std::int16_t> out, TimePoint now);

  std::size_t pull_samples() const { return pull_samples_; }
  const JitterBufferStats& stats() const { return stats_; }
  double target_delay_ms() const { return delay_.target_delay_ms(); }
  // Audio buffered ahead of the playout point (decoded and still in packets), in ms.
  double buffer_level_ms() const;

private:
  void start_stream(const MediaPacket& packet);
  bool is_duplicate(std::int64_t sequence) const;
  void mark_received(std::int64_t sequence);
  void fill(TimePoint now);
  void decode_front(TimePoint now);
  void conceal(std::size_t samples);
  void decode_ahead_for_stretch(TimePoint now);
  void stretch();
  double samples_to_ms(double samples) const;

  AudioDecoder& decoder_;
  JitterBufferConfig config_;
  std::size_t pull_samples_;
  PitchRange pitch_;
  PacketBuffer packets_;
  DelayManager delay_;
  SampleFifo decoded_;
  JitterBufferStats stats_;

  bool have_stream_ = false;
  std::uint32_t ssrc_ = 0;
  Unwrapper<std::uint16_t> sequence_unwrapper_;
  Unwrapper<std::uint32_t> timestamp_unwrapper_;
  std::int64_t first_sequence_ = 0;
  std::int64_t highest_sequence_ = 0;
  std::int64_t highest_sequence_timestamp_ = 0;
  std::int64_t last_packet_samples_ = 0;
  std::uint64_t received_in_stream_ = 0;
  std::int64_t lost_in_previous_streams_ = 0;
  static constexpr std::size_t kSequenceWindow = 1024;
  std::bitset<kSequenceWindow> received_window_;

  bool playing_ = false;
  TimePoint first_arrival_;
  std::int64_t playout_timestamp_ = 0;
  std::int64_t credit_samples_ = 0;
  bool concealing_ = false;
  double filtered_level_ms_ = 0.0;
};

}  // namespace tipring::audio
