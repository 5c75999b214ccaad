// Digits during a call (issue 7): what the telephone dials while talking — keypad DTMF
// detected on the line audio, or rotary pulses — goes to the far end as events through
// LineTelephony::send_digit, with the tone kept off the in-band path; digits the far end
// sends play on the line as DTMF that the telephone's earpiece carries. Fake clock.
#include "line_bench.h"
#include "pots/dtmf/dtmf_detector.h"
#include "pots/dtmf/dtmf_suppressor.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using namespace test;

std::vector<std::string> digit_actions(const FakeTelephony& telephony) {
  std::vector<std::string> out;
  for (const auto& a : telephony.actions) {
    if (a.rfind("digit ", 0) == 0) {
      out.push_back(a);
    }
  }
  return out;
}

// The DTMF keys in a stretch of line audio, as a receiver on the far side would find them.
std::string keys_in(const std::vector<std::int16_t>& audio) {
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  detector.process(audio, digits);
  std::string keys;
  for (const auto& d : digits) {
    keys += d.key;
  }
  return keys;
}

TEST(InCallDigits, KeypadDigitsWhileTalkingGoToTheFarEndAsEvents) {
  Bench bench;
  bench.talking();
  bench.phone.press_keys("5*#A");
  bench.advance(seconds(1));
  EXPECT_EQ(digit_actions(bench.telephony),
            (std::vector<std::string>{"digit 100 5", "digit 100 *", "digit 100 #", "digit 100 A"}));
  EXPECT_EQ(bench.controller.dialled(), "1234") << "not fed to the dial plan";
  EXPECT_EQ(bench.controller.state(), LineState::kTalking);
}

TEST(InCallDigits, RotaryDigitsWhileTalkingGoToTheFarEndToo) {
  Bench bench;
  bench.talking();
  bench.phone.dial_rotary("30", bench.now);
  bench.advance(seconds(3));
  EXPECT_EQ(digit_actions(bench.telephony),
            (std::vector<std::string>{"digit 100 3", "digit 100 0"}));
  EXPECT_EQ(bench.controller.connected_call(), LineCallId{100}) << "pulses are not a flash";
}

TEST(InCallDigits, TheKeypadToneIsKeptOffTheInBandPath) {
  Bench bench;
  bench.talking();
  bench.uplink.clear();
  bench.phone.press_keys("159");
  bench.advance(seconds(1));
  ASSERT_EQ(digit_actions(bench.telephony).size(), 3U);
  EXPECT_EQ(keys_in(bench.uplink), "") << "the far end gets events, not the tones as well";
  EXPECT_EQ(bench.controller.uplink_delay_samples(), DtmfSuppressor::kDelay);
}

TEST(InCallDigits, WithEventsOffTheDigitsStayInBand) {
  auto settings = us_settings();
  settings.digits_as_events = false;
  Bench bench(settings);
  bench.talking();
  bench.uplink.clear();
  bench.from_phone.clear();
  bench.phone.press_keys("159");
  bench.advance(seconds(1));
  EXPECT_TRUE(digit_actions(bench.telephony).empty());
  EXPECT_EQ(keys_in(bench.uplink), "159");
  EXPECT_EQ(bench.controller.uplink_delay_samples(), 0U) << "nothing to blank, so no delay";
  EXPECT_EQ(bench.uplink, bench.from_phone) << "the telephone's audio, untouched";
}

TEST(InCallDigits, DigitsBeforeTheAnswerAreNotSent) {
  Bench bench;
  bench.dial("1234");
  bench.controller.on_call_ringing(100, bench.now);
  bench.phone.press_keys("77");
  bench.advance(seconds(1));
  EXPECT_TRUE(digit_actions(bench.telephony).empty());
}

TEST(InCallDigits, FarEndDigitsPlayOnTheLineAsDtmf) {
  Bench bench;
  bench.talking();
  std::vector<std::int16_t> earpiece;
  for (const char key : std::string("90#D")) {
    bench.controller.on_call_digit(100, key, bench.now);
    for (int i = 0; i < 25; ++i) {  // 250 ms per digit, as events arrive
      bench.advance(milliseconds(10));
      earpiece.insert(earpiece.end(), bench.last_heard.begin(), bench.last_heard.end());
    }
  }
  EXPECT_EQ(keys_in(earpiece), "90#D");
  EXPECT_TRUE(digit_actions(bench.telephony).empty()) << "not echoed back as our own digits";
}

TEST(InCallDigits, FarEndDigitsOfACallNotOnTheLineAreNotPlayed) {
  Bench bench;
  bench.talking();
  bench.controller.on_call_digit(55, '7', bench.now);
  std::vector<std::int16_t> earpiece;
  for (int i = 0; i < 30; ++i) {
    bench.advance(milliseconds(10));
    earpiece.insert(earpiece.end(), bench.last_heard.begin(), bench.last_heard.end());
  }
  EXPECT_EQ(keys_in(earpiece), "");
}

}  // namespace
}  // namespace tipring::pots
