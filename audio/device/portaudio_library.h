// PortAudioLibrary: owns PortAudio's initialisation (Pa_Initialize/Pa_Terminate, RAII)
// and the device list. PortAudio has no change notification and its list is frozen
// until re-initialisation, so refresh() re-initialises on demand — the hook that a
// hot-plug signal (or a periodic poll) calls while no stream is open.
#pragma once

#include "audio/device/audio_device.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tipring::audio {

struct DeviceDescription {
  DeviceName name;
  int index = -1;  // PortAudio's index in the current enumeration only
  int max_input_channels = 0;
  int max_output_channels = 0;
  double default_rate_hz = 0.0;
  bool is_default_input = false;
  bool is_default_output = false;
};

class PortAudioLibrary {
public:
  static Result<std::unique_ptr<PortAudioLibrary>> initialize();
  ~PortAudioLibrary();
  PortAudioLibrary(const PortAudioLibrary&) = delete;
  PortAudioLibrary& operator=(const PortAudioLibrary&) = delete;

  const std::vector<DeviceDescription>& devices() const { return devices_; }
  // Re-enumerates; fails while streams are open (PortAudio would invalidate them).
  // Returns true when the list changed.
  Result<bool> refresh();
  // The device to open for `name` in `role` ("default" follows the system default);
  // nullopt when no such device is present now.
  std::optional<DeviceDescription> resolve(const DeviceName& name, DeviceRole role) const;

  void stream_opened() { ++open_streams_; }
  void stream_closed() { --open_streams_; }

private:
  PortAudioLibrary() = default;
  void enumerate();

  std::vector<DeviceDescription> devices_;
  int open_streams_ = 0;
};

}  // namespace tipring::audio
