// Counters written by exactly one forwarding worker and read by the control plane (metrics,
// final statistics): a relaxed load and store, no read-modify-write bus lock per packet.
#pragma once

#include "relay_server/media/latch.h"

#include <array>
#include <atomic>
#include <cstdint>

namespace tipring::relay {

class SingleWriterCounter {
public:
  void add(std::uint64_t n) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t read() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

// What happened to the datagrams a leg received from its client.
struct TrafficCounters {
  SingleWriterCounter packets_received;
  SingleWriterCounter bytes_received;
  SingleWriterCounter packets_forwarded;  // sent on to the other leg's client
  SingleWriterCounter bytes_forwarded;
  SingleWriterCounter send_failures;  // the kernel refused the forwarded copy (buffer full)
  std::array<SingleWriterCounter, kDropReasonCount> drops;
  SingleWriterCounter learned;  // learned + relearned events
  SingleWriterCounter handovers;

  void count_drop(DropReason reason) { drops[static_cast<std::size_t>(reason)].add(1); }
  void count_event(LatchEvent event) {
    if (event == LatchEvent::learned || event == LatchEvent::relearned) {
      learned.add(1);
    } else if (event == LatchEvent::handed_over) {
      handovers.add(1);
    }
  }
};

// A plain snapshot of TrafficCounters, for final statistics and metrics.
struct TrafficTotals {
  std::uint64_t packets_received = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t packets_forwarded = 0;
  std::uint64_t bytes_forwarded = 0;
  std::uint64_t send_failures = 0;
  std::array<std::uint64_t, kDropReasonCount> drops{};
  std::uint64_t learned = 0;
  std::uint64_t handovers = 0;

  void add(const TrafficCounters& c) {
    packets_received += c.packets_received.read();
    bytes_received += c.bytes_received.read();
    packets_forwarded += c.packets_forwarded.read();
    bytes_forwarded += c.bytes_forwarded.read();
    send_failures += c.send_failures.read();
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
      drops[i] += c.drops[i].read();
    }
    learned += c.learned.read();
    handovers += c.handovers.read();
  }
  [[nodiscard]] std::uint64_t dropped(DropReason reason) const {
    return drops[static_cast<std::size_t>(reason)];
  }
};

}  // namespace tipring::relay
