// The counter that the real-time tests rely on to read zero: it must see the allocations it
// is meant to see, and only those, or a zero from it proves nothing.
#include "tests/support/allocation_counter.h"

#include <new>
#include <thread>

#include <gtest/gtest.h>

namespace tipring::test_support {
namespace {

// A direct call of the global function (not a new-expression), which the compiler may not
// elide, so every call reaches the replaced operator new.
void allocate_and_free() {
  ::operator delete(::operator new(16));
}

thread_local bool t_marked = false;
bool marked() {
  return t_marked;
}

TEST(AllocationScope, CountsTheAllocationsItsThreadMakesWhileOpen) {
  allocate_and_free();  // before the scope: not counted
  AllocationScope scope;
  allocate_and_free();
  allocate_and_free();
  EXPECT_EQ(scope.count(), 2U);
}

TEST(AllocationScope, CountsNothrowAllocationsToo) {
  AllocationScope scope;
  ::operator delete(::operator new(16, std::nothrow));
  ::operator delete[](::operator new[](16, std::nothrow));
  EXPECT_EQ(scope.count(), 2U);
}

TEST(AllocationScope, IgnoresAllocationsOfOtherThreads) {
  AllocationScope scope;
  std::thread other([] {
    for (int i = 0; i < 10; ++i) {
      allocate_and_free();
    }
  });
  other.join();
  const std::uint64_t after_join = scope.count();  // std::thread may allocate its state here
  allocate_and_free();
  EXPECT_EQ(scope.count(), after_join + 1);
  EXPECT_LE(after_join, 2U);
}

TEST(AllocationScope, NestedScopesEachCountWhatHappensWhileTheyAreOpen) {
  AllocationScope outer;
  allocate_and_free();
  {
    AllocationScope inner;
    allocate_and_free();
    EXPECT_EQ(inner.count(), 1U);
  }
  allocate_and_free();
  EXPECT_EQ(outer.count(), 3U);
}

TEST(AllocationScope, IsReadableFromAnotherThreadWhileItsOwnerCounts) {
  std::atomic<const AllocationScope*> worker_scope{nullptr};
  std::atomic<bool> done{false};
  std::thread worker([&] {
    AllocationScope scope;
    allocate_and_free();
    worker_scope = &scope;
    while (!done) {
      std::this_thread::yield();
    }
  });
  while (worker_scope.load() == nullptr) {
    std::this_thread::yield();
  }
  EXPECT_EQ(worker_scope.load()->count(), 1U);
  done = true;
  worker.join();
}

TEST(AllocationsWhile, CountsAllocationsOnAnyThreadOnlyWhileTheConditionHoldsThere) {
  AllocationsWhile counter(&marked);
  allocate_and_free();  // unmarked test thread
  std::thread marked_thread([] {
    t_marked = true;
    allocate_and_free();
    allocate_and_free();
    t_marked = false;
    allocate_and_free();
  });
  marked_thread.join();
  EXPECT_EQ(counter.count(), 2U);
}

}  // namespace
}  // namespace tipring::test_support
