// PrivatePulseServer: a PulseAudio daemon of the test's own — its own runtime directory,
// config (-n -F: null sinks only, anonymous unix socket), started as a child process and
// stopped by PID. Works as root (CI) without --system: the daemon only warns, and the
// private runtime/state/home paths keep it away from any session daemon.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace tipring::audio::testing {

class PrivatePulseServer {
public:
  // Empty when pulseaudio is not installed.
  static std::string find_binary();

  // Starts the daemon with null sinks named `sinks` (the first is the default, and its
  // monitor the default source); waits (bounded) for its socket. Sets PULSE_SERVER in
  // this process so ALSA's "pulse" device, and thus PortAudio, talk to it.
  bool start(const std::vector<std::string>& sinks, std::string* error);
  void stop();
  ~PrivatePulseServer() { stop(); }

  // Runs `pactl <arguments>` against this server; returns its exit status.
  int pactl(const std::string& arguments) const;
  // Unloads the null sink named `sink` (as if that device were unplugged).
  int unload_sink(const std::string& sink) const;
  // Loads another null sink ("plugs in" a device); returns its module index, the handle
  // to unplug exactly that device later, or -1.
  int load_sink(const std::string& sink) const;
  int unload_module(int index) const;
  // Makes each sink an ALSA device of its own name (an ALSA "pulse" PCM bound to that sink),
  // so that PortAudio lists it like a USB headset; sets ALSA_CONFIG_PATH in this process
  // (unset again by stop()).
  // PortAudio sees them after its next (re-)initialisation.
  bool expose_sinks_to_alsa(const std::vector<std::string>& sinks);
  const std::string& socket_path() const { return socket_; }

private:
  std::string directory_;
  std::string socket_;
  pid_t pid_ = -1;
  bool alsa_config_set_ = false;  // ALSA_CONFIG_PATH points into directory_
};

}  // namespace tipring::audio::testing
