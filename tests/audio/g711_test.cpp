#include "audio/codec/g711.h"

#include "audio/codec/g711_codec.h"
#include "tests/audio/signal_analysis.h"

#include <vector>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

// Decoder output values from ITU-T G.711 Table 2 (mu-law, 14-bit) and Table 1 (A-law,
// 13-bit), scaled to 16 bits (x4 and x8). Mu-law code words are bit-inverted on the line.
struct CodeValue {
  std::uint8_t code;
  int value;
};

TEST(G711, MuLawDecodesToTheG711TableValues) {
  const std::vector<CodeValue> table = {
      {0xFF, 0},      {0xFE, 2 * 4},   {0xF0, 30 * 4},    {0xEF, 33 * 4},
      {0xE0, 93 * 4}, {0xDF, 99 * 4},  {0x9F, 2079 * 4},  {0x80, 8031 * 4},
      {0x7E, -2 * 4}, {0x6F, -33 * 4}, {0x00, -8031 * 4},
  };
  for (const auto& entry : table) {
    EXPECT_EQ(g711::ulaw_to_linear(entry.code), entry.value) << std::hex << int{entry.code};
  }
}

TEST(G711, ALawDecodesToTheG711TableValues) {
  const std::vector<CodeValue> table = {
      {0xD5, 1 * 8},    {0xD4, 3 * 8},  {0xC5, 33 * 8},    {0xF5, 66 * 8},
      {0xAA, 4032 * 8}, {0x55, -1 * 8}, {0x2A, -4032 * 8}, {0xE5, 132 * 8},
  };
  for (const auto& entry : table) {
    EXPECT_EQ(g711::alaw_to_linear(entry.code), entry.value) << std::hex << int{entry.code};
  }
}

TEST(G711, EveryCodeWordSurvivesDecodeThenEncode) {
  for (int code = 0; code < 256; ++code) {
    const auto c = static_cast<std::uint8_t>(code);
    if (c != 0x7F) {  // mu-law "negative zero" encodes back as positive zero (0xFF)
      EXPECT_EQ(g711::linear_to_ulaw(g711::ulaw_to_linear(c)), c) << code;
    }
    EXPECT_EQ(g711::linear_to_alaw(g711::alaw_to_linear(c)), c) << code;
  }
}

TEST(G711, EncodingIsMonotonicInTheInput) {
  int last_ulaw = -40000;
  int last_alaw = -40000;
  for (int x = -32768; x <= 32767; x += 7) {
    const int u = g711::ulaw_to_linear(g711::linear_to_ulaw(static_cast<std::int16_t>(x)));
    const int a = g711::alaw_to_linear(g711::linear_to_alaw(static_cast<std::int16_t>(x)));
    EXPECT_GE(u, last_ulaw);
    EXPECT_GE(a, last_alaw);
    last_ulaw = u;
    last_alaw = a;
  }
}

struct SnrCase {
  CodecKind kind;
  double amplitude;  // peak, out of 32767
  double min_snr_db;
};

class G711RoundTrip : public ::testing::TestWithParam<SnrCase> {};

// G.711's logarithmic steps keep the SNR near 38 dB over a wide range of levels.
TEST_P(G711RoundTrip, KeepsTheSignalToNoiseRatioAcrossLevels) {
  const auto& c = GetParam();
  const auto input = testing::sine(1020.0, c.amplitude, 8000, 8000);
  G711Encoder encoder(c.kind, 20);
  G711Decoder decoder(c.kind);
  std::vector<std::int16_t> output;
  std::vector<std::uint8_t> payload(160);
  std::vector<std::int16_t> frame(160);
  for (std::size_t at = 0; at + 160 <= input.size(); at += 160) {
    ASSERT_TRUE(encoder.encode(std::span(input).subspan(at, 160), payload));
    ASSERT_EQ(decoder.decode(payload, frame).value(), 160U);
    output.insert(output.end(), frame.begin(), frame.end());
  }
  EXPECT_GE(testing::snr_db(input, output), c.min_snr_db);
}

INSTANTIATE_TEST_SUITE_P(
    Levels, G711RoundTrip,
    ::testing::Values(SnrCase{CodecKind::pcmu, 30000, 36}, SnrCase{CodecKind::pcmu, 3000, 35},
                      SnrCase{CodecKind::pcmu, 300, 30}, SnrCase{CodecKind::pcma, 30000, 36},
                      SnrCase{CodecKind::pcma, 3000, 35}, SnrCase{CodecKind::pcma, 300, 28}));

TEST(G711, RejectsAFrameOfTheWrongSize) {
  G711Encoder encoder(CodecKind::pcmu, 20);
  std::vector<std::int16_t> pcm(100);
  std::vector<std::uint8_t> out(160);
  EXPECT_FALSE(encoder.encode(pcm, out));
}

}  // namespace
}  // namespace tipring::audio
