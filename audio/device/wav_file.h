// WAV (RIFF WAVE) reading and writing for the file devices: 16-bit PCM and G.711 (format
// tags 1, 6, 7 and WAVE_FORMAT_EXTENSIBLE with a PCM sub-format), mixed down to mono.
// The parser works on bytes and returns a Result naming the rule a broken file failed; its
// chunk walker (parse_wav_chunks) is the one the line tools and the test probes decode from.
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace tipring::audio {

inline constexpr std::uint16_t kWavFormatPcm = 1;
inline constexpr std::uint16_t kWavFormatFloat = 3;
inline constexpr std::uint16_t kWavFormatAlaw = 6;
inline constexpr std::uint16_t kWavFormatUlaw = 7;

// The fmt and data chunks of a RIFF WAVE image, not yet decoded; each reader checks that
// the format is one it decodes.
struct WavChunks {
  std::uint16_t format_tag = 0;  // WAVE_FORMAT_EXTENSIBLE is resolved to its sub-format
  int channels = 0;
  int rate_hz = 0;
  int bits_per_sample = 0;
  std::span<const std::uint8_t> data;  // up to the image's end when the size is unset
};

// Walks the RIFF chunks to the data chunk, taking the fmt chunk before it.
Result<WavChunks> parse_wav_chunks(std::span<const std::uint8_t> bytes);

struct WavAudio {
  int rate_hz = 0;
  int channels = 0;  // in the file; `samples` is always mono
  std::vector<std::int16_t> samples;
};

Result<WavAudio> parse_wav(std::span<const std::uint8_t> bytes);
Result<WavAudio> read_wav_file(const std::string& path);

// Writes mono 16-bit PCM; the RIFF sizes are patched when the writer closes.
class WavWriter {
public:
  static Result<WavWriter> create(const std::string& path, int rate_hz);
  WavWriter(WavWriter&&) = default;
  WavWriter& operator=(WavWriter&&) = default;
  ~WavWriter();

  void append(std::span<const std::int16_t> samples);
  void close();
  std::uint64_t samples_written() const { return samples_; }

private:
  WavWriter(std::ofstream file, int rate_hz) : file_(std::move(file)), rate_hz_(rate_hz) {}
  void write_header();

  std::ofstream file_;
  int rate_hz_;
  std::uint64_t samples_ = 0;
};

}  // namespace tipring::audio
