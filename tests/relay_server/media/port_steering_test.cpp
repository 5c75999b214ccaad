// PortSteering on a real kernel, in a network namespace of the test's own (see
// loopback_namespace.h). "Not delivered" is shown without sleeping: a datagram that must not
// arrive is sent before a marker that must, over the same loopback path, so when the marker
// is read the earlier one would already be queued; or, for a port nobody takes, by the ICMP
// port unreachable that a connected sender receives.
#include "relay_server/media/port_steering.h"

#include "relay_server/media/raw_udp.h"
#include "tests/relay_server/media/loopback_namespace.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/errqueue.h>
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

constexpr std::uint16_t kPortMin = 40000;
constexpr std::uint16_t kPortMax = 40009;

const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(
    new testing::PrivateNetworkNamespace);  // NOLINT(cert-err58-cpp)

class SteeringTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!namespace_problem().empty()) {
      GTEST_SKIP() << namespace_problem();
    }
    const std::array<int, 2> sockets{worker0.fd(), worker1.fd()};
    auto attached = PortSteering::attach(IpAddress::v4(kLoopback), kPortMin, kPortMax, sockets);
    if (!attached && attached.error().detail.find(std::strerror(EPERM)) != std::string::npos) {
      GTEST_SKIP() << attached.error().describe();
    }
    ASSERT_TRUE(attached) << attached.error().describe();
    steering = std::move(*attached);
  }

  Udp worker0;
  Udp worker1;
  Udp client;
  std::unique_ptr<PortSteering> steering;
};

TEST_F(SteeringTest, DeliversASteeredPortToItsWorkerWithTheOriginalDestinationPort) {
  ASSERT_TRUE(steering->steer(40002, 0));
  ASSERT_TRUE(steering->steer(40005, 1));
  client.send_to(40002, "to 40002");
  client.send_to(40005, "to 40005");

  const auto at0 = worker0.receive();
  ASSERT_TRUE(at0);
  EXPECT_EQ(at0->text, "to 40002");
  EXPECT_EQ(at0->original_destination_port, 40002);
  EXPECT_EQ(at0->from_port, client.port());
  const auto at1 = worker1.receive();
  ASSERT_TRUE(at1);
  EXPECT_EQ(at1->text, "to 40005");
  EXPECT_EQ(at1->original_destination_port, 40005);
}

TEST_F(SteeringTest, LeavesUnsteeredAndOutOfRangePortsToTheNormalLookup) {
  ASSERT_TRUE(steering->steer(40002, 0));
  ASSERT_TRUE(steering->steer(40005, 1));
  client.send_to(40003, "in range, not steered");
  client.send_to(kPortMax + 1, "out of range");
  client.send_to(kPortMin - 1, "below range");
  client.send_to(40002, "marker 0");
  client.send_to(40005, "marker 1");
  EXPECT_EQ(received_until(worker0, "marker 0"), std::vector<std::string>{"marker 0"});
  EXPECT_EQ(received_until(worker1, "marker 1"), std::vector<std::string>{"marker 1"});

  // Nobody takes 40003: a connected sender learns it from ICMP port unreachable.
  Udp sender;
  sender.connect_to(40003);
  ASSERT_EQ(::send(sender.fd(), "x", 1, 0), 1);
  EXPECT_EQ(sender.pending_error(), ECONNREFUSED);
}

// What a worker does: one recvmmsg takes datagrams for several legs, each with its port.
TEST_F(SteeringTest, OneRecvmmsgTakesDatagramsOfSeveralPortsEachWithItsOriginalPort) {
  const std::array<std::uint16_t, 4> ports{40000, 40003, 40006, 40009};
  for (const std::uint16_t port : ports) {
    ASSERT_TRUE(steering->steer(port, 0));
    client.send_to(port, "to " + std::to_string(port));
  }
  constexpr std::size_t kMax = 8;
  std::array<std::array<char, 64>, kMax> buffers{};
  std::array<iovec, kMax> parts{};
  std::array<std::array<char, CMSG_SPACE(sizeof(sockaddr_in))>, kMax> controls{};
  std::array<mmsghdr, kMax> messages{};
  for (std::size_t i = 0; i < kMax; ++i) {
    parts[i] = {buffers[i].data(), buffers[i].size()};
    messages[i].msg_hdr.msg_iov = &parts[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_control = controls[i].data();
    messages[i].msg_hdr.msg_controllen = controls[i].size();
  }
  // Usually one call takes all four (loopback delivers inside sendto); a lagging softirq
  // may split them, so read until four arrived or a wait ran out.
  int n = 0;
  pollfd p{worker0.fd(), POLLIN, 0};
  while (n < static_cast<int>(ports.size()) && ::poll(&p, 1, kWaitMs) == 1) {
    const int got = ::recvmmsg(worker0.fd(), messages.data() + n, kMax - static_cast<unsigned>(n),
                               MSG_DONTWAIT, nullptr);
    ASSERT_GT(got, 0) << std::strerror(errno);
    n += got;
  }
  ASSERT_EQ(n, static_cast<int>(ports.size()));
  for (int i = 0; i < n; ++i) {
    msghdr& m = messages[static_cast<std::size_t>(i)].msg_hdr;
    const cmsghdr* c = CMSG_FIRSTHDR(&m);
    ASSERT_NE(c, nullptr);
    ASSERT_EQ(c->cmsg_type, IP_ORIGDSTADDR);
    sockaddr_in original{};
    std::memcpy(&original, CMSG_DATA(c), sizeof original);
    const std::string text(buffers[static_cast<std::size_t>(i)].data(),
                           messages[static_cast<std::size_t>(i)].msg_len);
    EXPECT_EQ(text, "to " + std::to_string(ntohs(original.sin_port)));
    EXPECT_EQ(original.sin_addr.s_addr, htonl(kLoopback));
  }
}

TEST_F(SteeringTest, LeavesTcpAndIpv6ToTheNormalLookup) {
  ASSERT_TRUE(steering->steer(40002, 0));
  const int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in v4 = Udp::address(40002);
  EXPECT_EQ(::connect(tcp, reinterpret_cast<const sockaddr*>(&v4), sizeof v4), -1);
  EXPECT_EQ(errno, ECONNREFUSED) << "TCP to a steered port is not taken";
  ::close(tcp);

  const int udp6 = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(40002);
  v6.sin6_addr = in6addr_loopback;
  if (::connect(udp6, reinterpret_cast<const sockaddr*>(&v6), sizeof v6) == 0) {
    ASSERT_EQ(::send(udp6, "x", 1, 0), 1);
    pollfd p{udp6, POLLIN, 0};
    ::poll(&p, 1, kWaitMs);
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(udp6, SOL_SOCKET, SO_ERROR, &error, &length);
    EXPECT_EQ(error, ECONNREFUSED) << "UDP over IPv6 to a steered port is not taken";
  }  // else the namespace has no IPv6 loopback: nothing to check
  ::close(udp6);
  client.send_to(40002, "marker");
  EXPECT_EQ(received_until(worker0, "marker"), std::vector<std::string>{"marker"});
}

TEST_F(SteeringTest, IgnoresDatagramsForAnotherLocalAddress) {
  ASSERT_TRUE(steering->steer(40002, 0));
  // 127.0.0.2 is local too (all of 127/8 is on lo), but not the relay's media address.
  Udp sender;
  sockaddr_in other = Udp::address(40002);
  other.sin_addr.s_addr = htonl(0x7f000002);
  ASSERT_EQ(::connect(sender.fd(), reinterpret_cast<sockaddr*>(&other), sizeof other), 0);
  ASSERT_EQ(::send(sender.fd(), "x", 1, 0), 1);
  EXPECT_EQ(sender.pending_error(), ECONNREFUSED);
  client.send_to(40002, "marker");
  EXPECT_EQ(received_until(worker0, "marker"), std::vector<std::string>{"marker"});
}

TEST_F(SteeringTest, UnsteerStopsDeliveryAndSteerMovesAPortToAnotherWorker) {
  ASSERT_TRUE(steering->steer(40002, 0));
  client.send_to(40002, "first");
  ASSERT_TRUE(worker0.receive());

  ASSERT_TRUE(steering->steer(40002, 1));
  client.send_to(40002, "moved");
  client.send_to(40002, "marker 1");
  EXPECT_EQ(received_until(worker1, "marker 1"), (std::vector<std::string>{"moved", "marker 1"}));

  steering->unsteer(40002);
  Udp sender;
  sender.connect_to(40002);
  ASSERT_EQ(::send(sender.fd(), "x", 1, 0), 1);
  EXPECT_EQ(sender.pending_error(), ECONNREFUSED);

  ASSERT_TRUE(steering->steer(40005, 0));
  client.send_to(40005, "marker 0");
  EXPECT_EQ(received_until(worker0, "marker 0"), std::vector<std::string>{"marker 0"})
      << "the moved port must not reach worker 0";
}

TEST_F(SteeringTest, TakesPrecedenceOverAnUnconnectedSocketBoundToTheSteeredPort) {
  Udp bound(40005);
  ASSERT_TRUE(steering->steer(40005, 1));
  client.send_to(40005, "steered");
  const auto at1 = worker1.receive();
  ASSERT_TRUE(at1);
  EXPECT_EQ(at1->text, "steered");

  steering->unsteer(40005);
  client.send_to(40005, "normal");
  const auto at_bound = bound.receive();
  ASSERT_TRUE(at_bound);
  EXPECT_EQ(at_bound->text, "normal");
  EXPECT_EQ(at_bound->original_destination_port, 40005);
}

TEST_F(SteeringTest, DetachesWhenDestroyed) {
  ASSERT_TRUE(steering->steer(40005, 1));
  client.send_to(40005, "steered");
  ASSERT_TRUE(worker1.receive());

  steering.reset();
  Udp sender;
  sender.connect_to(40005);
  ASSERT_EQ(::send(sender.fd(), "x", 1, 0), 1);
  EXPECT_EQ(sender.pending_error(), ECONNREFUSED) << "nothing takes 40005 any more";

  Udp bound(40005);
  client.send_to(40005, "normal again");
  const auto d = bound.receive();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text, "normal again");
}

TEST_F(SteeringTest, AClosedWorkerSocketLeavesItsPortsToTheNormalLookup) {
  auto spare = std::make_unique<Udp>();
  const std::array<int, 1> sockets{spare->fd()};
  // A second program in the same namespace, for a range the fixture's does not cover.
  auto second = PortSteering::attach(IpAddress::v4(kLoopback), 41000, 41009, sockets);
  ASSERT_TRUE(second) << second.error().describe();
  ASSERT_TRUE((*second)->steer(41000, 0));
  client.send_to(41000, "before close");
  ASSERT_TRUE(spare->receive());

  spare.reset();  // closing removes the socket from the SOCKMAP
  Udp sender;
  sender.connect_to(41000);
  ASSERT_EQ(::send(sender.fd(), "x", 1, 0), 1);
  EXPECT_EQ(sender.pending_error(), ECONNREFUSED);
}

TEST_F(SteeringTest, WithTwoProgramsSteeringOnePortTheFirstAttachedWins) {
  Udp other_relay;
  const std::array<int, 1> sockets{other_relay.fd()};
  auto second = PortSteering::attach(IpAddress::v4(kLoopback), kPortMin, kPortMax, sockets);
  ASSERT_TRUE(second) << second.error().describe();
  ASSERT_TRUE((*second)->steer(40002, 0));
  ASSERT_TRUE(steering->steer(40002, 0));
  client.send_to(40002, "contested");
  client.send_to(40002, "marker");
  EXPECT_EQ(received_until(worker0, "marker"), (std::vector<std::string>{"contested", "marker"}));

  // A port only the second program steers is its own.
  ASSERT_TRUE((*second)->steer(40004, 0));
  client.send_to(40004, "uncontested");
  const auto d = other_relay.receive();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text, "uncontested");
}

// The process's open descriptors, with their fdinfo flags (octal, as the kernel prints them).
std::map<std::string, std::string> open_descriptors() {
  std::map<std::string, std::string> flags;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const std::string fd = entry.path().filename().string();
    std::ifstream info("/proc/self/fdinfo/" + fd);
    std::string line;
    while (std::getline(info, line)) {
      if (line.rfind("flags:", 0) == 0) {
        flags[fd] = line.substr(6);
      }
    }
  }
  return flags;
}

TEST_F(SteeringTest, HoldsOnlyCloseOnExecDescriptorsAndClosesThemAll) {
  steering.reset();
  const auto before = open_descriptors();
  const std::array<int, 2> sockets{worker0.fd(), worker1.fd()};
  auto attached = PortSteering::attach(IpAddress::v4(kLoopback), kPortMin, kPortMax, sockets);
  ASSERT_TRUE(attached) << attached.error().describe();
  std::size_t opened = 0;
  for (const auto& [fd, flags] : open_descriptors()) {
    if (before.count(fd) == 0 && !flags.empty()) {
      ++opened;
      EXPECT_NE(std::stoul(flags, nullptr, 8) & O_CLOEXEC, 0U) << "descriptor " << fd;
    }
  }
  EXPECT_EQ(opened, 4U) << "two maps, the program and the link";
  attached->reset();
  EXPECT_EQ(open_descriptors(), before);
}

TEST_F(SteeringTest, RefusesPortsOutsideTheRangeAndUnknownWorkers) {
  const auto below = steering->steer(kPortMin - 1, 0);
  ASSERT_FALSE(below);
  EXPECT_NE(below.error().detail.find("outside 40000-40009"), std::string::npos);
  EXPECT_FALSE(steering->steer(kPortMax + 1, 0));
  const auto worker = steering->steer(40002, 2);
  ASSERT_FALSE(worker);
  EXPECT_NE(worker.error().detail.find("worker 2 of 2"), std::string::npos);
  steering->unsteer(kPortMax + 1);  // a no-op, not a crash
}

// --- attach() refusals that need no kernel support --------------------------------------

TEST(PortSteeringAttach, RefusesAnIpv6LocalAddressAndAnEmptyRange) {
  Udp worker;
  const std::array<int, 1> sockets{worker.fd()};
  const auto v6 = PortSteering::attach(*IpAddress::parse("::1"), 40000, 40009, sockets);
  ASSERT_FALSE(v6);
  EXPECT_NE(v6.error().detail.find("not an IPv4 address"), std::string::npos);
  const auto empty = PortSteering::attach(IpAddress::v4(kLoopback), 40009, 40000, sockets);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().detail.find("is empty"), std::string::npos);
  EXPECT_FALSE(PortSteering::attach(IpAddress::v4(kLoopback), 40000, 40009, {}));
}

TEST(PortSteeringAttach, RefusesWorkerSocketsTheKernelCouldNeverAssign) {
  const int unbound = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Udp connected;
  connected.connect_to(9);
  struct Case {
    int fd;
    const char* reason;
  };
  for (const Case& c : {Case{unbound, "worker socket 0 is not bound"},
                        Case{tcp, "worker socket 0 is not an AF_INET UDP socket"},
                        Case{connected.fd(), "worker socket 0 is connected"}}) {
    const std::array<int, 1> sockets{c.fd};
    const auto attached = PortSteering::attach(IpAddress::v4(kLoopback), 40000, 40009, sockets);
    ASSERT_FALSE(attached) << c.reason;
    EXPECT_NE(attached.error().detail.find(c.reason), std::string::npos)
        << attached.error().describe();
  }
  ::close(unbound);
  ::close(tcp);
}

// The steered path end to end: a worker receives a client's datagram for a leg port and
// answers from that same port through the raw socket; the client, connected to the leg's
// port as most RTP stacks are, accepts the answer.
TEST_F(SteeringTest, AWorkerAnswersFromTheLegPortThroughARawSocket) {
  auto raw = RawIpv4Socket::open();
  ASSERT_TRUE(raw) << raw.error().describe();
  ASSERT_TRUE(steering->steer(40007, 1));
  Udp phone;
  phone.connect_to(40007);
  ASSERT_EQ(::send(phone.fd(), "hello", 5, 0), 5);

  const auto in = worker1.receive();
  ASSERT_TRUE(in);
  ASSERT_EQ(in->original_destination_port, 40007);
  const std::string answer = "answer";
  const auto answer_bytes = std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(answer.data()), answer.size());
  std::array<std::uint8_t, kIpv4UdpHeaderBytes> h{};
  write_ipv4_udp_header(h, Endpoint{IpAddress::v4(kLoopback), in->original_destination_port},
                        Endpoint{IpAddress::v4(kLoopback), in->from_port}, answer_bytes);
  ASSERT_TRUE(raw->send(h, answer_bytes));

  const auto back = phone.receive();
  ASSERT_TRUE(back);
  EXPECT_EQ(back->text, answer);
  EXPECT_EQ(back->from_port, 40007);
}

// The ICMP error for a datagram sent from a steered port is looked up like a datagram to
// that port, so it reaches the worker's socket: with IP_RECVERR on, in its error queue (a
// worker can learn that a peer went away); without it, an unconnected socket ignores it.
TEST_F(SteeringTest, AnIcmpErrorForADatagramSentFromASteeredPortReachesTheWorkersErrorQueue) {
  const int on = 1;
  ASSERT_EQ(::setsockopt(worker0.fd(), SOL_IP, IP_RECVERR, &on, sizeof on), 0);
  ASSERT_TRUE(steering->steer(40002, 0));
  auto raw = RawIpv4Socket::open();
  ASSERT_TRUE(raw) << raw.error().describe();
  const std::array<std::uint8_t, 4> payload{1, 2, 3, 4};
  std::array<std::uint8_t, kIpv4UdpHeaderBytes> h{};
  write_ipv4_udp_header(h, Endpoint{IpAddress::v4(kLoopback), 40002},
                        Endpoint{IpAddress::v4(kLoopback), 9}, payload);  // nobody on 9
  ASSERT_TRUE(raw->send(h, payload));

  pollfd p{worker0.fd(), 0, 0};  // POLLERR is always reported
  ASSERT_EQ(::poll(&p, 1, kWaitMs), 1);
  std::array<char, 64> data{};
  iovec part{data.data(), data.size()};
  alignas(cmsghdr) std::array<char, 256> control{};
  sockaddr_in offender{};
  msghdr message{};
  message.msg_name = &offender;
  message.msg_namelen = sizeof offender;
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  ASSERT_EQ(::recvmsg(worker0.fd(), &message, MSG_ERRQUEUE | MSG_DONTWAIT),
            static_cast<ssize_t>(payload.size()))
      << std::strerror(errno);
  EXPECT_EQ(ntohs(offender.sin_port), 9) << "the unreachable peer";
  // The leg is found from the peer (msg_name) and the returned payload: the IP_ORIGDSTADDR
  // cmsg the kernel adds to an error-queue message is read from the payload's first bytes
  // (Linux 6.18 reports port 0x0304 here), not from the original datagram's UDP header.
  std::optional<sock_extended_err> error;
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) {
      error.emplace();
      std::memcpy(&*error, CMSG_DATA(c), sizeof *error);
    }
  }
  ASSERT_TRUE(error);
  EXPECT_EQ(error->ee_errno, static_cast<std::uint32_t>(ECONNREFUSED));
  EXPECT_EQ(error->ee_origin, SO_EE_ORIGIN_ICMP);
  EXPECT_EQ(std::string(data.data(), payload.size()), std::string("\x01\x02\x03\x04"));
}

}  // namespace
}  // namespace tipring::relay
