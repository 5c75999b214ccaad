// Builds compound RTCP packets (RFC 3550 §6.1: SR or RR first, then SDES with a CNAME,
// optionally BYE) into a caller's buffer, without allocating.
#pragma once

#include "protocol/core/error.h"
#include "protocol/rtp/byte_order.h"
#include "protocol/rtp/rtcp_packet.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tipring::rtp {

class RtcpWriter {
public:
  explicit RtcpWriter(MutableBytes out) : out_(out) {}

  // Each add_* appends one packet; on failure (buffer too small, over 31 items, text over
  // 255 bytes) nothing is written.
  Result<void> add_sender_report(const SenderInfo& sender, std::span<const ReportBlock> reports);
  Result<void> add_receiver_report(std::uint32_t ssrc, std::span<const ReportBlock> reports);
  Result<void> add_sdes_cname(std::uint32_t ssrc, std::string_view cname);
  Result<void> add_bye(std::span<const std::uint32_t> ssrcs, std::string_view reason = {});

  // The compound written so far.
  [[nodiscard]] Bytes bytes() const { return Bytes(out_.data(), size_); }
  [[nodiscard]] std::size_t size() const { return size_; }

private:
  Result<MutableBytes> reserve(std::size_t bytes);
  void write_header(MutableBytes packet, std::size_t count, RtcpType type);
  static void write_report_block(MutableBytes at, const ReportBlock& block);

  MutableBytes out_;
  std::size_t size_ = 0;
};

}  // namespace tipring::rtp
