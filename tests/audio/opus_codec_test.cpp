#include "audio/codec/opus_codec.h"

#include "tests/audio/signal_analysis.h"

#include <cmath>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

std::unique_ptr<AudioEncoder> encoder_with(CodecSettings settings) {
  auto encoder = make_encoder(settings);
  EXPECT_TRUE(encoder) << (encoder ? "" : encoder.error().describe());
  return std::move(*encoder);
}

std::vector<std::uint8_t> encode(AudioEncoder& encoder, std::span<const std::int16_t> pcm) {
  std::vector<std::uint8_t> out(1500);
  auto bytes = encoder.encode(pcm, out);
  EXPECT_TRUE(bytes);
  out.resize(bytes.value_or(0));
  return out;
}

TEST(OpusCodec, OneKilohertzToneComesBackAtOneKilohertzAndTheSameLevel) {
  auto encoder = encoder_with({});
  auto decoder = OpusVoiceDecoder::create(false).value();
  const auto input = testing::sine(1000.0, 10000.0, 48000, 48000);
  std::vector<std::int16_t> output;
  std::vector<std::int16_t> frame(960);
  for (std::size_t at = 0; at + 960 <= input.size(); at += 960) {
    const auto payload = encode(*encoder, std::span(input).subspan(at, 960));
    ASSERT_EQ(decoder->decode(payload, frame).value(), 960U);
    output.insert(output.end(), frame.begin(), frame.end());
  }
  const auto settled = std::span(output).subspan(9600);  // skip the codec's start-up
  EXPECT_NEAR(testing::dominant_frequency(settled, 48000, 200.0, 4000.0, 5.0), 1000.0, 5.0);
  EXPECT_NEAR(20.0 * std::log10(testing::rms(settled) / testing::rms(input)), 0.0, 1.0);
}

TEST(OpusCodec, ReportedLookAheadIsHowLateAClickComesOutOfTheDecoder) {
  auto encoder = encoder_with({});
  auto decoder = OpusVoiceDecoder::create(false).value();
  const std::size_t lookahead = encoder->lookahead_samples();
  EXPECT_GT(lookahead, 0U);
  EXPECT_LT(lookahead, 960U);
  // A short click in the middle of the fifth frame, silence elsewhere.
  std::vector<std::int16_t> input(960 * 10, 0);
  const std::size_t click = 960 * 4 + 480;
  for (std::size_t i = click; i < click + 24; ++i) {
    input[i] = 20000;
  }
  std::vector<std::int16_t> output;
  std::vector<std::int16_t> frame(960);
  for (std::size_t at = 0; at < input.size(); at += 960) {
    const auto payload = encode(*encoder, std::span(input).subspan(at, 960));
    ASSERT_EQ(decoder->decode(payload, frame).value(), 960U);
    output.insert(output.end(), frame.begin(), frame.end());
  }
  std::size_t first_loud = 0;
  while (first_loud < output.size() && std::abs(output[first_loud]) < 5000) {
    ++first_loud;
  }
  ASSERT_LT(first_loud, output.size());
  EXPECT_NEAR(static_cast<double>(first_loud), static_cast<double>(click + lookahead), 48.0)
      << "within 1 ms of the input position plus the look-ahead";
  EXPECT_EQ(make_encoder({CodecKind::pcmu}).value()->lookahead_samples(), 0U);
}

class OpusFrameDuration : public ::testing::TestWithParam<int> {};

TEST_P(OpusFrameDuration, PacketsDecodeToTheirFrameDuration) {
  CodecSettings settings;
  settings.frame_ms = GetParam();
  auto encoder = encoder_with(settings);
  auto decoder = OpusVoiceDecoder::create(false).value();
  const std::size_t samples = static_cast<std::size_t>(GetParam()) * 48;
  ASSERT_EQ(encoder->frame_samples(), samples);
  const auto payload = encode(*encoder, testing::sine(440.0, 5000.0, 48000, samples));
  EXPECT_EQ(decoder->samples_in_payload(payload).value(), samples);
  std::vector<std::int16_t> out(5760);
  EXPECT_EQ(decoder->decode(payload, out).value(), samples);
}

INSTANTIATE_TEST_SUITE_P(Rfc7587, OpusFrameDuration, ::testing::Values(10, 20, 40, 60));

TEST(OpusCodec, RejectsFrameDurationsOpusCannotCarry) {
  CodecSettings settings;
  settings.frame_ms = 30;
  EXPECT_FALSE(make_encoder(settings));
}

TEST(OpusCodec, FecFromTheNextPacketRebuildsALostFrameBetterThanPlc) {
  CodecSettings settings;
  settings.inband_fec = true;
  settings.expected_loss_percent = 20;
  auto encoder = encoder_with(settings);
  // A voiced signal whose pitch glides: PLC can only extrapolate it, FEC carries it.
  std::vector<std::vector<std::uint8_t>> packets;
  for (int i = 0; i < 30; ++i) {
    std::vector<std::int16_t> frame(960);
    for (std::size_t n = 0; n < frame.size(); ++n) {
      const double t = static_cast<double>(static_cast<std::size_t>(i) * 960 + n) / 48000.0;
      double value = 0.0;
      for (int h = 1; h <= 4; ++h) {
        value += std::sin(2.0 * std::numbers::pi * (150.0 + 5.0 * i) * h * t) / h;
      }
      frame[n] = static_cast<std::int16_t>(5000.0 * value);
    }
    packets.push_back(encode(*encoder, frame));
  }
  const int lost = 25;
  auto reference = OpusVoiceDecoder::create(true).value();
  auto with_fec = OpusVoiceDecoder::create(true).value();
  auto with_plc = OpusVoiceDecoder::create(false).value();
  std::vector<std::int16_t> out(960);
  std::vector<std::int16_t> expected(960);
  for (int i = 0; i < lost; ++i) {
    reference->decode(packets[i], out).value();
    with_fec->decode(packets[i], out).value();
    with_plc->decode(packets[i], out).value();
  }
  reference->decode(packets[lost], expected).value();
  std::vector<std::int16_t> rebuilt(960);
  ASSERT_EQ(with_fec->decode_fec(packets[lost + 1], rebuilt).value(), 960U);
  std::vector<std::int16_t> concealed(960);
  with_plc->conceal(concealed);
  EXPECT_TRUE(with_fec->has_inband_fec());
  EXPECT_FALSE(with_plc->has_inband_fec());
  EXPECT_GT(testing::snr_db(expected, rebuilt), 10.0);
  EXPECT_GT(testing::snr_db(expected, rebuilt), testing::snr_db(expected, concealed) + 10.0);
}

TEST(OpusCodec, DtxStopsSendingDuringSilence) {
  CodecSettings settings;
  settings.dtx = true;
  auto encoder = encoder_with(settings);
  const std::vector<std::int16_t> silence(960, 0);
  int skipped = 0;
  for (int i = 0; i < 50; ++i) {
    if (encode(*encoder, silence).empty()) {
      ++skipped;
    }
  }
  EXPECT_GT(skipped, 30);
}

TEST(OpusCodec, BitrateControlChangesThePacketSize) {
  auto encoder = encoder_with({});
  const auto speech_like = testing::sine(300.0, 8000.0, 48000, 960 * 20);
  auto mean_size = [&](int bitrate) {
    encoder->set_bitrate_bps(bitrate);
    std::size_t total = 0;
    for (std::size_t at = 0; at < speech_like.size(); at += 960) {
      total += encode(*encoder, std::span(speech_like).subspan(at, 960)).size();
    }
    return total / 20;
  };
  const auto low = mean_size(12000);
  const auto high = mean_size(64000);
  EXPECT_GT(high * 2, low * 3);
}

TEST(OpusCodec, MalformedPayloadHasNoDuration) {
  auto decoder = OpusVoiceDecoder::create(false).value();
  const std::vector<std::uint8_t> bogus = {0xFF};  // code 3 TOC without the count byte
  EXPECT_FALSE(decoder->samples_in_payload(bogus));
}

}  // namespace
}  // namespace tipring::audio
