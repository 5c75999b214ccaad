#include "bench/relay/load_generator.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

namespace tipring::bench {

namespace {
constexpr std::size_t kPacketSize = 172;  // G.711 20 ms: 12-byte header + 160 bytes
constexpr unsigned kBatch = 32;
constexpr int kPacedSocketsPerTurn = 8;

std::int64_t realtime_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}
std::int64_t generator_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}
std::int64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

std::array<std::uint8_t, kPacketSize> make_packet(std::uint16_t sequence, std::uint32_t ssrc,
                                                  std::uint32_t index, std::int64_t sent_ns) {
  std::array<std::uint8_t, kPacketSize> p{};
  p.fill(0xd5);
  p[0] = 0x80;
  p[1] = 0;
  p[2] = static_cast<std::uint8_t>(sequence >> 8);
  p[3] = static_cast<std::uint8_t>(sequence);
  for (std::size_t i = 0; i < 4; ++i) {
    p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
  std::memcpy(p.data() + 12, &sent_ns, sizeof sent_ns);
  std::memcpy(p.data() + 20, &index, sizeof index);
  return p;
}

std::int64_t percentile(std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) {
    return 0;
  }
  const auto i = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
  return sorted[i];
}
}  // namespace

LoadGenerator::LoadGenerator(int calls) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  endpoints_.resize(2 * static_cast<std::size_t>(calls));
  std::uint32_t index = 0;
  for (Party& p : endpoints_) {
    p.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    if (p.fd < 0 || bind(p.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      throw std::runtime_error("generator: cannot open endpoint socket (fd limit?)");
    }
    const int on = 1;
    setsockopt(p.fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    socklen_t len = sizeof a;
    getsockname(p.fd, reinterpret_cast<sockaddr*>(&a), &len);
    p.local = Endpoint{relay::IpAddress::v4(0x7f000001), ntohs(a.sin_port)};
    p.ssrc = 0x10000 + index;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u32 = index++;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, p.fd, &e);
  }
}

LoadGenerator::~LoadGenerator() {
  for (Party& p : endpoints_) {
    close(p.fd);
  }
  close(epoll_fd_);
}

const Endpoint& LoadGenerator::local(int endpoint) const {
  return endpoints_[static_cast<std::size_t>(endpoint)].local;
}

void LoadGenerator::send_to(int endpoint, const Endpoint& relay_port) {
  Party& party = endpoints_[static_cast<std::size_t>(endpoint)];
  party.to = relay_port;
  // Connected, as most RTP stacks are: the kernel keeps the route, so a send is cheaper and
  // the generator (one core for 2,000 endpoints) keeps its schedule. Every relay under test
  // answers from the port the endpoint sends to, so the filter a connected socket applies
  // to what it receives never drops relayed media.
  sockaddr_storage to{};
  const unsigned len = relay::endpoint_to_sockaddr(relay_port, true, &to);
  if (connect(party.fd, reinterpret_cast<sockaddr*>(&to), len) != 0) {
    throw std::runtime_error("generator: cannot connect endpoint socket");
  }
}

bool LoadGenerator::send_one(Party& party, std::uint32_t index) {
  const auto packet = make_packet(party.sequence++, party.ssrc, index, realtime_ns());
  return send(party.fd, packet.data(), packet.size(), 0) > 0;
}

int LoadGenerator::send_burst(Party& party, std::uint32_t index, int count) {
  constexpr int kMaxBurst = 16;
  count = std::min(count, kMaxBurst);
  std::array<std::array<std::uint8_t, kPacketSize>, kMaxBurst> packets{};
  std::array<mmsghdr, kMaxBurst> messages{};
  std::array<iovec, kMaxBurst> iov{};
  const std::int64_t now = realtime_ns();
  for (int i = 0; i < count; ++i) {
    const auto k = static_cast<std::size_t>(i);
    packets[k] = make_packet(party.sequence++, party.ssrc, index, now);
    iov[k] = iovec{packets[k].data(), packets[k].size()};
    messages[k].msg_hdr = msghdr{};
    messages[k].msg_hdr.msg_iov = &iov[k];
    messages[k].msg_hdr.msg_iovlen = 1;
  }
  const int sent = sendmmsg(party.fd, messages.data(), static_cast<unsigned>(count), 0);
  return std::max(0, sent);
}

template <class OnPacket>
int LoadGenerator::receive_ready(int wait_ms, OnPacket on_packet, int max_sockets) {
  std::array<epoll_event, 256> events{};
  max_sockets = std::clamp(max_sockets, 1, static_cast<int>(events.size()));
  static std::array<std::array<std::uint8_t, 2048>, kBatch> buffers{};
  static std::array<std::array<std::uint8_t, 64>, kBatch> controls{};
  std::array<mmsghdr, kBatch> messages{};
  std::array<iovec, kBatch> iov{};
  const int ready = epoll_wait(epoll_fd_, events.data(), max_sockets, wait_ms);
  int total = 0;
  for (int r = 0; r < ready; ++r) {
    const int fd = endpoints_[events[static_cast<std::size_t>(r)].data.u32].fd;
    for (unsigned i = 0; i < kBatch; ++i) {
      iov[i] = iovec{buffers[i].data(), buffers[i].size()};
      messages[i].msg_hdr = msghdr{};
      messages[i].msg_hdr.msg_iov = &iov[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_control = controls[i].data();
      messages[i].msg_hdr.msg_controllen = controls[i].size();
    }
    const int n = recvmmsg(fd, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    for (int i = 0; i < n; ++i) {
      const auto& m = messages[static_cast<std::size_t>(i)];
      if (m.msg_len < 24) {
        continue;
      }
      std::int64_t sent_ns = 0;
      std::uint32_t sender = 0;
      std::memcpy(&sent_ns, buffers[static_cast<std::size_t>(i)].data() + 12, sizeof sent_ns);
      std::memcpy(&sender, buffers[static_cast<std::size_t>(i)].data() + 20, sizeof sender);
      std::int64_t latency = -1;
      for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr); c != nullptr;
           c = CMSG_NXTHDR(const_cast<msghdr*>(&m.msg_hdr), c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          timespec t{};
          std::memcpy(&t, CMSG_DATA(c), sizeof t);
          latency = std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec - sent_ns;
        }
      }
      if (sender < endpoints_.size()) {
        on_packet(sender, latency);
        ++total;
      }
    }
  }
  return total;
}

int LoadGenerator::drain(std::chrono::milliseconds quiet) {
  int total = 0;
  const auto limit = monotonic_ns() + 2'000'000'000;
  while (monotonic_ns() < limit) {
    const int n =
        receive_ready(static_cast<int>(quiet.count()), [](std::uint32_t, std::int64_t) {});
    if (n == 0) {
      break;
    }
    total += n;
  }
  return total;
}

void LoadGenerator::prime(int packets) {
  for (int k = 0; k < packets; ++k) {
    for (std::uint32_t i = 0; i < endpoints_.size(); ++i) {
      send_one(endpoints_[i], i);
    }
    receive_ready(0, [](std::uint32_t, std::int64_t) {});
    usleep(20'000);
  }
  drain(std::chrono::milliseconds(100));
}

PacedResult LoadGenerator::run_paced(std::chrono::milliseconds duration, int pps,
                                     const CpuProbe& relay_cpu) {
  PacedResult result;
  const auto parties = static_cast<std::int64_t>(endpoints_.size());
  const std::int64_t spacing_ns = 1'000'000'000 / (std::int64_t{pps} * parties);
  std::vector<std::int64_t> latencies;
  latencies.reserve(static_cast<std::size_t>(parties * pps * (duration.count() / 1000 + 1)));
  const std::int64_t relay_cpu_before = relay_cpu();
  const std::int64_t generator_cpu_before = generator_cpu_ns();
  const std::int64_t start = monotonic_ns();
  const std::int64_t end = start + duration.count() * 1'000'000;
  std::int64_t slot = 0;
  auto on_packet = [&](std::uint32_t, std::int64_t latency) {
    ++result.received;
    if (latency >= 0) {
      latencies.push_back(latency);
    }
  };
  std::vector<std::int64_t> lateness;
  lateness.reserve(latencies.capacity());
  for (std::int64_t now = start; now < end; now = monotonic_ns()) {
    while (start + slot * spacing_ns <= now) {
      const auto index = static_cast<std::uint32_t>(slot % parties);
      lateness.push_back(monotonic_ns() - (start + slot * spacing_ns));
      result.sent += send_one(endpoints_[index], index) ? 1u : 0u;
      ++slot;
    }
    // A few sockets per turn, then back to the schedule: reading every ready socket at once
    // (hundreds when the relay sends a burst) would make the next sends late, and a late
    // generator sends in bursts that queue at the relay and count as its latency.
    const std::int64_t until_next = start + slot * spacing_ns - monotonic_ns();
    receive_ready(until_next > 1'000'000 ? 1 : 0, on_packet, kPacedSocketsPerTurn);
  }
  result.cpu.relay_ns = relay_cpu() - relay_cpu_before;
  result.cpu.generator_ns = generator_cpu_ns() - generator_cpu_before;
  // Let the last packets arrive: a bounded, quiet-ended drain.
  const std::int64_t drain_limit = monotonic_ns() + 500'000'000;
  while (monotonic_ns() < drain_limit && receive_ready(50, on_packet) > 0) {
  }
  result.seconds = static_cast<double>(duration.count()) / 1000.0;
  std::sort(latencies.begin(), latencies.end());
  result.p50_ns = percentile(latencies, 0.50);
  result.p99_ns = percentile(latencies, 0.99);
  result.max_ns = latencies.empty() ? 0 : latencies.back();
  std::sort(lateness.begin(), lateness.end());
  result.send_late_p99_ns = percentile(lateness, 0.99);
  result.send_late_max_ns = lateness.empty() ? 0 : lateness.back();
  return result;
}

SaturationResult LoadGenerator::run_saturation(std::chrono::milliseconds duration, int window,
                                               const CpuProbe& relay_cpu) {
  SaturationResult result;
  for (Party& p : endpoints_) {
    p.in_flight = 0;
  }
  const std::int64_t warm_until = monotonic_ns() + 300'000'000;
  const std::int64_t end = warm_until + duration.count() * 1'000'000;
  std::int64_t last_progress = monotonic_ns();
  bool measuring = false;
  std::int64_t relay_cpu_before = 0;
  std::int64_t generator_cpu_before = 0;
  std::int64_t measure_start = 0;
  for (std::int64_t now = monotonic_ns(); now < end; now = monotonic_ns()) {
    if (!measuring && now >= warm_until) {
      measuring = true;
      result.received = 0;
      relay_cpu_before = relay_cpu();
      generator_cpu_before = generator_cpu_ns();
      measure_start = monotonic_ns();
    }
    for (std::uint32_t i = 0; i < endpoints_.size(); ++i) {
      Party& p = endpoints_[i];
      if (p.in_flight < window) {
        p.in_flight += send_burst(p, i, window - p.in_flight);
      }
    }
    const int n = receive_ready(1, [&](std::uint32_t sender, std::int64_t) {
      ++result.received;
      auto& in_flight = endpoints_[sender].in_flight;
      in_flight = std::max(0, in_flight - 1);
    });
    if (n > 0) {
      last_progress = now;
    } else if (now - last_progress > 100'000'000) {
      // Packets were lost (a full queue): reopen every window rather than stall.
      for (Party& p : endpoints_) {
        p.in_flight = 0;
      }
      last_progress = now;
    }
  }
  result.cpu.relay_ns = relay_cpu() - relay_cpu_before;
  result.cpu.generator_ns = generator_cpu_ns() - generator_cpu_before;
  result.seconds = static_cast<double>(monotonic_ns() - measure_start) / 1e9;
  drain(std::chrono::milliseconds(50));
  return result;
}

}  // namespace tipring::bench
