// The line controller (the ATA's logic) with the emulated telephone on its line and a fake
// telephony side, on a fake clock: dial tone, the dial plan's timers, ringing with caller ID,
// ring trip, flash for call waiting, swap and hold, busy/reorder and the howler. What the
// telephone hears is judged by the progress-tone detector, as a listener would.
#include "line_bench.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using namespace test;

TEST(LineController, OffHookGivesDialTone) {
  Bench bench;
  bench.lift();
  bench.advance(milliseconds(1500));
  EXPECT_EQ(bench.controller.state(), LineState::kDialTone);
  EXPECT_EQ(bench.heard(), ProgressTone::kDial);
}

TEST(LineController, MessageWaitingGivesStutterDialTone) {
  Bench bench;
  bench.controller.set_message_waiting(true);
  bench.lift();
  bench.advance(milliseconds(1500));
  EXPECT_EQ(bench.heard(), ProgressTone::kStutterDial);
}

TEST(LineController, KeypadDigitsStopDialToneAndDialWhenTheMapMatches) {
  Bench bench;
  bench.lift();
  bench.advance(milliseconds(500));
  bench.phone.press_keys("10");
  bench.advance(milliseconds(500));
  EXPECT_EQ(bench.controller.state(), LineState::kDialing);
  EXPECT_EQ(bench.controller.dialled(), "10");
  EXPECT_TRUE(bench.telephony.actions.empty());
  bench.listen();
  bench.advance(milliseconds(300));
  EXPECT_FALSE(bench.heard().has_value()) << "no dial tone once dialling began";
  bench.phone.press_keys("02");
  bench.advance(milliseconds(500));
  EXPECT_EQ(bench.telephony.actions, std::vector<std::string>{"place 1002"});
  EXPECT_EQ(bench.controller.state(), LineState::kCalling);
}

TEST(LineController, RotaryDigitsFromTheHookDecoderDialToo) {
  Bench bench;
  bench.lift();
  bench.advance(milliseconds(500));
  bench.phone.dial_rotary("1002", bench.now);
  bench.advance(milliseconds(6000));
  EXPECT_EQ(bench.telephony.actions, std::vector<std::string>{"place 1002"});
}

TEST(LineController, EmergencyNumberDialsAtOnce) {
  auto settings = us_settings();
  settings.digit_map = "(9xxxx|x.T)";  // a map where 911 alone would still wait
  Bench bench(settings);
  bench.lift();
  bench.advance(milliseconds(500));
  bench.phone.dial_rotary("911", bench.now);
  bench.advance(milliseconds(3000));
  EXPECT_EQ(bench.telephony.actions, std::vector<std::string>{"place 911"});
}

TEST(LineController, PoundDialsWhatWasCollectedWithoutWaitingForTheTimer) {
  Bench bench;
  bench.dial("55#");
  EXPECT_EQ(bench.telephony.actions, std::vector<std::string>{"place 55"});
}

TEST(LineController, InterdigitTimerTDialsExactlyAtItsDeadline) {
  Bench bench;
  bench.dial("55");
  ASSERT_TRUE(bench.telephony.actions.empty());
  const auto deadline = bench.controller.next_deadline();
  ASSERT_TRUE(deadline.has_value());
  // T is 4 s after the last digit: the call goes out at that instant, not before.
  bench.controller.on_timer(*deadline - milliseconds(1));
  EXPECT_TRUE(bench.telephony.actions.empty());
  bench.controller.on_timer(*deadline);
  EXPECT_EQ(bench.telephony.actions, std::vector<std::string>{"place 55"});
}

TEST(LineController, NoDigitsForTheLongTimerGivesReorderThenTheHowler) {
  Bench bench;
  bench.lift();
  bench.advance(seconds(15));
  EXPECT_EQ(bench.controller.state(), LineState::kDialTone);
  bench.advance(seconds(2));  // L = 16 s
  EXPECT_EQ(bench.controller.state(), LineState::kReorder);
  bench.listen();
  bench.advance(seconds(3));
  EXPECT_EQ(bench.heard(), ProgressTone::kReorder);
  bench.advance(seconds(26));  // 29 s of reorder: not yet
  EXPECT_EQ(bench.controller.state(), LineState::kReorder);
  bench.advance(seconds(2));
  EXPECT_EQ(bench.controller.state(), LineState::kHowler);
  bench.listen();
  bench.advance(seconds(2));
  EXPECT_EQ(bench.heard(), ProgressTone::kHowler);
}

TEST(LineController, CallThatCannotBePlacedGivesReorder) {
  Bench bench;
  bench.telephony.refuse_calls = true;
  bench.dial("1002");
  EXPECT_EQ(bench.controller.state(), LineState::kReorder);
  EXPECT_EQ(bench.controller.call_count(), 0U);
}

TEST(LineController, FarEndRingingGivesRingbackAndTheAnswerBridgesItsAudio) {
  Bench bench;
  bench.dial("1002");
  bench.controller.on_call_ringing(100, bench.now);
  bench.listen();
  bench.advance(seconds(13));  // two 2/4 cycles: enough cadence to tell it from others
  EXPECT_EQ(bench.controller.state(), LineState::kRingback);
  EXPECT_EQ(bench.heard(), ProgressTone::kRingback);

  int n = 0;
  bench.far_end = [&n](MutableSamples out) {
    for (auto& s : out) {
      s = static_cast<std::int16_t>((n++ % 40) * 100 - 2000);
    }
  };
  bench.controller.on_call_answered(100, bench.now);
  bench.advance(milliseconds(100));
  EXPECT_EQ(bench.controller.state(), LineState::kTalking);
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{100});
  EXPECT_TRUE(bench.last_block_was_call_audio) << "the earpiece hears the far end exactly";
}

struct FailureCase {
  int status;
  LineState state;
  ProgressTone tone;
};

class LineControllerFailure : public ::testing::TestWithParam<FailureCase> {};

TEST_P(LineControllerFailure, RefusedCallGivesBusyOrReorderByStatus) {
  Bench bench;
  bench.dial("1002");
  bench.controller.on_call_ringing(100, bench.now);
  bench.advance(milliseconds(500));
  bench.controller.on_call_failed(100, GetParam().status, bench.now);
  bench.listen();
  bench.advance(seconds(3));
  EXPECT_EQ(bench.controller.state(), GetParam().state);
  EXPECT_EQ(bench.heard(), GetParam().tone);
  EXPECT_EQ(bench.controller.call_count(), 0U);
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, LineControllerFailure,
    ::testing::Values(FailureCase{486, LineState::kBusy, ProgressTone::kBusy},
                      FailureCase{600, LineState::kBusy, ProgressTone::kBusy},
                      FailureCase{404, LineState::kReorder, ProgressTone::kReorder},
                      FailureCase{480, LineState::kReorder, ProgressTone::kReorder},
                      FailureCase{503, LineState::kReorder, ProgressTone::kReorder},
                      FailureCase{408, LineState::kReorder, ProgressTone::kReorder}));

TEST(LineController, FarEndHangUpGivesReorderThenHowlerAndOnHookThenDialToneAgain) {
  Bench bench;
  bench.talking();
  bench.controller.on_call_ended(100, bench.now);
  bench.listen();
  bench.advance(seconds(3));
  EXPECT_EQ(bench.heard(), ProgressTone::kReorder);
  bench.advance(seconds(28));
  EXPECT_EQ(bench.controller.state(), LineState::kHowler);
  bench.phone.hang_up(bench.now);
  bench.advance(seconds(2));
  EXPECT_EQ(bench.controller.state(), LineState::kIdle);
  bench.lift();
  bench.advance(milliseconds(1500));
  EXPECT_EQ(bench.heard(), ProgressTone::kDial);
}

TEST(LineController, OnHookHangsUpTheCall) {
  Bench bench;
  bench.talking();
  bench.phone.hang_up(bench.now);
  bench.advance(seconds(2));  // past the flash window: a hang-up
  EXPECT_EQ(bench.telephony.last(), "hangup 100");
  EXPECT_EQ(bench.controller.state(), LineState::kIdle);
  EXPECT_EQ(bench.controller.call_count(), 0U);
}

TEST(LineController, IncomingCallRingsWithThePlanCadenceAndType1CallerIdBeforeTheSecondRing) {
  Bench bench;
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), bench.now);
  EXPECT_EQ(bench.controller.state(), LineState::kRinging);
  // US: 2 s on, 4 s off.
  bench.advance(milliseconds(1990));
  EXPECT_TRUE(bench.phone.ringing());
  bench.advance(milliseconds(20));
  EXPECT_FALSE(bench.phone.ringing());
  bench.advance(seconds(4));
  EXPECT_TRUE(bench.phone.ringing());
  EXPECT_EQ(bench.phone.rings(), 2);
  ASSERT_TRUE(bench.phone.display());
  EXPECT_EQ(bench.phone.display()->number, "2025550147");
  EXPECT_EQ(bench.phone.display()->name, "GRACE HOPPER");
  EXPECT_EQ(bench.rings_at_caller_id, 1) << "decoded between the first and second ring";
  EXPECT_EQ(bench.phone.caller_id_errors(), 0);
}

TEST(LineController, CallerIdWaitsForASilentIntervalLongEnoughForTheBurst) {
  auto settings = us_settings();
  settings.plan = *find_tone_plan("UK");  // 0.4/0.2/0.4/2.0: not in the 0.2 s gap
  Bench bench(settings);
  bench.controller.on_incoming_call(7, caller("01632960001", "ADA"), bench.now);
  bench.advance(milliseconds(2000));
  EXPECT_FALSE(bench.phone.display());
  bench.advance(milliseconds(3000));
  ASSERT_TRUE(bench.phone.display());
  EXPECT_EQ(bench.phone.display()->name, "ADA");
  EXPECT_EQ(bench.rings_at_caller_id, 2) << "after both bursts of the first double ring";
}

struct RingTripCase {
  milliseconds lift_after;
  bool during_burst;
};

class LineControllerRingTrip : public ::testing::TestWithParam<RingTripCase> {};

TEST_P(LineControllerRingTrip, OffHookWhileRingingAnswersAndStopsTheRinging) {
  Bench bench;
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), bench.now);
  bench.advance(GetParam().lift_after);
  EXPECT_EQ(bench.controller.voltage(bench.now).ring_volts_rms > 0, GetParam().during_burst);
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(50));
  EXPECT_EQ(bench.telephony.actions, std::vector<std::string>{"answer 7"});
  EXPECT_EQ(bench.controller.state(), LineState::kTalking);
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{7});
  EXPECT_FALSE(bench.controller.line().ringing());
  EXPECT_EQ(bench.controller.voltage(bench.now).ring_volts_rms, 0.0);
}

INSTANTIATE_TEST_SUITE_P(BurstOrSilence, LineControllerRingTrip,
                         ::testing::Values(RingTripCase{milliseconds(500), true},
                                           RingTripCase{milliseconds(3000), false},
                                           RingTripCase{milliseconds(6500), true}));

TEST(LineController, AnsweringDuringTheCallerIdBurstCutsItOff) {
  Bench bench;
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), bench.now);
  bench.advance(milliseconds(2800));  // the burst started at 2.6 s
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(100));
  EXPECT_TRUE(bench.last_block_was_call_audio) << "no FSK in the earpiece after the answer";
}

TEST(LineController, CallerGivingUpStopsTheRinging) {
  Bench bench;
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), bench.now);
  bench.advance(milliseconds(1000));
  bench.controller.on_call_failed(7, 487, bench.now);
  bench.advance(milliseconds(100));
  EXPECT_EQ(bench.controller.state(), LineState::kIdle);
  EXPECT_FALSE(bench.phone.ringing());
  EXPECT_FALSE(bench.controller.line().ringing());
}

TEST(LineController, IncomingCallWhileDialingIsRefusedBusy) {
  Bench bench;
  bench.lift();
  bench.advance(milliseconds(300));
  bench.controller.on_incoming_call(7, caller("1", "X"), bench.now);
  EXPECT_EQ(bench.telephony.last(), "reject 7 486");
  EXPECT_EQ(bench.controller.state(), LineState::kDialTone);
}

TEST(LineController, WaitingCallGetsType2CallerIdAndFlashAnswersItHoldingTheFirst) {
  Bench bench;
  bench.talking();
  bench.controller.on_incoming_call(8, caller("2025550199", "ALAN TURING"), bench.now);
  EXPECT_EQ(bench.controller.state(), LineState::kTalking);
  bench.advance(seconds(2));
  ASSERT_TRUE(bench.phone.display()) << "type 2: CAS, ACK 'D', then FSK";
  EXPECT_EQ(bench.phone.display()->name, "ALAN TURING");
  EXPECT_FALSE(bench.phone.handset_muted());
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{100}) << "not answered by itself";

  bench.phone.press_flash(bench.now);
  bench.advance(seconds(1));
  EXPECT_EQ(bench.telephony.actions[bench.telephony.actions.size() - 2], "hold 100");
  EXPECT_EQ(bench.telephony.last(), "answer 8");
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{8});

  bench.phone.press_flash(bench.now);  // swap back
  bench.advance(seconds(1));
  EXPECT_EQ(bench.telephony.actions[bench.telephony.actions.size() - 2], "hold 8");
  EXPECT_EQ(bench.telephony.last(), "resume 100");
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{100});
  EXPECT_EQ(bench.controller.call_count(), 2U);
}

TEST(LineController, ThirdCallIsRefusedBusy) {
  Bench bench;
  bench.talking();
  bench.controller.on_incoming_call(8, caller("2", "B"), bench.now);
  bench.controller.on_incoming_call(9, caller("3", "C"), bench.now);
  EXPECT_EQ(bench.telephony.last(), "reject 9 486");
}

TEST(LineController, FlashWithOneCallHoldsItForASecondCallAndFlashAgainGoesBack) {
  Bench bench;
  bench.talking();
  bench.phone.press_flash(bench.now);
  bench.advance(seconds(1));
  EXPECT_EQ(bench.telephony.last(), "hold 100");
  EXPECT_EQ(bench.controller.state(), LineState::kDialTone);
  bench.listen();
  bench.advance(milliseconds(1500));
  EXPECT_EQ(bench.heard(), ProgressTone::kDial);
  EXPECT_FALSE(bench.controller.connected_call());

  bench.phone.press_keys("1003");
  bench.advance(seconds(1));
  EXPECT_EQ(bench.telephony.last(), "place 1003");
  bench.phone.press_flash(bench.now);  // give up the second call
  bench.advance(seconds(1));
  EXPECT_EQ(bench.telephony.actions[bench.telephony.actions.size() - 2], "hangup 101");
  EXPECT_EQ(bench.telephony.last(), "resume 100");
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{100});
}

TEST(LineController, HangingUpWithACallOnHoldRingsTheLineBackAndOffHookResumesIt) {
  Bench bench;
  bench.talking();
  bench.phone.press_flash(bench.now);
  bench.advance(seconds(1));
  bench.phone.hang_up(bench.now);
  bench.advance(seconds(1));
  EXPECT_EQ(bench.controller.state(), LineState::kRinging);
  EXPECT_TRUE(bench.phone.ringing());
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(100));
  EXPECT_EQ(bench.telephony.last(), "resume 100");
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{100});
}

TEST(LineController, FlashDuringBusyStartsOver) {
  Bench bench;
  bench.dial("1002");
  bench.controller.on_call_failed(100, 486, bench.now);
  bench.advance(seconds(1));
  bench.phone.press_flash(bench.now);
  bench.advance(seconds(1));
  EXPECT_EQ(bench.controller.state(), LineState::kDialTone);
}

TEST(LineController, RejectsADigitMapThatDoesNotParse) {
  LineControllerSettings s;
  s.digit_map = "(12[3";
  EXPECT_FALSE(LineController::validate(s));
  EXPECT_TRUE(LineController::validate(us_settings()));
}

}  // namespace
}  // namespace tipring::pots
