#include "pots/analysis/wav_file.h"

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace tipring::pots {
namespace {

constexpr std::string_view kRule = "RIFF/WAVE PCM";

std::uint32_t read_u32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8U) |
         (static_cast<std::uint32_t>(b[at + 2]) << 16U) |
         (static_cast<std::uint32_t>(b[at + 3]) << 24U);
}

std::uint16_t read_u16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8U));
}

void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
}

void put_u16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8U));
}

bool tag_at(const std::vector<std::uint8_t>& b, std::size_t at, std::string_view tag) {
  return at + 4 <= b.size() && std::string_view(reinterpret_cast<const char*>(&b[at]), 4) == tag;
}

}  // namespace

Result<WavAudio> parse_wav(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 12 || !tag_at(bytes, 0, "RIFF") || !tag_at(bytes, 8, "WAVE")) {
    return fail(kRule, "not a RIFF/WAVE file");
  }
  WavAudio audio;
  bool have_format = false;
  std::size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const std::uint32_t size = read_u32(bytes, at + 4);
    const std::size_t body = at + 8;
    // Streamed files (espeak-ng --stdout, sox -) leave the data size unset: take the rest.
    const std::size_t available = bytes.size() - body;
    const std::size_t length = std::min<std::size_t>(size, available);
    if (tag_at(bytes, at, "fmt ")) {
      if (length < 16) {
        return fail(kRule, "fmt chunk shorter than 16 bytes");
      }
      const auto format = read_u16(bytes, body);
      audio.channels = read_u16(bytes, body + 2);
      audio.sample_rate_hz = static_cast<int>(read_u32(bytes, body + 4));
      const auto bits = read_u16(bytes, body + 14);
      if ((format != 1 && format != 0xFFFE) || bits != 16 || audio.channels < 1) {
        return fail(kRule, "only 16-bit PCM is supported (format " + std::to_string(format) + ", " +
                               std::to_string(bits) + " bits)");
      }
      have_format = true;
    } else if (tag_at(bytes, at, "data")) {
      if (!have_format) {
        return fail(kRule, "data chunk before fmt chunk");
      }
      audio.samples.resize(length / 2);
      for (std::size_t i = 0; i < audio.samples.size(); ++i) {
        audio.samples[i] = static_cast<std::int16_t>(read_u16(bytes, body + 2 * i));
      }
      return audio;
    }
    at = body + length + (length & 1U);
  }
  return fail(kRule, "no data chunk");
}

Result<WavAudio> read_wav(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(kRule, "cannot open " + path.string());
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  return parse_wav(bytes);
}

std::vector<std::uint8_t> serialize_wav(const WavAudio& audio) {
  const auto data_bytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
  const auto channels = static_cast<std::uint16_t>(audio.channels);
  const auto rate = static_cast<std::uint32_t>(audio.sample_rate_hz);
  std::vector<std::uint8_t> b;
  b.reserve(44 + data_bytes);
  b.insert(b.end(), {'R', 'I', 'F', 'F'});
  put_u32(b, 36 + data_bytes);
  b.insert(b.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
  put_u32(b, 16);
  put_u16(b, 1);
  put_u16(b, channels);
  put_u32(b, rate);
  put_u32(b, rate * channels * 2U);
  put_u16(b, static_cast<std::uint16_t>(channels * 2U));
  put_u16(b, 16);
  b.insert(b.end(), {'d', 'a', 't', 'a'});
  put_u32(b, data_bytes);
  for (std::int16_t s : audio.samples) {
    put_u16(b, static_cast<std::uint16_t>(s));
  }
  return b;
}

Result<void> write_wav(const std::filesystem::path& path, const WavAudio& audio) {
  const auto bytes = serialize_wav(audio);
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    return fail(kRule, "cannot write " + path.string());
  }
  return {};
}

std::vector<std::int16_t> first_channel(const WavAudio& audio) {
  if (audio.channels <= 1) {
    return audio.samples;
  }
  std::vector<std::int16_t> mono;
  mono.reserve(audio.samples.size() / static_cast<std::size_t>(audio.channels));
  for (std::size_t i = 0; i < audio.samples.size(); i += static_cast<std::size_t>(audio.channels)) {
    mono.push_back(audio.samples[i]);
  }
  return mono;
}

}  // namespace tipring::pots
