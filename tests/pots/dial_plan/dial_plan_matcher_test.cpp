#include "pots/dial_plan/dial_plan_matcher.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = DialDecision::Kind;

constexpr const char* kRfcMap = "(0T|00T|[2-9]xxxxxx|1[2-9]xxxxxxxxx|011x.T|911|*xx)";

struct DialCase {
  const char* name;
  const char* map;
  const char* keys;        // pressed one second apart
  Kind after_keys;         // decision after the last key
  const char* number;      // for kDial after the keys
  long deadline_after_ms;  // when kNeedMore: deadline relative to the last key
  Kind on_expiry;          // decision when that timer fires
  const char* expiry_number;
};

class DialPlanMatching : public testing::TestWithParam<DialCase> {};

TEST_P(DialPlanMatching, DecidesAfterDigitsAndTimers) {
  const auto c = GetParam();
  DialPlanMatcher matcher(DigitMap::parse(c.map).value(), DialPlanSettings{});
  TimePoint now{};
  matcher.start(now);
  DialDecision decision{Kind::kNeedMore, {}};
  for (const char* k = c.keys; *k != 0; ++k) {
    now += seconds(1);
    ASSERT_EQ(decision.kind, Kind::kNeedMore) << c.name << ": decided before key " << *k;
    decision = matcher.on_digit(*k, now);
  }
  EXPECT_EQ(decision.kind, c.after_keys) << c.name;
  if (c.after_keys == Kind::kDial) {
    EXPECT_EQ(decision.number, c.number) << c.name;
    EXPECT_FALSE(matcher.next_deadline()) << c.name;
  }
  if (c.after_keys != Kind::kNeedMore) {
    return;
  }
  ASSERT_TRUE(matcher.next_deadline()) << c.name;
  EXPECT_EQ(*matcher.next_deadline() - now, milliseconds(c.deadline_after_ms)) << c.name;
  // Not yet: a microsecond early changes nothing.
  EXPECT_EQ(matcher.on_timer(*matcher.next_deadline() - Duration(1)).kind, Kind::kNeedMore);
  const auto expiry = matcher.on_timer(*matcher.next_deadline());
  EXPECT_EQ(expiry.kind, c.on_expiry) << c.name;
  EXPECT_EQ(expiry.number, c.expiry_number) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3435AndAtaTimers, DialPlanMatching,
    testing::Values(
        DialCase{"local number dials on its last digit", kRfcMap, "5551234", Kind::kDial, "5551234",
                 0, Kind::kNeedMore, ""},
        DialCase{"long distance", kRfcMap, "12125551234", Kind::kDial, "12125551234", 0,
                 Kind::kNeedMore, ""},
        DialCase{"vertical service code", kRfcMap, "*72", Kind::kDial, "*72", 0, Kind::kNeedMore,
                 ""},
        DialCase{"emergency dials at once though 911xxxx could follow", kRfcMap, "911", Kind::kDial,
                 "911", 0, Kind::kNeedMore, ""},
        DialCase{"emergency number outside the map", kRfcMap, "112", Kind::kDial, "112", 0,
                 Kind::kNeedMore, ""},
        DialCase{"operator waits for T", kRfcMap, "0", Kind::kNeedMore, "", 4000, Kind::kDial, "0"},
        DialCase{"00 waits for T", kRfcMap, "00", Kind::kNeedMore, "", 4000, Kind::kDial, "00"},
        DialCase{"international open-ended waits for T", kRfcMap, "01144207946", Kind::kNeedMore,
                 "", 4000, Kind::kDial, "01144207946"},
        DialCase{"incomplete prefix gets reorder after L", kRfcMap, "555", Kind::kNeedMore, "",
                 16000, Kind::kReorder, ""},
        DialCase{"impossible digits get reorder at once", kRfcMap, "10", Kind::kReorder, "", 0,
                 Kind::kNeedMore, ""},
        DialCase{"pound dials a timer match at once", kRfcMap, "0114420#", Kind::kDial, "0114420",
                 0, Kind::kNeedMore, ""},
        DialCase{"pound on an incomplete number is reorder", kRfcMap, "555#", Kind::kReorder, "", 0,
                 Kind::kNeedMore, ""},
        DialCase{"pound that the map takes stays in the number", "(*xx#|xxx)", "*72#", Kind::kDial,
                 "*72#", 0, Kind::kNeedMore, ""},
        DialCase{"complete but extendable waits for S", "(xxx|xxxx)", "123", Kind::kNeedMore, "",
                 4000, Kind::kDial, "123"},
        DialCase{"the longer alternative dials at once", "(xxx|xxxx)", "1234", Kind::kDial, "1234",
                 0, Kind::kNeedMore, ""}));

TEST(DialPlanMatcher, NoDigitAtAllGivesReorderAfterTheLongTimer) {
  DialPlanMatcher matcher(DigitMap::parse(kRfcMap).value(), DialPlanSettings{});
  const TimePoint start{seconds(100)};
  matcher.start(start);
  ASSERT_EQ(matcher.next_deadline(), start + seconds(16));
  EXPECT_EQ(matcher.on_timer(start + seconds(16)).kind, Kind::kReorder);
  EXPECT_FALSE(matcher.next_deadline());
}

TEST(DialPlanMatcher, EachDigitRestartsTheTimer) {
  DialPlanSettings settings;
  settings.long_timer = seconds(10);
  DialPlanMatcher matcher(DigitMap::parse(kRfcMap).value(), settings);
  matcher.start(TimePoint{});
  matcher.on_digit('5', TimePoint{seconds(9)});
  EXPECT_EQ(matcher.next_deadline(), TimePoint{seconds(19)});
  EXPECT_EQ(matcher.on_timer(TimePoint{seconds(10)}).kind, Kind::kNeedMore);
}

}  // namespace
}  // namespace tipring::pots
