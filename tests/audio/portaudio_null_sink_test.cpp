// The real PortAudio path (ALSA host API -> ALSA's "pulse" device) against a private
// PulseAudio server with null sinks: a 1 kHz tone played to the sink comes back from its
// monitor at the same frequency and level; the callback allocates nothing; a remembered
// device that is missing falls back to the default; a sink that vanishes mid-call is
// reported, without a crash or a hang; an unplugged "headset" (the only sink, unloaded by
// the module index recorded when it was loaded) falls back to the new default sink, is
// reported, and the call's audio is then heard there. Label: integration. Skips (with a
// message) only outside CI when pulseaudio is not installed; under CI=true it must run.
#include "audio/device/portaudio_device.h"
#include "audio/device/portaudio_library.h"
#include "tests/audio/pulse_server.h"
#include "tests/audio/signal_analysis.h"
#include "tests/support/allocation_counter.h"

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

const DeviceName kPulse{"ALSA", "pulse"};

class PortAudioOnNullSink : public ::testing::Test {
protected:
  void SetUp() override {
    if (testing::PrivatePulseServer::find_binary().empty()) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "CI=true but pulseaudio is not installed (scripts/bootstrap.sh installs it)";
      }
      GTEST_SKIP() << "pulseaudio is not installed: the real PortAudio path is not tested here";
    }
    std::string error;
    ASSERT_TRUE(server_.start({"tipring_sink", "tipring_spare"}, &error)) << error;
    auto library = PortAudioLibrary::initialize();
    ASSERT_TRUE(library) << library.error().describe();
    library_ = std::move(*library);
    ASSERT_TRUE(library_->resolve(kPulse, DeviceRole::output))
        << "ALSA's pulse device is missing (libasound2-plugins)";
  }
  void TearDown() override {
    library_.reset();
    server_.stop();
  }

  // Plays a 1 kHz tone for `seconds`, or until `enough` samples were captured if that
  // comes first, and returns what was captured, pumping like a media thread would (real
  // time: this is a real device; the sound server may take a second to start streaming).
  std::vector<std::int16_t> play_and_record(PortAudioDevice& device, double seconds,
                                            std::size_t enough = SIZE_MAX) {
    std::vector<std::int16_t> captured;
    std::vector<std::int16_t> chunk(kEngineFrame10ms);
    std::size_t played = 0;
    const auto end = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (std::chrono::steady_clock::now() < end && captured.size() < enough) {
      // Bounded: a device that lost its stream accepts nothing and must not spin us.
      for (int i = 0; i < 8 && device.playout_queued() < 4 * kEngineFrame10ms; ++i) {
        const auto tone = testing::sine(1000.0, 10000.0, kEngineRateHz, kEngineFrame10ms, played);
        const std::size_t accepted = device.write_playout(tone);
        played += accepted;
        if (accepted == 0) {
          break;
        }
      }
      std::size_t n = 0;
      for (int i = 0; i < 100 && (n = device.read_capture(chunk)) > 0; ++i) {
        captured.insert(captured.end(), chunk.begin(), chunk.begin() + static_cast<long>(n));
      }
      if (auto event = device.poll_event()) {
        events_.push_back(*event);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return captured;
  }

  testing::PrivatePulseServer server_;
  std::unique_ptr<PortAudioLibrary> library_;
  std::vector<DeviceEvent> events_;
};

TEST_F(PortAudioOnNullSink, ToneSentToTheSinkComesBackFromItsMonitorAtTheSameFrequencyAndLevel) {
  PortAudioConfig config;
  config.input = kPulse;
  config.output = kPulse;
  auto device = PortAudioDevice::create(*library_, config);
  ASSERT_TRUE(device) << device.error().describe();
  ASSERT_TRUE((*device)->start());
  const test_support::AllocationsWhile in_callback(&in_audio_callback);
  const auto captured = play_and_record(**device, 10.0, 72000);
  const auto callbacks = (*device)->bridge()->callbacks();
  (*device)->stop();

  ASSERT_GT(captured.size(), 48000U) << "less than a second captured";
  const auto last_second = std::span(captured).subspan(captured.size() - 48000);
  EXPECT_NEAR(testing::dominant_frequency(last_second, kEngineRateHz, 200, 4000, 5), 1000.0, 5.0);
  const double level_db = 20.0 * std::log10(testing::rms(last_second) / (10000.0 / std::sqrt(2.0)));
  EXPECT_NEAR(level_db, 0.0, 3.0);
  EXPECT_GT(callbacks, 100U);
  EXPECT_EQ(in_callback.count(), 0U);
  EXPECT_TRUE(events_.empty()) << events_.front().detail << " kind "
                               << static_cast<int>(events_.front().kind);
}

TEST_F(PortAudioOnNullSink, MissingRememberedDeviceFallsBackToTheDefaultAndSaysSo) {
  PortAudioConfig config;
  config.input = DeviceName{"ALSA", "USB headset that is not plugged in"};
  config.output = kPulse;
  auto device = PortAudioDevice::create(*library_, config);
  ASSERT_TRUE(device);
  ASSERT_TRUE((*device)->start());
  const auto event = (*device)->poll_event();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, DeviceEvent::Kind::fell_back_to_default);
  EXPECT_NE(event->detail.find("USB headset"), std::string::npos);
  ASSERT_TRUE((*device)->input_device());
  EXPECT_TRUE((*device)->input_device()->is_default_input);
  (*device)->stop();
}

TEST_F(PortAudioOnNullSink, RingerIsAnOutputOnlyStreamOnItsOwnDevice) {
  PortAudioConfig config;
  config.output = DeviceName::system_default();
  config.output_role = DeviceRole::ringer;
  auto ringer = PortAudioDevice::create(*library_, config);
  ASSERT_TRUE(ringer);
  ASSERT_TRUE((*ringer)->start());
  EXPECT_FALSE((*ringer)->input_device());
  std::vector<std::int16_t> none(kEngineFrame10ms);
  EXPECT_EQ((*ringer)->read_capture(none), 0U);
  const auto tone = testing::sine(440.0, 8000.0, kEngineRateHz, kEngineFrame10ms);
  EXPECT_EQ((*ringer)->write_playout(tone), tone.size());
  (*ringer)->stop();
}

TEST_F(PortAudioOnNullSink, DeviceListRefreshesOnDemandButNotUnderAnOpenStream) {
  PortAudioConfig config;
  config.output = kPulse;
  auto device = std::move(PortAudioDevice::create(*library_, config).value());
  ASSERT_TRUE(device->start());
  const auto refused = library_->refresh();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("stream is open"), std::string::npos);
  device->stop();
  const auto refreshed = library_->refresh();
  ASSERT_TRUE(refreshed) << refreshed.error().describe();
  EXPECT_FALSE(*refreshed);  // nothing was plugged in meanwhile
  EXPECT_TRUE(library_->resolve(kPulse, DeviceRole::output));
}

TEST_F(PortAudioOnNullSink, SinkVanishingMidCallIsReportedWithoutACrashOrAHang) {
  PortAudioConfig config;
  config.input = kPulse;
  config.output = kPulse;
  config.stall_timeout = Duration{1'000'000};  // a loaded CI machine can delay callbacks
  auto device = PortAudioDevice::create(*library_, config);
  ASSERT_TRUE(device);
  ASSERT_TRUE((*device)->start());
  play_and_record(**device, 0.5);
  // "Unplug" every device: the server drops all sinks, and with them our streams. (With a
  // sink left, PulseAudio itself moves the streams there and nothing is interrupted.)
  ASSERT_EQ(server_.pactl("unload-module module-null-sink"), 0);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 16 && events_.empty(); ++i) {  // at most 8 s
    play_and_record(**device, 0.5);
  }
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, std::chrono::seconds(10));
  ASSERT_FALSE(events_.empty()) << "no event after the sink vanished";
  EXPECT_TRUE(events_.front().kind == DeviceEvent::Kind::fell_back_to_default ||
              events_.front().kind == DeviceEvent::Kind::stream_failed);
  (*device)->stop();
}

TEST_F(PortAudioOnNullSink, UnpluggedOutputFallsBackToTheDefaultAndIsHeardThere) {
  // A "headset": a sink of its own, visible to PortAudio as an ALSA device of that name,
  // and the only sink, so that unplugging it kills our stream (PulseAudio would otherwise
  // move the stream to another sink itself, and nobody would notice the unplug).
  const int headset_module = server_.load_sink("tipring_headset");
  ASSERT_GE(headset_module, 0);
  ASSERT_EQ(server_.pactl("set-default-sink tipring_headset"), 0);
  ASSERT_EQ(server_.pactl("set-default-source tipring_headset.monitor"), 0);
  ASSERT_EQ(server_.unload_sink("tipring_sink"), 0);
  ASSERT_EQ(server_.unload_sink("tipring_spare"), 0);
  ASSERT_TRUE(server_.expose_sinks_to_alsa({"tipring_headset"}));
  const auto refreshed = library_->refresh();
  ASSERT_TRUE(refreshed) << refreshed.error().describe();
  EXPECT_TRUE(*refreshed) << "the new device should change the list";
  const DeviceName headset{"ALSA", "tipring_headset"};
  ASSERT_TRUE(library_->resolve(headset, DeviceRole::output));

  PortAudioConfig config;
  config.input = kPulse;  // the default source: the headset's monitor for now
  config.output = headset;
  config.stall_timeout = Duration{1'000'000};  // a loaded CI machine can delay callbacks
  auto device = PortAudioDevice::create(*library_, config);
  ASSERT_TRUE(device);
  ASSERT_TRUE((*device)->start());
  ASSERT_TRUE((*device)->output_device());
  EXPECT_EQ((*device)->output_device()->name, headset);
  const auto before = play_and_record(**device, 10.0, 48000);
  ASSERT_TRUE(events_.empty()) << events_.front().detail;
  ASSERT_GT(before.size(), 4800U);
  EXPECT_NEAR(
      testing::dominant_frequency(std::span(before).last(4800), kEngineRateHz, 200, 4000, 5),
      1000.0, 5.0);

  // Unplug exactly the headset, by the module index recorded when it was plugged in, and
  // plug in loudspeakers, the new default, before the device next looks at its streams.
  ASSERT_EQ(server_.unload_module(headset_module), 0);
  const int speakers_module = server_.load_sink("tipring_speakers");
  ASSERT_GE(speakers_module, 0);
  ASSERT_EQ(server_.pactl("set-default-sink tipring_speakers"), 0);
  ASSERT_EQ(server_.pactl("set-default-source tipring_speakers.monitor"), 0);
  for (int i = 0; i < 60 && events_.empty(); ++i) {  // bounded: at most 30 s
    play_and_record(**device, 0.5);
  }
  ASSERT_FALSE(events_.empty()) << "no event within 30 s after the headset vanished";
  EXPECT_EQ(events_.front().kind, DeviceEvent::Kind::fell_back_to_default);
  EXPECT_NE(events_.front().detail.find("tipring_headset"), std::string::npos)
      << events_.front().detail;
  ASSERT_TRUE((*device)->output_device());
  EXPECT_TRUE((*device)->output_device()->is_default_output);

  // The call goes on: the tone now plays on the loudspeakers, whose monitor we capture.
  const auto after = play_and_record(**device, 10.0, 72000);
  (*device)->stop();
  ASSERT_GT(after.size(), 48000U);
  const auto last_second = std::span(after).last(48000);
  EXPECT_NEAR(testing::dominant_frequency(last_second, kEngineRateHz, 200, 4000, 5), 1000.0, 5.0);
  EXPECT_GT(testing::rms(last_second), 3000.0);
}

}  // namespace
}  // namespace tipring::audio
