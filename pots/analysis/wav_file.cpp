#include "pots/analysis/wav_file.h"

#include "audio/device/wav_file.h"

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace tipring::pots {
namespace {

constexpr std::string_view kRule = "RIFF/WAVE PCM";

void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
}

void put_u16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8U));
}

}  // namespace

Result<WavAudio> parse_wav(const std::vector<std::uint8_t>& bytes) {
  const auto chunks = audio::parse_wav_chunks(bytes);
  if (!chunks) {
    return fail(kRule, chunks.error().detail);
  }
  if (chunks->format_tag != audio::kWavFormatPcm || chunks->bits_per_sample != 16 ||
      chunks->channels < 1) {
    return fail(kRule, "only 16-bit PCM is supported (format " +
                           std::to_string(chunks->format_tag) + ", " +
                           std::to_string(chunks->bits_per_sample) + " bits)");
  }
  WavAudio audio;
  audio.sample_rate_hz = chunks->rate_hz;
  audio.channels = chunks->channels;
  audio.samples.resize(chunks->data.size() / 2);
  for (std::size_t i = 0; i < audio.samples.size(); ++i) {
    const auto little_endian =
        static_cast<std::uint16_t>(chunks->data[2 * i] | (chunks->data[2 * i + 1] << 8U));
    audio.samples[i] = static_cast<std::int16_t>(little_endian);
  }
  return audio;
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
