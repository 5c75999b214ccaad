#include "relay_server/media/forwarding_worker.h"

#include <chrono>

namespace tipring::relay {

TimePoint monotonic_now() {
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch())};
}

void ForwardingWorker::run(const std::function<void()>& command) {
  if (!running_.load(std::memory_order_acquire)) {
    command();
    return;
  }
  std::unique_lock lock(commands_mutex_);
  pending_.push_back(&command);
  const std::uint64_t ticket = ++submitted_;
  has_commands_.store(true, std::memory_order_release);
  wake();
  commands_done_.wait(lock, [&] { return completed_ >= ticket; });
}

void ForwardingWorker::apply_commands() {
  {
    std::lock_guard lock(commands_mutex_);
    executing_.swap(pending_);
    has_commands_.store(false, std::memory_order_relaxed);
  }
  for (const auto* command : executing_) {
    (*command)();
  }
  {
    std::lock_guard lock(commands_mutex_);
    completed_ += executing_.size();
  }
  executing_.clear();
  commands_done_.notify_all();
}

Channel* ForwardingWorker::judge(Channel& in, const Endpoint& source,
                                 std::span<const std::uint8_t> bytes, TimePoint now,
                                 Endpoint& destination) {
  Leg& leg = *in.leg;
  if (leg.peer == nullptr) {
    leg.traffic.count_drop(DropReason::no_session);
    traffic_.count_drop(DropReason::no_session);
    return nullptr;
  }
  const LatchVerdict verdict =
      latch_packet(leg.latch, leg.peer->latch, policy_, source, bytes, in.kind, now);
  if (verdict.event != LatchEvent::none) {
    leg.traffic.count_event(verdict.event);
    traffic_.count_event(verdict.event);
  }
  Channel* out = nullptr;
  DropReason reason = verdict.reason;
  if (verdict.forward) {
    out = verdict.out_channel == PacketChannel::rtp ? &leg.peer->rtp : &leg.peer->rtcp;
    if (!out->is_open()) {
      out = nullptr;
      reason = DropReason::no_destination;
    }
  }
  if (out == nullptr) {
    leg.traffic.count_drop(reason);
    traffic_.count_drop(reason);
    return nullptr;
  }
  destination = verdict.destination;
  return out;
}

TimePoint ForwardingWorker::count_busy_since(TimePoint since) {
  const TimePoint done = monotonic_now();
  load_.busy_us.add(static_cast<std::uint64_t>((done - since).count()));
  return done;
}

void ForwardingWorker::count_received(Channel& in, std::uint64_t packets, std::uint64_t bytes) {
  Leg& leg = *in.leg;
  leg.traffic.packets_received.add(packets);
  leg.traffic.bytes_received.add(bytes);
  traffic_.packets_received.add(packets);
  traffic_.bytes_received.add(bytes);
  leg.last_activity_us.store(leg.latch.last_received.since_epoch.count(),
                             std::memory_order_relaxed);
}

void ForwardingWorker::count_sent(Channel& in, std::uint64_t packets, std::uint64_t bytes,
                                  std::uint64_t failed) {
  TrafficCounters& leg = in.leg->traffic;
  leg.packets_forwarded.add(packets);
  leg.bytes_forwarded.add(bytes);
  traffic_.packets_forwarded.add(packets);
  traffic_.bytes_forwarded.add(bytes);
  if (failed > 0) {
    leg.send_failures.add(failed);
    traffic_.send_failures.add(failed);
  }
}

}  // namespace tipring::relay
