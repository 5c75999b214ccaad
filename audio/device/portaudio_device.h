// PortAudioDevice: a sound card stream (full duplex, capture only, or playout only — the
// ringer is an output-only device of its own) opened by stable device name. The callback
// only moves samples through CallbackBridge; resampling to and from the engine's 48 kHz
// happens here on the media thread. A device that stops delivering (unplugged) is closed
// and the stream reopened on the system default, reported through poll_event().
#pragma once

#include "audio/device/audio_device.h"
#include "audio/device/callback_bridge.h"
#include "audio/device/portaudio_library.h"
#include "audio/dsp/resampler.h"
#include "protocol/core/time.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace tipring::audio {

struct PortAudioConfig {
  std::optional<DeviceName> input;   // nullopt: no capture (e.g. the ringer)
  std::optional<DeviceName> output;  // nullopt: no playout
  DeviceRole output_role = DeviceRole::output;
  double suggested_latency_s = 0.02;
  std::size_t ring_ms = 200;         // capacity of each ring
  Duration stall_timeout{500'000};   // no callback for this long: the device is gone
  bool loudspeaker = true;           // echo cancellation default for this output
  std::function<TimePoint()> clock;  // defaults to the steady clock
};

struct PortAudioStreamDeleter {
  void operator()(void* stream) const;
};

class PortAudioDevice final : public AudioDevice {
public:
  static Result<std::unique_ptr<PortAudioDevice>> create(PortAudioLibrary& library,
                                                         PortAudioConfig config);
  ~PortAudioDevice() override;

  tl::expected<void, Error> start() override;
  void stop() override;
  std::size_t read_capture(std::span<std::int16_t> out) override;
  std::size_t write_playout(std::span<const std::int16_t> in) override;
  std::size_t playout_queued() const override;
  std::optional<DeviceEvent> poll_event() override;
  bool output_is_loudspeaker() const override { return config_.loudspeaker; }

  int device_rate_hz() const { return rate_hz_; }
  const std::optional<DeviceDescription>& input_device() const { return input_; }
  const std::optional<DeviceDescription>& output_device() const { return output_; }
  const CallbackBridge* bridge() const { return bridge_.get(); }

private:
  PortAudioDevice(PortAudioLibrary& library, PortAudioConfig config);
  tl::expected<void, Error> open_stream(bool use_defaults);
  void close_stream();
  TimePoint now() const;

  PortAudioLibrary& library_;
  PortAudioConfig config_;
  std::optional<DeviceDescription> input_;
  std::optional<DeviceDescription> output_;
  int rate_hz_ = kEngineRateHz;
  std::unique_ptr<CallbackBridge> bridge_;
  std::unique_ptr<void, PortAudioStreamDeleter> stream_;
  std::optional<Resampler> capture_resampler_;
  std::optional<Resampler> playout_resampler_;
  std::vector<std::int16_t> capture_pending_;  // device-rate samples not yet resampled
  std::vector<std::int16_t> scratch_;
  std::vector<DeviceEvent> events_;
  bool running_ = false;
  std::uint64_t last_callbacks_ = 0;
  TimePoint last_progress_;
};

}  // namespace tipring::audio
