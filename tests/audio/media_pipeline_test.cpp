// The media pipeline end to end on a simulated clock: one pipeline's capture path feeds
// another's playout path, as two phones would over RTP.
#include "audio/pipeline/media_pipeline.h"

#include "audio/device/null_device.h"
#include "audio/device/wav_device.h"
#include "tests/audio/signal_analysis.h"

#include <filesystem>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

namespace tipring::audio {
namespace {

PipelineConfig config_for(CodecKind kind) {
  PipelineConfig config;
  config.codec.kind = kind;
  config.voice.echo_cancellation = false;  // no acoustic path in these tests
  config.voice.noise_suppression = false;
  return config;
}

struct Call {
  std::unique_ptr<MediaPipeline> sender;
  std::unique_ptr<MediaPipeline> receiver;
  std::uint16_t sequence = 1000;
  std::vector<std::int16_t> heard;
  std::vector<OutgoingFrame> sent_meta;

  // Runs `seconds` of 10 ms ticks: capture `speak(tick)` on the sender, deliver each
  // packet 40 ms later, pull playout on the receiver.
  template <class Speak>
  void run(double seconds, Speak speak) {
    struct InFlight {
      MediaPacket packet;
    };
    std::vector<InFlight> in_flight;
    const int ticks = static_cast<int>(seconds * 100);
    std::vector<std::int16_t> out(kEngineFrame10ms);
    for (int tick = 0; tick < ticks; ++tick) {
      const TimePoint now{Duration{tick * 10'000}};
      const auto mic = speak(tick);
      if (auto frame = sender->on_capture_frame(mic)) {
        sent_meta.push_back(*frame);
        MediaPacket packet;
        packet.sequence_number = sequence++;
        packet.rtp_timestamp = frame->rtp_timestamp;
        packet.ssrc = 42;
        packet.marker = frame->marker;
        packet.payload.assign(frame->payload.begin(), frame->payload.end());
        packet.arrival = now + Duration{40'000};
        in_flight.push_back({std::move(packet)});
      }
      for (auto it = in_flight.begin(); it != in_flight.end();) {
        if (it->packet.arrival <= now) {
          receiver->push_rtp_payload(std::move(it->packet));
          it = in_flight.erase(it);
        } else {
          ++it;
        }
      }
      receiver->pull_playout_frame(out, now);
      heard.insert(heard.end(), out.begin(), out.end());
    }
  }
};

Call make_call(CodecKind kind) {
  Call call;
  call.sender = std::move(MediaPipeline::create(config_for(kind)).value());
  call.receiver = std::move(MediaPipeline::create(config_for(kind)).value());
  return call;
}

class PipelineCodec : public ::testing::TestWithParam<CodecKind> {};

TEST_P(PipelineCodec, ToneCapturedByOnePhoneIsHeardByTheOtherAtTheSamePitchAndLevel) {
  Call call = make_call(GetParam());
  call.run(2.0, [](int tick) {
    return testing::sine(1000.0, 8000.0, kEngineRateHz, kEngineFrame10ms,
                         static_cast<std::size_t>(tick) * kEngineFrame10ms);
  });
  const auto last_second = std::span(call.heard).subspan(call.heard.size() - 48000);
  EXPECT_NEAR(testing::dominant_frequency(last_second, kEngineRateHz, 200, 3000, 5), 1000.0, 5.0);
  EXPECT_NEAR(20.0 * std::log10(testing::rms(last_second) / (8000.0 / std::sqrt(2.0))), 0.0, 1.5);
  EXPECT_EQ(call.receiver->receive_stats().packets_lost, 0);
  EXPECT_EQ(call.receiver->receive_stats().concealed_samples, 0U);
}

INSTANTIATE_TEST_SUITE_P(Codecs, PipelineCodec,
                         ::testing::Values(CodecKind::opus, CodecKind::pcmu, CodecKind::pcma));

TEST(MediaPipeline, RtpTimestampsAdvanceByOneFrameAtTheCodecClock) {
  Call call = make_call(CodecKind::pcmu);
  call.run(0.2, [](int) { return std::vector<std::int16_t>(kEngineFrame10ms, 1000); });
  ASSERT_GE(call.sent_meta.size(), 9U);
  for (std::size_t i = 1; i < call.sent_meta.size(); ++i) {
    EXPECT_EQ(call.sent_meta[i].rtp_timestamp - call.sent_meta[i - 1].rtp_timestamp, 160U);
    EXPECT_FALSE(call.sent_meta[i].marker);
  }
  EXPECT_TRUE(call.sent_meta[0].marker);
}

TEST(MediaPipeline, OpusDtxSendsLittleDuringSilenceAndMarksTheTalkspurt) {
  PipelineConfig config = config_for(CodecKind::opus);
  config.codec.dtx = true;
  auto sender = std::move(MediaPipeline::create(config).value());
  int packets_in_silence = 0;
  bool marker_after_silence = false;
  for (int tick = 0; tick < 300; ++tick) {
    const bool talking = tick >= 200;
    const auto mic = talking ? testing::sine(300.0, 8000.0, kEngineRateHz, kEngineFrame10ms,
                                             static_cast<std::size_t>(tick) * kEngineFrame10ms)
                             : std::vector<std::int16_t>(kEngineFrame10ms, 0);
    if (auto frame = sender->on_capture_frame(mic)) {
      if (!talking && tick >= 50) {
        ++packets_in_silence;
      }
      if (talking && !marker_after_silence) {
        marker_after_silence = frame->marker;
      }
    }
  }
  EXPECT_LT(packets_in_silence, 20);  // 75 frames of silence, a few keep-alive packets
  EXPECT_TRUE(marker_after_silence);
}

TEST(MediaPipeline, RingbackToneIsMixedIntoPlayout) {
  Call call = make_call(CodecKind::pcmu);
  call.receiver->play_tone(*find_tone("ringback"));
  call.run(0.5, [](int) { return std::vector<std::int16_t>(kEngineFrame10ms, 0); });
  const auto heard = std::span(call.heard).subspan(4800, 9600);
  EXPECT_NEAR(testing::dominant_frequency(heard, kEngineRateHz, 300, 600, 5), 425.0, 5.0);
}

TEST(MediaPipeline, PumpMovesAFileMicrophoneToPacketsAndKeepsPlayoutQueued) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("tipring_pipeline_" + std::to_string(::getpid()) + ".wav"))
                        .string();
  {
    auto writer = WavWriter::create(path, 16000);
    ASSERT_TRUE(writer);
    writer->append(testing::sine(800.0, 6000.0, 16000, 16000));
  }
  TimePoint now{};
  WavDeviceConfig device_config;
  device_config.capture_path = path;
  device_config.clock = [&now] { return now; };
  auto device = std::move(WavFileDevice::open(device_config).value());
  ASSERT_TRUE(device->start());
  auto pipeline = std::move(MediaPipeline::create(config_for(CodecKind::pcma)).value());
  int packets = 0;
  for (int tick = 1; tick <= 100; ++tick) {
    now = TimePoint{Duration{tick * 10'000}};
    pipeline->pump(*device, now, [&packets](const OutgoingFrame& frame) {
      EXPECT_EQ(frame.payload.size(), 160U);
      ++packets;
    });
    EXPECT_GE(device->playout_queued(), 30U * 48);
  }
  // One second of 20 ms frames; the resampler's filter delay may hold back the last one.
  EXPECT_GE(packets, 49);
  EXPECT_LE(packets, 50);
  std::filesystem::remove(path);
}

TEST(MediaPipeline, EchoCancellationFollowsTheDeviceUnlessTheUserChose) {
  PipelineConfig config = config_for(CodecKind::pcmu);
  auto pipeline = std::move(MediaPipeline::create(config).value());
  NullDevice headset_like;  // not a loudspeaker
  ASSERT_TRUE(headset_like.start());
  pipeline->pump(headset_like, TimePoint{}, [](const OutgoingFrame&) {});
  EXPECT_FALSE(pipeline->echo_cancellation_active());
  pipeline->set_echo_cancellation(true);
  pipeline->pump(headset_like, TimePoint{}, [](const OutgoingFrame&) {});
  EXPECT_TRUE(pipeline->echo_cancellation_active());
}

// A sound card's microphone: silent here, but it says its capture is live.
class SilentMicrophone final : public AudioDevice {
public:
  tl::expected<void, Error> start() override { return inner_.start(); }
  void stop() override { inner_.stop(); }
  std::size_t read_capture(std::span<std::int16_t> out) override {
    return inner_.read_capture(out);
  }
  std::size_t write_playout(std::span<const std::int16_t> in) override {
    return inner_.write_playout(in);
  }
  std::size_t playout_queued() const override { return inner_.playout_queued(); }
  bool capture_is_microphone() const override { return true; }

private:
  NullDevice inner_;
};

struct NoiseSuppressionCase {
  const char* name;
  bool configured;
  bool microphone;
  bool expected_active;
};

class NoiseSuppressionByDevice : public ::testing::TestWithParam<NoiseSuppressionCase> {};

TEST_P(NoiseSuppressionByDevice, RunsOnlyWhenConfiguredAndTheCaptureIsAMicrophone) {
  const NoiseSuppressionCase& c = GetParam();
  PipelineConfig config = config_for(CodecKind::opus);
  config.voice.noise_suppression = c.configured;
  auto pipeline = std::move(MediaPipeline::create(config).value());
  SilentMicrophone microphone;
  NullDevice file_like;
  AudioDevice& device = c.microphone ? static_cast<AudioDevice&>(microphone) : file_like;
  ASSERT_TRUE(device.start());
  pipeline->pump(device, TimePoint{}, [](const OutgoingFrame&) {});
  EXPECT_EQ(pipeline->noise_suppression_active(), c.expected_active);
}

INSTANTIATE_TEST_SUITE_P(
    Devices, NoiseSuppressionByDevice,
    ::testing::Values(NoiseSuppressionCase{"microphone", true, true, true},
                      NoiseSuppressionCase{"file_or_null", true, false, false},
                      NoiseSuppressionCase{"microphone_user_off", false, true, false},
                      NoiseSuppressionCase{"file_user_off", false, false, false}),
    [](const ::testing::TestParamInfo<NoiseSuppressionCase>& param) {
      return std::string(param.param.name);
    });

TEST(MediaPipeline, NullDeviceKeepsACallRunningWithoutHardware) {
  NullDevice device;
  ASSERT_TRUE(device.start());
  auto pipeline = std::move(MediaPipeline::create(config_for(CodecKind::opus)).value());
  int packets = 0;
  for (int tick = 1; tick <= 10; ++tick) {
    pipeline->pump(device, TimePoint{Duration{tick * 10'000}},
                   [&packets](const OutgoingFrame&) { ++packets; });
  }
  // The null device captures as fast as asked, bounded per pump.
  EXPECT_GT(packets, 0);
  EXPECT_GT(device.samples_played(), 0U);
}

}  // namespace
}  // namespace tipring::audio
