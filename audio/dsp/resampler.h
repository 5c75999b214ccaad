// Resampler: converts mono 16-bit PCM between a device's rate (8, 16, 44.1, 48 kHz, ...)
// and the engine's 48 kHz, with the speexdsp resampler behind an RAII handle. Runs on the
// media thread, never in the audio callback.
#pragma once

#include "protocol/core/error.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

struct SpeexResamplerState_;

namespace tipring::audio {

struct SpeexResamplerDeleter {
  void operator()(SpeexResamplerState_* state) const;
};

class Resampler {
public:
  // quality 0..10 (speexdsp); 5 is its VoIP default.
  static Result<Resampler> create(int input_rate_hz, int output_rate_hz, int quality = 5);

  struct Processed {
    std::size_t consumed = 0;
    std::size_t produced = 0;
  };
  Processed process(std::span<const std::int16_t> in, std::span<std::int16_t> out);
  // Output samples that `input_samples` become, rounded up (to size buffers).
  std::size_t output_for(std::size_t input_samples) const;
  int input_rate_hz() const { return input_rate_; }
  int output_rate_hz() const { return output_rate_; }
  bool passthrough() const { return !state_; }

private:
  Resampler(std::unique_ptr<SpeexResamplerState_, SpeexResamplerDeleter> state, int in, int out)
      : state_(std::move(state)), input_rate_(in), output_rate_(out) {}
  std::unique_ptr<SpeexResamplerState_, SpeexResamplerDeleter> state_;
  int input_rate_;
  int output_rate_;
};

}  // namespace tipring::audio
