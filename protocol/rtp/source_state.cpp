#include "protocol/rtp/source_state.h"

namespace tipring::rtp {
namespace {

constexpr std::uint32_t kSeqMod = 1U << 16;

}  // namespace

SourceState::SourceState(std::uint32_t clock_rate_hz, SequenceRules rules)
    : rules_(rules), clock_rate_hz_(clock_rate_hz) {}

void SourceState::init_sequence(std::uint16_t sequence) {
  base_seq_ = sequence;
  max_seq_ = sequence;
  bad_seq_ = kSeqMod + 1;  // so sequence == bad_seq_ is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

SequenceUpdate SourceState::update_sequence(std::uint16_t sequence) {
  if (!started_) {
    // A.1: a new source starts in probation, as if the packet before it had been seen.
    started_ = true;
    init_sequence(sequence);
    max_seq_ = static_cast<std::uint16_t>(sequence - 1);
    probation_ = rules_.min_sequential;
  }
  const auto udelta = static_cast<std::uint16_t>(sequence - max_seq_);
  if (probation_ != 0) {
    if (sequence == static_cast<std::uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = sequence;
      if (probation_ == 0) {
        init_sequence(sequence);
        ++received_;
        return SequenceUpdate::valid;
      }
    } else {
      probation_ = rules_.min_sequential - 1U;
      max_seq_ = sequence;
    }
    return SequenceUpdate::probation;
  }
  SequenceUpdate verdict = SequenceUpdate::valid;
  if (udelta < rules_.max_dropout) {
    if (sequence < max_seq_) {
      cycles_ += kSeqMod;  // wrapped
    }
    max_seq_ = sequence;
  } else if (udelta <= kSeqMod - rules_.max_misorder) {
    if (sequence != bad_seq_) {
      // A big jump: believe it only if the next packet follows it.
      bad_seq_ = (sequence + 1U) & (kSeqMod - 1);
      return SequenceUpdate::jump;
    }
    init_sequence(sequence);  // the other side restarted without telling us
    verdict = SequenceUpdate::resynchronised;
  } else {
    verdict = SequenceUpdate::late;
  }
  ++received_;
  return verdict;
}

void SourceState::update_jitter(TimePoint arrival, std::uint32_t rtp_timestamp) {
  // Arrival in timestamp units; only differences matter, so wrapping modulo 2^32 is fine.
  const auto micros = static_cast<std::uint64_t>(arrival.since_epoch.count());
  const auto arrival_units = static_cast<std::uint32_t>(
      (micros / 1'000'000U) * clock_rate_hz_ + (micros % 1'000'000U) * clock_rate_hz_ / 1'000'000U);
  const std::uint32_t transit = arrival_units - rtp_timestamp;
  if (!have_transit_) {
    have_transit_ = true;
    transit_ = transit;
    return;
  }
  auto d = static_cast<std::int32_t>(transit - transit_);
  transit_ = transit;
  const std::uint32_t magnitude = d < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(d))
                                        : static_cast<std::uint32_t>(d);
  // A.8 integer form: J += |D| - J/16, with J kept scaled by 16 and rounded.
  jitter_scaled_ += magnitude - ((jitter_scaled_ + 8) >> 4);
}

SequenceUpdate SourceState::on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                                      TimePoint arrival) {
  const SequenceUpdate verdict = update_sequence(sequence);
  if (verdict == SequenceUpdate::valid || verdict == SequenceUpdate::late ||
      verdict == SequenceUpdate::resynchronised) {
    update_jitter(arrival, rtp_timestamp);
  }
  return verdict;
}

std::uint32_t SourceState::packets_expected() const {
  return extended_highest_sequence() - base_seq_ + 1;
}

std::int32_t SourceState::cumulative_lost() const {
  const std::int64_t lost =
      static_cast<std::int64_t>(packets_expected()) - static_cast<std::int64_t>(received_);
  if (lost > 0x7fffff) {
    return 0x7fffff;
  }
  if (lost < -0x800000) {
    return -0x800000;
  }
  return static_cast<std::int32_t>(lost);
}

ReportBlock SourceState::make_report_block(std::uint32_t ssrc) {
  const std::uint32_t expected = packets_expected();
  const std::uint32_t expected_interval = expected - expected_prior_;
  expected_prior_ = expected;
  const std::uint32_t received_interval = received_ - received_prior_;
  received_prior_ = received_;
  const std::int64_t lost_interval =
      static_cast<std::int64_t>(expected_interval) - static_cast<std::int64_t>(received_interval);

  ReportBlock block;
  block.ssrc = ssrc;
  if (expected_interval != 0 && lost_interval > 0) {
    block.fraction_lost = static_cast<std::uint8_t>((lost_interval << 8) / expected_interval);
  }
  block.cumulative_lost = cumulative_lost();
  block.highest_sequence = extended_highest_sequence();
  block.jitter = jitter_rtp_units();
  return block;
}

}  // namespace tipring::rtp
