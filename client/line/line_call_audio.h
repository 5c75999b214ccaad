// LineCallAudio: one call's audio between the line (8 kHz, on the owner's thread) and the
// call's media session (48 kHz, on its media thread). The media session sees an
// audio::AudioDevice like any sound card; the line side reads and writes through the same
// two lock-free SPSC rings, so neither thread waits for the other.
#pragma once

#include "audio/device/audio_device.h"
#include "audio/dsp/resampler.h"
#include "audio/ring/spsc_ring.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>

namespace tipring::client {

// The rings one call's device and the line share (the device may outlive the line's use
// of it and the other way round, so both hold it).
struct LineCallRings {
  // About 170 ms each at 48 kHz: a stalled reader costs at most that much latency.
  audio::SpscRing<std::int16_t> to_call{8192};
  audio::SpscRing<std::int16_t> from_call{8192};
};

// The device the call's MediaSession opens (media thread side).
class LineCallDevice final : public audio::AudioDevice {
public:
  explicit LineCallDevice(std::shared_ptr<LineCallRings> rings) : rings_(std::move(rings)) {}

  tl::expected<void, Error> start() override { return {}; }
  void stop() override {}
  std::size_t read_capture(std::span<std::int16_t> out) override {
    return rings_->to_call.read(out);
  }
  std::size_t write_playout(std::span<const std::int16_t> in) override {
    return rings_->from_call.write(in);
  }
  std::size_t playout_queued() const override { return rings_->from_call.size(); }
  // A telephone handset: no acoustic echo to cancel on this path.
  bool output_is_loudspeaker() const override { return false; }

private:
  std::shared_ptr<LineCallRings> rings_;
};

// The line's end of one call's audio: 8 kHz blocks in and out, resampled to the engine rate.
class LineCallAudio {
public:
  static constexpr std::size_t kBlock8k = 80;  // 10 ms

  static Result<LineCallAudio> create(std::shared_ptr<LineCallRings> rings);

  // 10 ms of the telephone's audio towards the call.
  void send(std::span<const std::int16_t> block_8k);
  // 10 ms of the call's audio towards the telephone (silence where the call sent none).
  void receive(std::span<std::int16_t> block_8k);
  // Drops what queued up while the call was not on the line (hold), so it resumes live.
  void flush();

private:
  LineCallAudio(std::shared_ptr<LineCallRings> rings, audio::Resampler up, audio::Resampler down)
      : rings_(std::move(rings)), up_(std::move(up)), down_(std::move(down)) {}

  std::shared_ptr<LineCallRings> rings_;
  audio::Resampler up_;    // 8 -> 48 kHz
  audio::Resampler down_;  // 48 -> 8 kHz
  std::array<std::int16_t, audio::kEngineFrame10ms> scratch_{};
};

}  // namespace tipring::client
