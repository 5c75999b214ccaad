// write_ipv4_udp_header and internet_checksum against hand-computed vectors (RFC 1071 §3,
// a published IPv4 header, a UDP datagram summed word by word in the comments) and against
// a reference routine written the slow, obvious way: one big-endian 16-bit word at a time
// over a contiguous copy of pseudo-header, header and payload.
#include "relay_server/media/raw_udp.h"

#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr Endpoint kFrom{IpAddress::v4(0x7f000001), 40002};  // 127.0.0.1:40002
constexpr Endpoint kTo{IpAddress::v4(0x7f000001), 5000};     // 127.0.0.1:5000

// The one's complement sum (not complemented) of big-endian words, odd byte padded.
std::uint16_t reference_sum(const Bytes& bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    const std::uint32_t high = bytes[i];
    const std::uint32_t low = i + 1 < bytes.size() ? bytes[i + 1] : 0;
    sum += (high << 8) | low;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

std::uint16_t be16(const std::uint8_t* at) {
  return static_cast<std::uint16_t>((at[0] << 8) | at[1]);
}

// RFC 768's pseudo-header followed by the UDP header and payload as written in `header`.
Bytes udp_checksum_input(const std::array<std::uint8_t, kIpv4UdpHeaderBytes>& header,
                         const Bytes& payload) {
  Bytes all(header.begin() + 12, header.begin() + 20);  // source and destination addresses
  all.push_back(0);
  all.push_back(17);
  all.push_back(header[24]);  // UDP length
  all.push_back(header[25]);
  all.insert(all.end(), header.begin() + 20, header.end());
  all.insert(all.end(), payload.begin(), payload.end());
  return all;
}

std::array<std::uint8_t, kIpv4UdpHeaderBytes> header_for(const Bytes& payload,
                                                         const Endpoint& from = kFrom,
                                                         const Endpoint& to = kTo) {
  std::array<std::uint8_t, kIpv4UdpHeaderBytes> header{};
  header.fill(0xaa);  // every byte must be written
  write_ipv4_udp_header(header, from, to, payload);
  return header;
}

TEST(InternetChecksum, MatchesTheWorkedExampleOfRfc1071) {
  // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
  const Bytes bytes{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(bytes), 0x220d);
}

TEST(InternetChecksum, MatchesAPublishedIpv4HeaderChecksum) {
  // 192.168.0.1 -> 192.168.0.199, total length 0x73, DF, TTL 64, UDP: checksum b861.
  const Bytes header{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                     0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(header), 0xb861);
}

TEST(InternetChecksum, PadsAnOddLastByteWithZero) {
  // 0102 + 0300 = 0402.
  EXPECT_EQ(internet_checksum(Bytes{0x01, 0x02, 0x03}), 0xfbfd);
}

TEST(InternetChecksum, OfNothingIsAllOnes) {
  EXPECT_EQ(internet_checksum(Bytes{}), 0xffff);
}

TEST(InternetChecksum, CarriesWrapAroundOverLongRunsOfOnes) {
  // 1000 words of ffff: one's complement sum ffff, checksum 0.
  EXPECT_EQ(internet_checksum(Bytes(2000, 0xff)), 0x0000);
}

TEST(Ipv4UdpHeader, WritesEveryIpv4FieldTheKernelDoesNotOwn) {
  const Bytes payload{'h', 'i'};
  const auto h = header_for(payload, Endpoint{IpAddress::v4(0xc6120001), 40002},
                            Endpoint{IpAddress::v4(0xc6130102), 5000});
  EXPECT_EQ(h[0], 0x45) << "version 4, IHL 5";
  EXPECT_EQ(h[1], 0x00);
  EXPECT_EQ(be16(&h[2]), 30) << "total length: 20 + 8 + 2";
  EXPECT_EQ(be16(&h[4]), 0) << "identification: left to the kernel";
  EXPECT_EQ(be16(&h[6]), 0x4000) << "DF, offset 0";
  EXPECT_EQ(h[8], 64) << "TTL";
  EXPECT_EQ(h[9], 17) << "protocol UDP";
  EXPECT_EQ(be16(&h[10]), 0) << "header checksum: left to the kernel";
  EXPECT_EQ((Bytes{h.begin() + 12, h.begin() + 16}), (Bytes{198, 18, 0, 1}));
  EXPECT_EQ((Bytes{h.begin() + 16, h.begin() + 20}), (Bytes{198, 19, 1, 2}));
}

TEST(Ipv4UdpHeader, WritesPortsLengthAndTheChecksumOfAHandSummedDatagram) {
  // 127.0.0.1:40002 -> 127.0.0.1:5000, payload "hi". Words: pseudo-header 7f00 0001 7f00
  // 0001 0011 000a, header 9c42 1388 000a 0000, payload 6869: sum 2165a, folded 165c,
  // complemented e9a3.
  const auto h = header_for(Bytes{'h', 'i'});
  EXPECT_EQ(be16(&h[20]), 40002);
  EXPECT_EQ(be16(&h[22]), 5000);
  EXPECT_EQ(be16(&h[24]), 10);
  EXPECT_EQ(be16(&h[26]), 0xe9a3);
}

TEST(Ipv4UdpHeader, SendsAComputedZeroChecksumAsAllOnes) {
  // The same datagram with payload 520d: 0xadf2 (everything else) + 0x520d = ffff, whose
  // complement 0 would mean "no checksum" (RFC 768), so ffff goes on the wire.
  const auto h = header_for(Bytes{0x52, 0x0d});
  EXPECT_EQ(be16(&h[26]), 0xffff);
}

TEST(Ipv4UdpHeader, ChecksumsAnOddLengthPayload) {
  // "hi!": the 21 is padded to 2100; 165c + 2100 = 375c, complemented c8a3; length 11
  // instead of 10 adds 1 twice (pseudo-header and header): c8a3 - 2 = c8a1.
  const auto h = header_for(Bytes{'h', 'i', '!'});
  EXPECT_EQ(be16(&h[24]), 11);
  EXPECT_EQ(be16(&h[26]), 0xc8a1);
}

struct PayloadCase {
  std::size_t length;
  std::uint8_t seed;
};

class Ipv4UdpHeaderPayloads : public ::testing::TestWithParam<PayloadCase> {};

TEST_P(Ipv4UdpHeaderPayloads, ChecksumVerifiesAndAgreesWithTheWordByWordReference) {
  Bytes payload(GetParam().length);
  std::uint8_t x = GetParam().seed;
  for (auto& b : payload) {
    x = static_cast<std::uint8_t>(x * 73 + 41);
    b = x;
  }
  const auto h = header_for(payload);
  const std::uint16_t on_wire = be16(&h[26]);
  EXPECT_NE(on_wire, 0) << "0 would mean no checksum";

  // A receiver sums everything including the checksum and must get all ones.
  EXPECT_EQ(reference_sum(udp_checksum_input(h, payload)), 0xffff);

  // The checksum itself, recomputed with the field zeroed by the slow routine.
  auto zeroed = h;
  zeroed[26] = zeroed[27] = 0;
  std::uint16_t expected =
      static_cast<std::uint16_t>(~reference_sum(udp_checksum_input(zeroed, payload)));
  if (expected == 0) {
    expected = 0xffff;
  }
  EXPECT_EQ(on_wire, expected);
  EXPECT_EQ(be16(&h[2]), kIpv4UdpHeaderBytes + payload.size());
  EXPECT_EQ(be16(&h[24]), 8 + payload.size());
}

// Every tail the summing loop has (16-byte steps, then 8, 4, 2 and 1 bytes), RTP sizes,
// and the IPv4 maximum.
INSTANTIATE_TEST_SUITE_P(
    Lengths, Ipv4UdpHeaderPayloads,
    ::testing::Values(PayloadCase{0, 1}, PayloadCase{1, 2}, PayloadCase{2, 3}, PayloadCase{3, 4},
                      PayloadCase{4, 16}, PayloadCase{5, 17}, PayloadCase{6, 18}, PayloadCase{7, 5},
                      PayloadCase{8, 6}, PayloadCase{9, 7}, PayloadCase{12, 19},
                      PayloadCase{13, 20}, PayloadCase{14, 21}, PayloadCase{15, 8},
                      PayloadCase{16, 9}, PayloadCase{17, 10}, PayloadCase{30, 22},
                      PayloadCase{31, 23}, PayloadCase{172, 11}, PayloadCase{173, 12},
                      PayloadCase{1472, 13}, PayloadCase{8191, 14},
                      PayloadCase{kMaxIpv4UdpPayloadBytes, 15}));

TEST(Ipv4UdpHeader, ChecksumsPayloadsOfAllOnesWhoseWordsOverflowEveryAddition) {
  for (const std::size_t length : {1U, 8U, 15U, 16U, 31U, 1024U, 65507U}) {
    const Bytes payload(length, 0xff);
    const auto h = header_for(payload);
    EXPECT_EQ(reference_sum(udp_checksum_input(h, payload)), 0xffff) << length << " bytes";
  }
}

}  // namespace
}  // namespace tipring::relay
