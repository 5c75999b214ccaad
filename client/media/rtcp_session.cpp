#include "client/media/rtcp_session.h"

#include "protocol/rtp/rtcp_writer.h"

#include <array>

namespace tipring::client {
namespace {

// 32.32 NTP fixed point from microseconds.
std::uint64_t ntp_from_micros(std::int64_t micros) {
  const auto us = static_cast<std::uint64_t>(micros);
  return ((us / 1'000'000U) << 32) + (((us % 1'000'000U) << 32) / 1'000'000U);
}

std::uint32_t middle_32(std::uint64_t ntp) {
  return static_cast<std::uint32_t>(ntp >> 16);
}

// 1/65536 s units (the DLSR and LSR-difference unit of §6.4.1) to microseconds and back.
Duration from_units_65536(std::uint32_t units) {
  return Duration((static_cast<std::int64_t>(units) * 1'000'000) >> 16);
}
std::uint32_t to_units_65536(Duration d) {
  return static_cast<std::uint32_t>((d.count() << 16) / 1'000'000);
}

}  // namespace

RtcpSession::RtcpSession(RtcpSessionConfig config)
    : config_(std::move(config)), random_(config_.random_seed) {
  // §6.2: the first report after half the interval, so a short call still gets one.
  next_report_ = config_.start + randomised_interval() / 2;
}

void RtcpSession::set_clock_rate(std::uint32_t clock_rate_hz) {
  if (clock_rate_hz != clock_rate_hz_) {
    clock_rate_hz_ = clock_rate_hz;
    peer_.reset();  // jitter in the old units would be meaningless
  }
}

std::uint64_t RtcpSession::ntp_at(TimePoint now) const {
  return config_.ntp_at_start + ntp_from_micros((now - config_.start).count());
}

Duration RtcpSession::randomised_interval() {
  // §6.3.5: uniformly between 0.5 and 1.5 times the interval, so that participants that
  // started together do not report in lock step.
  const double factor = 0.5 + static_cast<double>(random_.next_u64() >> 11) * 0x1p-53;
  return Duration(
      static_cast<std::int64_t>(factor * static_cast<double>(config_.report_interval.count())));
}

void RtcpSession::on_rtp_sent(std::uint32_t rtp_timestamp, std::size_t payload_bytes,
                              TimePoint now) {
  sent_since_report_ = true;
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(payload_bytes);
  last_rtp_timestamp_ = rtp_timestamp;
  last_rtp_sent_ = now;
}

rtp::SequenceUpdate RtcpSession::on_rtp_received(const rtp::RtpPacketView& packet, TimePoint now) {
  if (!peer_ || packet.ssrc != peer_ssrc_) {
    peer_.emplace(clock_rate_hz_);
    peer_ssrc_ = packet.ssrc;
    peer_last_sr_ = 0;
  }
  return peer_->on_packet(packet.sequence, packet.timestamp, now);
}

bool RtcpSession::on_rtcp_received(rtp::Bytes datagram, TimePoint now) {
  const auto compound = rtp::parse_rtcp_compound(datagram);
  if (!compound) {
    return false;
  }
  for (const rtp::RtcpPacketView packet : *compound) {
    switch (static_cast<rtp::RtcpType>(packet.packet_type)) {
      case rtp::RtcpType::sender_report:
        if (const auto sr = rtp::parse_sender_report(packet)) {
          if (peer_ && sr->sender.ssrc == peer_ssrc_) {
            peer_last_sr_ = middle_32(sr->sender.ntp_timestamp);
            peer_last_sr_arrival_ = now;
          }
          read_report_blocks(sr->reports, now);
        }
        break;
      case rtp::RtcpType::receiver_report:
        if (const auto rr = rtp::parse_receiver_report(packet)) {
          read_report_blocks(rr->reports, now);
        }
        break;
      case rtp::RtcpType::goodbye:
        peer_bye_ = true;
        break;
      default:
        break;  // SDES and APP carry nothing we act on
    }
  }
  return true;
}

void RtcpSession::read_report_blocks(const rtp::ReportBlocks& blocks, TimePoint now) {
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const rtp::ReportBlock block = blocks.block(i);
    if (block.ssrc != config_.local_ssrc) {
      continue;
    }
    ++remote_.reports;
    remote_.fraction_lost = block.fraction_lost;
    remote_.cumulative_lost = block.cumulative_lost;
    remote_.jitter_rtp_units = block.jitter;
    if (block.last_sr == 0) {
      continue;  // the peer has not received an SR from us yet
    }
    // §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s on our own NTP time line.
    const std::uint32_t arrival = middle_32(ntp_at(now));
    const auto rtt = static_cast<std::int32_t>(arrival - block.last_sr - block.delay_since_last_sr);
    if (rtt < 0) {
      continue;  // a report mangled in transit or from a confused peer
    }
    const Duration round_trip = from_units_65536(static_cast<std::uint32_t>(rtt));
    remote_.last_round_trip = round_trip;
    ++remote_.round_trip_measurements;
    remote_.total_round_trip += round_trip;
  }
}

std::size_t RtcpSession::write_report_if_due(TimePoint now, rtp::MutableBytes out) {
  if (now < next_report_) {
    return 0;
  }
  next_report_ = now + randomised_interval();
  const auto written = write_report(now, out, false);
  return written ? *written : 0;
}

std::size_t RtcpSession::write_bye(TimePoint now, rtp::MutableBytes out) {
  const auto written = write_report(now, out, true);
  return written ? *written : 0;
}

Result<std::size_t> RtcpSession::write_report(TimePoint now, rtp::MutableBytes out, bool bye) {
  std::array<rtp::ReportBlock, 1> blocks{};
  std::size_t block_count = 0;
  if (peer_ && !peer_->in_probation()) {
    blocks[0] = peer_->make_report_block(peer_ssrc_);
    if (peer_last_sr_ != 0) {
      blocks[0].last_sr = peer_last_sr_;
      blocks[0].delay_since_last_sr = to_units_65536(now - peer_last_sr_arrival_);
    }
    block_count = 1;
  }
  const auto reports = std::span<const rtp::ReportBlock>(blocks).first(block_count);
  rtp::RtcpWriter writer(out);
  Result<void> added;
  if (sent_since_report_) {
    rtp::SenderInfo sender;
    sender.ssrc = config_.local_ssrc;
    sender.ntp_timestamp = ntp_at(now);
    // §6.4.1: the RTP timestamp of the same instant as the NTP time, extrapolated from
    // the last packet sent.
    const auto since_last = static_cast<std::uint64_t>((now - last_rtp_sent_).count());
    sender.rtp_timestamp =
        last_rtp_timestamp_ + static_cast<std::uint32_t>(since_last * clock_rate_hz_ / 1'000'000U);
    sender.packet_count = packets_sent_;
    sender.octet_count = octets_sent_;
    added = writer.add_sender_report(sender, reports);
  } else {
    added = writer.add_receiver_report(config_.local_ssrc, reports);
  }
  sent_since_report_ = false;
  if (!added) {
    return tl::unexpected(added.error());
  }
  if (auto sdes = writer.add_sdes_cname(config_.local_ssrc, config_.cname); !sdes) {
    return tl::unexpected(sdes.error());
  }
  if (bye) {
    const std::array<std::uint32_t, 1> ssrcs{config_.local_ssrc};
    if (auto goodbye = writer.add_bye(ssrcs); !goodbye) {
      return tl::unexpected(goodbye.error());
    }
  }
  return writer.size();
}

}  // namespace tipring::client
