#include "audio/dsp/echo_canceller.h"

#include <algorithm>

#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

namespace tipring::audio {

void SpeexEchoDeleter::operator()(SpeexEchoState_* state) const {
  speex_echo_state_destroy(state);
}
void SpeexPreprocessDeleter::operator()(SpeexPreprocessState_* state) const {
  speex_preprocess_state_destroy(state);
}

Result<std::unique_ptr<VoiceProcessor>> VoiceProcessor::create(VoiceProcessingConfig config) {
  if (config.rate_hz < 8000 || config.rate_hz > 48000) {
    return fail("speexdsp", "voice processing rate must be 8..48 kHz");
  }
  const auto frame = static_cast<std::size_t>(config.rate_hz / 100);
  std::unique_ptr<VoiceProcessor> processor(new VoiceProcessor(config, frame));
  const int tail = config.rate_hz * config.echo_tail_ms / 1000;
  processor->echo_.reset(speex_echo_state_init(static_cast<int>(frame), tail));
  processor->preprocess_.reset(
      speex_preprocess_state_init(static_cast<int>(frame), config.rate_hz));
  if (!processor->echo_ || !processor->preprocess_) {
    return fail("speexdsp", "echo canceller or preprocessor set-up failed");
  }
  int rate = config.rate_hz;
  speex_echo_ctl(processor->echo_.get(), SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  speex_preprocess_ctl(processor->preprocess_.get(), SPEEX_PREPROCESS_SET_ECHO_STATE,
                       processor->echo_.get());
  int denoise = config.noise_suppression ? 1 : 0;
  speex_preprocess_ctl(processor->preprocess_.get(), SPEEX_PREPROCESS_SET_DENOISE, &denoise);
  int agc = config.automatic_gain ? 1 : 0;
  speex_preprocess_ctl(processor->preprocess_.get(), SPEEX_PREPROCESS_SET_AGC, &agc);
  return processor;
}

VoiceProcessor::VoiceProcessor(VoiceProcessingConfig config, std::size_t frame)
    : config_(config), frame_(frame), far_(kFarFrames * frame, 0), cleaned_(frame, 0) {}

void VoiceProcessor::set_noise_suppression(bool on) {
  if (on == config_.noise_suppression) {
    return;
  }
  config_.noise_suppression = on;
  int denoise = on ? 1 : 0;
  speex_preprocess_ctl(preprocess_.get(), SPEEX_PREPROCESS_SET_DENOISE, &denoise);
}

void VoiceProcessor::on_playout(std::span<const std::int16_t> frame) {
  // Without echo cancellation nothing consumes the far end; queueing it would only
  // shift a full queue on every frame.
  if (frame.size() != frame_ || !config_.echo_cancellation) {
    return;
  }
  if (far_frames_ == kFarFrames) {
    // The microphone side stalled; keep the newest far-end audio.
    std::shift_left(far_.begin(), far_.end(), static_cast<std::ptrdiff_t>(frame_));
    --far_frames_;
  }
  std::copy(frame.begin(), frame.end(),
            far_.begin() + static_cast<std::ptrdiff_t>(far_frames_ * frame_));
  ++far_frames_;
}

void VoiceProcessor::process_capture(std::span<std::int16_t> frame) {
  if (frame.size() != frame_) {
    return;
  }
  if (config_.echo_cancellation) {
    // Without far-end audio queued the loudspeaker was silent: cancel against zeros so the
    // filter keeps its timing.
    std::span<const std::int16_t> far(far_.data(), frame_);
    std::vector<std::int16_t>& silence = cleaned_;
    if (far_frames_ == 0) {
      std::fill(silence.begin(), silence.end(), std::int16_t{0});
    }
    std::array<std::int16_t, 960> out{};
    const std::span<std::int16_t> out_span(out.data(), frame_);
    speex_echo_cancellation(echo_.get(), frame.data(),
                            far_frames_ == 0 ? silence.data() : far.data(), out_span.data());
    std::copy(out_span.begin(), out_span.end(), frame.begin());
    if (far_frames_ > 0) {
      std::shift_left(far_.begin(), far_.end(), static_cast<std::ptrdiff_t>(frame_));
      --far_frames_;
    }
  }
  if (config_.noise_suppression || config_.automatic_gain || config_.echo_cancellation) {
    speex_preprocess_run(preprocess_.get(), frame.data());
  }
}

}  // namespace tipring::audio
