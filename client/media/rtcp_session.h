// RtcpSession: the RTCP side of one call's RTP session (RFC 3550 §6): reception statistics
// of the peer's stream (SourceState, Appendix A), SR or RR with an SDES CNAME about every
// 5 s at randomised intervals (§6.3.5), the peer's report blocks read back for loss,
// jitter and round-trip time (§6.4.1 LSR/DLSR), and BYE on hang-up (§6.6). Sans-IO: time
// and datagrams are passed in, compound packets come out.
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "protocol/rtp/rtcp_packet.h"
#include "protocol/rtp/rtp_packet.h"
#include "protocol/rtp/source_state.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tipring::client {

// What the peer's latest report blocks about our stream said.
struct RemoteReception {
  std::uint64_t reports = 0;
  std::uint8_t fraction_lost = 0;  // /256, last report
  std::int32_t cumulative_lost = 0;
  std::uint32_t jitter_rtp_units = 0;
  std::optional<Duration> last_round_trip;
  std::uint64_t round_trip_measurements = 0;
  Duration total_round_trip{0};
};

struct RtcpSessionConfig {
  std::uint32_t local_ssrc = 0;
  std::string cname;
  Duration report_interval = std::chrono::seconds(5);
  TimePoint start;
  // NTP time (RFC 3550 §4, 32.32 since 1900) at `start`; later NTP times are `start`'s
  // plus the monotonic time elapsed, so SR timestamps never jump with the wall clock.
  std::uint64_t ntp_at_start = 0;
  std::uint64_t random_seed = 0;
};

class RtcpSession {
public:
  explicit RtcpSession(RtcpSessionConfig config);

  // The clock rate of the current codec (changes on a re-INVITE with another codec).
  void set_clock_rate(std::uint32_t clock_rate_hz);

  // We sent an RTP packet with this timestamp and payload size.
  void on_rtp_sent(std::uint32_t rtp_timestamp, std::size_t payload_bytes, TimePoint now);
  // An RTP packet from the negotiated peer; a new SSRC starts a new source (A.1 probation).
  rtp::SequenceUpdate on_rtp_received(const rtp::RtpPacketView& packet, TimePoint now);
  // A compound RTCP packet from the peer; false when it does not parse (A.2).
  bool on_rtcp_received(rtp::Bytes datagram, TimePoint now);

  TimePoint next_report_time() const { return next_report_; }
  // Writes SR (if we sent since the last report) or RR, plus SDES, when a report is due;
  // returns the compound's length, 0 when not due.
  std::size_t write_report_if_due(TimePoint now, rtp::MutableBytes out);
  // SR/RR + SDES + BYE (§6.6), for hang-up; returns the length.
  std::size_t write_bye(TimePoint now, rtp::MutableBytes out);

  const RemoteReception& remote() const { return remote_; }
  // Our view of the peer's stream; nullptr before its first packet.
  const rtp::SourceState* peer_source() const { return peer_ ? &*peer_ : nullptr; }
  bool peer_said_bye() const { return peer_bye_; }
  std::uint32_t peer_ssrc() const { return peer_ssrc_; }

private:
  std::uint64_t ntp_at(TimePoint now) const;
  Duration randomised_interval();
  Result<std::size_t> write_report(TimePoint now, rtp::MutableBytes out, bool bye);
  void read_report_blocks(const rtp::ReportBlocks& blocks, TimePoint now);

  RtcpSessionConfig config_;
  SeededRandom random_;
  std::uint32_t clock_rate_hz_ = 48000;
  TimePoint next_report_;

  bool sent_since_report_ = false;
  std::uint32_t packets_sent_ = 0;
  std::uint32_t octets_sent_ = 0;
  std::uint32_t last_rtp_timestamp_ = 0;
  TimePoint last_rtp_sent_;

  std::optional<rtp::SourceState> peer_;
  std::uint32_t peer_ssrc_ = 0;
  std::uint32_t peer_last_sr_ = 0;  // middle 32 bits of the peer's last SR NTP time
  TimePoint peer_last_sr_arrival_;
  bool peer_bye_ = false;

  RemoteReception remote_;
};

}  // namespace tipring::client
