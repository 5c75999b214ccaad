#include "bench/relay/bare_forwarder.h"

#include <array>
#include <stdexcept>

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

namespace tipring::bench {

namespace {
constexpr unsigned kBatch = 32;
std::int64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}
}  // namespace

BareForwarder::BareForwarder() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
}

BareForwarder::~BareForwarder() {
  stop();
  for (Leg& l : legs_) {
    close(l.fd);
  }
  close(epoll_fd_);
}

std::pair<std::uint16_t, std::uint16_t> BareForwarder::add_call() {
  std::array<std::uint16_t, 2> ports{};
  const int first = static_cast<int>(legs_.size());
  for (int side = 0; side < 2; ++side) {
    Leg leg;
    leg.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    if (leg.fd < 0 || bind(leg.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      throw std::runtime_error("bare forwarder: cannot open socket");
    }
    socklen_t len = sizeof a;
    getsockname(leg.fd, reinterpret_cast<sockaddr*>(&a), &len);
    ports[static_cast<std::size_t>(side)] = ntohs(a.sin_port);
    leg.peer = first + 1 - side;
    legs_.push_back(leg);
  }
  return {ports[0], ports[1]};
}

void BareForwarder::start(const std::function<void()>& on_thread_start, int busy_poll_us) {
  for (std::size_t i = 0; i < legs_.size(); ++i) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, legs_[i].fd, &e);
  }
  running_ = true;
  thread_ = std::thread([this, on_thread_start, busy_poll_us] {
    on_thread_start();
    loop(busy_poll_us);
  });
}

void BareForwarder::stop() {
  if (running_.exchange(false)) {
    thread_.join();
  }
}

void BareForwarder::loop(int busy_poll_us) {
  std::array<epoll_event, 64> events{};
  const std::int64_t spin_ns = std::int64_t{busy_poll_us} * 1000;
  std::int64_t spin_until = 0;
  std::int64_t last_traffic = 0;
  while (running_.load(std::memory_order_relaxed)) {
    const int timeout = spin_ns > 0 && monotonic_ns() < spin_until ? 0 : 100;
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    if (n > 0 && spin_ns > 0) {  // the same rule as tipring's worker: spin while steady
      const std::int64_t now = monotonic_ns();
      if (now - last_traffic < spin_ns) {
        spin_until = now + spin_ns;
      }
      last_traffic = now;
    }
    for (int i = 0; i < n; ++i) {
      forward(legs_[events[static_cast<std::size_t>(i)].data.u64]);
    }
  }
}

void BareForwarder::forward(Leg& in) {
  static std::array<std::array<std::uint8_t, 2048>, kBatch> buffers{};
  static std::array<mmsghdr, kBatch> received{};
  static std::array<iovec, kBatch> iov{};
  static std::array<sockaddr_storage, kBatch> sources{};
  static std::array<mmsghdr, kBatch> out{};
  static std::array<iovec, kBatch> out_iov{};
  for (unsigned i = 0; i < kBatch; ++i) {
    iov[i] = iovec{buffers[i].data(), buffers[i].size()};
    received[i].msg_hdr = msghdr{};
    received[i].msg_hdr.msg_iov = &iov[i];
    received[i].msg_hdr.msg_iovlen = 1;
    received[i].msg_hdr.msg_name = &sources[i];
    received[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
  }
  const int n = recvmmsg(in.fd, received.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) {
    return;
  }
  in.last_source = relay::endpoint_from_sockaddr(
      reinterpret_cast<sockaddr*>(&sources[static_cast<std::size_t>(n - 1)]));
  Leg& peer = legs_[static_cast<std::size_t>(in.peer)];
  if (peer.last_source.port == 0) {
    return;
  }
  sockaddr_storage to{};
  const unsigned len = relay::endpoint_to_sockaddr(peer.last_source, true, &to);
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    out_iov[k] = iovec{buffers[k].data(), received[k].msg_len};
    out[k].msg_hdr = msghdr{};
    out[k].msg_hdr.msg_name = &to;
    out[k].msg_hdr.msg_namelen = len;
    out[k].msg_hdr.msg_iov = &out_iov[k];
    out[k].msg_hdr.msg_iovlen = 1;
  }
  sendmmsg(peer.fd, out.data(), static_cast<unsigned>(n), 0);
}

}  // namespace tipring::bench
