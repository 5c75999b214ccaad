// Portable backend of ForwardingWorker for systems without epoll/recvmmsg: a poll() loop
// with recvfrom/sendto, one datagram per call. The pollfd array is rebuilt only when a
// command changes the watched set, never per packet. Built on Linux too with
// -DTIPRING_RELAY_POLL_BACKEND=ON so it is tested.
#include "relay_server/media/forwarding_worker.h"
#include "relay_server/media/steered_path.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {

namespace {
constexpr unsigned kBatch = 32;
constexpr std::size_t kMaxDatagram = 2048;
constexpr int kIdleWaitMs = 1000;
}  // namespace

struct ForwardingWorker::Poller {
  std::array<int, 2> wake_pipe{-1, -1};
  std::vector<Channel*> channels;
  std::vector<pollfd> fds;  // [0] is the wake pipe, then one per channel
  std::array<std::uint8_t, kMaxDatagram> buffer{};

  Poller() = default;
  ~Poller() {
    for (int fd : wake_pipe) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void rebuild() {
    fds.clear();
    fds.push_back(pollfd{wake_pipe[0], POLLIN, 0});
    for (Channel* c : channels) {
      fds.push_back(pollfd{c->socket.fd(), POLLIN, 0});
    }
  }
};

ForwardingWorker::ForwardingWorker(unsigned index, const LatchPolicy& policy, Duration busy_poll,
                                   std::function<void()> on_thread_start)
    : index_(index),
      policy_(policy),
      busy_poll_(busy_poll),
      on_thread_start_(std::move(on_thread_start)),
      poller_(std::make_unique<Poller>()) {
  pending_.reserve(16);
  executing_.reserve(16);
}

ForwardingWorker::~ForwardingWorker() {
  stop();
}

Result<void> ForwardingWorker::use_steered_path(const Endpoint& /*local*/,
                                                std::uint16_t /*port_min*/,
                                                std::uint16_t /*port_max*/) {
  return fail("steered data path", "needs Linux (sk_lookup, raw sockets) and the epoll loop");
}

int ForwardingWorker::steered_socket() const {
  return -1;
}

Result<void> ForwardingWorker::start() {
  if (running_.load()) {
    return {};
  }
  if (poller_->wake_pipe[0] < 0) {
    if (::pipe(poller_->wake_pipe.data()) != 0) {
      return fail("pipe(2)", std::strerror(errno));
    }
    for (int fd : poller_->wake_pipe) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    }
    poller_->rebuild();
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
  if (has_commands_.load()) {
    apply_commands();
  }
}

void ForwardingWorker::wake() {
  const std::uint8_t one = 1;
  [[maybe_unused]] const auto written = ::write(poller_->wake_pipe[1], &one, 1);
}

bool ForwardingWorker::watch(Channel& channel) {
  if (channel.watched || !channel.socket.is_open()) {
    return channel.watched;
  }
  if (poller_->wake_pipe[0] < 0 && !start().has_value()) {
    return false;
  }
  poller_->channels.push_back(&channel);
  poller_->rebuild();
  channel.watched = true;
  return true;
}

void ForwardingWorker::unwatch(Channel& channel) {
  if (!channel.watched) {
    return;
  }
  auto& list = poller_->channels;
  list.erase(std::remove(list.begin(), list.end(), &channel), list.end());
  poller_->rebuild();
  channel.watched = false;
}

void ForwardingWorker::loop() {
  Poller& p = *poller_;
  BusyPoll busy(busy_poll_);
  TimePoint now = monotonic_now();
  while (running_.load(std::memory_order_acquire)) {
    const int timeout = busy.timeout_ms(now, kIdleWaitMs);
    const int ready = ::poll(p.fds.data(), p.fds.size(), timeout);
    now = monotonic_now();
    if (ready == 0 && timeout == 0) {
      continue;  // an empty spin
    }
    load_.wakeups.add(1);
    if (ready > 0) {
      busy.traffic_at(now);
      if ((p.fds[0].revents & POLLIN) != 0) {
        std::array<std::uint8_t, 64> drained{};
        while (::read(p.wake_pipe[0], drained.data(), drained.size()) > 0) {
        }
      }
      for (std::size_t i = 1; i < p.fds.size(); ++i) {
        if ((p.fds[i].revents & POLLIN) != 0) {
          relay_from(*p.channels[i - 1], now);
        }
      }
      now = count_busy_since(now);
    }
    if (has_commands_.load(std::memory_order_acquire)) {
      apply_commands();
    }
  }
}

void ForwardingWorker::relay_from(Channel& in, TimePoint now) {
  Poller& p = *poller_;
  unsigned read_count = 0;
  for (; read_count < kBatch; ++read_count) {
    sockaddr_storage from{};
    socklen_t from_length = sizeof from;
    const auto n = ::recvfrom(in.socket.fd(), p.buffer.data(), p.buffer.size(), MSG_DONTWAIT,
                              reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 0) {
      break;
    }
    // A datagram that fills the buffer may have been cut: judged as empty, never relayed.
    const auto length =
        static_cast<std::size_t>(n) >= kMaxDatagram ? 0 : static_cast<std::size_t>(n);
    const Endpoint source = endpoint_from_sockaddr(reinterpret_cast<const sockaddr*>(&from));
    Endpoint destination;
    Channel* out = judge(in, source, std::span(p.buffer.data(), length), now, destination);
    count_received(in, 1, static_cast<std::size_t>(n));
    if (out == nullptr) {
      continue;
    }
    sockaddr_storage to{};
    const unsigned to_length = endpoint_to_sockaddr(destination, out->socket.is_v4(), &to);
    const bool sent =
        to_length != 0 && ::sendto(out->socket.fd(), p.buffer.data(), length, 0,
                                   reinterpret_cast<const sockaddr*>(&to), to_length) >= 0;
    count_sent(in, sent ? 1 : 0, sent ? length : 0, sent ? 0 : 1);
  }
  if (read_count > 0) {
    load_.batches.add(1);
    load_.packets.add(read_count);
  }
}

}  // namespace tipring::relay
