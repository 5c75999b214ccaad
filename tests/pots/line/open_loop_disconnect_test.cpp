// The far end hanging up (or the call failing after the answer) opens the loop for the
// configured disconnect length (CPC, reference/telephony.md), then the line gives reorder,
// then the howler after the off-hook warning timeout. The telephone sees its loop current
// drop. Fake clock, exact instants.
#include "line_bench.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using namespace test;

struct DisconnectCase {
  const char* name;
  milliseconds length;
};

class OpenLoopDisconnect : public ::testing::TestWithParam<DisconnectCase> {};

TEST_P(OpenLoopDisconnect, FarEndHangUpOpensTheLoopForTheLengthThenGivesReorder) {
  auto settings = us_settings();
  settings.disconnect_length = GetParam().length;
  Bench bench(settings);
  bench.talking();
  ASSERT_TRUE(bench.phone.loop_current());
  const TimePoint hung_up = bench.now;
  bench.controller.on_call_ended(100, hung_up);

  EXPECT_EQ(bench.controller.state(), LineState::kDisconnect);
  EXPECT_EQ(bench.controller.voltage(hung_up).dc_volts, 0.0);
  EXPECT_EQ(bench.controller.line().loop_current_ma(), 0.0);
  ASSERT_EQ(bench.controller.next_deadline(), hung_up + GetParam().length);
  bench.advance(milliseconds(10));
  EXPECT_FALSE(bench.phone.loop_current()) << "the telephone sees its loop current drop";
  EXPECT_EQ(bench.phone.loop_current_drops(), 1);
  EXPECT_TRUE(bench.phone.off_hook());

  // One tick before the end: still open. At the end: battery, and reorder.
  bench.controller.on_timer(hung_up + GetParam().length - milliseconds(1));
  EXPECT_EQ(bench.controller.state(), LineState::kDisconnect);
  bench.controller.on_timer(hung_up + GetParam().length);
  EXPECT_EQ(bench.controller.state(), LineState::kReorder);
  EXPECT_NE(bench.controller.voltage(hung_up + GetParam().length).dc_volts, 0.0);
  EXPECT_GT(bench.controller.line().loop_current_ma(), 0.0);
  bench.now = hung_up + GetParam().length;
  bench.listen();
  bench.advance(seconds(3));
  EXPECT_TRUE(bench.phone.loop_current());
  EXPECT_EQ(bench.heard(), ProgressTone::kReorder);
  EXPECT_EQ(bench.phone.loop_current_drops(), 1);

  // The howler 30 s after reorder began.
  bench.advance(seconds(26));
  EXPECT_EQ(bench.controller.state(), LineState::kReorder);
  bench.advance(seconds(2));
  EXPECT_EQ(bench.controller.state(), LineState::kHowler);
  bench.listen();
  bench.advance(seconds(2));
  EXPECT_EQ(bench.heard(), ProgressTone::kHowler);
}

INSTANTIATE_TEST_SUITE_P(Lengths, OpenLoopDisconnect,
                         ::testing::Values(DisconnectCase{"Default800ms", milliseconds(800)},
                                           DisconnectCase{"Short300ms", milliseconds(300)},
                                           DisconnectCase{"Long2s", milliseconds(2000)}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(OpenLoopDisconnectDefault, IsTheUsual800Milliseconds) {
  EXPECT_EQ(LineControllerSettings{}.disconnect_length, milliseconds(800));
}

TEST(OpenLoopDisconnectDefault, ACallFailingAfterTheAnswerDisconnectsToo) {
  Bench bench;
  bench.talking();
  bench.controller.on_call_failed(100, 408, bench.now);
  EXPECT_EQ(bench.controller.state(), LineState::kDisconnect);
  bench.advance(milliseconds(900));
  EXPECT_EQ(bench.controller.state(), LineState::kReorder);
  EXPECT_EQ(bench.phone.loop_current_drops(), 1);
}

TEST(OpenLoopDisconnectDefault, ZeroLengthGivesReorderAtOnceWithoutOpeningTheLoop) {
  auto settings = us_settings();
  settings.disconnect_length = milliseconds(0);
  Bench bench(settings);
  bench.talking();
  bench.controller.on_call_ended(100, bench.now);
  EXPECT_EQ(bench.controller.state(), LineState::kReorder);
  bench.advance(milliseconds(100));
  EXPECT_EQ(bench.phone.loop_current_drops(), 0);
}

TEST(OpenLoopDisconnectDefault, HangingUpDuringTheOpenLoopEndsIdleWithoutReorder) {
  Bench bench;
  bench.talking();
  bench.controller.on_call_ended(100, bench.now);
  bench.advance(milliseconds(200));
  bench.phone.hang_up(bench.now);  // the line cannot see it before the loop closes again
  bench.advance(milliseconds(300));
  EXPECT_EQ(bench.controller.state(), LineState::kDisconnect);
  bench.advance(seconds(2));
  EXPECT_EQ(bench.controller.state(), LineState::kIdle);
  EXPECT_EQ(bench.controller.call_count(), 0U);
}

TEST(OpenLoopDisconnectDefault, FarEndLeavingWithACallOnHoldGivesReorderWithoutOpeningTheLoop) {
  Bench bench;
  bench.talking();
  bench.phone.press_flash(bench.now);  // hold 100, dial a second call
  bench.advance(seconds(1));
  bench.phone.press_keys("1003");
  bench.advance(seconds(1));
  ASSERT_EQ(bench.telephony.last(), "place 1003");
  bench.controller.on_call_answered(101, bench.now);
  bench.advance(milliseconds(50));
  bench.controller.on_call_ended(101, bench.now);
  EXPECT_EQ(bench.controller.state(), LineState::kReorder) << "the held call keeps the loop";
  bench.advance(milliseconds(100));
  EXPECT_EQ(bench.phone.loop_current_drops(), 0);
}

}  // namespace
}  // namespace tipring::pots
