// MediaStats: one call's media counters as a plain snapshot, named after the W3C
// webrtc-stats dictionaries (RTCOutboundRtpStreamStats, RTCInboundRtpStreamStats,
// RTCRemoteInboundRtpStreamStats) so that tipring-cli's --json and the GUI's call-quality
// view speak the same vocabulary. Loss/jitter/RTT come from RFC 3550 §6.4 reports.
#pragma once

#include "audio/jitter/jitter_stats.h"

#include <cstdint>
#include <mutex>
#include <string>

namespace tipring::client {

struct MediaStats {
  // Outbound (RTCOutboundRtpStreamStats): packetsSent / bytesSent (payload bytes, as in
  // webrtc-stats; headers not counted).
  std::uint64_t packets_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t telephone_events_sent = 0;  // DTMF digits sent (RFC 4733 events)

  // Inbound (RTCInboundRtpStreamStats): packetsReceived / bytesReceived from the peer.
  std::uint64_t packets_received = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t telephone_events_received = 0;
  std::uint32_t inbound_jitter_rtp_units = 0;  // RFC 3550 A.8, our measurement of the peer
  double inbound_jitter_s = 0.0;               // jitter
  std::int32_t inbound_packets_lost = 0;       // packetsLost (A.3, expected - received)
  // Datagrams dropped because they came from anywhere but the negotiated remote address
  // (or arrived before one was negotiated): never decoded, never played.
  std::uint64_t packets_from_strangers_dropped = 0;
  std::uint64_t packets_malformed_dropped = 0;  // not RTP/RTCP, or failed to parse

  // Jitter buffer (jitterBufferDelay, concealedSamples, ...), from the playout side.
  audio::JitterBufferStats jitter_buffer;
  double jitter_buffer_target_delay_ms = 0.0;

  // RTCP (RFC 3550 §6.4): reports sent, and what the peer's reports say about our stream
  // (RTCRemoteInboundRtpStreamStats: fractionLost, packetsLost, jitter, roundTripTime).
  std::uint64_t rtcp_packets_sent = 0;
  std::uint64_t rtcp_packets_received = 0;
  std::uint64_t remote_reports_received = 0;  // report blocks about our SSRC
  double remote_fraction_lost = 0.0;          // 0..1, last report
  std::int32_t remote_packets_lost = 0;       // cumulative, last report
  double remote_jitter_s = 0.0;
  double round_trip_time_s = 0.0;  // last measurement (LSR/DLSR, §6.4.1)
  std::uint64_t round_trip_time_measurements = 0;
  double total_round_trip_time_s = 0.0;

  std::string codec;  // "opus/48000/2", "PCMU/8000"; empty before apply()
  bool sending = false;
  bool receiving = false;
  bool muted = false;
};

// The latest snapshot, written by the media thread after each step and read from any
// thread (the GUI's stats view, tipring-cli's --json stats events).
class PublishedMediaStats {
public:
  void publish(const MediaStats& stats) {
    const std::lock_guard lock(mutex_);
    stats_ = stats;
  }
  MediaStats snapshot() const {
    const std::lock_guard lock(mutex_);
    return stats_;
  }

private:
  mutable std::mutex mutex_;
  MediaStats stats_;
};

}  // namespace tipring::client
