#include "audio/pipeline/media_pipeline.h"

#include <algorithm>

namespace tipring::audio {
namespace {

constexpr std::size_t kMaxPayload = 1500;

std::int16_t saturate(int value) {
  return static_cast<std::int16_t>(std::clamp(value, -32768, 32767));
}

}  // namespace

Result<std::unique_ptr<MediaPipeline>> MediaPipeline::create(PipelineConfig config) {
  const int codec_rate = clock_rate_hz(config.codec.kind);
  config.jitter.clock_rate_hz = codec_rate;
  config.voice.rate_hz = kEngineRateHz;
  std::unique_ptr<MediaPipeline> pipeline(new MediaPipeline(config));
  auto encoder = make_encoder(config.codec);
  if (!encoder) {
    return tl::unexpected(encoder.error());
  }
  auto decoder = make_decoder(config.codec.kind, config.peer_sends_fec);
  if (!decoder) {
    return tl::unexpected(decoder.error());
  }
  auto voice = VoiceProcessor::create(config.voice);
  if (!voice) {
    return tl::unexpected(voice.error());
  }
  // Streaming resamplers at speexdsp's VoIP quality: a constant filter delay (3 ms from
  // 48 kHz down to G.711's 8 kHz, measured by audio_bench) instead of holding back part of
  // every 10 ms chunk. Opus runs at the engine's 48 kHz, where the resampler is a copy.
  constexpr int kVoipQuality = 3;
  auto to_codec = Resampler::create(kEngineRateHz, codec_rate, kVoipQuality, false);
  auto from_codec = Resampler::create(codec_rate, kEngineRateHz, kVoipQuality, false);
  if (!to_codec || !from_codec) {
    return fail("MediaPipeline", "resampler set-up failed");
  }
  pipeline->encoder_ = std::move(*encoder);
  pipeline->decoder_ = std::move(*decoder);
  pipeline->jitter_ = std::make_unique<JitterBuffer>(*pipeline->decoder_, config.jitter);
  pipeline->voice_ = std::move(*voice);
  pipeline->to_codec_.emplace(std::move(*to_codec));
  pipeline->from_codec_.emplace(std::move(*from_codec));

  const auto codec_10ms = static_cast<std::size_t>(codec_rate / 100);
  pipeline->capture_frame_.assign(pipeline->encoder_->frame_samples(), 0);
  pipeline->capture_scratch_.assign(kEngineFrame10ms, 0);
  pipeline->resampled_.assign(codec_10ms + 16, 0);
  pipeline->payload_.assign(kMaxPayload, 0);
  pipeline->decoded_.assign(pipeline->jitter_->pull_samples(), 0);
  pipeline->playout_pending_.reserve(2 * kEngineFrame10ms);
  pipeline->tone_scratch_.assign(kEngineFrame10ms, 0);
  pipeline->device_scratch_.assign(kEngineFrame10ms, 0);
  pipeline->capture_in_.assign(kEngineFrame10ms, 0);
  return pipeline;
}

void MediaPipeline::set_echo_cancellation(bool on) {
  config_.echo_cancellation = on;
  voice_->set_echo_cancellation(on);
}

std::optional<OutgoingFrame> MediaPipeline::on_capture_frame(std::span<const std::int16_t> pcm48k) {
  std::copy_n(pcm48k.begin(), std::min(pcm48k.size(), capture_scratch_.size()),
              capture_scratch_.begin());
  voice_->process_capture(capture_scratch_);
  const auto resampled = to_codec_->process(capture_scratch_, resampled_);
  std::optional<OutgoingFrame> ready;
  for (std::size_t i = 0; i < resampled.produced; ++i) {
    capture_frame_[capture_fill_++] = resampled_[i];
    if (capture_fill_ < capture_frame_.size()) {
      continue;
    }
    capture_fill_ = 0;
    const std::uint32_t timestamp = next_timestamp_;
    next_timestamp_ += static_cast<std::uint32_t>(capture_frame_.size());
    const auto bytes = encoder_->encode(capture_frame_, payload_);
    if (!bytes || *bytes == 0) {
      last_was_dtx_ = bytes.has_value();
      continue;  // DTX: nothing to send for this frame
    }
    ready =
        OutgoingFrame{std::span(payload_).first(*bytes), timestamp, !sent_any_ || last_was_dtx_};
    sent_any_ = true;
    last_was_dtx_ = false;
  }
  return ready;
}

InsertOutcome MediaPipeline::push_rtp_payload(MediaPacket packet) {
  return jitter_->insert(std::move(packet));
}

void MediaPipeline::pull_playout_frame(std::span<std::int16_t> out48k, TimePoint now) {
  // The codec side runs in 10 ms pulls; the resampler may hand out a few samples more or
  // less per pull, so keep a small pending buffer on the 48 kHz side.
  while (playout_pending_.size() < out48k.size()) {
    jitter_->pull(decoded_, now);
    std::array<std::int16_t, 2 * kEngineFrame10ms> converted{};
    const auto done = from_codec_->process(decoded_, converted);
    playout_pending_.insert(playout_pending_.end(), converted.begin(),
                            converted.begin() + static_cast<std::ptrdiff_t>(done.produced));
  }
  std::copy_n(playout_pending_.begin(), out48k.size(), out48k.begin());
  playout_pending_.erase(playout_pending_.begin(),
                         playout_pending_.begin() + static_cast<std::ptrdiff_t>(out48k.size()));
  if (tone_.playing()) {
    tone_.generate(std::span(tone_scratch_).first(out48k.size()));
    for (std::size_t i = 0; i < out48k.size(); ++i) {
      out48k[i] = saturate(out48k[i] + tone_scratch_[i]);
    }
  }
  voice_->on_playout(out48k);
}

void MediaPipeline::pump(AudioDevice& device, TimePoint now,
                         const std::function<void(const OutgoingFrame&)>& send) {
  voice_->set_echo_cancellation(config_.echo_cancellation.value_or(device.output_is_loudspeaker()));
  voice_->set_noise_suppression(config_.voice.noise_suppression && device.capture_is_microphone());
  // Both loops are bounded so that a device reporting nonsense cannot spin the thread.
  constexpr int kMaxFramesPerPump = 50;
  for (int i = 0; i < kMaxFramesPerPump; ++i) {
    const auto room = std::span(capture_in_).subspan(capture_in_fill_);
    capture_in_fill_ += device.read_capture(room);
    if (capture_in_fill_ < capture_in_.size()) {
      break;
    }
    capture_in_fill_ = 0;
    if (auto frame = on_capture_frame(capture_in_)) {
      send(*frame);
    }
  }
  const std::size_t ahead = config_.playout_ahead_ms * kEngineRateHz / 1000;
  for (int i = 0; i < kMaxFramesPerPump && device.playout_queued() < ahead; ++i) {
    pull_playout_frame(device_scratch_, now);
    if (device.write_playout(device_scratch_) == 0) {
      break;
    }
  }
}

}  // namespace tipring::audio
