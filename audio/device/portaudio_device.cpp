#include "audio/device/portaudio_device.h"

#include <algorithm>
#include <chrono>

#include <portaudio.h>

namespace tipring::audio {
namespace {

constexpr std::string_view kRule = "PortAudio";

int capture_callback(const void* input, void* /*output*/, unsigned long frames,
                     const PaStreamCallbackTimeInfo* /*time*/, PaStreamCallbackFlags /*flags*/,
                     void* user) {
  static_cast<CallbackBridge*>(user)->on_audio(static_cast<const std::int16_t*>(input), nullptr,
                                               frames);
  return paContinue;
}

int playout_callback(const void* /*input*/, void* output, unsigned long frames,
                     const PaStreamCallbackTimeInfo* /*time*/, PaStreamCallbackFlags /*flags*/,
                     void* user) {
  static_cast<CallbackBridge*>(user)->on_audio(nullptr, static_cast<std::int16_t*>(output), frames);
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
  const int out_channels = output_ ? std::min(2, output_->max_output_channels) : 0;
  PaStreamParameters in_params{};
  PaStreamParameters out_params{};
  if (input_) {
    in_params = parameters(*input_, 1, config_.suggested_latency_s);
  }
  if (output_) {
    out_params = parameters(*output_, out_channels, config_.suggested_latency_s);
  }
  // 48 kHz avoids resampling; otherwise the device's own rate, then the common ones. Both
  // directions use one rate so that one pair of resamplers serves the device.
  std::vector<double> rates = {48000.0};
  rates.push_back(input_ ? input_->default_rate_hz : output_->default_rate_hz);
  rates.insert(rates.end(), {44100.0, 16000.0, 8000.0});
  const auto supported = std::find_if(rates.begin(), rates.end(), [&](double rate) {
    const bool in_ok =
        !input_ || Pa_IsFormatSupported(&in_params, nullptr, rate) == paFormatIsSupported;
    const bool out_ok =
        !output_ || Pa_IsFormatSupported(nullptr, &out_params, rate) == paFormatIsSupported;
    return in_ok && out_ok;
  });
  if (supported == rates.end()) {
    return fail(kRule, "no supported sample rate (tried 48, default, 44.1, 16, 8 kHz)");
  }
  rate_hz_ = static_cast<int>(*supported);

  const auto ring = static_cast<std::size_t>(rate_hz_) * config_.ring_ms / 1000;
  bridge_ = std::make_unique<CallbackBridge>(ring, 1, out_channels);
  auto to_engine = Resampler::create(rate_hz_, kEngineRateHz, 5, false);
  auto to_device = Resampler::create(kEngineRateHz, rate_hz_, 5, false);
  if (!to_engine || !to_device) {
    return fail(kRule, "resampler set-up failed");
  }
  capture_resampler_.emplace(std::move(*to_engine));
  playout_resampler_.emplace(std::move(*to_device));
  capture_pending_.clear();
  capture_pending_.reserve(ring);
  scratch_.resize(ring);

  if (input_) {
    if (auto opened = open_one(*input_, true, capture_stream_); !opened) {
      return opened;
    }
  }
  if (output_) {
    if (auto opened = open_one(*output_, false, playout_stream_); !opened) {
      return opened;
    }
  }
  const TimePoint t = now();
  last_capture_calls_ = 0;
  last_playout_calls_ = 0;
  last_capture_progress_ = t;
  last_playout_progress_ = t;
  opened_at_ = t;
  return {};
}

tl::expected<void, Error> PortAudioDevice::open_one(
    const DeviceDescription& device, bool capture,
    std::unique_ptr<void, PortAudioStreamDeleter>& stream) {
  const int channels = capture ? 1 : std::min(2, device.max_output_channels);
  const PaStreamParameters params = parameters(device, channels, config_.suggested_latency_s);
  PaStream* opened = nullptr;
  const PaError error =
      Pa_OpenStream(&opened, capture ? &params : nullptr, capture ? nullptr : &params, rate_hz_,
                    static_cast<unsigned long>(rate_hz_ / 100), paClipOff,
                    capture ? &capture_callback : &playout_callback, bridge_.get());
  if (error != paNoError) {
    return fail(kRule, device.name.describe() + ": Pa_OpenStream: " + Pa_GetErrorText(error));
  }
  stream.reset(opened);
  library_.stream_opened();
  const PaError started = Pa_StartStream(opened);
  if (started != paNoError) {
    return fail(kRule, device.name.describe() + ": Pa_StartStream: " + Pa_GetErrorText(started));
  }
  return {};
}

void PortAudioDevice::close_stream() {
  for (auto* stream : {&capture_stream_, &playout_stream_}) {
    if (*stream) {
      Pa_AbortStream(static_cast<PaStream*>(stream->get()));
      stream->reset();
      library_.stream_closed();
    }
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
  if (!capture_stream_) {
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
  if (!playout_stream_) {
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

bool PortAudioDevice::stalled(TimePoint t) {
  // A stream is alive while its callback keeps coming; one that stops (unplugged device,
  // sound server gone) is stalled after stall_timeout.
  auto check = [&](const std::unique_ptr<void, PortAudioStreamDeleter>& stream, std::uint64_t calls,
                   std::uint64_t& last_calls, TimePoint& last_progress) {
    if (!stream) {
      return false;
    }
    if (calls != last_calls) {
      last_calls = calls;
      last_progress = t;
      return false;
    }
    const bool active = Pa_IsStreamActive(static_cast<PaStream*>(stream.get())) == 1;
    // Sound servers may fill a large buffer and then pause before streaming steadily.
    const bool starting = t - opened_at_ < config_.start_timeout;
    const Duration allowed = starting ? config_.start_timeout : config_.stall_timeout;
    return !active || t - last_progress > allowed;
  };
  const bool capture_stalled = check(capture_stream_, bridge_->capture_callbacks(),
                                     last_capture_calls_, last_capture_progress_);
  const bool playout_stalled = check(playout_stream_, bridge_->playout_callbacks(),
                                     last_playout_calls_, last_playout_progress_);
  return capture_stalled || playout_stalled;
}

std::optional<DeviceEvent> PortAudioDevice::poll_event() {
  if (running_ && streams_open() && stalled(now())) {
    // The device stopped delivering: reopen on the system default instead of going
    // silent or hanging the call, and tell the user which device was lost.
    const std::string lost = (output_ ? output_->name : input_->name).describe();
    const DeviceRole role = config_.output ? config_.output_role : DeviceRole::input;
    close_stream();
    // With our streams closed PortAudio can re-enumerate (unless another device, e.g. the
    // ringer, still streams), so the fallback and the user's next choice see what is
    // plugged in now rather than the list from before the unplug.
    const auto refreshed = library_.refresh();
    auto reopened = open_stream(true);
    if (reopened) {
      events_.push_back({DeviceEvent::Kind::fell_back_to_default, role, lost});
    } else {
      close_stream();
      events_.push_back(
          {DeviceEvent::Kind::stream_failed, role, lost + ": " + reopened.error().detail});
    }
    if (refreshed && *refreshed) {
      events_.push_back({DeviceEvent::Kind::device_list_changed, role, lost + " is gone"});
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
