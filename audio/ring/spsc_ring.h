// SpscRing: the lock-free single-producer/single-consumer ring that is the only thing the
// real-time audio callback touches. Capacity is fixed at construction (a power of two);
// reads and writes are wait-free, never allocate, lock or make a system call.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <span>

namespace tipring::audio {

template <class T>
class SpscRing {
public:
  explicit SpscRing(std::size_t min_capacity)
      : capacity_(std::bit_ceil(std::max<std::size_t>(min_capacity, 2))),
        mask_(capacity_ - 1),
        data_(std::make_unique<T[]>(capacity_)) {}

  std::size_t capacity() const { return capacity_; }

  // Producer side. Writes as much of `items` as fits; returns how many.
  std::size_t write(std::span<const T> items) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    const std::size_t count = std::min(items.size(), capacity_ - (head - tail));
    for (std::size_t i = 0; i < count; ++i) {
      data_[(head + i) & mask_] = items[i];
    }
    head_.store(head + count, std::memory_order_release);
    return count;
  }

  // Consumer side. Reads up to out.size() items; returns how many.
  std::size_t read(std::span<T> out) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t count = std::min(out.size(), head - tail);
    for (std::size_t i = 0; i < count; ++i) {
      out[i] = data_[(tail + i) & mask_];
    }
    tail_.store(tail + count, std::memory_order_release);
    return count;
  }

  // Consumer side: drops up to `count` items (keeps latency bounded after a stall).
  std::size_t discard(std::size_t count) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t head = head_.load(std::memory_order_acquire);
    count = std::min(count, head - tail);
    tail_.store(tail + count, std::memory_order_release);
    return count;
  }

  // Either side; exact for the caller's own side, a lower bound for the other.
  std::size_t size() const {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }

private:
  std::size_t capacity_;
  std::size_t mask_;
  std::unique_ptr<T[]> data_;
  alignas(64) std::atomic<std::size_t> head_{0};  // written by the producer only
  alignas(64) std::atomic<std::size_t> tail_{0};  // written by the consumer only
};

}  // namespace tipring::audio
