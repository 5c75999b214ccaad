// HandsetAudio: the sound devices an AnalogLine's handset can use through PortAudio — the
// system default, a device named by the user, or the sound card of a USB telephone
// (pots::UsbSoundCard, matched to its HID node in sysfs). PortAudio is initialised on first
// use and re-enumerated before a card is looked up, because its device list is frozen
// from initialisation and a hot-plugged telephone's card is new.
#pragma once

#include "audio/device/portaudio_library.h"
#include "client/line/analog_line.h"
#include "pots/hid/usb_audio_match.h"

#include <memory>
#include <string>

namespace tipring::client {

class HandsetAudio {
public:
  // "default" (the system's default input and output) or a PortAudio device name, as
  // "<host api>: <name>" or the name alone.
  HandsetFactory named(const std::string& name);
  HandsetFactory card(const pots::UsbSoundCard& card);

private:
  Result<audio::PortAudioLibrary*> library();
  Result<std::unique_ptr<audio::AudioDevice>> open(const audio::DeviceName& input,
                                                   const audio::DeviceName& output);

  std::unique_ptr<audio::PortAudioLibrary> library_;
};

}  // namespace tipring::client
