#include "pots/tones/tone_plan.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

TEST(TonePlan, EveryRequiredCountryHasEverySignal) {
  for (const char* code : {"US", "UK", "DE", "FR", "JP", "AU", "ITU"}) {
    const auto* plan = find_tone_plan(code);
    ASSERT_NE(plan, nullptr) << code;
    for (std::size_t t = 0; t < kProgressToneCount; ++t) {
      EXPECT_FALSE(plan->signal(static_cast<ProgressTone>(t)).empty())
          << code << " " << progress_tone_name(static_cast<ProgressTone>(t));
    }
    EXPECT_GT(plan->ring.frequency_hz, 0.0) << code;
  }
}

TEST(TonePlan, FindsPlansByAliasAndDefaultsToE180) {
  EXPECT_EQ(find_tone_plan("gb")->code, "UK");
  EXPECT_EQ(find_tone_plan("ca")->code, "US");
  EXPECT_EQ(find_tone_plan("E.180")->code, "ITU");
  EXPECT_EQ(default_tone_plan().code, "ITU");
  EXPECT_EQ(find_tone_plan("XX"), nullptr);
}

TEST(TonePlan, UsValuesMatchAnsiT1401) {
  const auto& us = *find_tone_plan("US");
  const auto& dial = us.dial.phases.front().segments.front();
  ASSERT_EQ(dial.components.size(), 2U);
  EXPECT_EQ(dial.components[0].frequency_hz, 350.0);
  EXPECT_EQ(dial.components[1].frequency_hz, 440.0);
  EXPECT_EQ(dial.components[0].level_dbm0, -13.0);
  const auto& busy = us.busy.phases.front().segments;
  EXPECT_EQ(busy[0].duration_ms, 500.0);
  EXPECT_EQ(busy[1].duration_ms, 500.0);
  EXPECT_EQ(us.reorder.phases.front().segments[0].duration_ms, 250.0);
  EXPECT_EQ(us.stutter_dial.phases.front().repeat, 10);
  EXPECT_EQ(us.ring.frequency_hz, 20.0);
}

struct RingCase {
  const char* plan;
  double elapsed_ms;
  bool on;
  double next_change_ms;
};

class RingCadenceAt : public testing::TestWithParam<RingCase> {};

TEST_P(RingCadenceAt, SaysWhetherRingingIsOnAndWhenItChanges) {
  const auto c = GetParam();
  const auto& ring = find_tone_plan(c.plan)->ring;
  EXPECT_EQ(ring.on_at(c.elapsed_ms), c.on);
  EXPECT_DOUBLE_EQ(ring.next_change_after(c.elapsed_ms), c.next_change_ms);
}

INSTANTIATE_TEST_SUITE_P(
    Plans, RingCadenceAt,
    testing::Values(RingCase{"US", 0, true, 2000}, RingCase{"US", 1999, true, 2000},
                    RingCase{"US", 2000, false, 6000}, RingCase{"US", 6500, true, 8000},
                    RingCase{"UK", 450, false, 600}, RingCase{"UK", 700, true, 1000},
                    RingCase{"UK", 1500, false, 3000}, RingCase{"JP", 1000, false, 3000}));

}  // namespace
}  // namespace tipring::pots
