// ForwardingWorker: one thread that owns a shard of the relay's sockets and moves their
// datagrams through the latch. Linux: epoll + recvmmsg/sendmmsg batches; elsewhere a poll()
// loop. Per packet there is no allocation, lock, log line or lookup by string: the poller
// hands back the Channel pointer, and control-plane changes arrive as commands run between
// batches.
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/time.h"
#include "relay_server/media/busy_poll.h"
#include "relay_server/media/counters.h"
#include "relay_server/media/session.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace tipring::relay {

// CLOCK_MONOTONIC, the time line of every latch and idle decision in the relay.
TimePoint monotonic_now();

// How busy a worker is, for the per-worker load metrics.
struct WorkerLoad {
  SingleWriterCounter wakeups;  // returns from the poller, but not empty busy polls
  SingleWriterCounter batches;  // receive calls that returned datagrams
  SingleWriterCounter packets;  // datagrams read
  // Microseconds from wake-ups that brought datagrams to the end of their relaying: the
  // worker's real utilisation, which CPU time hides while it busy-polls.
  SingleWriterCounter busy_us;
};

class ForwardingWorker {
public:
  // `on_thread_start` runs first on the worker thread (tests use it to tag the thread for
  // the allocation counter); may be empty. `busy_poll`: after a wake-up that brought
  // datagrams, keep polling without sleeping for this long (0: always sleep when idle).
  ForwardingWorker(unsigned index, const LatchPolicy& policy, Duration busy_poll,
                   std::function<void()> on_thread_start);
  ~ForwardingWorker();
  ForwardingWorker(const ForwardingWorker&) = delete;
  ForwardingWorker& operator=(const ForwardingWorker&) = delete;

  Result<void> start();
  void stop();

  // Runs `command` on the worker thread between two batches and returns after it ran;
  // runs it inline when the thread is not running. Never call from the worker itself.
  void run(const std::function<void()>& command);

  // Only inside run(): start and stop polling a leg's socket.
  bool watch(Channel& channel);
  void unwatch(Channel& channel);

  [[nodiscard]] unsigned index() const { return index_; }
  [[nodiscard]] const TrafficCounters& traffic() const { return traffic_; }
  [[nodiscard]] const WorkerLoad& load() const { return load_; }

private:
  struct Poller;  // epoll (Linux) or poll() state, in forwarding_worker_{epoll,poll}.cpp

  void loop();
  // Adds the time since `since` (a wake-up that brought datagrams) to the busy-time metric;
  // returns now.
  TimePoint count_busy_since(TimePoint since);
  void relay_from(Channel& in, TimePoint now);
  void wake();
  void apply_commands();
  // The latch verdict for one datagram; the peer channel to send it on, or nullptr. Counts
  // drops and latch events; receptions are counted per batch by count_received().
  Channel* judge(Channel& in, const Endpoint& source, std::span<const std::uint8_t> bytes,
                 TimePoint now, Endpoint& destination);
  // Datagrams read from `in` (all judged), and the leg's activity stamp for the idle sweep.
  void count_received(Channel& in, std::uint64_t packets, std::uint64_t bytes);
  void count_sent(Channel& in, std::uint64_t packets, std::uint64_t bytes, std::uint64_t failed);

  unsigned index_;
  LatchPolicy policy_;
  Duration busy_poll_;
  std::function<void()> on_thread_start_;
  std::unique_ptr<Poller> poller_;
  std::thread thread_;
  std::atomic<bool> running_{false};

  std::mutex commands_mutex_;
  std::condition_variable commands_done_;
  std::vector<const std::function<void()>*> pending_;
  std::vector<const std::function<void()>*> executing_;
  std::uint64_t submitted_ = 0;
  std::uint64_t completed_ = 0;
  std::atomic<bool> has_commands_{false};

  TrafficCounters traffic_;
  WorkerLoad load_;
};

}  // namespace tipring::relay
