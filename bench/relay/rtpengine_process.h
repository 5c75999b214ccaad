// RtpengineProcess: rtpengine (Debian's rtpengine-daemon) as the benchmark's peer relay,
// userspace forwarding only (--table=-1), on loopback with its own ports, pinned to one
// core with taskset, driven by ng offer/answer over UDP, and stopped by its PID.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <sys/types.h>

namespace tipring::bench {

class RtpengineProcess {
public:
  // fifo_priority > 0 runs its worker threads SCHED_FIFO at that priority.
  RtpengineProcess(std::string binary, int cpu, int fifo_priority, std::uint16_t ng_port,
                   std::uint16_t port_min, std::uint16_t port_max);
  ~RtpengineProcess();
  RtpengineProcess(const RtpengineProcess&) = delete;
  RtpengineProcess& operator=(const RtpengineProcess&) = delete;

  // Starts it and waits (bounded) for a pong.
  bool start();
  void stop();
  // offer (party a) and answer (party b); returns (port a sends to, port b sends to).
  std::optional<std::pair<std::uint16_t, std::uint16_t>> create_call(int call, std::uint16_t a_port,
                                                                     std::uint16_t b_port);
  [[nodiscard]] long rss_kib() const;
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& command_line() const { return command_line_; }

private:
  std::optional<std::string> request(const std::string& bencoded_dict);

  std::string binary_;
  int cpu_;
  int fifo_priority_;
  std::uint16_t ng_port_;
  std::uint16_t port_min_;
  std::uint16_t port_max_;
  pid_t pid_ = -1;
  int ng_fd_ = -1;
  unsigned cookie_ = 0;
  std::string command_line_;
};

// Resident set size of a process in KiB (/proc/<pid>/status VmRSS), 0 if unknown.
long rss_kib_of(pid_t pid);
// Open file descriptors of `pid` (sockets, for a relay), or 0 when unreadable.
long open_files_of(pid_t pid);

}  // namespace tipring::bench
