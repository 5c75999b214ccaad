// MutedMicrophone: wraps the call's audio device so that mute replaces what the microphone
// captured with silence before the pipeline encodes it. The encoder keeps running, so the
// RTP timeline stays continuous and Opus sends its small silence frames (or nothing with
// DTX). The flag is an atomic set from the owner's thread and read on the media thread.
#pragma once

#include "audio/device/audio_device.h"

#include <algorithm>
#include <atomic>
#include <memory>

namespace tipring::client {

class MutedMicrophone final : public audio::AudioDevice {
public:
  MutedMicrophone(std::unique_ptr<audio::AudioDevice> device, const std::atomic<bool>& muted)
      : device_(std::move(device)), muted_(muted) {}

  tl::expected<void, Error> start() override { return device_->start(); }
  void stop() override { device_->stop(); }
  std::size_t read_capture(std::span<std::int16_t> out) override {
    const std::size_t read = device_->read_capture(out);
    if (muted_.load(std::memory_order_relaxed)) {
      std::fill_n(out.begin(), read, std::int16_t{0});
    }
    return read;
  }
  std::size_t write_playout(std::span<const std::int16_t> in) override {
    return device_->write_playout(in);
  }
  std::size_t playout_queued() const override { return device_->playout_queued(); }
  std::optional<audio::DeviceEvent> poll_event() override { return device_->poll_event(); }
  bool output_is_loudspeaker() const override { return device_->output_is_loudspeaker(); }
  bool capture_is_microphone() const override { return device_->capture_is_microphone(); }

private:
  std::unique_ptr<audio::AudioDevice> device_;
  const std::atomic<bool>& muted_;
};

}  // namespace tipring::client
