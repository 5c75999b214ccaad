// LoadGenerator: the client side of the relay benchmark. 2 x N loopback endpoints (two per
// call), each sending 172-byte RTP packets whose payload carries the send time; the
// receiving socket's kernel timestamp (SO_TIMESTAMPNS) gives the one-way latency through
// whatever relay sits between the two endpoints of a call.
#pragma once

#include "relay_server/media/endpoint.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace tipring::bench {

using relay::Endpoint;

// Reads the CPU nanoseconds consumed so far by the relay under test (its threads only).
using CpuProbe = std::function<std::int64_t()>;

// CPU spent during a measured interval: the relay's threads and the generator's thread.
struct CpuUse {
  std::int64_t relay_ns = 0;
  std::int64_t generator_ns = 0;
  // Share of one core, in percent, over `seconds` of wall time.
  [[nodiscard]] static double percent(std::int64_t ns, double seconds) {
    return seconds > 0 ? 100.0 * static_cast<double>(ns) / (seconds * 1e9) : 0.0;
  }
};

struct PacedResult {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  double seconds = 0;
  std::int64_t p50_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t max_ns = 0;
  // How far behind its schedule the generator sent (a late generator sends in bursts).
  std::int64_t send_late_p99_ns = 0;
  std::int64_t send_late_max_ns = 0;
  CpuUse cpu;
  [[nodiscard]] double loss_percent() const {
    return sent == 0 ? 0.0
                     : 100.0 * static_cast<double>(sent - std::min(sent, received)) /
                           static_cast<double>(sent);
  }
  [[nodiscard]] double forwarded_pps() const {
    return seconds > 0 ? static_cast<double>(received) / seconds : 0.0;
  }
};

struct SaturationResult {
  std::uint64_t received = 0;
  double seconds = 0;
  CpuUse cpu;
  [[nodiscard]] double forwarded_pps() const {
    return seconds > 0 ? static_cast<double>(received) / seconds : 0.0;
  }
  // Forwarded packets per CPU-second of the relay's own threads: packets/s per core.
  [[nodiscard]] double pps_per_core() const {
    return cpu.relay_ns > 0
               ? static_cast<double>(received) * 1e9 / static_cast<double>(cpu.relay_ns)
               : 0.0;
  }
};

class LoadGenerator {
public:
  explicit LoadGenerator(int calls);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  [[nodiscard]] int endpoints() const { return static_cast<int>(endpoints_.size()); }
  // Endpoint 2i and 2i+1 are the two parties of call i.
  [[nodiscard]] const Endpoint& local(int endpoint) const;
  void send_to(int endpoint, const Endpoint& relay_port);

  // A few packets from every endpoint so every relay learns its addresses, then a drain.
  void prime(int packets);
  // Every endpoint sends `pps` packets per second, evenly spread, for `duration`.
  PacedResult run_paced(std::chrono::milliseconds duration, int pps, const CpuProbe& relay_cpu);
  // Closed loop: every endpoint keeps `window` packets in flight (bursts of at most that),
  // as fast as the relay turns them around.
  SaturationResult run_saturation(std::chrono::milliseconds duration, int window,
                                  const CpuProbe& relay_cpu);

private:
  struct Party {
    int fd = -1;
    Endpoint local;
    Endpoint to;
    std::uint16_t sequence = 0;
    std::uint32_t ssrc = 0;
    int in_flight = 0;
  };

  bool send_one(Party& party, std::uint32_t index);
  int send_burst(Party& party, std::uint32_t index, int count);  // one sendmmsg
  // Reads what is ready; calls on_packet(sender index, latency ns) for each datagram.
  template <class OnPacket>
  int receive_ready(int wait_ms, OnPacket on_packet, int max_sockets = 256);
  int drain(std::chrono::milliseconds quiet);

  std::vector<Party> endpoints_;
  int epoll_fd_ = -1;
};

}  // namespace tipring::bench
