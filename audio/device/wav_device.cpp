#include "audio/device/wav_device.h"

#include "audio/dsp/resampler.h"

#include <algorithm>

namespace tipring::audio {

std::vector<std::int16_t> resample_all(std::span<const std::int16_t> in, int from_hz, int to_hz) {
  auto resampler = Resampler::create(from_hz, to_hz);
  if (!resampler || resampler->passthrough()) {
    return {in.begin(), in.end()};
  }
  std::vector<std::int16_t> out(resampler->output_for(in.size()) + 64);
  std::size_t consumed = 0;
  std::size_t produced = 0;
  while (consumed < in.size() && produced < out.size()) {
    const auto step = resampler->process(in.subspan(consumed), std::span(out).subspan(produced));
    consumed += step.consumed;
    produced += step.produced;
    if (step.consumed == 0 && step.produced == 0) {
      break;
    }
  }
  // Flush the filter's tail with silence so the end of the file is not cut short.
  const std::vector<std::int16_t> zeros(static_cast<std::size_t>(from_hz / 100), 0);
  const auto tail = resampler->process(zeros, std::span(out).subspan(produced));
  produced += tail.produced;
  out.resize(
      std::min(produced, static_cast<std::size_t>((in.size() * static_cast<std::size_t>(to_hz) +
                                                   static_cast<std::size_t>(from_hz) - 1) /
                                                  static_cast<std::size_t>(from_hz))));
  return out;
}

Result<std::unique_ptr<WavFileDevice>> WavFileDevice::open(WavDeviceConfig config) {
  if (config.pacing == CapturePacing::real_time && !config.clock) {
    return fail("WavFileDevice", "real-time pacing needs a clock");
  }
  std::unique_ptr<WavFileDevice> device(new WavFileDevice(std::move(config)));
  if (!device->config_.capture_path.empty()) {
    auto audio = read_wav_file(device->config_.capture_path);
    if (!audio) {
      return tl::unexpected(audio.error());
    }
    device->capture_ = resample_all(audio->samples, audio->rate_hz, kEngineRateHz);
  }
  if (!device->config_.record_path.empty()) {
    auto writer = WavWriter::create(device->config_.record_path, kEngineRateHz);
    if (!writer) {
      return tl::unexpected(writer.error());
    }
    device->recorder_.emplace(std::move(*writer));
  }
  return device;
}

tl::expected<void, Error> WavFileDevice::start() {
  started_ = true;
  delivered_ = 0;
  played_ = 0;
  if (config_.clock) {
    started_at_ = config_.clock();
  }
  return {};
}

void WavFileDevice::stop() {
  started_ = false;
  if (recorder_) {
    recorder_->close();
  }
}

bool WavFileDevice::capture_finished() const {
  return !config_.loop && delivered_ >= capture_.size();
}

std::size_t WavFileDevice::samples_due() const {
  if (config_.pacing == CapturePacing::as_fast_as_read) {
    return static_cast<std::size_t>(-1);
  }
  const auto elapsed_us = static_cast<std::uint64_t>((config_.clock() - started_at_).count());
  const std::uint64_t due = elapsed_us * kEngineRateHz / 1'000'000;
  return static_cast<std::size_t>(due > delivered_ ? due - delivered_ : 0);
}

std::size_t WavFileDevice::read_capture(std::span<std::int16_t> out) {
  if (!started_) {
    return 0;
  }
  const std::size_t count = std::min(out.size(), samples_due());
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t position = delivered_ + i;
    if (capture_.empty()) {
      out[i] = 0;
    } else if (config_.loop) {
      out[i] = capture_[position % capture_.size()];
    } else {
      out[i] = position < capture_.size() ? capture_[position] : std::int16_t{0};
    }
  }
  delivered_ += count;
  return count;
}

std::size_t WavFileDevice::playout_queued() const {
  std::uint64_t drained = delivered_;
  if (config_.pacing == CapturePacing::real_time && started_) {
    const auto elapsed_us = static_cast<std::uint64_t>((config_.clock() - started_at_).count());
    drained = elapsed_us * kEngineRateHz / 1'000'000;
  }
  return played_ > drained ? static_cast<std::size_t>(played_ - drained) : 0;
}

std::size_t WavFileDevice::write_playout(std::span<const std::int16_t> in) {
  if (!started_) {
    return 0;
  }
  played_ += in.size();
  if (recorder_) {
    recorder_->append(in);
  }
  return in.size();
}

}  // namespace tipring::audio
