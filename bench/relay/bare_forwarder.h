// BareForwarder: the benchmark's reference, the least a relay can do: one socket per leg,
// epoll + recvmmsg/sendmmsg, each datagram sent on the peer socket to wherever the peer
// last sent from. No learning rules, no checks, no counters: the ceiling for our relay.
#pragma once

#include "relay_server/media/endpoint.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace tipring::bench {

class BareForwarder {
public:
  BareForwarder();
  ~BareForwarder();
  BareForwarder(const BareForwarder&) = delete;
  BareForwarder& operator=(const BareForwarder&) = delete;

  // Two bound sockets forwarding to each other; returns their ports (a's, b's). Only
  // before start().
  std::pair<std::uint16_t, std::uint16_t> add_call();
  // `busy_poll_us` > 0: after traffic, poll without sleeping that long (as tipring can).
  void start(const std::function<void()>& on_thread_start, int busy_poll_us = 0);
  void stop();

private:
  struct Leg {
    int fd = -1;
    int peer = -1;
    relay::Endpoint last_source;
  };
  void loop(int busy_poll_us);
  void forward(Leg& in);

  std::vector<Leg> legs_;
  int epoll_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace tipring::bench
