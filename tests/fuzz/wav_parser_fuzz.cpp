// libFuzzer target: parse_wav must reject or accept any bytes without crashing, reading
// out of bounds or allocating without bound.
#include "audio/device/wav_file.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto audio = tipring::audio::parse_wav(std::span<const std::uint8_t>(data, size));
  if (audio && audio->samples.size() > size) {
    __builtin_trap();  // mono output can never hold more samples than input bytes
  }
  return 0;
}
