// CallbackBridge: everything the real-time audio callback is allowed to touch — two
// lock-free rings and a few atomic counters. on_audio() copies interleaved device
// samples into the capture ring and out of the playout ring; no allocation, lock, log or
// system call (a test counts allocations made while in_audio_callback() is true).
#pragma once

#include "audio/ring/spsc_ring.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tipring::audio {

// True on a thread while it runs CallbackBridge::on_audio(); for allocation checks.
bool in_audio_callback();

class CallbackBridge {
public:
  // Ring capacities in device-rate mono samples.
  CallbackBridge(std::size_t ring_samples, int input_channels, int output_channels);

  // Called by the audio callback. `input` may be null (output-only stream), `output` may
  // be null (input-only stream); both interleaved with the channel counts given above.
  void on_audio(const std::int16_t* input, std::int16_t* output, std::size_t frames);

  SpscRing<std::int16_t>& capture() { return capture_; }
  SpscRing<std::int16_t>& playout() { return playout_; }
  std::uint64_t callbacks() const { return callbacks_.load(std::memory_order_relaxed); }
  std::uint64_t underrun_samples() const { return underruns_.load(std::memory_order_relaxed); }
  std::uint64_t overrun_samples() const { return overruns_.load(std::memory_order_relaxed); }

private:
  static constexpr std::size_t kChunk = 256;
  SpscRing<std::int16_t> capture_;
  SpscRing<std::int16_t> playout_;
  int input_channels_;
  int output_channels_;
  std::atomic<std::uint64_t> callbacks_{0};
  std::atomic<std::uint64_t> underruns_{0};
  std::atomic<std::uint64_t> overruns_{0};
};

}  // namespace tipring::audio
