// The line's per-block audio work must not allocate (CONVENTIONS: no allocation, lock or log
// on the audio path). This binary links the allocation counter, which counts calls of
// operator new made while a test has opened a counting scope on its thread, then runs each
// detector and generator over realistic signals — with the events they must find, so the
// paths that report are exercised — and asserts the count stayed at zero. Output vectors
// are reserved beforehand, as the audio thread's owner does once at start-up.
#include "pots/caller_id/alert_tone_detector.h"
#include "pots/caller_id/caller_id_message.h"
#include "pots/caller_id/caller_id_transmitter.h"
#include "pots/caller_id/fsk.h"
#include "pots/dtmf/dtmf_detector.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/tones/progress_tone_detector.h"
#include "pots/tones/tone_player.h"
#include "test_signals.h"
#include "tests/support/allocation_counter.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using test::Buffer;
using test_support::AllocationScope;

constexpr std::size_t kBlock = 160;  // 20 ms, the audio thread's block

// Calls `step(block)` over `signal` in audio-thread blocks.
template <class Step>
void in_blocks(const Buffer& signal, Step step) {
  for (std::size_t at = 0; at < signal.size(); at += kBlock) {
    step(Samples(signal).subspan(at, std::min(kBlock, signal.size() - at)));
  }
}

TEST(AudioPathAllocations, TheCounterSeesAnAllocationInsideTheScope) {
  AllocationScope scope;
  auto* probe = new int(7);
  EXPECT_EQ(scope.count(), 1U);
  delete probe;
}

TEST(AudioPathAllocations, DtmfDetectorProcessAllocatesNothingWhileFindingKeysInNoise) {
  Buffer signal = test::concat({test::silence_ms(100), generate_dtmf("123A456B789C*0#D", {})});
  test::add_noise(signal, -40.0, 7);
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  digits.reserve(32);
  AllocationScope scope;
  in_blocks(signal, [&](Samples block) { detector.process(block, digits); });
  EXPECT_EQ(scope.count(), 0U);
  EXPECT_EQ(digits.size(), 16U);
}

TEST(AudioPathAllocations, DtmfDetectorProcessAllocatesNothingOnSpeech) {
  const auto speech = test::speech("one two three, the quick brown fox", "en");
  if (!speech) {
    GTEST_SKIP() << "espeak-ng is not available";
  }
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  digits.reserve(32);
  AllocationScope scope;
  in_blocks(*speech, [&](Samples block) { detector.process(block, digits); });
  EXPECT_EQ(scope.count(), 0U);
}

TEST(AudioPathAllocations, DtmfGeneratorRenderAllocatesNothing) {
  DtmfGenerator generator;
  generator.queue("0123456789");
  Buffer block(kBlock);
  AllocationScope scope;
  for (int i = 0; i < 120 && generator.busy(); ++i) {
    generator.render(block);
  }
  EXPECT_EQ(scope.count(), 0U);
  EXPECT_FALSE(generator.busy());
}

TEST(AudioPathAllocations, TonePlayerRenderAllocatesNothingAcrossCadenceChanges) {
  const auto* plan = find_tone_plan("US");
  ASSERT_NE(plan, nullptr);
  TonePlayer player;
  player.play(plan->stutter_dial);  // ten interruptions, then the steady phase
  Buffer block(kBlock);
  AllocationScope scope;
  for (int i = 0; i < 150; ++i) {  // 3 s
    player.render(block);
  }
  EXPECT_EQ(scope.count(), 0U);
  EXPECT_TRUE(player.playing());
}

TEST(AudioPathAllocations, ProgressToneDetectorProcessAllocatesNothingWhileRecognisingBusy) {
  const auto* plan = find_tone_plan("US");
  ASSERT_NE(plan, nullptr);
  const Buffer signal = render_tone(plan->busy, 4000.0);
  ProgressToneDetector detector(*plan);
  std::vector<ProgressToneEvent> events;
  events.reserve(8);
  AllocationScope scope;
  in_blocks(signal, [&](Samples block) { detector.process(block, events); });
  EXPECT_EQ(scope.count(), 0U);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].tone, ProgressTone::kBusy);
}

TEST(AudioPathAllocations, FskReceiverAndAlertDetectorAllocateNothingOnACallerIdBurst) {
  CallerId id;
  id.number = "5551234";
  id.name = "JOHN DOE";
  const Buffer signal =
      test::concat({render_tone(cas_tone(), 80.0), test::silence_ms(100),
                    render_fsk_burst(encode_caller_id(id, CallerIdFormat::kMdmf), kType2Burst),
                    test::silence_ms(100)});
  FskReceiver fsk(kBell202);
  AlertToneDetector alerts;
  std::vector<FskReceiver::Byte> bytes;
  bytes.reserve(64);
  std::vector<AlertTone> found;
  found.reserve(4);
  AllocationScope scope;
  in_blocks(signal, [&](Samples block) {
    fsk.process(block, bytes);
    alerts.process(block, found);
  });
  EXPECT_EQ(scope.count(), 0U);
  EXPECT_EQ(found.size(), 1U);
  EXPECT_GE(bytes.size(), encode_caller_id(id, CallerIdFormat::kMdmf).size());
}

TEST(AudioPathAllocations, FskModulatorRenderAllocatesNothingOnceQueued) {
  FskModulator modem(kBell202, -13.5);
  std::vector<bool> bits;
  append_seizure(bits, 300);
  append_marks(bits, 180);
  append_async_byte(bits, 0x80);
  modem.queue(bits);
  Buffer block(kBlock);
  AllocationScope scope;
  for (int i = 0; i < 40 && modem.busy(); ++i) {
    modem.render(block);
  }
  EXPECT_EQ(scope.count(), 0U);
  EXPECT_FALSE(modem.busy());
}

}  // namespace
}  // namespace tipring::pots
