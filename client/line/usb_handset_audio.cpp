#include "client/line/usb_handset_audio.h"

#include "audio/device/portaudio_device.h"

namespace tipring::client {

Result<audio::PortAudioLibrary*> HandsetAudio::library() {
  if (!library_) {
    auto library = audio::PortAudioLibrary::initialize();
    if (!library) {
      return tl::unexpected(library.error());
    }
    library_ = std::move(*library);
  }
  return library_.get();
}

Result<std::unique_ptr<audio::AudioDevice>> HandsetAudio::open(const audio::DeviceName& input,
                                                               const audio::DeviceName& output) {
  auto library = this->library();
  if (!library) {
    return tl::unexpected(library.error());
  }
  audio::PortAudioConfig config;
  config.input = input;
  config.output = output;
  config.loudspeaker = false;  // a handset or headset: no acoustic echo to cancel
  auto device = audio::PortAudioDevice::create(**library, std::move(config));
  if (!device) {
    return tl::unexpected(device.error());
  }
  return std::unique_ptr<audio::AudioDevice>(std::move(*device));
}

HandsetFactory HandsetAudio::named(const std::string& name) {
  return [this, name]() -> Result<std::unique_ptr<audio::AudioDevice>> {
    if (name == "default") {
      return open(audio::DeviceName::system_default(), audio::DeviceName::system_default());
    }
    auto library = this->library();
    if (!library) {
      return tl::unexpected(library.error());
    }
    for (const auto& d : (*library)->devices()) {
      if (d.name.name == name || d.name.describe() == name) {
        return open(d.name, d.name);
      }
    }
    return fail("handset device", "no audio device named '" + name + "'");
  };
}

HandsetFactory HandsetAudio::card(const pots::UsbSoundCard& card) {
  return [this, card]() -> Result<std::unique_ptr<audio::AudioDevice>> {
    auto library = this->library();
    if (!library) {
      return tl::unexpected(library.error());
    }
    // AnalogLine closed the previous handset before calling this, so no stream is open.
    (void)(*library)->refresh();
    std::optional<audio::DeviceName> input;
    std::optional<audio::DeviceName> output;
    for (const auto& d : (*library)->devices()) {
      if (!pots::portaudio_device_on_card(d.name.name, card.index)) {
        continue;
      }
      if (!input && d.max_input_channels > 0) {
        input = d.name;
      }
      if (!output && d.max_output_channels > 0) {
        output = d.name;
      }
    }
    if (!input || !output) {
      return fail("handset device",
                  "no PortAudio device on " + card.alsa_hw() + " (" + card.id + ")");
    }
    return open(*input, *output);
  };
}

}  // namespace tipring::client
