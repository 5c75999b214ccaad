// The SLIC model on a fake clock: ringing and ring trip, polarity, disconnect, audio path.
#include "pots/line/line.h"

#include "pots/dtmf/dtmf_detector.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/tones/tone_player.h"
#include "test_signals.h"

#include <algorithm>
#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using Kind = LineEvent::Kind;
using std::chrono::milliseconds;

TimePoint at_ms(long ms) {
  return TimePoint{milliseconds(ms)};
}

void run_until(Line& line, TimePoint end) {
  while (line.next_deadline() && *line.next_deadline() <= end) {
    line.on_timer(*line.next_deadline());
  }
  line.on_timer(end);
}

const RingCadence& us_ring() {
  return find_tone_plan("US")->ring;
}

TEST(Line, IdleLineHasBatteryAndNoLoopCurrent) {
  Line line;
  EXPECT_EQ(line.voltage(at_ms(0)).dc_volts, -48.0);
  EXPECT_EQ(line.loop_current_ma(), 0.0);
  line.set_loop_closed(true, at_ms(10));
  EXPECT_GT(line.loop_current_ma(), 10.0);
  run_until(line, at_ms(100));
  const auto events = line.take_events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::kOffHook);
  EXPECT_FALSE(events[0].ring_trip);
}

TEST(Line, RingsWithTheCadenceAndReportsEachEdgeAtItsTime) {
  Line line;
  line.start_ringing(us_ring(), at_ms(0));
  EXPECT_EQ(line.voltage(at_ms(100)).ring_volts_rms, 90.0);
  EXPECT_EQ(line.voltage(at_ms(100)).ring_hz, 20.0);
  EXPECT_EQ(line.next_deadline(), at_ms(2000));
  run_until(line, at_ms(12500));
  std::vector<std::pair<Kind, TimePoint>> edges;
  for (const auto& e : line.take_events()) {
    edges.emplace_back(e.kind, e.at);
  }
  const std::vector<std::pair<Kind, TimePoint>> expected = {{Kind::kRingOn, at_ms(0)},
                                                            {Kind::kRingOff, at_ms(2000)},
                                                            {Kind::kRingOn, at_ms(6000)},
                                                            {Kind::kRingOff, at_ms(8000)},
                                                            {Kind::kRingOn, at_ms(12000)}};
  EXPECT_EQ(edges, expected);
  EXPECT_EQ(line.voltage(at_ms(3000)).ring_volts_rms, 0.0);
}

struct TripCase {
  const char* name;
  long answer_ms;
  bool during_burst;
};

class RingTrip : public testing::TestWithParam<TripCase> {};

TEST_P(RingTrip, AnswerStopsRingingInBurstOrSilence) {
  const auto c = GetParam();
  Line line;
  line.start_ringing(us_ring(), at_ms(0));
  run_until(line, at_ms(c.answer_ms));
  line.take_events();
  line.set_loop_closed(true, at_ms(c.answer_ms));
  run_until(line, at_ms(c.answer_ms + 50));
  const auto events = line.take_events();
  ASSERT_EQ(events.size(), 1U) << c.name;
  EXPECT_EQ(events[0].kind, Kind::kOffHook);
  EXPECT_TRUE(events[0].ring_trip);
  EXPECT_EQ(events[0].during_burst, c.during_burst) << c.name;
  EXPECT_FALSE(line.ringing());
  EXPECT_EQ(line.voltage(at_ms(c.answer_ms + 100)).ring_volts_rms, 0.0);
  run_until(line, at_ms(30000));
  EXPECT_TRUE(line.take_events().empty()) << "no ringing after the trip";
}

INSTANTIATE_TEST_SUITE_P(
    Cadence, RingTrip,
    testing::Values(TripCase{"first burst", 500, true}, TripCase{"first silence", 3000, false},
                    TripCase{"second burst, just after it starts", 6001, true},
                    TripCase{"silence, just before the next burst", 5980, false}));

TEST(Line, PolarityReversalFlipsTheBattery) {
  Line line;
  line.set_polarity_reversed(true);
  EXPECT_EQ(line.voltage(at_ms(0)).dc_volts, 48.0);
  line.set_polarity_reversed(false);
  EXPECT_EQ(line.voltage(at_ms(0)).dc_volts, -48.0);
}

TEST(Line, OpenLoopDisconnectRemovesBatteryAndHidesTheHookMeanwhile) {
  Line line;
  line.set_loop_closed(true, at_ms(0));
  run_until(line, at_ms(100));
  line.take_events();
  line.disconnect_for(milliseconds(600), at_ms(1000));
  EXPECT_EQ(line.voltage(at_ms(1200)).dc_volts, 0.0);
  EXPECT_EQ(line.loop_current_ma(), 0.0);
  // The telephone hangs up during the disconnect: seen once battery returns.
  line.set_loop_closed(false, at_ms(1300));
  run_until(line, at_ms(1500));
  EXPECT_TRUE(line.take_events().empty());
  run_until(line, at_ms(3000));
  const auto events = line.take_events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::kOnHook);
  EXPECT_EQ(line.voltage(at_ms(3000)).dc_volts, -48.0);
}

TEST(Line, DetectsDtmfFromTheTelephone) {
  Line line;
  line.set_loop_closed(true, at_ms(0));
  run_until(line, at_ms(50));
  line.take_events();
  const auto audio = generate_dtmf("42#", {});
  long ms = 50;
  for (std::size_t at = 0; at < audio.size(); at += 80) {
    ms += 10;
    line.receive_from_phone(Samples(audio).subspan(at, 80), at_ms(ms));
  }
  std::string digits;
  for (const auto& e : line.take_events()) {
    if (e.kind == Kind::kDigit) {
      EXPECT_FALSE(e.pulse);
      digits += e.digit;
    }
  }
  EXPECT_EQ(digits, "42#");
}

TEST(Line, OnHookLineIgnoresAudio) {
  Line line;
  line.receive_from_phone(generate_dtmf("5", {}), at_ms(200));
  EXPECT_TRUE(line.take_events().empty());
}

TEST(Line, MixesGeneratedSignalsWithCallAudio) {
  Line line;
  std::vector<std::int16_t> call(160, 1000);
  std::vector<std::int16_t> out(160);
  line.render_to_phone(call, out);
  EXPECT_EQ(out, call) << "nothing generated: call audio passes unchanged";

  line.play_tone(find_tone_plan("US")->dial);
  line.queue_samples(std::vector<std::int16_t>(100, 500));
  line.render_to_phone(std::vector<std::int16_t>(160, 0), out);
  auto dial = render_tone(find_tone_plan("US")->dial, 20);
  for (std::size_t i = 0; i < 160; ++i) {
    EXPECT_EQ(out[i], dial[i] + (i < 100 ? 500 : 0)) << i;
  }
}

TEST(Line, FarEndDigitsPlayAsDtmfOverTheCallAudio) {
  Line line;
  line.play_digits("7*");
  std::vector<std::int16_t> heard;
  std::vector<std::int16_t> block(80);
  for (int i = 0; i < 50; ++i) {
    line.render_to_phone(std::vector<std::int16_t>(80, 0), block);
    heard.insert(heard.end(), block.begin(), block.end());
  }
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  detector.process(heard, digits);
  ASSERT_EQ(digits.size(), 2U);
  EXPECT_EQ(digits[0].key, '7');
  EXPECT_EQ(digits[1].key, '*');
}

// The telephone's audio (noise at -45 dBm0 with a keypad "8" 40 ms in) through an off-hook
// line in 10 ms blocks: what goes on to the call, and the digits the line reported.
struct Uplink {
  std::vector<std::int16_t> sent;
  std::vector<std::int16_t> to_call;
  std::string digits;
};
Uplink through_line(Line& line, bool blank_digits) {
  line.set_loop_closed(true, at_ms(0));
  run_until(line, at_ms(50));
  (void)line.take_events();
  Uplink out;
  out.sent = test::concat({test::silence_ms(40), generate_dtmf("8", {}), test::silence_ms(60)});
  test::add_noise(out.sent, -45.0, 3);
  out.to_call.resize(out.sent.size());
  long ms = 50;
  for (std::size_t at = 0; at < out.sent.size(); at += 80) {
    ms += 10;
    line.receive_from_phone(Samples(out.sent).subspan(at, 80),
                            MutableSamples(out.to_call).subspan(at, 80), blank_digits, at_ms(ms));
    for (const auto& e : line.take_events()) {
      out.digits += e.kind == Kind::kDigit ? std::string(1, e.digit) : "";
    }
  }
  return out;
}

TEST(Line, BlanksAKeypadToneOnTheWayToTheCallFromItsFirstSampleToItsLast) {
  Line line;
  const auto delay = static_cast<std::ptrdiff_t>(line.uplink_delay());
  ASSERT_EQ(delay, static_cast<std::ptrdiff_t>(DtmfSuppressor::kDelay));
  const Uplink up = through_line(line, true);
  EXPECT_EQ(up.digits, "8");

  // Everything else is the telephone's audio, a fixed delay late; the tone is not.
  const std::ptrdiff_t tone_begin = 320 + delay;  // 40 ms in
  const std::ptrdiff_t tone_end = 1120 + delay;   // 100 ms on
  std::ptrdiff_t first_blank = -1;
  std::ptrdiff_t last_blank = -1;
  for (std::ptrdiff_t i = delay; i < static_cast<std::ptrdiff_t>(up.to_call.size()); ++i) {
    const auto sent = up.sent[static_cast<std::size_t>(i - delay)];
    const auto passed = up.to_call[static_cast<std::size_t>(i)];
    if (passed != sent) {
      EXPECT_EQ(passed, 0) << "blanked, not altered, at " << i;
      first_blank = first_blank < 0 ? i : first_blank;
      last_blank = i;
    }
  }
  EXPECT_LE(first_blank, tone_begin) << "blanked from the tone's first sample";
  EXPECT_GE(last_blank + 1, tone_end) << "to its last";
  EXPECT_GE(first_blank, tone_begin - delay) << "and at most a decision latency before it";
  EXPECT_LE(last_blank + 1,
            tone_end + static_cast<std::ptrdiff_t>(DtmfSuppressor::kHang + DtmfDetector::kWindow))
      << "and at most the hang after it";
}

TEST(Line, WithoutBlankingTheCallGetsTheTelephonesAudioOneDecisionLatencyLate) {
  Line line;
  const Uplink up = through_line(line, false);
  EXPECT_EQ(up.digits, "8") << "still detected";
  const auto delay = DtmfSuppressor::kDelay;
  EXPECT_TRUE(std::equal(up.sent.begin(), up.sent.end() - static_cast<std::ptrdiff_t>(delay),
                         up.to_call.begin() + static_cast<std::ptrdiff_t>(delay)));
  EXPECT_TRUE(std::all_of(up.to_call.begin(),
                          up.to_call.begin() + static_cast<std::ptrdiff_t>(delay),
                          [](std::int16_t v) { return v == 0; }))
      << "silence before the telephone's first sample";
}

TEST(Line, WithoutTheUplinkDelayTheCallGetsTheTelephonesAudioAsItCame) {
  LineSettings settings;
  settings.delay_uplink_for_dtmf = false;
  Line line(settings);
  EXPECT_EQ(line.uplink_delay(), 0U);
  const Uplink up = through_line(line, false);
  EXPECT_EQ(up.digits, "8");
  EXPECT_EQ(up.to_call, up.sent);
}

TEST(Line, OnHookTheCallGetsSilence) {
  Line line;
  const auto tone = generate_dtmf("5", {});
  std::vector<std::int16_t> to_call(800, 1);
  line.receive_from_phone(Samples(tone).first(800), to_call, true, at_ms(100));
  EXPECT_TRUE(std::all_of(to_call.begin(), to_call.end(), [](std::int16_t v) { return v == 0; }));
  EXPECT_TRUE(line.take_events().empty());
}

TEST(Line, TakeEventsIntoAReservedListKeepsItsRoom) {
  Line line;
  std::vector<LineEvent> events;
  events.reserve(8);
  const auto* storage = events.data();
  line.set_loop_closed(true, at_ms(0));
  run_until(line, at_ms(50));
  line.take_events(events);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::kOffHook);
  EXPECT_EQ(events.data(), storage);
  line.take_events(events);
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace tipring::pots
