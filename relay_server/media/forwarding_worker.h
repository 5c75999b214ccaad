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

struct SteeredPath;

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

  // Before start(): take this worker's datagrams from the steered data path instead of one
  // socket per leg. Opens the worker's shared receiving socket (bound to `local`:0, handed to
  // PortSteering by the relay) and its raw sending socket, and a channel table for the
  // ports [port_min, port_max]. Linux only; IPv4 `local` only.
  Result<void> use_steered_path(const Endpoint& local, std::uint16_t port_min,
                                std::uint16_t port_max);
  // The shared receiving socket of the steered data path; -1 on the socket path.
  [[nodiscard]] int steered_socket() const;

  Result<void> start();
  void stop();

  // Runs `command` on the worker thread between two batches and returns after it ran;
  // runs it inline when the thread is not running. Never call from the worker itself.
  void run(const std::function<void()>& command);

  // Only inside run(): start and stop polling a leg's socket (on the steered path: start and
  // stop taking its port's datagrams from the shared socket).
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
  // Steered data path: reads the shared socket until it is empty (or a bounded number of
  // batches), judging each datagram by its destination port's channel.
  void relay_steered(TimePoint now);
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
  std::unique_ptr<SteeredPath> steered_;  // null on the socket-per-leg path
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
