// Counts heap allocations for tests that hold a real-time path to "no allocation" (the audio
// callback, the line's per-block DSP, the relay's forwarding loop; CONVENTIONS guideline 9).
// Linking tipring_allocation_counter replaces the global operator new and delete.
#pragma once

#include <atomic>
#include <cstdint>

namespace tipring::test_support {

// Counts the allocations the current thread makes while the scope lives. Scopes nest: an
// allocation counts in every open scope of its thread. count() may be read from any thread,
// so a scope opened on a worker thread can be watched from the test's thread.
class AllocationScope {
public:
  AllocationScope();
  ~AllocationScope();
  AllocationScope(const AllocationScope&) = delete;
  AllocationScope& operator=(const AllocationScope&) = delete;

  [[nodiscard]] std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

private:
  friend struct AllocationTally;

  std::atomic<std::uint64_t> count_{0};
  AllocationScope* outer_;
};

// Counts the allocations made on any thread while `condition()` holds there, for threads a
// test does not own (PortAudio's callback thread). One may be alive at a time; `condition`
// runs inside operator new, so it must not allocate.
class AllocationsWhile {
public:
  explicit AllocationsWhile(bool (*condition)());
  ~AllocationsWhile();
  AllocationsWhile(const AllocationsWhile&) = delete;
  AllocationsWhile& operator=(const AllocationsWhile&) = delete;

  [[nodiscard]] std::uint64_t count() const;

private:
  std::uint64_t start_;
};

}  // namespace tipring::test_support
