// RawIpv4Socket and write_ipv4_udp_header on a real kernel, in the test binary's own network
// namespace (loopback_namespace.h): what the receiving kernel accepts, drops and sees.
#include "relay_server/media/raw_udp.h"
#include "tests/relay_server/media/loopback_namespace.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {
namespace {

using testing::kLoopback;
using testing::kWaitMs;
using testing::namespace_problem;
using testing::received_until;
using testing::Udp;

class RawSendTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!namespace_problem().empty()) {
      GTEST_SKIP() << namespace_problem();
    }
    auto opened = RawIpv4Socket::open();
    ASSERT_TRUE(opened) << opened.error().describe();
    raw = std::move(*opened);
  }

  // Header for `payload` from 127.0.0.1:from_port to the receiver.
  std::array<std::uint8_t, kIpv4UdpHeaderBytes> header(std::uint16_t from_port,
                                                       const std::string& payload) const {
    std::array<std::uint8_t, kIpv4UdpHeaderBytes> h{};
    write_ipv4_udp_header(h, Endpoint{IpAddress::v4(kLoopback), from_port},
                          Endpoint{IpAddress::v4(kLoopback), receiver.port()}, bytes(payload));
    return h;
  }
  static std::span<const std::uint8_t> bytes(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
  }

  std::optional<RawIpv4Socket> raw;
  Udp receiver;
};

TEST_F(RawSendTest, DeliversTheExactPayloadFromTheWrittenSourcePort) {
  const std::string payload = "RTP from the relay's leg port";
  ASSERT_TRUE(raw->send(header(40002, payload), bytes(payload)));
  const auto d = receiver.receive();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text, payload);
  EXPECT_EQ(d->from_port, 40002);
}

TEST_F(RawSendTest, DeliversOddLengthAndEmptyPayloads) {
  for (const std::string& payload : {std::string("odd"), std::string(), std::string(1401, 'x')}) {
    ASSERT_TRUE(raw->send(header(40003, payload), bytes(payload)));
    const auto d = receiver.receive();
    ASSERT_TRUE(d) << payload.size() << " bytes";
    EXPECT_EQ(d->text, payload);
  }
}

// The namespace's Udp InCsumErrors counter (/proc/net/snmp): datagrams dropped for a bad
// checksum.
long udp_checksum_errors() {
  std::ifstream snmp("/proc/net/snmp");
  std::string names;
  std::string values;
  std::string line;
  while (std::getline(snmp, line)) {
    if (line.rfind("Udp: ", 0) == 0) {
      (names.empty() ? names : values) = line;
    }
  }
  std::istringstream name_fields(names);
  std::istringstream value_fields(values);
  std::string name;
  std::string value;
  while (name_fields >> name && value_fields >> value) {
    if (name == "InCsumErrors") {
      return std::stol(value);
    }
  }
  ADD_FAILURE() << "no Udp InCsumErrors in /proc/net/snmp";
  return -1;
}

TEST_F(RawSendTest, TheReceivingKernelDropsADatagramWithABadUdpChecksum) {
  const long errors_before = udp_checksum_errors();
  const std::string payload = "corrupted";
  auto bad = header(40002, payload);
  bad[26] ^= 0x01;  // one bit of the UDP checksum
  ASSERT_TRUE(raw->send(bad, bytes(payload)));
  const std::string marker = "intact";
  ASSERT_TRUE(raw->send(header(40002, marker), bytes(marker)));
  EXPECT_EQ(received_until(receiver, marker), std::vector<std::string>{marker});
  EXPECT_EQ(udp_checksum_errors(), errors_before + 1) << "dropped for its checksum";
}

TEST_F(RawSendTest, TheKernelCompletesTheIpHeaderAndNeverDeliversToTheRawSocket) {
  // An AF_PACKET capture on lo sees the datagram as it went out.
  const int capture = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
  ASSERT_GE(capture, 0) << std::strerror(errno);
  sockaddr_ll link{};
  link.sll_family = AF_PACKET;
  link.sll_protocol = htons(ETH_P_IP);
  link.sll_ifindex = static_cast<int>(::if_nametoindex("lo"));
  ASSERT_EQ(::bind(capture, reinterpret_cast<sockaddr*>(&link), sizeof link), 0);

  const std::string payload = "captured";
  ASSERT_TRUE(raw->send(header(40002, payload), bytes(payload)));
  ASSERT_TRUE(receiver.receive());

  pollfd p{capture, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, kWaitMs), 1);
  std::array<std::uint8_t, 2048> packet{};
  const ssize_t n = ::recv(capture, packet.data(), packet.size(), MSG_DONTWAIT);
  ::close(capture);
  ASSERT_EQ(n, static_cast<ssize_t>(kIpv4UdpHeaderBytes + payload.size()));
  EXPECT_EQ(internet_checksum(std::span<const std::uint8_t>(packet.data(), kIpv4HeaderBytes)), 0)
      << "a header including a correct checksum sums to all ones";
  EXPECT_NE((packet[10] << 8) | packet[11], 0) << "the kernel wrote the header checksum";
  EXPECT_EQ((packet[2] << 8) | packet[3], n) << "total length";
  EXPECT_EQ((packet[6] << 8) | packet[7], 0x4000) << "DF kept";
  // Linux leaves identification 0 for a DF datagram from a raw socket (RFC 6864 §4.1 allows
  // any value on atomic datagrams); recorded rather than asserted, as it is the kernel's choice.
  RecordProperty("ip_identification", (packet[4] << 8) | packet[5]);

  std::array<char, 64> ignored{};
  EXPECT_EQ(::recv(raw->fd(), ignored.data(), ignored.size(), MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN) << "IPPROTO_RAW sockets are send-only";
}

}  // namespace
}  // namespace tipring::relay
