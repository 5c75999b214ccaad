// WAV (RIFF WAVE) reading and writing for the file devices: 16-bit PCM and G.711 (format
// tags 1, 6, 7 and WAVE_FORMAT_EXTENSIBLE with a PCM sub-format), mixed down to mono.
// The parser works on bytes and returns a Result naming the rule a broken file failed.
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace tipring::audio {

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
