// WavFileDevice: a WAV file as the microphone and another as the loudspeaker, for
// tipring-cli and the tests. Capture is paced in real time against an injected clock
// (as a sound card would deliver it) or handed out as fast as the caller reads; what is
// heard is recorded at 48 kHz. Files of any rate are resampled to the engine's 48 kHz.
#pragma once

#include "audio/device/audio_device.h"
#include "audio/device/wav_file.h"
#include "protocol/core/time.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tipring::audio {

enum class CapturePacing { real_time, as_fast_as_read };

struct WavDeviceConfig {
  std::string capture_path;  // empty: capture silence
  std::string record_path;   // empty: discard playout
  CapturePacing pacing = CapturePacing::real_time;
  bool loop = false;                 // start the file again at its end instead of going silent
  std::function<TimePoint()> clock;  // required for real_time pacing
};

class WavFileDevice final : public AudioDevice {
public:
  // Reads (and resamples) the capture file up front; errors name the file.
  static Result<std::unique_ptr<WavFileDevice>> open(WavDeviceConfig config);

  tl::expected<void, Error> start() override;
  void stop() override;
  std::size_t read_capture(std::span<std::int16_t> out) override;
  std::size_t write_playout(std::span<const std::int16_t> in) override;
  // Playout drains in real time (real_time pacing) or as capture is read.
  std::size_t playout_queued() const override;
  bool output_is_loudspeaker() const override { return false; }
  bool capture_is_microphone() const override { return false; }

  // True once the whole capture file has been delivered (never with loop).
  bool capture_finished() const;
  std::uint64_t samples_recorded() const { return recorder_ ? recorder_->samples_written() : 0; }

private:
  explicit WavFileDevice(WavDeviceConfig config) : config_(std::move(config)) {}
  std::size_t samples_due() const;

  WavDeviceConfig config_;
  std::vector<std::int16_t> capture_;  // 48 kHz mono
  std::optional<WavWriter> recorder_;
  bool started_ = false;
  TimePoint started_at_;
  std::uint64_t delivered_ = 0;
  std::uint64_t played_ = 0;
};

// Resamples a whole buffer (start-up work, not real-time).
std::vector<std::int16_t> resample_all(std::span<const std::int16_t> in, int from_hz, int to_hz);

}  // namespace tipring::audio
