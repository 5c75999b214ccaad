#include "protocol/rtp/rtcp_packet.h"

namespace tipring::rtp {
namespace {

constexpr std::size_t kHeaderBytes = 4;

constexpr std::string_view kRuleShort = "RFC 3550 A.2: shorter than an RTCP header";
constexpr std::string_view kRuleVersion = "RFC 3550 A.2: version is not 2";
constexpr std::string_view kRuleFirst =
    "RFC 3550 A.2: first packet is not an SR or RR without padding";
constexpr std::string_view kRuleLength =
    "RFC 3550 A.2: length fields do not add up to the datagram";
constexpr std::string_view kRulePadding =
    "RFC 3550 §6.4.1: padding only on the last packet, count within it";
constexpr std::string_view kRuleType = "RFC 3550 §6: packet is not of the requested type";
constexpr std::string_view kRuleSr = "RFC 3550 §6.4.1: SR shorter than its report count";
constexpr std::string_view kRuleRr = "RFC 3550 §6.4.2: RR shorter than its report count";
constexpr std::string_view kRuleSdes = "RFC 3550 §6.5: SDES chunk runs past the packet";
constexpr std::string_view kRuleSdesCapacity = "RFC 3550 §6.5: more SDES items than allowed";
constexpr std::string_view kRuleBye = "RFC 3550 §6.6: BYE shorter than its SSRC count";

std::size_t packet_bytes(Bytes header) {
  return 4 * (std::size_t{read_u16(header, 2)} + 1);
}

RtcpPacketView view_of(Bytes packet) {
  RtcpPacketView v;
  v.count = static_cast<std::uint8_t>(packet[0] & 0x1f);
  v.packet_type = packet[1];
  std::size_t end = packet.size();
  if ((packet[0] & 0x20) != 0) {
    end -= packet.back();  // validated by parse_rtcp_compound()
  }
  v.body = packet.subspan(kHeaderBytes, end - kHeaderBytes);
  return v;
}

ReportBlocks report_blocks(Bytes body, std::size_t at, std::uint8_t count) {
  return ReportBlocks{body.subspan(at, kReportBlockBytes * count)};
}

}  // namespace

RtcpPacketView RtcpCompoundView::Iterator::operator*() const {
  return view_of(rest_.first(packet_bytes(rest_)));
}

RtcpCompoundView::Iterator& RtcpCompoundView::Iterator::operator++() {
  rest_ = rest_.subspan(packet_bytes(rest_));
  return *this;
}

Result<RtcpCompoundView> parse_rtcp_compound(Bytes datagram) {
  if (datagram.size() < kHeaderBytes) {
    return fail(kRuleShort, {});
  }
  // A.2's mask: version 2, no padding, type SR or RR, in the first two octets.
  if ((read_u16(datagram, 0) & 0xe0feU) != 0x80c8U) {
    return fail((datagram[0] >> 6) != 2 ? kRuleVersion : kRuleFirst, {});
  }
  std::size_t at = 0;
  while (at < datagram.size()) {
    Bytes rest = datagram.subspan(at);
    if (rest.size() < kHeaderBytes) {
      return fail(kRuleLength, {});
    }
    if ((rest[0] >> 6) != 2) {
      return fail(kRuleVersion, {});
    }
    const std::size_t length = packet_bytes(rest);
    if (length > rest.size()) {
      return fail(kRuleLength, {});
    }
    if ((rest[0] & 0x20) != 0) {
      const std::uint8_t pad = rest[length - 1];
      if (length != rest.size() || pad == 0 || pad > length - kHeaderBytes) {
        return fail(kRulePadding, {});
      }
    }
    at += length;
  }
  return RtcpCompoundView(datagram);
}

ReportBlock ReportBlocks::block(std::size_t index) const {
  const std::size_t at = index * kReportBlockBytes;
  ReportBlock b;
  b.ssrc = read_u32(bytes, at);
  b.fraction_lost = bytes[at + 4];
  std::uint32_t lost = read_u24(bytes, at + 5);
  if ((lost & 0x800000U) != 0) {
    lost |= 0xff000000U;  // sign-extend the 24-bit field
  }
  b.cumulative_lost = static_cast<std::int32_t>(lost);
  b.highest_sequence = read_u32(bytes, at + 8);
  b.jitter = read_u32(bytes, at + 12);
  b.last_sr = read_u32(bytes, at + 16);
  b.delay_since_last_sr = read_u32(bytes, at + 20);
  return b;
}

Result<SenderReportView> parse_sender_report(const RtcpPacketView& packet) {
  if (packet.packet_type != static_cast<std::uint8_t>(RtcpType::sender_report)) {
    return fail(kRuleType, {});
  }
  const Bytes body = packet.body;
  if (body.size() < 24 + kReportBlockBytes * packet.count) {
    return fail(kRuleSr, {});
  }
  SenderReportView sr;
  sr.sender.ssrc = read_u32(body, 0);
  sr.sender.ntp_timestamp = (std::uint64_t{read_u32(body, 4)} << 32) | read_u32(body, 8);
  sr.sender.rtp_timestamp = read_u32(body, 12);
  sr.sender.packet_count = read_u32(body, 16);
  sr.sender.octet_count = read_u32(body, 20);
  sr.reports = report_blocks(body, 24, packet.count);
  return sr;
}

Result<ReceiverReportView> parse_receiver_report(const RtcpPacketView& packet) {
  if (packet.packet_type != static_cast<std::uint8_t>(RtcpType::receiver_report)) {
    return fail(kRuleType, {});
  }
  const Bytes body = packet.body;
  if (body.size() < 4 + kReportBlockBytes * packet.count) {
    return fail(kRuleRr, {});
  }
  return ReceiverReportView{read_u32(body, 0), report_blocks(body, 4, packet.count)};
}

Result<std::size_t> parse_sdes(const RtcpPacketView& packet, std::span<SdesItem> out) {
  if (packet.packet_type != static_cast<std::uint8_t>(RtcpType::source_description)) {
    return fail(kRuleType, {});
  }
  const Bytes body = packet.body;
  std::size_t at = 0;
  std::size_t items = 0;
  for (std::uint8_t chunk = 0; chunk < packet.count; ++chunk) {
    if (body.size() - at < 4) {
      return fail(kRuleSdes, {});
    }
    const std::uint32_t ssrc = read_u32(body, at);
    at += 4;
    while (true) {
      if (at >= body.size()) {
        return fail(kRuleSdes, {});
      }
      const std::uint8_t type = body[at];
      if (type == 0) {  // end of the item list, then pad to a 32-bit boundary
        at = (at + 4) & ~std::size_t{3};
        break;
      }
      if (body.size() - at < 2 || body.size() - at - 2 < body[at + 1]) {
        return fail(kRuleSdes, {});
      }
      const std::size_t length = body[at + 1];
      if (items == out.size()) {
        return fail(kRuleSdesCapacity, {});
      }
      const auto* text = reinterpret_cast<const char*>(body.data() + at + 2);
      out[items++] = SdesItem{ssrc, type, std::string_view(text, length)};
      at += 2 + length;
    }
    if (at > body.size()) {
      return fail(kRuleSdes, {});
    }
  }
  return items;
}

Result<ByeView> parse_bye(const RtcpPacketView& packet) {
  if (packet.packet_type != static_cast<std::uint8_t>(RtcpType::goodbye)) {
    return fail(kRuleType, {});
  }
  const Bytes body = packet.body;
  const std::size_t ssrc_bytes = 4U * packet.count;
  if (body.size() < ssrc_bytes) {
    return fail(kRuleBye, {});
  }
  ByeView bye{body.first(ssrc_bytes), {}};
  if (body.size() > ssrc_bytes) {
    const std::size_t length = body[ssrc_bytes];
    if (body.size() - ssrc_bytes - 1 < length) {
      return fail(kRuleBye, {});
    }
    bye.reason =
        std::string_view(reinterpret_cast<const char*>(body.data() + ssrc_bytes + 1), length);
  }
  return bye;
}

}  // namespace tipring::rtp
