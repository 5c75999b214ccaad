#include "tests/audio/allocation_counter.h"

#include "audio/device/callback_bridge.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::uint64_t> g_in_callback{0};
std::atomic<std::uint64_t> g_total{0};

void* counted_allocation(std::size_t size) {
  g_total.fetch_add(1, std::memory_order_relaxed);
  if (tipring::audio::in_audio_callback()) {
    g_in_callback.fetch_add(1, std::memory_order_relaxed);
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}

}  // namespace

namespace tipring::audio::testing {
std::uint64_t allocations_in_audio_callback() {
  return g_in_callback.load();
}
std::uint64_t allocations_total() {
  return g_total.load();
}
}  // namespace tipring::audio::testing

void* operator new(std::size_t size) {
  return counted_allocation(size);
}
void* operator new[](std::size_t size) {
  return counted_allocation(size);
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
