#include "tests/support/allocation_counter.h"

#include <cstdlib>
#include <new>

namespace tipring::test_support {
namespace {

// Constant-initialised, so reading it inside operator new needs no TLS initialiser call.
thread_local AllocationScope* t_innermost_scope = nullptr;

// AllocationsWhile keeps its state here rather than in the object, so that a callback
// thread still running when the object goes away never touches freed memory.
std::atomic<bool (*)()> g_condition{nullptr};
std::atomic<std::uint64_t> g_allocations_while{0};

}  // namespace

struct AllocationTally {
  static void on_allocation() {
    for (AllocationScope* scope = t_innermost_scope; scope != nullptr; scope = scope->outer_) {
      scope->count_.fetch_add(1, std::memory_order_relaxed);
    }
    if (auto* condition = g_condition.load(std::memory_order_acquire);
        condition != nullptr && condition()) {
      g_allocations_while.fetch_add(1, std::memory_order_relaxed);
    }
  }
};

AllocationScope::AllocationScope() : outer_(t_innermost_scope) {
  t_innermost_scope = this;
}

AllocationScope::~AllocationScope() {
  t_innermost_scope = outer_;
}

AllocationsWhile::AllocationsWhile(bool (*condition)())
    : start_(g_allocations_while.load(std::memory_order_relaxed)) {
  g_condition.store(condition, std::memory_order_release);
}

AllocationsWhile::~AllocationsWhile() {
  g_condition.store(nullptr, std::memory_order_release);
}

std::uint64_t AllocationsWhile::count() const {
  return g_allocations_while.load(std::memory_order_relaxed) - start_;
}

}  // namespace tipring::test_support

namespace {

void* counted_malloc(std::size_t size) noexcept {
  tipring::test_support::AllocationTally::on_allocation();
  return std::malloc(size == 0 ? 1 : size);
}

void* counted_allocation(std::size_t size) {
  if (void* p = counted_malloc(size)) {
    return p;
  }
  throw std::bad_alloc();
}

}  // namespace

// Every form that pairs with the plain operator delete below is replaced, nothrow ones too
// (std::stable_sort's buffer): under ASan, memory from its operator new released through
// our free() would be reported as an alloc-dealloc mismatch.
void* operator new(std::size_t size) {
  return counted_allocation(size);
}
void* operator new[](std::size_t size) {
  return counted_allocation(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
