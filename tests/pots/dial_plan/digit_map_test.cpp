#include "pots/dial_plan/digit_map.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

const char* kRfcMap = "(0T|00T|[2-9]xxxxxx|1[2-9]xxxxxxxxx|011x.T|911|*xx)";

struct MatchCase {
  const char* digits;
  bool complete;
  bool on_timer;
  bool partial;
};

class RfcDigitMap : public testing::TestWithParam<MatchCase> {};

TEST_P(RfcDigitMap, ClassifiesCollectedDigits) {
  const auto map = DigitMap::parse(kRfcMap).value();
  const auto c = GetParam();
  const auto status = map.match(c.digits);
  EXPECT_EQ(status.complete, c.complete) << c.digits;
  EXPECT_EQ(status.complete_on_timer, c.on_timer) << c.digits;
  EXPECT_EQ(status.partial, c.partial) << c.digits;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3435, RfcDigitMap,
    testing::Values(MatchCase{"", false, false, true}, MatchCase{"0", false, true, true},
                    MatchCase{"00", false, true, false}, MatchCase{"000", false, false, false},
                    MatchCase{"555", false, false, true}, MatchCase{"5551234", true, false, false},
                    MatchCase{"55512345", false, false, false}, MatchCase{"1", false, false, true},
                    MatchCase{"11", false, false, false},
                    MatchCase{"12125551234", true, false, false},
                    MatchCase{"011", false, true, true}, MatchCase{"0114420", false, true, true},
                    MatchCase{"91", false, false, true},
                    MatchCase{"911", true, false, true},  // also a prefix of 911xxxx
                    MatchCase{"*7", false, false, true}, MatchCase{"*72", true, false, false},
                    MatchCase{"#", false, false, false}));

TEST(DigitMap, RangesSetsAndLetters) {
  const auto map = DigitMap::parse("([13-5]x|#[*#]A|[x#]B.)").value();
  EXPECT_TRUE(map.match("30").complete);
  EXPECT_TRUE(map.match("40").complete);
  EXPECT_FALSE(map.match("20").complete);
  EXPECT_TRUE(map.match("#*A").complete);
  EXPECT_TRUE(map.match("##A").complete);
  EXPECT_TRUE(map.match("7").complete);
  EXPECT_TRUE(map.match("7BBB").complete);
}

TEST(DigitMap, ManyRepeatsStayFast) {
  const auto map = DigitMap::parse("x.x.x.x.x.x.x.x.T").value();
  EXPECT_TRUE(map.match(std::string(60, '5')).complete_on_timer);
}

struct BadMap {
  const char* text;
  const char* detail;
};

class DigitMapRejects : public testing::TestWithParam<BadMap> {};

TEST_P(DigitMapRejects, NamesTheProblem) {
  const auto map = DigitMap::parse(GetParam().text);
  ASSERT_FALSE(map) << GetParam().text;
  EXPECT_NE(map.error().detail.find(GetParam().detail), std::string::npos)
      << map.error().describe();
}

INSTANTIATE_TEST_SUITE_P(Malformed, DigitMapRejects,
                         testing::Values(BadMap{"(12", "')'"}, BadMap{"[9-2]", "range"},
                                         BadMap{".1", "'.'"}, BadMap{"[]", "empty"},
                                         BadMap{"1q", "'q'"}, BadMap{"(1||2)", "empty"},
                                         BadMap{"[12", "']'"}));

}  // namespace
}  // namespace tipring::pots
