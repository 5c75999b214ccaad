// Linux backend of ForwardingWorker: level-triggered epoll, one recvmmsg batch per ready
// socket per wake-up (fair between legs), the accepted datagrams leave in one sendmmsg per
// destination socket straight from the receive buffers. Per batch, not per packet: the
// receive counters, the activity stamp, and the destination's sockaddr (built once per
// distinct destination; a batch from one locked client has one).
#include "relay_server/media/forwarding_worker.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {

namespace {
constexpr unsigned kBatch = 32;
constexpr std::size_t kMaxDatagram = 2048;
// Enough to take every ready socket of a busy worker in one epoll_wait.
constexpr int kMaxEvents = 256;
constexpr int kIdleWaitMs = 1000;

// The outgoing half of a batch: datagrams for one destination socket. Message headers
// point at their iovec once, at construction; push() fills in lengths and names only.
struct SendQueue {
  std::array<mmsghdr, kBatch> messages{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_storage, kBatch> destinations{};
  unsigned count = 0;
  unsigned names = 0;  // destinations[0, names) are written
  unsigned last_name_length = 0;
  Endpoint last_to;
  std::uint64_t bytes = 0;

  SendQueue() {
    for (unsigned i = 0; i < kBatch; ++i) {
      messages[i].msg_hdr.msg_iov = &iov[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
  }
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  void clear() {
    count = names = 0;
    bytes = 0;
  }
  void push(std::uint8_t* data, std::size_t length, const Endpoint& to, bool v4) {
    if (names == 0 || to != last_to) {
      last_name_length = endpoint_to_sockaddr(to, v4, &destinations[names]);
      last_to = to;
      ++names;
    }
    if (last_name_length == 0) {
      return;
    }
    iov[count] = iovec{data, length};
    msghdr& h = messages[count].msg_hdr;
    h.msg_name = &destinations[names - 1];
    h.msg_namelen = last_name_length;
    bytes += length;
    ++count;
  }
};
}  // namespace

struct ForwardingWorker::Poller {
  int epoll_fd = -1;
  int wake_fd = -1;
  std::array<epoll_event, kMaxEvents> events{};
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBatch> buffers{};
  std::array<mmsghdr, kBatch> received{};
  std::array<iovec, kBatch> received_iov{};
  std::array<sockaddr_storage, kBatch> sources{};
  SendQueue to_rtp;
  SendQueue to_rtcp;
  unsigned last_received = kBatch;  // headers the previous recvmmsg wrote into

  Poller() {
    for (unsigned i = 0; i < kBatch; ++i) {
      received_iov[i] = iovec{buffers[i].data(), kMaxDatagram};
      msghdr& h = received[i].msg_hdr;
      h.msg_iov = &received_iov[i];
      h.msg_iovlen = 1;
      h.msg_name = &sources[i];
    }
  }
  ~Poller() {
    if (epoll_fd >= 0) {
      ::close(epoll_fd);
    }
    if (wake_fd >= 0) {
      ::close(wake_fd);
    }
  }
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;
};

ForwardingWorker::ForwardingWorker(unsigned index, const LatchPolicy& policy,
                                   std::function<void()> on_thread_start)
    : index_(index),
      policy_(policy),
      on_thread_start_(std::move(on_thread_start)),
      poller_(std::make_unique<Poller>()) {
  pending_.reserve(16);
  executing_.reserve(16);
}

ForwardingWorker::~ForwardingWorker() {
  stop();
}

Result<void> ForwardingWorker::start() {
  if (running_.load()) {
    return {};
  }
  if (poller_->epoll_fd < 0) {
    poller_->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    poller_->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (poller_->epoll_fd < 0 || poller_->wake_fd < 0) {
      return fail("epoll_create1(2)/eventfd(2)", std::strerror(errno));
    }
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.ptr = nullptr;
    if (::epoll_ctl(poller_->epoll_fd, EPOLL_CTL_ADD, poller_->wake_fd, &wake_event) != 0) {
      return fail("epoll_ctl(2)", std::strerror(errno));
    }
  }
  running_.store(true, std::memory_order_release);
  thread_ = std::thread([this] {
    if (on_thread_start_) {
      on_thread_start_();
    }
    loop();
  });
  return {};
}

void ForwardingWorker::stop() {
  if (!running_.exchange(false)) {
    return;
  }
  wake();
  thread_.join();
  // Commands submitted while stopping have waited for the thread; run them now.
  if (has_commands_.load()) {
    apply_commands();
  }
}

void ForwardingWorker::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(poller_->wake_fd, &one, sizeof one);
}

bool ForwardingWorker::watch(Channel& channel) {
  if (channel.watched || !channel.socket.is_open()) {
    return channel.watched;
  }
  if (poller_->epoll_fd < 0) {
    if (!start().has_value()) {
      return false;
    }
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = &channel;
  channel.watched = ::epoll_ctl(poller_->epoll_fd, EPOLL_CTL_ADD, channel.socket.fd(), &event) == 0;
  return channel.watched;
}

void ForwardingWorker::unwatch(Channel& channel) {
  if (!channel.watched) {
    return;
  }
  ::epoll_ctl(poller_->epoll_fd, EPOLL_CTL_DEL, channel.socket.fd(), nullptr);
  channel.watched = false;
}

void ForwardingWorker::loop() {
  Poller& p = *poller_;
  while (running_.load(std::memory_order_acquire)) {
    const int ready = ::epoll_wait(p.epoll_fd, p.events.data(), kMaxEvents, kIdleWaitMs);
    load_.wakeups.add(1);
    const TimePoint now = monotonic_now();
    for (int i = 0; i < ready; ++i) {
      void* target = p.events[static_cast<std::size_t>(i)].data.ptr;
      if (target == nullptr) {
        std::uint64_t drained = 0;
        [[maybe_unused]] const auto n = ::read(p.wake_fd, &drained, sizeof drained);
        continue;
      }
      relay_from(*static_cast<Channel*>(target), now);
    }
    if (has_commands_.load(std::memory_order_acquire)) {
      apply_commands();
    }
  }
}

void ForwardingWorker::relay_from(Channel& in, TimePoint now) {
  Poller& p = *poller_;
  // The kernel only rewrote the headers of the datagrams it returned last time.
  for (unsigned i = 0; i < p.last_received; ++i) {
    p.received[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    p.received[i].msg_hdr.msg_flags = 0;
  }
  const int count = ::recvmmsg(in.socket.fd(), p.received.data(), kBatch, MSG_DONTWAIT, nullptr);
  p.last_received = count > 0 ? static_cast<unsigned>(count) : 0;
  if (count <= 0) {
    return;
  }
  load_.batches.add(1);
  load_.packets.add(static_cast<std::uint64_t>(count));
  p.to_rtp.clear();
  p.to_rtcp.clear();
  Channel* rtp_out = nullptr;
  Channel* rtcp_out = nullptr;
  std::uint64_t bytes_in = 0;
  for (unsigned i = 0; i < static_cast<unsigned>(count); ++i) {
    const msghdr& h = p.received[i].msg_hdr;
    bytes_in += p.received[i].msg_len;
    // A truncated datagram is judged as empty, hence malformed: a cut packet is never relayed.
    const std::size_t length = (h.msg_flags & MSG_TRUNC) != 0 ? 0 : p.received[i].msg_len;
    const Endpoint source =
        endpoint_from_sockaddr(reinterpret_cast<const sockaddr*>(&p.sources[i]));
    Endpoint destination;
    Channel* out = judge(in, source, std::span(p.buffers[i].data(), length), now, destination);
    if (out == nullptr) {
      continue;
    }
    if (out->kind == PacketChannel::rtp) {
      rtp_out = out;
      p.to_rtp.push(p.buffers[i].data(), length, destination, out->socket.is_v4());
    } else {
      rtcp_out = out;
      p.to_rtcp.push(p.buffers[i].data(), length, destination, out->socket.is_v4());
    }
  }
  count_received(in, static_cast<std::uint64_t>(count), bytes_in);
  for (auto [queue, out] : {std::pair{&p.to_rtp, rtp_out}, std::pair{&p.to_rtcp, rtcp_out}}) {
    if (queue->count == 0) {
      continue;
    }
    const int sent = ::sendmmsg(out->socket.fd(), queue->messages.data(), queue->count, 0);
    const unsigned ok = sent < 0 ? 0u : static_cast<unsigned>(sent);
    std::uint64_t ok_bytes = queue->bytes;
    if (ok < queue->count) {
      ok_bytes = 0;
      for (unsigned k = 0; k < ok; ++k) {
        ok_bytes += queue->iov[k].iov_len;
      }
    }
    count_sent(in, ok, ok_bytes, queue->count - ok);
  }
}

}  // namespace tipring::relay
