#include "tests/audio/pulse_server.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tipring::audio::testing {

std::string PrivatePulseServer::find_binary() {
  for (const char* candidate : {"/usr/bin/pulseaudio", "/usr/local/bin/pulseaudio"}) {
    if (::access(candidate, X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

bool PrivatePulseServer::start(const std::vector<std::string>& sinks, std::string* error) {
  const std::string binary = find_binary();
  if (binary.empty()) {
    *error = "pulseaudio is not installed";
    return false;
  }
  char pattern[] = "/tmp/tipring-pulse-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    *error = "mkdtemp failed";
    return false;
  }
  directory_ = pattern;
  socket_ = directory_ + "/native";
  {
    std::ofstream config(directory_ + "/default.pa");
    for (const auto& sink : sinks) {
      config << "load-module module-null-sink sink_name=" << sink << " rate=48000\n";
    }
    config << "load-module module-native-protocol-unix auth-anonymous=1 socket=" << socket_ << "\n";
    config << "set-default-sink " << sinks.front() << "\n";
    config << "set-default-source " << sinks.front() << ".monitor\n";
  }
  // The daemon gets private paths for everything it would otherwise share with a session.
  std::vector<std::string> env_strings = {
      "HOME=" + directory_, "PULSE_RUNTIME_PATH=" + directory_ + "/runtime",
      "PULSE_STATE_PATH=" + directory_ + "/state", "XDG_CONFIG_HOME=" + directory_ + "/config",
      "PATH=/usr/bin:/bin"};
  std::vector<std::string> arg_strings = {binary,
                                          "--daemonize=no",
                                          "-n",
                                          "-F",
                                          directory_ + "/default.pa",
                                          "--exit-idle-time=-1",
                                          "--disallow-exit",
                                          "--use-pid-file=no",
                                          "--disable-shm=yes",
                                          "--log-target=file:" + directory_ + "/log"};
  std::vector<char*> argv;
  for (auto& a : arg_strings) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  if (::posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), envp.data()) != 0) {
    pid_ = -1;
    *error = "posix_spawn(pulseaudio) failed";
    return false;
  }
  // Bounded wait for the socket: at most 10 s.
  for (int i = 0; i < 200; ++i) {
    struct stat info {};
    if (::stat(socket_.c_str(), &info) == 0) {
      ::setenv("PULSE_SERVER", ("unix:" + socket_).c_str(), 1);
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "pulseaudio exited at start; see " + directory_ + "/log";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  *error = "pulseaudio did not open its socket within 10 s";
  stop();
  return false;
}

void PrivatePulseServer::stop() {
  if (alsa_config_set_) {
    ::unsetenv("ALSA_CONFIG_PATH");
    alsa_config_set_ = false;
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 100 && !exited; ++i) {
      exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!exited) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (!exited) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (!directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    directory_.clear();
  }
}

int PrivatePulseServer::unload_sink(const std::string& sink) const {
  const std::string server = "PULSE_SERVER=unix:" + socket_ + " ";
  const std::string command = server + "pactl unload-module $(" + server +
                              "pactl list short modules | awk '/sink_name=" + sink +
                              "[ ]/ || /sink_name=" + sink + "$/ {print $1}') >/dev/null 2>&1";
  return std::system(command.c_str());
}

int PrivatePulseServer::load_sink(const std::string& sink) const {
  const std::string command = "PULSE_SERVER=unix:" + socket_ +
                              " pactl load-module module-null-sink sink_name=" + sink +
                              " rate=48000 2>/dev/null";
  FILE* out = ::popen(command.c_str(), "r");
  if (out == nullptr) {
    return -1;
  }
  int index = -1;
  if (std::fscanf(out, "%d", &index) != 1) {
    index = -1;
  }
  return ::pclose(out) == 0 ? index : -1;
}

int PrivatePulseServer::unload_module(int index) const {
  return pactl("unload-module " + std::to_string(index));
}

bool PrivatePulseServer::expose_sinks_to_alsa(const std::vector<std::string>& sinks) {
  const std::string path = directory_ + "/asound.conf";
  {
    std::ofstream config(path);
    for (const auto& sink : sinks) {
      config << "pcm." << sink << " {\n  type pulse\n  device " << sink << "\n  hint {\n"
             << "    show on\n    description \"" << sink << "\"\n  }\n}\n";
    }
    if (!config) {
      return false;
    }
  }
  // The system configuration first (it defines the pulse plugin), then ours.
  alsa_config_set_ =
      ::setenv("ALSA_CONFIG_PATH", ("/usr/share/alsa/alsa.conf:" + path).c_str(), 1) == 0;
  return alsa_config_set_;
}

int PrivatePulseServer::pactl(const std::string& arguments) const {
  const std::string command =
      "PULSE_SERVER=unix:" + socket_ + " pactl " + arguments + " >/dev/null 2>&1";
  return std::system(command.c_str());
}

}  // namespace tipring::audio::testing
