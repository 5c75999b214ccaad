#include "protocol/rtp/rtcp_writer.h"

#include <algorithm>

namespace tipring::rtp {
namespace {

constexpr std::string_view kRuleBuffer = "RTCP build: output buffer too small";
constexpr std::string_view kRuleCount = "RFC 3550 §6.4: at most 31 items per packet";
constexpr std::string_view kRuleText = "RFC 3550 §6.5: SDES and BYE text at most 255 bytes";

}  // namespace

Result<MutableBytes> RtcpWriter::reserve(std::size_t bytes) {
  if (out_.size() - size_ < bytes) {
    return fail(kRuleBuffer, {});
  }
  MutableBytes packet = out_.subspan(size_, bytes);
  std::fill(packet.begin(), packet.end(), std::uint8_t{0});
  size_ += bytes;
  return packet;
}

void RtcpWriter::write_header(MutableBytes packet, std::size_t count, RtcpType type) {
  packet[0] = static_cast<std::uint8_t>(0x80 | count);
  packet[1] = static_cast<std::uint8_t>(type);
  write_u16(packet, 2, static_cast<std::uint16_t>(packet.size() / 4 - 1));
}

void RtcpWriter::write_report_block(MutableBytes at, const ReportBlock& block) {
  write_u32(at, 0, block.ssrc);
  at[4] = block.fraction_lost;
  write_u24(at, 5, static_cast<std::uint32_t>(block.cumulative_lost) & 0xffffffU);
  write_u32(at, 8, block.highest_sequence);
  write_u32(at, 12, block.jitter);
  write_u32(at, 16, block.last_sr);
  write_u32(at, 20, block.delay_since_last_sr);
}

Result<void> RtcpWriter::add_sender_report(const SenderInfo& sender,
                                           std::span<const ReportBlock> reports) {
  if (reports.size() > 31) {
    return fail(kRuleCount, {});
  }
  auto packet = reserve(4 + 24 + kReportBlockBytes * reports.size());
  if (!packet) {
    return tl::unexpected(packet.error());
  }
  write_header(*packet, reports.size(), RtcpType::sender_report);
  write_u32(*packet, 4, sender.ssrc);
  write_u32(*packet, 8, static_cast<std::uint32_t>(sender.ntp_timestamp >> 32));
  write_u32(*packet, 12, static_cast<std::uint32_t>(sender.ntp_timestamp));
  write_u32(*packet, 16, sender.rtp_timestamp);
  write_u32(*packet, 20, sender.packet_count);
  write_u32(*packet, 24, sender.octet_count);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    write_report_block(packet->subspan(28 + i * kReportBlockBytes), reports[i]);
  }
  return {};
}

Result<void> RtcpWriter::add_receiver_report(std::uint32_t ssrc,
                                             std::span<const ReportBlock> reports) {
  if (reports.size() > 31) {
    return fail(kRuleCount, {});
  }
  auto packet = reserve(8 + kReportBlockBytes * reports.size());
  if (!packet) {
    return tl::unexpected(packet.error());
  }
  write_header(*packet, reports.size(), RtcpType::receiver_report);
  write_u32(*packet, 4, ssrc);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    write_report_block(packet->subspan(8 + i * kReportBlockBytes), reports[i]);
  }
  return {};
}

Result<void> RtcpWriter::add_sdes_cname(std::uint32_t ssrc, std::string_view cname) {
  if (cname.size() > 255) {
    return fail(kRuleText, {});
  }
  // header, SSRC, CNAME item, then at least one null octet padded to a 32-bit boundary.
  const std::size_t chunk = (4 + 2 + cname.size() + 1 + 3) & ~std::size_t{3};
  auto packet = reserve(4 + chunk);
  if (!packet) {
    return tl::unexpected(packet.error());
  }
  write_header(*packet, 1, RtcpType::source_description);
  write_u32(*packet, 4, ssrc);
  (*packet)[8] = kSdesCname;
  (*packet)[9] = static_cast<std::uint8_t>(cname.size());
  std::copy(cname.begin(), cname.end(), packet->begin() + 10);
  return {};
}

Result<void> RtcpWriter::add_bye(std::span<const std::uint32_t> ssrcs, std::string_view reason) {
  if (ssrcs.size() > 31) {
    return fail(kRuleCount, {});
  }
  if (reason.size() > 255) {
    return fail(kRuleText, {});
  }
  const std::size_t reason_bytes = reason.empty() ? 0 : ((1 + reason.size() + 3) & ~std::size_t{3});
  auto packet = reserve(4 + 4 * ssrcs.size() + reason_bytes);
  if (!packet) {
    return tl::unexpected(packet.error());
  }
  write_header(*packet, ssrcs.size(), RtcpType::goodbye);
  for (std::size_t i = 0; i < ssrcs.size(); ++i) {
    write_u32(*packet, 4 + 4 * i, ssrcs[i]);
  }
  if (!reason.empty()) {
    const std::size_t at = 4 + 4 * ssrcs.size();
    (*packet)[at] = static_cast<std::uint8_t>(reason.size());
    std::copy(reason.begin(), reason.end(), packet->begin() + static_cast<std::ptrdiff_t>(at + 1));
  }
  return {};
}

}  // namespace tipring::rtp
