// RTCP packets (RFC 3550 §6.4 SR/RR, §6.5 SDES, §6.6 BYE) and compound packets (§6.1,
// validity checks of Appendix A.2), parsed as views into the datagram without allocating:
// the relay and the client read every RTCP packet that arrives.
#pragma once

#include "protocol/core/error.h"
#include "protocol/rtp/byte_order.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>

namespace tipring::rtp {

enum class RtcpType : std::uint8_t {
  sender_report = 200,
  receiver_report = 201,
  source_description = 202,
  goodbye = 203,
  application = 204,
};

inline constexpr std::uint8_t kSdesCname = 1;

// One packet of a compound: its common header and the body after it, padding removed.
struct RtcpPacketView {
  std::uint8_t packet_type = 0;
  std::uint8_t count = 0;  // reception report count, SDES chunk count or BYE SSRC count
  Bytes body;
};

// A compound packet that passed the Appendix A.2 checks; iterate it for its packets.
class RtcpCompoundView {
public:
  class Iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = RtcpPacketView;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(Bytes rest) : rest_(rest) {}
    RtcpPacketView operator*() const;
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return rest_.size() == other.rest_.size(); }

  private:
    Bytes rest_;
  };

  [[nodiscard]] Iterator begin() const { return Iterator(bytes_); }
  [[nodiscard]] Iterator end() const { return Iterator(bytes_.subspan(bytes_.size())); }
  [[nodiscard]] Bytes bytes() const { return bytes_; }

private:
  // Only parse_rtcp_compound() makes one, so the iterator can trust the length fields.
  explicit RtcpCompoundView(Bytes datagram) : bytes_(datagram) {}
  friend Result<RtcpCompoundView> parse_rtcp_compound(Bytes datagram);
  Bytes bytes_;
};

// RFC 3550 A.2: every packet version 2, the first an SR or RR without padding, padding
// only on the last, and the length fields adding up to the datagram exactly.
[[nodiscard]] Result<RtcpCompoundView> parse_rtcp_compound(Bytes datagram);

// §6.4.1 sender info.
struct SenderInfo {
  std::uint32_t ssrc = 0;
  std::uint64_t ntp_timestamp = 0;  // 32.32 fixed point seconds since 1900
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
};

// §6.4.1 report block, decoded.
struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;         // fixed point /256
  std::int32_t cumulative_lost = 0;       // signed 24-bit: duplicates can make it negative
  std::uint32_t highest_sequence = 0;     // extended
  std::uint32_t jitter = 0;               // timestamp units
  std::uint32_t last_sr = 0;              // middle 32 bits of the last SR's NTP timestamp
  std::uint32_t delay_since_last_sr = 0;  // units of 1/65536 s

  friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

inline constexpr std::size_t kReportBlockBytes = 24;

// Report blocks as stored in an SR or RR; block(i) decodes one.
struct ReportBlocks {
  Bytes bytes;
  [[nodiscard]] std::size_t size() const { return bytes.size() / kReportBlockBytes; }
  [[nodiscard]] ReportBlock block(std::size_t index) const;
};

struct SenderReportView {
  SenderInfo sender;
  ReportBlocks reports;
};

struct ReceiverReportView {
  std::uint32_t ssrc = 0;
  ReportBlocks reports;
};

struct SdesItem {
  std::uint32_t ssrc = 0;
  std::uint8_t type = 0;  // kSdesCname, ...
  std::string_view text;
};

struct ByeView {
  Bytes ssrc_bytes;
  std::string_view reason;  // empty if none
  [[nodiscard]] std::size_t size() const { return ssrc_bytes.size() / 4; }
  [[nodiscard]] std::uint32_t ssrc(std::size_t index) const {
    return read_u32(ssrc_bytes, 4 * index);
  }
};

// Typed readers for one packet of a compound; each checks the type and the body's size.
[[nodiscard]] Result<SenderReportView> parse_sender_report(const RtcpPacketView& packet);
[[nodiscard]] Result<ReceiverReportView> parse_receiver_report(const RtcpPacketView& packet);
// Fills `out` with the items of every chunk and returns how many (fails if `out` is full).
[[nodiscard]] Result<std::size_t> parse_sdes(const RtcpPacketView& packet, std::span<SdesItem> out);
[[nodiscard]] Result<ByeView> parse_bye(const RtcpPacketView& packet);

}  // namespace tipring::rtp
