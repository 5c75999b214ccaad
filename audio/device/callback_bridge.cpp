#include "audio/device/callback_bridge.h"

#include <algorithm>
#include <array>

namespace tipring::audio {
namespace {

thread_local bool t_in_callback = false;

struct CallbackScope {
  CallbackScope() { t_in_callback = true; }
  ~CallbackScope() { t_in_callback = false; }
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;
};

}  // namespace

bool in_audio_callback() {
  return t_in_callback;
}

CallbackBridge::CallbackBridge(std::size_t ring_samples, int input_channels, int output_channels)
    : capture_(ring_samples),
      playout_(ring_samples),
      input_channels_(std::max(1, input_channels)),
      output_channels_(std::max(1, output_channels)) {}

void CallbackBridge::on_audio(const std::int16_t* input, std::int16_t* output, std::size_t frames) {
  const CallbackScope scope;
  callbacks_.fetch_add(1, std::memory_order_relaxed);
  // Mono on the engine side: take the first channel in, copy to every channel out. Work
  // in stack chunks so nothing is allocated whatever the buffer size.
  std::array<std::int16_t, kChunk> mono{};
  const auto in_channels = static_cast<std::size_t>(input_channels_);
  const auto out_channels = static_cast<std::size_t>(output_channels_);
  for (std::size_t done = 0; done < frames; done += kChunk) {
    const std::size_t n = std::min(kChunk, frames - done);
    if (input != nullptr) {
      for (std::size_t i = 0; i < n; ++i) {
        mono[i] = input[(done + i) * in_channels];
      }
      const std::size_t written = capture_.write(std::span<const std::int16_t>(mono.data(), n));
      if (written < n) {
        overruns_.fetch_add(n - written, std::memory_order_relaxed);
      }
    }
    if (output != nullptr) {
      const std::size_t read = playout_.read(std::span<std::int16_t>(mono.data(), n));
      std::fill(mono.begin() + static_cast<std::ptrdiff_t>(read),
                mono.begin() + static_cast<std::ptrdiff_t>(n), std::int16_t{0});
      if (read < n) {
        underruns_.fetch_add(n - read, std::memory_order_relaxed);
      }
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t c = 0; c < out_channels; ++c) {
          output[(done + i) * out_channels + c] = mono[i];
        }
      }
    }
  }
}

}  // namespace tipring::audio
