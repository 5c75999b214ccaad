#include "audio/device/portaudio_device.h"

#include <algorithm>
#include <chrono>

#include <portaudio.h>

namespace tipring::audio {
namespace {

constexpr std::string_view kRule = "PortAudio";

int stream_callback(const void* input, void* output, unsigned long frames,
                    const PaStreamCallbackTimeInfo* /*time*/, PaStreamCallbackFlags /*flags*/,
                    void* user) {
  static_cast<CallbackBridge*>(user)->on_audio(static_cast<const std::int16_t*>(input),
                                               static_cast<std::int16_t*>(output), frames);
  return paContinue;
}

PaStreamParameters parameters(const DeviceDescription& device, int channels, double latency) {
  PaStreamParameters p{};
  p.device = device.index;
  p.channelCount = channels;
  p.sampleFormat = paInt16;
  p.suggestedLatency = latency;
  p.hostApiSpecificStreamInfo = nullptr;
  return p;
}

}  // namespace

void PortAudioStreamDeleter::operator()(void* stream) const {
  Pa_CloseStream(static_cast<PaStream*>(stream));
}

Result<std::unique_ptr<PortAudioDevice>> PortAudioDevice::create(PortAudioLibrary& library,
                                                                 PortAudioConfig config) {
  if (!config.input && !config.output) {
    return fail(kRule, "a stream needs an input, an output or both");
  }
  return std::unique_ptr<PortAudioDevice>(new PortAudioDevice(library, std::move(config)));
}

PortAudioDevice::PortAudioDevice(PortAudioLibrary& library, PortAudioConfig config)
    : library_(library), config_(std::move(config)) {}

PortAudioDevice::~PortAudioDevice() {
  stop();
}

TimePoint PortAudioDevice::now() const {
  if (config_.clock) {
    return config_.clock();
  }
  const auto since = std::chrono::steady_clock::now().time_since_epoch();
  return TimePoint{std::chrono::duration_cast<Duration>(since)};
}

tl::expected<void, Error> PortAudioDevice::open_stream(bool use_defaults) {
  const DeviceName fallback = DeviceName::system_default();
  input_.reset();
  output_.reset();
  if (config_.input) {
    input_ = library_.resolve(use_defaults ? fallback : *config_.input, DeviceRole::input);
    if (!input_) {
      return fail(kRule, "no input device '" + config_.input->describe() + "'");
    }
  }
  if (config_.output) {
    output_ = library_.resolve(use_defaults ? fallback : *config_.output, config_.output_role);
    if (!output_) {
      return fail(kRule, "no output device '" + config_.output->describe() + "'");
    }
  }
  const int in_channels = input_ ? 1 : 0;
  const int out_channels = output_ ? std::min(2, output_->max_output_channels) : 0;
  PaStreamParameters in_params{};
  PaStreamParameters out_params{};
  if (input_) {
    in_params = parameters(*input_, in_channels, config_.suggested_latency_s);
  }
  if (output_) {
    out_params = parameters(*output_, out_channels, config_.suggested_latency_s);
  }
  const PaStreamParameters* in_ptr = input_ ? &in_params : nullptr;
  const PaStreamParameters* out_ptr = output_ ? &out_params : nullptr;

  // 48 kHz avoids resampling; otherwise the device's own rate, then the common ones.
  std::vector<double> rates = {48000.0};
  rates.push_back(input_ ? input_->default_rate_hz : output_->default_rate_hz);
  rates.insert(rates.end(), {44100.0, 16000.0, 8000.0});
  const auto supported = std::find_if(rates.begin(), rates.end(), [&](double rate) {
    return Pa_IsFormatSupported(in_ptr, out_ptr, rate) == paFormatIsSupported;
  });
  if (supported == rates.end()) {
    return fail(kRule, "no supported sample rate (tried 48, default, 44.1, 16, 8 kHz)");
  }
  rate_hz_ = static_cast<int>(*supported);

  const auto ring = static_cast<std::size_t>(rate_hz_) * config_.ring_ms / 1000;
  bridge_ = std::make_unique<CallbackBridge>(ring, in_channels, out_channels);
  PaStream* stream = nullptr;
  const PaError error = Pa_OpenStream(&stream, in_ptr, out_ptr, *supported,
                                      static_cast<unsigned long>(rate_hz_ / 100), paClipOff,
                                      &stream_callback, bridge_.get());
  if (error != paNoError) {
    return fail(kRule, std::string("Pa_OpenStream: ") + Pa_GetErrorText(error));
  }
  stream_.reset(stream);
  library_.stream_opened();

  auto to_engine = Resampler::create(rate_hz_, kEngineRateHz);
  auto to_device = Resampler::create(kEngineRateHz, rate_hz_);
  if (!to_engine || !to_device) {
    return fail(kRule, "resampler set-up failed");
  }
  capture_resampler_.emplace(std::move(*to_engine));
  playout_resampler_.emplace(std::move(*to_device));
  capture_pending_.clear();
  capture_pending_.reserve(ring);
  scratch_.resize(ring);

  const PaError started = Pa_StartStream(stream);
  if (started != paNoError) {
    close_stream();
    return fail(kRule, std::string("Pa_StartStream: ") + Pa_GetErrorText(started));
  }
  last_callbacks_ = 0;
  last_progress_ = now();
  return {};
}

void PortAudioDevice::close_stream() {
  if (stream_) {
    Pa_AbortStream(static_cast<PaStream*>(stream_.get()));
    stream_.reset();
    library_.stream_closed();
  }
}

tl::expected<void, Error> PortAudioDevice::start() {
  if (running_) {
    return {};
  }
  auto opened = open_stream(false);
  if (!opened) {
    // The remembered device is not here: use the default and tell the user.
    close_stream();
    auto fallback = open_stream(true);
    if (!fallback) {
      return fallback;
    }
    events_.push_back({DeviceEvent::Kind::fell_back_to_default,
                       config_.input ? DeviceRole::input : config_.output_role,
                       opened.error().detail});
  }
  running_ = true;
  return {};
}

void PortAudioDevice::stop() {
  running_ = false;
  close_stream();
}

std::size_t PortAudioDevice::read_capture(std::span<std::int16_t> out) {
  if (!stream_ || !input_) {
    return 0;
  }
  // Pull what the callback delivered, then resample as much as fits in `out`.
  const std::size_t room = capture_pending_.capacity() - capture_pending_.size();
  const std::size_t available = std::min(room, bridge_->capture().size());
  const std::size_t old_size = capture_pending_.size();
  capture_pending_.resize(old_size + available);
  bridge_->capture().read(std::span(capture_pending_).subspan(old_size));
  const auto done = capture_resampler_->process(capture_pending_, out);
  capture_pending_.erase(capture_pending_.begin(),
                         capture_pending_.begin() + static_cast<std::ptrdiff_t>(done.consumed));
  return done.produced;
}

std::size_t PortAudioDevice::write_playout(std::span<const std::int16_t> in) {
  if (!stream_ || !output_) {
    return 0;
  }
  std::size_t accepted = 0;
  while (accepted < in.size()) {
    const auto done = playout_resampler_->process(in.subspan(accepted), scratch_);
    bridge_->playout().write(std::span<const std::int16_t>(scratch_.data(), done.produced));
    accepted += done.consumed;
    if (done.consumed == 0) {
      break;
    }
  }
  return accepted;
}

std::size_t PortAudioDevice::playout_queued() const {
  if (!bridge_) {
    return 0;
  }
  return bridge_->playout().size() * kEngineRateHz / static_cast<std::size_t>(rate_hz_);
}

std::optional<DeviceEvent> PortAudioDevice::poll_event() {
  if (running_ && stream_) {
    const TimePoint t = now();
    const std::uint64_t callbacks = bridge_->callbacks();
    const bool active = Pa_IsStreamActive(static_cast<PaStream*>(stream_.get())) == 1;
    if (callbacks != last_callbacks_) {
      last_callbacks_ = callbacks;
      last_progress_ = t;
    } else if (!active || t - last_progress_ > config_.stall_timeout) {
      // The device stopped delivering (unplugged, or its server went away): reopen on
      // the system default instead of going silent or hanging the call.
      const std::string lost = (output_ ? output_->name : input_->name).describe();
      close_stream();
      auto reopened = open_stream(true);
      if (reopened) {
        events_.push_back({DeviceEvent::Kind::fell_back_to_default,
                           output_ ? config_.output_role : DeviceRole::input, lost});
      } else {
        close_stream();
        events_.push_back({DeviceEvent::Kind::stream_failed,
                           config_.output ? config_.output_role : DeviceRole::input,
                           lost + ": " + reopened.error().detail});
      }
    }
  }
  if (events_.empty()) {
    return std::nullopt;
  }
  DeviceEvent event = events_.front();
  events_.erase(events_.begin());
  return event;
}

}  // namespace tipring::audio
