// A minimal RIFF/WAVE reader and writer for line recordings (PCM 16-bit), used by the
// analysis and generation tools (`line-analyze`, `line-generate`) and by tests. The audio
// module's WAV devices serve the audio pipeline; this one only moves analysis files.
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tipring::pots {

struct WavAudio {
  int sample_rate_hz = 8000;
  int channels = 1;
  std::vector<std::int16_t> samples;  // interleaved when channels > 1
};

// Parses a RIFF/WAVE image holding 16-bit PCM.
Result<WavAudio> parse_wav(const std::vector<std::uint8_t>& bytes);
Result<WavAudio> read_wav(const std::filesystem::path& path);

std::vector<std::uint8_t> serialize_wav(const WavAudio& audio);
Result<void> write_wav(const std::filesystem::path& path, const WavAudio& audio);

// The first channel of `audio` (line recordings are mono; a stereo file is read as left).
std::vector<std::int16_t> first_channel(const WavAudio& audio);

}  // namespace tipring::pots
