// A seeded network simulator for jitter-buffer tests and benchmarks: a sender producing
// one packet per frame on its own (drifting) clock, and a path with random or bursty
// (Gilbert-Elliott) loss, delay jitter, reordering, duplication and outages. Produces the
// arrival sequence on the receiver's clock; no real time passes.
#pragma once

#include "protocol/core/time.h"

#include <cstdint>
#include <vector>

namespace tipring::audio::testing {

struct TraceConfig {
  std::uint64_t seed = 1;
  int frame_ms = 20;
  int clock_rate_hz = 8000;
  double duration_s = 60.0;
  double base_delay_ms = 30.0;
  double jitter_ms = 0.0;           // extra delay drawn uniformly from [0, jitter_ms]
  double loss = 0.0;                // long-run loss probability, 0..1
  double mean_burst_packets = 1.0;  // 1 = independent loss; > 1 = Gilbert-Elliott bursts
  double reorder = 0.0;             // probability a packet is held back behind the next one
  double duplicate = 0.0;           // probability a packet arrives twice
  double drift_ppm = 0.0;           // sender clock fast (+) or slow (-) against the receiver
  double outage_start_s = -1.0;     // every packet sent in [start, start + length) is lost
  double outage_length_s = 0.0;
  std::uint32_t ssrc = 0x1234abcd;
  std::uint16_t first_sequence = 65000;  // near the wrap on purpose
  std::uint32_t first_timestamp = 4294000000U;
};

struct TracePacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t ssrc = 0;
  std::int64_t frame_index = 0;  // which sent frame this is (for payload lookup)
  TimePoint sent;
  TimePoint arrival;
};

struct Trace {
  std::vector<TracePacket> arrivals;  // in arrival order, duplicates included
  std::int64_t frames_sent = 0;
  std::int64_t frames_lost = 0;  // never arrived
  // RFC 3550 §6.4.1 cumulative loss as a receiver sees it: missing between the first and
  // the last sequence number that arrived.
  std::int64_t receiver_visible_loss() const;
};

Trace make_trace(const TraceConfig& config);

}  // namespace tipring::audio::testing
