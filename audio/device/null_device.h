// NullDevice: captures silence and discards playout, for calls without audio hardware
// (servers, tests, a client told --no-audio). Counts what passed through.
#pragma once

#include "audio/device/audio_device.h"

namespace tipring::audio {

class NullDevice final : public AudioDevice {
public:
  tl::expected<void, Error> start() override {
    started_ = true;
    return {};
  }
  void stop() override { started_ = false; }
  std::size_t read_capture(std::span<std::int16_t> out) override;
  std::size_t write_playout(std::span<const std::int16_t> in) override;
  // Playout drains as capture is read, as a sound card would play while it records.
  std::size_t playout_queued() const override {
    return played_ > captured_ ? static_cast<std::size_t>(played_ - captured_) : 0;
  }
  bool output_is_loudspeaker() const override { return false; }
  bool capture_is_microphone() const override { return false; }

  std::uint64_t samples_captured() const { return captured_; }
  std::uint64_t samples_played() const { return played_; }

private:
  bool started_ = false;
  std::uint64_t captured_ = 0;
  std::uint64_t played_ = 0;
};

}  // namespace tipring::audio
