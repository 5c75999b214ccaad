// Linux backend of ForwardingWorker: level-triggered epoll, one recvmmsg batch per ready
// socket per wake-up (fair between legs), the accepted datagrams leave in one sendmmsg per
// destination socket straight from the receive buffers, equal-size runs as one UDP GSO
// message each. Per batch, not per packet: the receive counters, the activity stamp, and
// the destination's sockaddr (built once per distinct destination; a batch from one locked
// client has one).
#include "relay_server/media/forwarding_worker.h"
#include "relay_server/media/receive_batch.h"
#include "relay_server/media/steered_path.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {

namespace {
using Received = ReceiveBatch<0>;
constexpr unsigned kBatch = Received::kSize;
// Enough to take every ready socket of a busy worker in one epoll_wait.
constexpr int kMaxEvents = 256;
constexpr int kIdleWaitMs = 1000;

// UDP GSO (Linux 4.18+, UDP_SEGMENT): a run of equal-size datagrams to one destination
// leaves as one message that the kernel cuts into datagrams of that size, so the route
// lookup, IP output and device transmit happen once per run instead of once per datagram.
// A G.711 or fixed-rate stream's batch is such a run. The receiver still gets separate
// datagrams with their original boundaries.
constexpr unsigned kMaxGsoSegments = 64;      // UDP_MAX_SEGMENTS
constexpr std::size_t kMaxGsoSegment = 1200;  // below any path MTU: a GSO segment may not
                                              // be IP-fragmented
constexpr std::size_t kMaxGsoBytes = 60000;   // one IP datagram before segmentation
constexpr std::size_t kGsoControlSpace = CMSG_SPACE(sizeof(std::uint16_t));

// The outgoing half of a batch: datagrams for one destination socket, kept in arrival
// order, then sent as one sendmmsg of messages (one per datagram, or one per GSO run).
struct SendQueue {
  std::array<iovec, kBatch> iov{};
  std::array<unsigned, kBatch> name_of{};  // index into destinations
  std::array<sockaddr_storage, kBatch> destinations{};
  std::array<unsigned, kBatch> name_length{};
  std::array<mmsghdr, kBatch> messages{};
  std::array<unsigned, kBatch> message_packets{};  // datagrams carried by each message
  struct alignas(cmsghdr) GsoControl {
    std::array<std::uint8_t, kGsoControlSpace> bytes;
  };
  std::array<GsoControl, kBatch> controls{};
  unsigned count = 0;
  unsigned names = 0;  // destinations[0, names) are written
  Endpoint last_to;
  std::uint64_t bytes = 0;

  void clear() {
    count = names = 0;
    bytes = 0;
  }
  void push(std::uint8_t* data, std::size_t length, const Endpoint& to, bool v4) {
    if (names == 0 || to != last_to) {
      name_length[names] = endpoint_to_sockaddr(to, v4, &destinations[names]);
      last_to = to;
      ++names;
    }
    if (name_length[names - 1] == 0) {
      return;
    }
    iov[count] = iovec{data, length};
    name_of[count] = names - 1;
    bytes += length;
    ++count;
  }

  // Builds the messages for datagrams [first, count); returns how many. With `gso`, each
  // run of equal-size datagrams to one destination (a shorter last one may end it) is one.
  unsigned build(unsigned first, bool gso) {
    unsigned m = 0;
    for (unsigned k = first; k < count; ++m) {
      const std::size_t size = iov[k].iov_len;
      unsigned n = 1;
      if (gso && size > 0 && size <= kMaxGsoSegment) {
        std::size_t total = size;
        while (k + n < count && n < kMaxGsoSegments && name_of[k + n] == name_of[k] &&
               iov[k + n].iov_len <= size && iov[k + n].iov_len > 0 &&
               total + iov[k + n].iov_len <= kMaxGsoBytes) {
          total += iov[k + n].iov_len;
          ++n;
          if (iov[k + n - 1].iov_len < size) {
            break;  // only the last segment may be shorter
          }
        }
      }
      msghdr& h = messages[m].msg_hdr;
      h.msg_name = &destinations[name_of[k]];
      h.msg_namelen = name_length[name_of[k]];
      h.msg_iov = &iov[k];
      h.msg_iovlen = n;
      h.msg_control = nullptr;
      h.msg_controllen = 0;
      if (n > 1) {
        h.msg_control = controls[m].bytes.data();
        h.msg_controllen = kGsoControlSpace;
        cmsghdr* c = CMSG_FIRSTHDR(&h);
        c->cmsg_level = IPPROTO_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
        const auto segment = static_cast<std::uint16_t>(size);
        std::memcpy(CMSG_DATA(c), &segment, sizeof segment);
      }
      message_packets[m] = n;
      k += n;
    }
    return m;
  }

  // Sends everything on `fd`; returns the datagrams the kernel took. Turns `gso` off for
  // good when the kernel refuses a GSO message (no UDP_SEGMENT, or a route without
  // checksum offload) and resends the rest one datagram per message.
  unsigned send(int fd, bool& gso) {
    unsigned sent_packets = 0;
    unsigned first = 0;
    while (first < count) {
      const unsigned total = build(first, gso);
      unsigned done = 0;
      int error = 0;
      while (done < total) {
        const int n = ::sendmmsg(fd, &messages[done], total - done, 0);
        if (n <= 0) {
          error = errno;
          break;
        }
        for (unsigned i = done; i < done + static_cast<unsigned>(n); ++i) {
          sent_packets += message_packets[i];
          first += message_packets[i];
        }
        done += static_cast<unsigned>(n);
      }
      const bool gso_refused = done < total && message_packets[done] > 1 &&
                               (error == EIO || error == EINVAL || error == ENOPROTOOPT);
      if (!gso_refused) {
        break;
      }
      gso = false;
    }
    return sent_packets;
  }

  // Bytes of the first `packets` datagrams (all of them in the common case).
  [[nodiscard]] std::uint64_t bytes_of(unsigned packets) const {
    if (packets == count) {
      return bytes;
    }
    std::uint64_t b = 0;
    for (unsigned k = 0; k < packets; ++k) {
      b += iov[k].iov_len;
    }
    return b;
  }
};
}  // namespace

struct ForwardingWorker::Poller {
  int epoll_fd = -1;
  int wake_fd = -1;
  std::array<epoll_event, kMaxEvents> events{};
  Received received;
  SendQueue to_rtp;
  SendQueue to_rtcp;
  bool gso = true;  // until the kernel refuses a UDP_SEGMENT send

  Poller() = default;
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
    if (steered_) {
      epoll_event shared_event{};
      shared_event.events = EPOLLIN;
      shared_event.data.ptr = steered_.get();
      if (::epoll_ctl(poller_->epoll_fd, EPOLL_CTL_ADD, steered_->receiver.fd(), &shared_event) !=
          0) {
        return fail("epoll_ctl(2)", std::strerror(errno));
      }
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
  if (channel.watched || !channel.is_open()) {
    return channel.watched;
  }
  if (steered_) {
    if (!channel.steered || !steered_->serves(channel.port)) {
      return false;
    }
    steered_->slot(channel.port) = &channel;
    channel.watched = true;
    return true;
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
  if (steered_) {
    steered_->slot(channel.port) = nullptr;
    channel.watched = false;
    return;
  }
  ::epoll_ctl(poller_->epoll_fd, EPOLL_CTL_DEL, channel.socket.fd(), nullptr);
  channel.watched = false;
}

void ForwardingWorker::loop() {
  Poller& p = *poller_;
  BusyPoll busy(busy_poll_);
  TimePoint now = monotonic_now();
  while (running_.load(std::memory_order_acquire)) {
    const int timeout = busy.timeout_ms(now, kIdleWaitMs);
    const int ready = ::epoll_wait(p.epoll_fd, p.events.data(), kMaxEvents, timeout);
    now = monotonic_now();
    if (ready == 0 && timeout == 0) {
      continue;  // an empty spin
    }
    load_.wakeups.add(1);
    if (ready > 0) {
      busy.traffic_at(now);
    }
    for (int i = 0; i < ready; ++i) {
      void* target = p.events[static_cast<std::size_t>(i)].data.ptr;
      if (target == nullptr) {
        std::uint64_t drained = 0;
        [[maybe_unused]] const auto n = ::read(p.wake_fd, &drained, sizeof drained);
        continue;
      }
      if (target == steered_.get()) {
        relay_steered(now);
        continue;
      }
      relay_from(*static_cast<Channel*>(target), now);
    }
    if (ready > 0) {
      now = count_busy_since(now);
    }
    if (has_commands_.load(std::memory_order_acquire)) {
      apply_commands();
    }
  }
}

void ForwardingWorker::relay_from(Channel& in, TimePoint now) {
  Poller& p = *poller_;
  const unsigned count = p.received.receive(in.socket.fd());
  if (count == 0) {
    return;
  }
  load_.batches.add(1);
  load_.packets.add(count);
  p.to_rtp.clear();
  p.to_rtcp.clear();
  Channel* rtp_out = nullptr;
  Channel* rtcp_out = nullptr;
  std::uint64_t bytes_in = 0;
  for (unsigned i = 0; i < count; ++i) {
    bytes_in += p.received.size(i);
    const std::span<std::uint8_t> bytes = p.received.bytes(i);
    Endpoint destination;
    Channel* out = judge(in, p.received.source(i), bytes, now, destination);
    if (out == nullptr) {
      continue;
    }
    if (out->kind == PacketChannel::rtp) {
      rtp_out = out;
      p.to_rtp.push(bytes.data(), bytes.size(), destination, out->socket.is_v4());
    } else {
      rtcp_out = out;
      p.to_rtcp.push(bytes.data(), bytes.size(), destination, out->socket.is_v4());
    }
  }
  count_received(in, count, bytes_in);
  for (auto [queue, out] : {std::pair{&p.to_rtp, rtp_out}, std::pair{&p.to_rtcp, rtcp_out}}) {
    if (queue->count == 0) {
      continue;
    }
    const unsigned ok = queue->send(out->socket.fd(), p.gso);
    count_sent(in, ok, queue->bytes_of(ok), queue->count - ok);
  }
}

}  // namespace tipring::relay
