#include "audio/device/null_device.h"

#include <algorithm>

namespace tipring::audio {

std::size_t NullDevice::read_capture(std::span<std::int16_t> out) {
  if (!started_) {
    return 0;
  }
  std::fill(out.begin(), out.end(), std::int16_t{0});
  captured_ += out.size();
  return out.size();
}

std::size_t NullDevice::write_playout(std::span<const std::int16_t> in) {
  if (!started_) {
    return 0;
  }
  played_ += in.size();
  return in.size();
}

}  // namespace tipring::audio
