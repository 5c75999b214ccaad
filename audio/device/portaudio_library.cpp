#include "audio/device/portaudio_library.h"

#include <portaudio.h>

namespace tipring::audio {

Result<std::unique_ptr<PortAudioLibrary>> PortAudioLibrary::initialize() {
  const PaError error = Pa_Initialize();
  if (error != paNoError) {
    return fail("PortAudio", std::string("Pa_Initialize: ") + Pa_GetErrorText(error));
  }
  std::unique_ptr<PortAudioLibrary> library(new PortAudioLibrary());
  library->enumerate();
  return library;
}

PortAudioLibrary::~PortAudioLibrary() {
  Pa_Terminate();
}

void PortAudioLibrary::enumerate() {
  devices_.clear();
  const PaDeviceIndex count = Pa_GetDeviceCount();
  const PaDeviceIndex default_in = Pa_GetDefaultInputDevice();
  const PaDeviceIndex default_out = Pa_GetDefaultOutputDevice();
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info == nullptr) {
      continue;
    }
    const PaHostApiInfo* host = Pa_GetHostApiInfo(info->hostApi);
    DeviceDescription d;
    d.name = DeviceName{host != nullptr ? host->name : "", info->name};
    d.index = i;
    d.max_input_channels = info->maxInputChannels;
    d.max_output_channels = info->maxOutputChannels;
    d.default_rate_hz = info->defaultSampleRate;
    d.is_default_input = i == default_in;
    d.is_default_output = i == default_out;
    devices_.push_back(std::move(d));
  }
}

Result<bool> PortAudioLibrary::refresh() {
  if (open_streams_ > 0) {
    return fail("PortAudio", "cannot re-enumerate devices while a stream is open");
  }
  std::vector<DeviceName> before;
  for (const auto& d : devices_) {
    before.push_back(d.name);
  }
  Pa_Terminate();
  const PaError error = Pa_Initialize();
  if (error != paNoError) {
    devices_.clear();
    return fail("PortAudio", std::string("Pa_Initialize: ") + Pa_GetErrorText(error));
  }
  enumerate();
  std::vector<DeviceName> after;
  for (const auto& d : devices_) {
    after.push_back(d.name);
  }
  return before != after;
}

std::optional<DeviceDescription> PortAudioLibrary::resolve(const DeviceName& name,
                                                           DeviceRole role) const {
  const bool wants_input = role == DeviceRole::input;
  for (const auto& d : devices_) {
    const bool usable = wants_input ? d.max_input_channels > 0 : d.max_output_channels > 0;
    if (!usable) {
      continue;
    }
    if (name.is_system_default() ? (wants_input ? d.is_default_input : d.is_default_output)
                                 : d.name == name) {
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace tipring::audio
