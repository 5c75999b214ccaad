// WAV files and the file and null devices; the resampler that adapts device rates.
#include "audio/device/null_device.h"
#include "audio/device/wav_device.h"
#include "audio/device/wav_file.h"
#include "audio/dsp/resampler.h"
#include "tests/audio/signal_analysis.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

namespace tipring::audio {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("tipring_audio_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

void write_wav(const std::string& path, std::span<const std::int16_t> samples, int rate) {
  auto writer = WavWriter::create(path, rate);
  ASSERT_TRUE(writer);
  writer->append(samples);
  writer->close();
}

TEST(WavFile, WrittenFileReadsBackSampleForSample) {
  const auto path = temp_path("roundtrip.wav");
  const auto tone = testing::sine(440.0, 9000.0, 16000, 1600);
  write_wav(path, tone, 16000);
  auto audio = read_wav_file(path);
  ASSERT_TRUE(audio) << audio.error().describe();
  EXPECT_EQ(audio->rate_hz, 16000);
  EXPECT_EQ(audio->channels, 1);
  EXPECT_EQ(audio->samples, tone);
  std::filesystem::remove(path);
}

TEST(WavFile, MixesStereoDownToMono) {
  // Minimal stereo file: 2 frames, left 1000 / right 3000 -> 2000.
  std::vector<std::uint8_t> file = {
      'R', 'I', 'F', 'F', 44, 0, 0,    0,    'W',  'A',  'V',  'E',  'f',  'm',  't',  ' ', 16, 0,
      0,   0,   1,   0,   2,  0, 0x80, 0xBB, 0,    0,    0,    0xEE, 2,    0,    4,    0,   16, 0,
      'd', 'a', 't', 'a', 8,  0, 0,    0,    0xE8, 0x03, 0xB8, 0x0B, 0xE8, 0x03, 0xB8, 0x0B};
  auto audio = parse_wav(file);
  ASSERT_TRUE(audio) << audio.error().describe();
  EXPECT_EQ(audio->rate_hz, 48000);
  EXPECT_EQ(audio->samples, (std::vector<std::int16_t>{2000, 2000}));
}

struct BrokenWav {
  std::string name;
  std::vector<std::uint8_t> bytes;
  std::string detail_contains;
};

class WavParser : public ::testing::TestWithParam<BrokenWav> {};

TEST_P(WavParser, RejectsBrokenFilesNamingWhatIsWrong) {
  auto audio = parse_wav(GetParam().bytes);
  ASSERT_FALSE(audio);
  EXPECT_EQ(audio.error().rule, "RIFF WAVE");
  EXPECT_NE(audio.error().detail.find(GetParam().detail_contains), std::string::npos)
      << audio.error().detail;
}

std::vector<std::uint8_t> header_with_format(std::uint16_t tag, std::uint16_t bits) {
  return {'R',
          'I',
          'F',
          'F',
          36,
          0,
          0,
          0,
          'W',
          'A',
          'V',
          'E',
          'f',
          'm',
          't',
          ' ',
          16,
          0,
          0,
          0,
          static_cast<std::uint8_t>(tag),
          static_cast<std::uint8_t>(tag >> 8),
          1,
          0,
          0x40,
          0x1F,
          0,
          0,
          0,
          0,
          0,
          0,
          2,
          0,
          static_cast<std::uint8_t>(bits),
          0,
          'd',
          'a',
          't',
          'a',
          0,
          0,
          0,
          0};
}

INSTANTIATE_TEST_SUITE_P(
    Files, WavParser,
    ::testing::Values(
        BrokenWav{"empty", {}, "missing RIFF/WAVE"},
        BrokenWav{"not_riff", {'R', 'I', 'F', 'X', 0, 0, 0, 0, 'W', 'A', 'V', 'E'}, "missing"},
        BrokenWav{"no_chunks", {'R', 'I', 'F', 'F', 4, 0, 0, 0, 'W', 'A', 'V', 'E'}, "no fmt"},
        BrokenWav{"float_samples", header_with_format(3, 32), "only 16-bit PCM"},
        BrokenWav{"pcm_24_bit", header_with_format(1, 24), "24 bits"},
        BrokenWav{
            "data_before_fmt",
            {'R', 'I', 'F', 'F', 12, 0, 0, 0, 'W', 'A', 'V', 'E', 'd', 'a', 't', 'a', 0, 0, 0, 0},
            "data chunk before fmt"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(WavFile, ReadsG711EncodedFiles) {
  auto bytes = header_with_format(7, 8);  // mu-law
  bytes.push_back(0x80);                  // +32124
  bytes.push_back(0xFF);                  // 0
  auto audio = parse_wav(bytes);
  ASSERT_TRUE(audio) << audio.error().describe();
  EXPECT_EQ(audio->samples, (std::vector<std::int16_t>{32124, 0}));
}

// The chunk walker the line tools and the test probes decode from, before any format check.
TEST(WavChunks, SkipsPaddedChunksResolvesExtensibleAndKeepsTheSamplesAsStored) {
  std::vector<std::uint8_t> bytes = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E',
                                     // An odd-sized LIST chunk and its pad byte.
                                     'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0,
                                     // WAVE_FORMAT_EXTENSIBLE, stereo 48 kHz, 32-bit float.
                                     'f', 'm', 't', ' ', 40, 0, 0, 0, 0xFE, 0xFF, 2, 0, 0x80, 0xBB,
                                     0, 0, 0, 0, 0, 0, 8, 0, 32, 0, 22, 0, 32, 0, 3, 0, 0, 0, 3, 0,
                                     0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
                                     'd', 'a', 't', 'a', 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  const auto chunks = parse_wav_chunks(bytes);
  ASSERT_TRUE(chunks) << chunks.error().describe();
  EXPECT_EQ(chunks->format_tag, kWavFormatFloat);
  EXPECT_EQ(chunks->channels, 2);
  EXPECT_EQ(chunks->rate_hz, 48000);
  EXPECT_EQ(chunks->bits_per_sample, 32);
  EXPECT_EQ(std::vector<std::uint8_t>(chunks->data.begin(), chunks->data.end()),
            (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  // The file devices do not play float: the format check is theirs, not the walker's.
  EXPECT_FALSE(parse_wav(bytes));
}

TEST(WavChunks, TakesTheRestOfTheFileWhenTheDataSizeIsUnset) {
  auto bytes = header_with_format(1, 16);  // data size 0, as a streaming writer leaves it
  bytes.insert(bytes.end(), {1, 0, 2, 0, 3, 0});
  const auto chunks = parse_wav_chunks(bytes);
  ASSERT_TRUE(chunks) << chunks.error().describe();
  EXPECT_EQ(chunks->data.size(), 6U);
}

TEST(WavFile, MissingFileIsAnErrorNamingThePath) {
  auto audio = read_wav_file("/nonexistent/tipring.wav");
  ASSERT_FALSE(audio);
  EXPECT_NE(audio.error().detail.find("/nonexistent/tipring.wav"), std::string::npos);
}

class ResamplerRates : public ::testing::TestWithParam<int> {};

TEST_P(ResamplerRates, DeviceRateToEngineRateKeepsFrequencyAndLevel) {
  const int rate = GetParam();
  const auto input = testing::sine(1000.0, 10000.0, rate, static_cast<std::size_t>(rate));
  const auto output = resample_all(input, rate, kEngineRateHz);
  EXPECT_NEAR(static_cast<double>(output.size()), 48000.0, 48.0);
  const auto middle = std::span(output).subspan(4800, 38400);
  EXPECT_NEAR(testing::dominant_frequency(middle, kEngineRateHz, 200, 3000, 5), 1000.0, 5.0);
  EXPECT_NEAR(testing::rms(middle), 10000.0 / std::sqrt(2.0), 300.0);
  // And back down again.
  const auto back = resample_all(output, kEngineRateHz, rate);
  EXPECT_NEAR(static_cast<double>(back.size()), static_cast<double>(rate), rate / 100.0);
}

INSTANTIATE_TEST_SUITE_P(DeviceRates, ResamplerRates, ::testing::Values(8000, 16000, 44100, 48000));

TEST(WavFileDevice, RealTimePacingDeliversOnlyWhatTheClockAllows) {
  const auto path = temp_path("pacing.wav");
  const auto tone = testing::sine(500.0, 5000.0, 8000, 8000);  // 1 s at 8 kHz
  write_wav(path, tone, 8000);
  TimePoint now{};
  WavDeviceConfig config;
  config.capture_path = path;
  config.clock = [&now] { return now; };
  auto device = WavFileDevice::open(config);
  ASSERT_TRUE(device) << device.error().describe();
  ASSERT_TRUE((*device)->start());
  std::vector<std::int16_t> buffer(4800);
  EXPECT_EQ((*device)->read_capture(buffer), 0U);
  now += Duration{10'000};
  EXPECT_EQ((*device)->read_capture(buffer), 480U);
  now += Duration{35'000};
  EXPECT_EQ((*device)->read_capture(buffer), 1680U);
  EXPECT_FALSE((*device)->capture_finished());
  now += Duration{2'000'000};
  while ((*device)->read_capture(buffer) > 0) {
  }
  EXPECT_TRUE((*device)->capture_finished());
  std::filesystem::remove(path);
}

TEST(WavFileDevice, RecordsWhatIsPlayedAndPlayoutDrainsWithCapture) {
  const auto in_path = temp_path("mic.wav");
  const auto out_path = temp_path("heard.wav");
  write_wav(in_path, testing::sine(300.0, 5000.0, 48000, 4800), 48000);
  WavDeviceConfig config;
  config.capture_path = in_path;
  config.record_path = out_path;
  config.pacing = CapturePacing::as_fast_as_read;
  auto device = std::move(WavFileDevice::open(config).value());
  ASSERT_TRUE(device->start());
  const auto heard = testing::sine(700.0, 4000.0, 48000, 960);
  EXPECT_EQ(device->write_playout(heard), 960U);
  EXPECT_EQ(device->playout_queued(), 960U);
  std::vector<std::int16_t> mic(480);
  EXPECT_EQ(device->read_capture(mic), 480U);
  EXPECT_EQ(device->playout_queued(), 480U);
  device->stop();
  auto recorded = read_wav_file(out_path);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->rate_hz, 48000);
  EXPECT_EQ(recorded->samples, heard);
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
}

TEST(WavFileDevice, RealTimePacingWithoutAClockIsRejected) {
  WavDeviceConfig config;
  EXPECT_FALSE(WavFileDevice::open(config));
}

TEST(NullDevice, CapturesSilenceAndSwallowsPlayout) {
  NullDevice device;
  std::vector<std::int16_t> buffer(480, 99);
  EXPECT_EQ(device.read_capture(buffer), 0U);  // not started
  ASSERT_TRUE(device.start());
  EXPECT_EQ(device.read_capture(buffer), 480U);
  EXPECT_EQ(buffer, std::vector<std::int16_t>(480, 0));
  EXPECT_EQ(device.write_playout(buffer), 480U);
  EXPECT_EQ(device.samples_played(), 480U);
  EXPECT_FALSE(device.output_is_loudspeaker());
  EXPECT_FALSE(device.capture_is_microphone());  // nothing to denoise
}

}  // namespace
}  // namespace tipring::audio
