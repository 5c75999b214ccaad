// Per-source reception state of RFC 3550 Appendix A: sequence number validation and
// extension with probation, dropout and misorder limits (A.1), loss counts for reception
// reports (A.3) and interarrival jitter (A.8). The relay uses the probation to decide when
// a source may be learned; the client uses the statistics for its RTCP reports.
#pragma once

#include "protocol/core/time.h"
#include "protocol/rtp/rtcp_packet.h"

#include <cstdint>

namespace tipring::rtp {

struct SequenceRules {
  std::uint16_t max_dropout = 3000;  // a forward jump up to this is loss, not a restart
  std::uint16_t max_misorder = 100;  // a backward step up to this is a late packet
  std::uint8_t min_sequential = 2;   // consecutive packets before a new source is valid
};

enum class SequenceUpdate {
  probation,       // still proving the source: not counted
  valid,           // in order, or a forward gap below max_dropout: counted
  late,            // duplicate or reordered within max_misorder: counted
  jump,            // a large jump; held until the next packet confirms it: not counted
  resynchronised,  // the next packet confirmed the jump; state restarted there: counted
};

class SourceState {
public:
  // `clock_rate_hz` converts arrival times to timestamp units for the jitter (A.8).
  explicit SourceState(std::uint32_t clock_rate_hz, SequenceRules rules = {});

  // A.1 update_seq(): feeds one sequence number; the first one starts the probation
  // (A.1's init_seq with max_seq = seq - 1).
  SequenceUpdate update_sequence(std::uint16_t sequence);

  // A.8: feeds the arrival time and RTP timestamp of a counted packet.
  void update_jitter(TimePoint arrival, std::uint32_t rtp_timestamp);

  // Both of the above: the jitter is updated only for counted packets.
  SequenceUpdate on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp, TimePoint arrival);

  [[nodiscard]] bool in_probation() const { return probation_ != 0; }
  [[nodiscard]] std::uint32_t extended_highest_sequence() const { return cycles_ + max_seq_; }
  [[nodiscard]] std::uint32_t packets_received() const { return received_; }
  [[nodiscard]] std::uint32_t packets_expected() const;
  // Expected minus received, clamped to the report block's signed 24 bits (A.3).
  [[nodiscard]] std::int32_t cumulative_lost() const;
  // Interarrival jitter in timestamp units (the report block's field).
  [[nodiscard]] std::uint32_t jitter_rtp_units() const { return jitter_scaled_ >> 4; }

  // A.3: a report block for this source; updates the interval counters, so call it once
  // per report. last_sr and delay_since_last_sr are the caller's to fill.
  ReportBlock make_report_block(std::uint32_t ssrc);

private:
  void init_sequence(std::uint16_t sequence);

  SequenceRules rules_;
  std::uint32_t clock_rate_hz_;
  bool started_ = false;
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;  // shifted count of wraps
  std::uint32_t base_seq_ = 0;
  std::uint32_t bad_seq_ = 0;
  std::uint32_t probation_ = 0;
  std::uint32_t received_ = 0;
  std::uint32_t expected_prior_ = 0;
  std::uint32_t received_prior_ = 0;
  bool have_transit_ = false;
  std::uint32_t transit_ = 0;
  std::uint32_t jitter_scaled_ = 0;  // jitter * 16 (A.8 integer form)
};

}  // namespace tipring::rtp
