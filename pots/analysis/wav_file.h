// RIFF/WAVE reading and writing for line recordings (PCM 16-bit, channels kept
// interleaved), used by the analysis and generation tools (`line-analyze`,
// `line-generate`) and by tests. The chunk walking is the audio module's (parse_wav_chunks);
// its WAV devices mix down to mono for the pipeline, these keep the file as recorded.
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
