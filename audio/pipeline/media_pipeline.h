// MediaPipeline: one call's audio path, driven by the client's media thread (it owns no
// thread). Capture: 48 kHz microphone frames -> echo cancellation / noise suppression ->
// resample to the codec rate -> encode -> RTP payloads (RFC 3550 §5.1 timestamps at the
// codec clock). Playout: RTP payloads -> jitter buffer -> decode/conceal -> 48 kHz frames
// for the device, which also feed the echo canceller as far-end reference.
#pragma once

#include "audio/codec/audio_codec.h"
#include "audio/device/audio_device.h"
#include "audio/dsp/echo_canceller.h"
#include "audio/dsp/resampler.h"
#include "audio/jitter/jitter_buffer.h"
#include "audio/tone/tone_generator.h"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace tipring::audio {

struct PipelineConfig {
  CodecSettings codec;
  bool peer_sends_fec = false;        // answer had useinbandfec=1
  JitterBufferConfig jitter;          // clock_rate_hz is set from the codec
  VoiceProcessingConfig voice;        // rate_hz is the engine rate; noise suppression
                                      // only for devices whose capture is a microphone
  std::size_t playout_ahead_ms = 30;  // how far pump() keeps the device queue filled
  // Per-device choice; unset: on for loudspeakers, off for headsets and files (pump()
  // asks the device).
  std::optional<bool> echo_cancellation;
};

// One encoded frame ready to send: payload bytes and the RTP timestamp (codec clock,
// counted from the pipeline's start; the RTP layer adds its random offset).
struct OutgoingFrame {
  std::span<const std::uint8_t> payload;
  std::uint32_t rtp_timestamp = 0;
  bool marker = false;  // first packet after silence suppression (RFC 3551 §4.1)
};

class MediaPipeline {
public:
  static Result<std::unique_ptr<MediaPipeline>> create(PipelineConfig config);

  // Capture: exactly 10 ms (480 samples) at 48 kHz. Returns a frame when one is complete.
  std::optional<OutgoingFrame> on_capture_frame(std::span<const std::int16_t> pcm48k);
  // Receive: a packet from the RTP layer.
  InsertOutcome push_rtp_payload(MediaPacket packet);
  // Playout: exactly 10 ms at 48 kHz.
  void pull_playout_frame(std::span<std::int16_t> out48k, TimePoint now);

  // One media-thread step with a device: encode all captured audio (sending each frame
  // through `send`) and keep the device's playout queue `playout_ahead_ms` deep.
  void pump(AudioDevice& device, TimePoint now,
            const std::function<void(const OutgoingFrame&)>& send);

  void set_reported_loss_percent(int percent) { encoder_->set_reported_loss_percent(percent); }
  void set_bitrate_bps(int bitrate_bps) { encoder_->set_bitrate_bps(bitrate_bps); }
  // The user's per-device choice; overrides the loudspeaker default.
  void set_echo_cancellation(bool on);
  bool echo_cancellation_active() const { return voice_->echo_cancellation(); }
  bool noise_suppression_active() const { return voice_->noise_suppression(); }
  // Mixes a local tone (ringback, key feedback) into what the device plays.
  void play_tone(const ToneShape& shape) { tone_.start(shape); }
  void stop_tone() { tone_.stop(); }

  const JitterBufferStats& receive_stats() const { return jitter_->stats(); }
  double target_delay_ms() const { return jitter_->target_delay_ms(); }
  const CodecSettings& codec() const { return config_.codec; }

private:
  explicit MediaPipeline(const PipelineConfig& config) : config_(config), tone_(kEngineRateHz) {}

  PipelineConfig config_;
  std::unique_ptr<AudioEncoder> encoder_;
  std::unique_ptr<AudioDecoder> decoder_;
  std::unique_ptr<JitterBuffer> jitter_;
  std::unique_ptr<VoiceProcessor> voice_;
  std::optional<Resampler> to_codec_;
  std::optional<Resampler> from_codec_;
  ToneGenerator tone_;

  std::vector<std::int16_t> capture_frame_;  // codec-rate samples being collected
  std::size_t capture_fill_ = 0;
  std::vector<std::int16_t> capture_scratch_;  // 10 ms at 48 kHz, cleaned
  std::vector<std::int16_t> resampled_;        // 10 ms at the codec rate
  std::vector<std::uint8_t> payload_;
  std::uint32_t next_timestamp_ = 0;
  bool sent_any_ = false;
  bool last_was_dtx_ = false;

  std::vector<std::int16_t> decoded_;          // 10 ms at the codec rate
  std::vector<std::int16_t> playout_pending_;  // 48 kHz samples resampled but not handed out
  std::vector<std::int16_t> tone_scratch_;
  std::vector<std::int16_t> device_scratch_;
  std::vector<std::int16_t> capture_in_;  // 48 kHz samples read from the device so far
  std::size_t capture_in_fill_ = 0;
};

}  // namespace tipring::audio
