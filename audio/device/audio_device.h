// AudioDevice: where the engine's audio comes from and goes to — a sound card through
// PortAudio, a WAV file, or nothing. The media thread reads captured and writes playout
// samples as mono 16-bit PCM at the engine's 48 kHz; the device adapts to its own rate
// and hands samples to its real-time side through lock-free rings.
#pragma once

#include "protocol/core/error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace tipring::audio {

inline constexpr int kEngineRateHz = 48000;
inline constexpr std::size_t kEngineFrame10ms = kEngineRateHz / 100;

// A device remembered across runs: host API plus device name ("ALSA", "USB Headset: Audio
// (hw:2,0)"). Indices change with every enumeration; names do not. The name "default"
// means "whatever the system default is when the stream opens".
struct DeviceName {
  std::string host_api;
  std::string name;

  static DeviceName system_default() { return {"", "default"}; }
  bool is_system_default() const { return name == "default" && host_api.empty(); }
  std::string describe() const { return host_api.empty() ? name : host_api + ": " + name; }
  friend bool operator==(const DeviceName&, const DeviceName&) = default;
};

enum class DeviceRole { input, output, ringer };

struct DeviceEvent {
  enum class Kind {
    fell_back_to_default,  // the chosen device vanished; the stream now uses the default
    stream_failed,         // no device at all could be opened; the device is silent
    device_list_changed,   // re-enumeration found devices added or removed
  };
  Kind kind;
  DeviceRole role;
  std::string detail;  // which device, for the user-visible notice
};

class AudioDevice {
public:
  virtual ~AudioDevice() = default;

  virtual tl::expected<void, Error> start() = 0;
  virtual void stop() = 0;

  // Media thread: up to out.size() captured samples (48 kHz mono); never blocks.
  virtual std::size_t read_capture(std::span<std::int16_t> out) = 0;
  // Media thread: queues samples for playout; returns how many were accepted.
  virtual std::size_t write_playout(std::span<const std::int16_t> in) = 0;
  // Samples queued for playout and not yet played (48 kHz), for latency and pacing.
  virtual std::size_t playout_queued() const = 0;

  // Media thread: health check and hot-plug handling; returns what the user should hear
  // about (a fallback to the default device), one event per call.
  virtual std::optional<DeviceEvent> poll_event() { return std::nullopt; }

  // Loudspeakers (not a headset): echo cancellation is on by default for these.
  virtual bool output_is_loudspeaker() const { return true; }
  // A live microphone (room noise to suppress). WAV files and the null device deliver a
  // recorded or silent signal: denoising them only alters it and costs about half a
  // percent of a core at 48 kHz, so noise suppression is off for them by default.
  virtual bool capture_is_microphone() const { return true; }
};

}  // namespace tipring::audio
