#include "protocol/rtp/rtp_packet.h"

#include <algorithm>

namespace tipring::rtp {
namespace {

// Static rule texts with empty details: the parse path stays allocation-free.
constexpr std::string_view kRuleShort = "RFC 3550 §5.1: shorter than the 12-byte fixed header";
constexpr std::string_view kRuleVersion = "RFC 3550 §5.1: version is not 2";
constexpr std::string_view kRuleCsrc = "RFC 3550 §5.1: CSRC list runs past the datagram";
constexpr std::string_view kRuleExtension =
    "RFC 3550 §5.3.1: header extension runs past the datagram";
constexpr std::string_view kRulePadding =
    "RFC 3550 §5.1: padding count is zero or larger than the payload";
constexpr std::string_view kRuleBuffer = "RTP build: output buffer too small";
constexpr std::string_view kRuleBuildHeader = "RTP build: header not representable";

}  // namespace

Result<RtpPacketView> parse_rtp(Bytes datagram) {
  if (datagram.size() < kRtpFixedHeaderBytes) {
    return fail(kRuleShort, {});
  }
  const std::uint8_t b0 = datagram[0];
  if ((b0 >> 6) != 2) {
    return fail(kRuleVersion, {});
  }
  const bool has_padding = (b0 & 0x20) != 0;
  const bool has_extension = (b0 & 0x10) != 0;
  RtpPacketView p;
  p.csrc_count = static_cast<std::uint8_t>(b0 & 0x0f);
  p.marker = (datagram[1] & 0x80) != 0;
  p.payload_type = static_cast<std::uint8_t>(datagram[1] & 0x7f);
  p.sequence = read_u16(datagram, 2);
  p.timestamp = read_u32(datagram, 4);
  p.ssrc = read_u32(datagram, 8);

  std::size_t at = kRtpFixedHeaderBytes;
  const std::size_t csrc_len = 4U * p.csrc_count;
  if (datagram.size() - at < csrc_len) {
    return fail(kRuleCsrc, {});
  }
  p.csrc_bytes = datagram.subspan(at, csrc_len);
  at += csrc_len;

  if (has_extension) {
    if (datagram.size() - at < 4) {
      return fail(kRuleExtension, {});
    }
    const std::uint16_t profile = read_u16(datagram, at);
    const std::size_t words = read_u16(datagram, at + 2);
    at += 4;
    if (datagram.size() - at < 4 * words) {
      return fail(kRuleExtension, {});
    }
    p.extension = HeaderExtension{profile, datagram.subspan(at, 4 * words)};
    at += 4 * words;
  }

  std::size_t end = datagram.size();
  if (has_padding) {
    const std::uint8_t count = datagram.back();
    if (count == 0 || count > end - at) {
      return fail(kRulePadding, {});
    }
    p.padding_bytes = count;
    end -= count;
  }
  p.payload = datagram.subspan(at, end - at);
  return p;
}

std::size_t rtp_packet_size(const RtpHeader& header, std::size_t payload_bytes) {
  std::size_t size =
      kRtpFixedHeaderBytes + 4 * header.csrcs.size() + payload_bytes + header.padding_bytes;
  if (header.extension) {
    size += 4 + header.extension->data.size();
  }
  return size;
}

Result<std::size_t> build_rtp(const RtpHeader& header, Bytes payload, MutableBytes out) {
  if (header.csrcs.size() > kMaxCsrcs || header.payload_type > 0x7f ||
      (header.extension &&
       (header.extension->data.size() % 4 != 0 || header.extension->data.size() / 4 > 0xffff))) {
    return fail(kRuleBuildHeader, {});
  }
  const std::size_t size = rtp_packet_size(header, payload.size());
  if (out.size() < size) {
    return fail(kRuleBuffer, {});
  }
  out[0] = static_cast<std::uint8_t>(0x80 | (header.padding_bytes != 0 ? 0x20 : 0) |
                                     (header.extension ? 0x10 : 0) | header.csrcs.size());
  out[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | header.payload_type);
  write_u16(out, 2, header.sequence);
  write_u32(out, 4, header.timestamp);
  write_u32(out, 8, header.ssrc);
  std::size_t at = kRtpFixedHeaderBytes;
  for (std::uint32_t csrc : header.csrcs) {
    write_u32(out, at, csrc);
    at += 4;
  }
  if (header.extension) {
    write_u16(out, at, header.extension->profile);
    write_u16(out, at + 2, static_cast<std::uint16_t>(header.extension->data.size() / 4));
    at += 4;
    std::copy(header.extension->data.begin(), header.extension->data.end(),
              out.begin() + static_cast<std::ptrdiff_t>(at));
    at += header.extension->data.size();
  }
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
  at += payload.size();
  if (header.padding_bytes != 0) {
    std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(at), header.padding_bytes - 1, 0);
    at += header.padding_bytes;
    out[at - 1] = header.padding_bytes;
  }
  return at;
}

}  // namespace tipring::rtp
