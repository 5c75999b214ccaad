// The real-time callback path: samples move through lock-free rings, mono to and from
// interleaved device buffers, and not one heap allocation happens while in it.
#include "audio/device/callback_bridge.h"
#include "audio/ring/spsc_ring.h"
#include "tests/support/allocation_counter.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

using test_support::AllocationScope;
using test_support::AllocationsWhile;

TEST(AllocationCounter, SeesAllocationsOutsideTheCallback) {
  const AllocationScope scope;
  std::vector<int> allocated(100);
  volatile int* escape = allocated.data();  // keeps the allocation from being elided
  escape[0] = 1;
  EXPECT_GE(scope.count(), 1U);
  EXPECT_FALSE(in_audio_callback());
}

TEST(CallbackBridge, AllocatesNothingInTheCallbackWhateverTheRingState) {
  CallbackBridge bridge(480, 2, 2);
  std::vector<std::int16_t> input(4096 * 2, 100);
  std::vector<std::int16_t> output(4096 * 2, 0);
  const AllocationsWhile in_callback(&in_audio_callback);
  // Empty playout ring (underrun) and a capture ring that overflows.
  for (int i = 0; i < 10; ++i) {
    bridge.on_audio(input.data(), output.data(), 4096);
  }
  // Output only, input only, odd sizes.
  bridge.on_audio(nullptr, output.data(), 333);
  bridge.on_audio(input.data(), nullptr, 1);
  EXPECT_EQ(in_callback.count(), 0U);
  EXPECT_GT(bridge.underrun_samples(), 0U);
  EXPECT_GT(bridge.overrun_samples(), 0U);
  EXPECT_EQ(bridge.capture_callbacks(), 11U);
  EXPECT_EQ(bridge.playout_callbacks(), 11U);
}

TEST(CallbackBridge, TakesTheFirstChannelInAndCopiesMonoToEveryChannelOut) {
  CallbackBridge bridge(1024, 2, 2);
  const std::vector<std::int16_t> input = {1, -1, 2, -2, 3, -3};
  std::vector<std::int16_t> queued = {7, 8, 9};
  bridge.playout().write(queued);
  std::vector<std::int16_t> output(6, 0);
  bridge.on_audio(input.data(), output.data(), 3);
  std::vector<std::int16_t> captured(3);
  ASSERT_EQ(bridge.capture().read(captured), 3U);
  EXPECT_EQ(captured, (std::vector<std::int16_t>{1, 2, 3}));
  EXPECT_EQ(output, (std::vector<std::int16_t>{7, 7, 8, 8, 9, 9}));
}

TEST(SpscRing, DeliversEverySampleInOrderAcrossThreads) {
  SpscRing<std::int16_t> ring(256);
  constexpr int kTotal = 200000;
  std::thread producer([&ring] {
    int next = 0;
    while (next < kTotal) {
      const std::int16_t value = static_cast<std::int16_t>(next & 0x7FFF);
      if (ring.write(std::span<const std::int16_t>(&value, 1)) == 1) {
        ++next;
      }
    }
  });
  int expected = 0;
  std::vector<std::int16_t> chunk(64);
  while (expected < kTotal) {
    const std::size_t n = ring.read(chunk);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(chunk[i], static_cast<std::int16_t>(expected & 0x7FFF));
      ++expected;
    }
  }
  producer.join();
  EXPECT_EQ(ring.size(), 0U);
}

TEST(SpscRing, WritesOnlyWhatFitsAndDiscardsOnRequest) {
  SpscRing<int> ring(5);  // rounded up to 8
  EXPECT_EQ(ring.capacity(), 8U);
  std::vector<int> items(10, 1);
  EXPECT_EQ(ring.write(items), 8U);
  EXPECT_EQ(ring.discard(3), 3U);
  EXPECT_EQ(ring.size(), 5U);
}

}  // namespace
}  // namespace tipring::audio
