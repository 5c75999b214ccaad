// Hook switch, flash and pulse dialing on a fake clock.
#include "pots/line/hook_decoder.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using Kind = HookEvent::Kind;
using std::chrono::milliseconds;

TimePoint at_ms(double ms) {
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms))};
}

// Drives the decoder through `changes` (time in ms, closed), then runs its timers out.
std::vector<HookEvent> run(HookDecoder& decoder, std::vector<std::pair<double, bool>> changes,
                           double until_ms = 5000) {
  std::vector<HookEvent> events;
  for (const auto& [ms, closed] : changes) {
    // Fire timers that fall before this change, at their exact deadlines.
    while (decoder.next_deadline() && *decoder.next_deadline() <= at_ms(ms)) {
      decoder.on_timer(*decoder.next_deadline());
    }
    decoder.on_loop(closed, at_ms(ms));
  }
  while (decoder.next_deadline() && *decoder.next_deadline() <= at_ms(until_ms)) {
    decoder.on_timer(*decoder.next_deadline());
  }
  return decoder.take_events();
}

std::string digits_of(const std::vector<HookEvent>& events) {
  std::string digits;
  for (const auto& e : events) {
    if (e.kind == Kind::kPulseDigit) {
      digits += e.digit;
    }
  }
  return digits;
}

TEST(HookDecoder, OffHookIsReportedAfterTheDebounce) {
  HookDecoder decoder;
  const auto events = run(decoder, {{100, true}});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::kOffHook);
  EXPECT_EQ(events[0].at, at_ms(108));
  EXPECT_TRUE(decoder.off_hook());
}

TEST(HookDecoder, ContactBounceShorterThanTheDebounceIsIgnored) {
  HookDecoder decoder;
  const auto events =
      run(decoder, {{100, true}, {102, false}, {104, true}, {105, false}, {106, true}});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::kOffHook);
  // Bounce while off-hook is not a dial pulse either.
  EXPECT_TRUE(run(decoder, {{500, false}, {503, true}}).empty());
}

TEST(HookDecoder, HangUpIsKnownWhenTheBreakOutlastsTheFlashWindow) {
  HookDecoder decoder;
  run(decoder, {{0, true}});
  const auto events = run(decoder, {{1000, false}});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::kOnHook);
  EXPECT_EQ(events[0].at, at_ms(1900));
  EXPECT_FALSE(decoder.off_hook());
}

struct BreakCase {
  double break_ms;
  Kind expected;
  HookSettings settings;
};

class HookBreaks : public testing::TestWithParam<BreakCase> {};

TEST_P(HookBreaks, ClassifiesABreakByItsLength) {
  const auto c = GetParam();
  HookDecoder decoder(c.settings);
  run(decoder, {{0, true}});
  const auto events = run(decoder, {{1000, false}, {1000 + c.break_ms, true}});
  ASSERT_FALSE(events.empty()) << c.break_ms;
  EXPECT_EQ(events[0].kind, c.expected) << c.break_ms << " ms";
}

HookSettings window(int min_ms, int max_ms) {
  HookSettings s;
  s.flash_min = milliseconds(min_ms);
  s.flash_max = milliseconds(max_ms);
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    FlashWindow, HookBreaks,
    testing::Values(BreakCase{60, Kind::kPulseDigit, {}}, BreakCase{95, Kind::kPulseDigit, {}},
                    BreakCase{100, Kind::kFlash, {}}, BreakCase{500, Kind::kFlash, {}},
                    BreakCase{899, Kind::kFlash, {}}, BreakCase{901, Kind::kOnHook, {}},
                    BreakCase{1500, Kind::kOnHook, {}},
                    BreakCase{250, Kind::kPulseDigit, window(300, 1100)},
                    BreakCase{1000, Kind::kFlash, window(300, 1100)},
                    BreakCase{700, Kind::kOnHook, window(100, 600)}));

struct PulseCase {
  const char* name;
  double pulses_per_second;
  double break_ratio;
  double interdigit_ms;
};

class PulseDialing : public testing::TestWithParam<PulseCase> {};

TEST_P(PulseDialing, DecodesEveryDigitAtTheToleranceEdges) {
  const auto c = GetParam();
  HookDecoder decoder;
  run(decoder, {{0, true}});
  std::vector<std::pair<double, bool>> changes;
  const double period = 1000.0 / c.pulses_per_second;
  double t = 500;
  const std::string digits = "1234567890";
  for (char d : digits) {
    const int breaks = d == '0' ? 10 : d - '0';
    for (int i = 0; i < breaks; ++i) {
      changes.emplace_back(t, false);
      changes.emplace_back(t + period * c.break_ratio, true);
      t += period;
    }
    t += c.interdigit_ms - period * (1.0 - c.break_ratio);
  }
  const auto events = run(decoder, changes, t + 2000);
  EXPECT_EQ(digits_of(events), digits) << c.name;
  for (const auto& e : events) {
    EXPECT_NE(e.kind, Kind::kFlash) << c.name;
    EXPECT_NE(e.kind, Kind::kOnHook) << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rotary, PulseDialing,
    testing::Values(PulseCase{"10 pps 60/40", 10, 0.60, 600},
                    PulseCase{"10 pps 61/39 (North America)", 10, 0.61, 600},
                    PulseCase{"10 pps 66/33", 10, 0.66, 600},
                    PulseCase{"8 pps 66/33 (slow dial, longest break)", 8, 0.66, 700},
                    PulseCase{"11 pps 60/40 (fast dial, shortest make)", 11, 0.60, 500},
                    PulseCase{"8 pps 60/40", 8, 0.60, 500},
                    PulseCase{"11 pps 66/33", 11, 0.66, 500},
                    PulseCase{"10 pps with a 200 ms inter-digit pause", 10, 0.6, 200}));

TEST(HookDecoder, FlashRightAfterPulsesFirstFinishesTheDigit) {
  HookDecoder decoder;
  run(decoder, {{0, true}});
  std::vector<std::pair<double, bool>> changes;
  for (int i = 0; i < 3; ++i) {
    changes.emplace_back(500 + i * 100, false);
    changes.emplace_back(560 + i * 100, true);
  }
  // A flash right after the third pulse's make, before the inter-digit timer.
  changes.emplace_back(900, false);
  changes.emplace_back(1400, true);
  const auto events = run(decoder, changes);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind, Kind::kPulseDigit);
  EXPECT_EQ(events[0].digit, '3');
  EXPECT_EQ(events[1].kind, Kind::kFlash);
}

TEST(HookDecoder, HangingUpMidDigitDialsNothing) {
  HookDecoder decoder;
  run(decoder, {{0, true}});
  const auto events = run(decoder, {{500, false}, {560, true}, {600, false}});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::kOnHook);
}

}  // namespace
}  // namespace tipring::pots
