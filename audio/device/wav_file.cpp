#include "audio/device/wav_file.h"

#include "audio/codec/g711.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>

namespace tipring::audio {
namespace {

constexpr std::string_view kRule = "RIFF WAVE";
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

std::uint16_t u16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}
std::uint32_t u32(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
         (static_cast<std::uint32_t>(b[at + 2]) << 16) |
         (static_cast<std::uint32_t>(b[at + 3]) << 24);
}
bool tag(std::span<const std::uint8_t> b, std::size_t at, std::string_view name) {
  return std::equal(name.begin(), name.end(), b.begin() + static_cast<std::ptrdiff_t>(at),
                    [](char c, std::uint8_t byte) { return static_cast<std::uint8_t>(c) == byte; });
}

// The format fields of a fmt chunk (WAVEFORMATEX; WAVEFORMATEXTENSIBLE's sub-format).
Result<WavChunks> parse_format(std::span<const std::uint8_t> chunk) {
  if (chunk.size() < 16) {
    return fail(kRule, "fmt chunk shorter than 16 bytes");
  }
  WavChunks format;
  format.format_tag = u16(chunk, 0);
  format.channels = u16(chunk, 2);
  format.rate_hz = static_cast<int>(u32(chunk, 4));
  format.bits_per_sample = u16(chunk, 14);
  if (format.format_tag == kFormatExtensible) {
    if (chunk.size() < 26) {
      return fail(kRule, "WAVE_FORMAT_EXTENSIBLE without its sub-format");
    }
    format.format_tag = u16(chunk, 24);  // first two bytes of the sub-format GUID
  }
  return format;
}

// The formats the file devices play: 16-bit PCM and 8-bit G.711, up to 8 channels.
Result<void> check_device_format(const WavChunks& format) {
  if (format.channels == 0 || format.channels > 8) {
    return fail(kRule, "channel count " + std::to_string(format.channels) + " out of range");
  }
  if (format.rate_hz < 1000 || format.rate_hz > 384000) {
    return fail(kRule, "sample rate " + std::to_string(format.rate_hz) + " out of range");
  }
  const bool pcm16 = format.format_tag == kWavFormatPcm && format.bits_per_sample == 16;
  const bool g711 = (format.format_tag == kWavFormatAlaw || format.format_tag == kWavFormatUlaw) &&
                    format.bits_per_sample == 8;
  if (!pcm16 && !g711) {
    return fail(kRule, "only 16-bit PCM and 8-bit G.711 are supported (format " +
                           std::to_string(format.format_tag) + ", " +
                           std::to_string(format.bits_per_sample) + " bits)");
  }
  return {};
}

std::int16_t sample_at(const WavChunks& format, std::size_t i) {
  if (format.format_tag == kWavFormatPcm) {
    return static_cast<std::int16_t>(u16(format.data, i * 2));
  }
  return format.format_tag == kWavFormatUlaw ? g711::ulaw_to_linear(format.data[i])
                                             : g711::alaw_to_linear(format.data[i]);
}

WavAudio mix_down(const WavChunks& format) {
  const auto bytes_per_sample = static_cast<std::size_t>(format.bits_per_sample / 8);
  const auto channels = static_cast<std::size_t>(format.channels);
  const std::size_t frames = format.data.size() / (bytes_per_sample * channels);
  WavAudio audio;
  audio.rate_hz = format.rate_hz;
  audio.channels = format.channels;
  audio.samples.resize(frames);
  for (std::size_t f = 0; f < frames; ++f) {
    int sum = 0;
    for (std::size_t c = 0; c < channels; ++c) {
      sum += sample_at(format, f * channels + c);
    }
    audio.samples[f] = static_cast<std::int16_t>(sum / format.channels);
  }
  return audio;
}

}  // namespace

Result<WavChunks> parse_wav_chunks(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 12 || !tag(bytes, 0, "RIFF") || !tag(bytes, 8, "WAVE")) {
    return fail(kRule, "missing RIFF/WAVE header");
  }
  std::optional<WavChunks> format;
  std::size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const std::uint32_t size = u32(bytes, at + 4);
    const std::size_t body = at + 8;
    const std::size_t available = std::min<std::size_t>(size, bytes.size() - body);
    const auto chunk = bytes.subspan(body, available);
    if (tag(bytes, at, "fmt ")) {
      auto parsed = parse_format(chunk);
      if (!parsed) {
        return tl::unexpected(parsed.error());
      }
      format = *parsed;
    } else if (tag(bytes, at, "data")) {
      if (!format) {
        return fail(kRule, "data chunk before fmt chunk");
      }
      // A streaming writer may leave the size at 0 or 0xFFFFFFFF: take what is there.
      format->data = size == 0 ? bytes.subspan(body) : chunk;
      return *format;
    }
    // Chunks are padded to an even size.
    at = body + static_cast<std::size_t>(size) + (size & 1U);
  }
  return fail(kRule, format ? "no data chunk" : "no fmt chunk");
}

Result<WavAudio> parse_wav(std::span<const std::uint8_t> bytes) {
  auto chunks = parse_wav_chunks(bytes);
  if (!chunks) {
    return tl::unexpected(chunks.error());
  }
  if (auto checked = check_device_format(*chunks); !checked) {
    return tl::unexpected(checked.error());
  }
  return mix_down(*chunks);
}

Result<WavAudio> read_wav_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail("WAV file", "cannot open '" + path + "'");
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                        std::istreambuf_iterator<char>());
  auto audio = parse_wav(bytes);
  if (!audio) {
    return fail(audio.error().rule, path + ": " + audio.error().detail);
  }
  return audio;
}

Result<WavWriter> WavWriter::create(const std::string& path, int rate_hz) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    return fail("WAV file", "cannot create '" + path + "'");
  }
  WavWriter writer(std::move(file), rate_hz);
  writer.write_header();
  return writer;
}

WavWriter::~WavWriter() {
  close();
}

void WavWriter::write_header() {
  const auto data_bytes = static_cast<std::uint32_t>(samples_ * 2);
  const auto rate = static_cast<std::uint32_t>(rate_hz_);
  std::vector<std::uint8_t> header;
  auto put = [&header](std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
      header.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
  };
  auto put_tag = [&header](std::string_view name) {
    header.insert(header.end(), name.begin(), name.end());
  };
  put_tag("RIFF");
  put(36 + data_bytes, 4);
  put_tag("WAVE");
  put_tag("fmt ");
  put(16, 4);
  put(kWavFormatPcm, 2);
  put(1, 2);
  put(rate, 4);
  put(rate * 2, 4);
  put(2, 2);
  put(16, 2);
  put_tag("data");
  put(data_bytes, 4);
  file_.seekp(0);
  file_.write(reinterpret_cast<const char*>(header.data()),
              static_cast<std::streamsize>(header.size()));
  file_.seekp(0, std::ios::end);
}

void WavWriter::append(std::span<const std::int16_t> samples) {
  if (!file_.is_open()) {
    return;
  }
  // Little-endian bytes a block at a time: one stream write per block, not per sample
  // (the media thread records every 10 ms of a call this way).
  std::array<char, 2 * 480> bytes{};
  for (std::size_t done = 0; done < samples.size();) {
    const std::size_t count = std::min(samples.size() - done, bytes.size() / 2);
    for (std::size_t i = 0; i < count; ++i) {
      const auto value = static_cast<std::uint16_t>(samples[done + i]);
      bytes[2 * i] = static_cast<char>(value & 0xFF);
      bytes[2 * i + 1] = static_cast<char>(value >> 8);
    }
    file_.write(bytes.data(), static_cast<std::streamsize>(2 * count));
    done += count;
  }
  samples_ += samples.size();
}

void WavWriter::close() {
  if (file_.is_open()) {
    write_header();
    file_.close();
  }
}

}  // namespace tipring::audio
