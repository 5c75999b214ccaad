// The steered data path's per-datagram costs against the socket-per-leg path's, same run:
// writing the IPv4+UDP header (the reference is copying the same bytes), sendmmsg through a
// raw socket with that header against a UDP socket, and delivery to a port steered by
// PortSteering against delivery to a socket bound to the port. On loopback the receiving
// kernel's work (socket lookup, the sk_lookup program, queueing) runs inside the sender's
// sendmmsg, so the send benchmarks include it. Root: the program first moves into a network
// namespace of its own, so its sk_lookup program sees no other traffic.
#include "relay_server/media/port_steering.h"
#include "relay_server/media/raw_udp.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace tipring::relay;

constexpr std::uint32_t kLoopback = 0x7f000001;
constexpr std::size_t kRtpBytes = 172;  // 160 bytes of G.711 20 ms + the RTP header
constexpr std::size_t kBatch = 32;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(kLoopback);
  return a;
}

// A UDP socket on 127.0.0.1:port (0: any) that the benchmark drains after every batch.
class Sink {
public:
  explicit Sink(std::uint16_t port = 0) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a = loopback(port);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t length = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
    port_ = ntohs(a.sin_port);
    const int on = 1;
    ::setsockopt(fd_, SOL_IP, IP_RECVORIGDSTADDR, &on, sizeof on);
    for (std::size_t i = 0; i < messages_.size(); ++i) {
      parts_[i] = {buffers_[i].data(), buffers_[i].size()};
      messages_[i].msg_hdr.msg_iov = &parts_[i];
      messages_[i].msg_hdr.msg_iovlen = 1;
    }
  }
  ~Sink() { ::close(fd_); }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  // Everything queued; the count, so a benchmark can check its datagrams arrived.
  int drain() {
    int total = 0;
    int n = 0;
    while ((n = ::recvmmsg(fd_, messages_.data(), static_cast<unsigned>(messages_.size()),
                           MSG_DONTWAIT, nullptr)) > 0) {
      total += n;
    }
    return total;
  }

private:
  int fd_;
  std::uint16_t port_ = 0;
  std::array<std::array<char, 256>, 64> buffers_{};
  std::array<iovec, 64> parts_{};
  std::array<mmsghdr, 64> messages_{};
};

// A batch of kBatch datagrams to 127.0.0.1:to_port, with IPv4+UDP headers from
// 127.0.0.1:from_port when `raw`.
class Batch {
public:
  Batch(bool raw, std::uint16_t from_port, std::uint16_t to_port)
      : raw_(raw),
        from_{IpAddress::v4(kLoopback), from_port},
        to_{IpAddress::v4(kLoopback), to_port},
        destination_(loopback(to_port)) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      payloads_[i].fill(static_cast<std::uint8_t>(i));
      messages_[i].msg_hdr.msg_name = &destination_;
      messages_[i].msg_hdr.msg_namelen = sizeof destination_;
      messages_[i].msg_hdr.msg_iov = parts_[i].data();
      parts_[i][0] = {headers_[i].data(), headers_[i].size()};
      parts_[i][raw ? 1 : 0] = {payloads_[i].data(), payloads_[i].size()};
      messages_[i].msg_hdr.msg_iovlen = raw ? 2 : 1;
    }
  }
  // Headers written per datagram (as a worker would), then one sendmmsg.
  int send(int fd) {
    if (raw_) {
      for (std::size_t i = 0; i < kBatch; ++i) {
        write_ipv4_udp_header(headers_[i], from_, to_, payloads_[i]);
      }
    }
    return ::sendmmsg(fd, messages_.data(), static_cast<unsigned>(kBatch), 0);
  }

private:
  bool raw_;
  Endpoint from_;
  Endpoint to_;
  sockaddr_in destination_;
  std::array<std::array<std::uint8_t, kIpv4UdpHeaderBytes>, kBatch> headers_{};
  std::array<std::array<std::uint8_t, kRtpBytes>, kBatch> payloads_{};
  std::array<std::array<iovec, 2>, kBatch> parts_{};
  std::array<mmsghdr, kBatch> messages_{};
};

void write_header(benchmark::State& state) {
  std::vector<std::uint8_t> payload(static_cast<std::size_t>(state.range(0)), 0x5a);
  std::array<std::uint8_t, kIpv4UdpHeaderBytes> header{};
  const Endpoint from{IpAddress::v4(kLoopback), 40002};
  const Endpoint to{IpAddress::v4(kLoopback), 5004};
  for (auto _ : state) {
    write_ipv4_udp_header(header, from, to, payload);
    benchmark::DoNotOptimize(header.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

// The floor: touching the same bytes once, without summing them.
void reference_copy_header_and_payload(benchmark::State& state) {
  std::vector<std::uint8_t> payload(static_cast<std::size_t>(state.range(0)), 0x5a);
  std::vector<std::uint8_t> out(kIpv4UdpHeaderBytes + payload.size());
  for (auto _ : state) {
    std::memcpy(out.data() + kIpv4UdpHeaderBytes, payload.data(), payload.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

// kBatch datagrams per iteration; items are datagrams delivered.
void send_batches(benchmark::State& state, int fd, Batch& batch, Sink& sink) {
  std::int64_t delivered = 0;
  for (auto _ : state) {
    if (batch.send(fd) != static_cast<int>(kBatch)) {
      state.SkipWithError(std::strerror(errno));
      return;
    }
    state.PauseTiming();
    delivered += sink.drain();
    state.ResumeTiming();
  }
  // Loopback delivery normally completes inside sendmmsg; under load the softirq may lag.
  for (int wait = 0;
       wait < 100 && delivered < state.iterations() * static_cast<std::int64_t>(kBatch); ++wait) {
    pollfd p{sink.fd(), POLLIN, 0};
    ::poll(&p, 1, 1);
    delivered += sink.drain();
  }
  if (delivered != state.iterations() * static_cast<std::int64_t>(kBatch)) {
    state.SkipWithError("datagrams were lost: the numbers would flatter the sender");
  }
  state.SetItemsProcessed(delivered);
}

void udp_sendmmsg(benchmark::State& state) {
  Sink sink;
  Sink sender;
  Batch batch(false, 0, sink.port());
  send_batches(state, sender.fd(), batch, sink);
}

void raw_sendmmsg(benchmark::State& state) {
  auto raw = RawIpv4Socket::open();
  if (!raw) {
    state.SkipWithError(raw.error().describe().c_str());
    return;
  }
  Sink sink;
  Batch batch(true, 40002, sink.port());
  send_batches(state, raw->fd(), batch, sink);
}

// The receiving side: to a socket bound to the port, with or without a program attached
// (which then runs and passes), or to a port the program steers to a worker socket.
void udp_to(benchmark::State& state, bool attach, bool steered) {
  Sink worker;
  Sink bound(40001);
  std::unique_ptr<PortSteering> steering;
  if (attach) {
    const std::array<int, 1> sockets{worker.fd()};
    auto attached = PortSteering::attach(IpAddress::v4(kLoopback), 40000, 49999, sockets);
    if (!attached) {
      state.SkipWithError(attached.error().describe().c_str());
      return;
    }
    steering = std::move(*attached);
    (void)steering->steer(40002, 0);
  }
  Sink sender;
  Batch batch(false, 0, steered ? 40002 : 40001);
  send_batches(state, sender.fd(), batch, steered ? worker : bound);
}

void udp_to_bound_port(benchmark::State& state) {
  udp_to(state, false, false);
}
void udp_to_bound_port_program_attached(benchmark::State& state) {
  udp_to(state, true, false);
}
void udp_to_steered_port(benchmark::State& state) {
  udp_to(state, true, true);
}

BENCHMARK(write_header)->Arg(172)->Arg(1400);
BENCHMARK(reference_copy_header_and_payload)->Arg(172)->Arg(1400);
BENCHMARK(udp_sendmmsg);
BENCHMARK(raw_sendmmsg);
BENCHMARK(udp_to_bound_port);
BENCHMARK(udp_to_bound_port_program_attached);
BENCHMARK(udp_to_steered_port);

}  // namespace

int main(int argc, char** argv) {
  if (::unshare(CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "steered_io_bench: needs root (a network namespace, BPF, raw socket)\n");
    return 77;
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  request.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  const bool up = ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  ::close(fd);
  if (!up) {
    std::perror("steered_io_bench: bringing lo up");
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
