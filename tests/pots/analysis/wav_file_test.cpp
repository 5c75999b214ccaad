#include "pots/analysis/wav_file.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

TEST(WavFile, SerialisesAndParsesPcm16) {
  const WavAudio audio{8000, 1, {0, 1, -1, 32767, -32768}};
  const auto bytes = serialize_wav(audio);
  EXPECT_EQ(bytes.size(), 44U + 10U);
  const auto parsed = parse_wav(bytes).value();
  EXPECT_EQ(parsed.sample_rate_hz, 8000);
  EXPECT_EQ(parsed.samples, audio.samples);
}

TEST(WavFile, TakesTheFirstChannelOfStereo) {
  const WavAudio stereo{8000, 2, {1, 100, 2, 200, 3, 300}};
  EXPECT_EQ(first_channel(parse_wav(serialize_wav(stereo)).value()),
            (std::vector<std::int16_t>{1, 2, 3}));
}

TEST(WavFile, ReadsStreamedFilesWithoutADataSize) {
  auto bytes = serialize_wav(WavAudio{22050, 1, {5, 6, 7}});
  // espeak-ng --stdout writes 0xFFFFFFFF as the data size.
  bytes[40] = bytes[41] = bytes[42] = bytes[43] = 0xFF;
  EXPECT_EQ(parse_wav(bytes).value().samples, (std::vector<std::int16_t>{5, 6, 7}));
}

struct Broken {
  const char* what;
  std::vector<std::uint8_t> bytes;
};

class WavRejects : public testing::TestWithParam<Broken> {};

TEST_P(WavRejects, Malformed) {
  EXPECT_FALSE(parse_wav(GetParam().bytes)) << GetParam().what;
}

std::vector<std::uint8_t> eight_bit() {
  auto bytes = serialize_wav(WavAudio{8000, 1, {1}});
  bytes[34] = 8;
  return bytes;
}

INSTANTIATE_TEST_SUITE_P(
    Files, WavRejects,
    testing::Values(Broken{"empty", {}},
                    Broken{"not RIFF", {'R', 'I', 'F', 'X', 0, 0, 0, 0, 'W', 'A', 'V', 'E'}},
                    Broken{"8-bit", eight_bit()},
                    Broken{"no data", {'R', 'I', 'F', 'F', 4, 0, 0, 0, 'W', 'A', 'V', 'E'}}));

}  // namespace
}  // namespace tipring::pots
