// VoiceProcessor: acoustic echo cancellation and noise suppression (optional AGC) for the
// microphone signal, with speexdsp's echo canceller and preprocessor behind RAII handles.
// Far-end (what the loudspeaker plays) goes in through on_playout(); the microphone goes
// through process_capture(). 10 ms frames at the engine rate; media thread only.
#pragma once

#include "protocol/core/error.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct SpeexEchoState_;
struct SpeexPreprocessState_;

namespace tipring::audio {

struct SpeexEchoDeleter {
  void operator()(SpeexEchoState_* state) const;
};
struct SpeexPreprocessDeleter {
  void operator()(SpeexPreprocessState_* state) const;
};

struct VoiceProcessingConfig {
  int rate_hz = 48000;
  bool echo_cancellation = true;  // on by default for loudspeakers; off for headsets
  bool noise_suppression = true;
  bool automatic_gain = false;
  int echo_tail_ms = 128;  // longest echo path the filter models
};

class VoiceProcessor {
public:
  static Result<std::unique_ptr<VoiceProcessor>> create(VoiceProcessingConfig config);

  std::size_t frame_samples() const { return frame_; }
  // What was just sent to the loudspeaker (one frame).
  void on_playout(std::span<const std::int16_t> frame);
  // Cleans one microphone frame in place.
  void process_capture(std::span<std::int16_t> frame);

  void set_echo_cancellation(bool on) { config_.echo_cancellation = on; }
  bool echo_cancellation() const { return config_.echo_cancellation; }
  void set_noise_suppression(bool on);
  bool noise_suppression() const { return config_.noise_suppression; }

private:
  VoiceProcessor(VoiceProcessingConfig config, std::size_t frame);

  static constexpr std::size_t kFarFrames = 8;
  VoiceProcessingConfig config_;
  std::size_t frame_;
  std::unique_ptr<SpeexEchoState_, SpeexEchoDeleter> echo_;
  std::unique_ptr<SpeexPreprocessState_, SpeexPreprocessDeleter> preprocess_;
  // Far-end frames waiting for the microphone frame they echo into.
  std::vector<std::int16_t> far_;
  std::size_t far_frames_ = 0;
  std::vector<std::int16_t> cleaned_;
};

}  // namespace tipring::audio
