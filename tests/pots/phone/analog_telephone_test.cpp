// The emulated telephone on a simulated line, on a fake clock: ringing with caller ID,
// rotary and keypad dialling, and type 2 caller ID during a call.
#include "pots/phone/analog_telephone.h"

#include "pots/caller_id/caller_id_transmitter.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using std::chrono::milliseconds;

// A line and a telephone wired together; time advances in 10 ms audio blocks, with timers
// fired at their exact deadlines in between.
struct Bench {
  Line line;
  AnalogTelephone phone{[this](bool closed, TimePoint at) {
    ++(closed ? makes : breaks);
    line.set_loop_closed(closed, at);
  }};
  TimePoint now{};
  int breaks = 0;
  int makes = 0;
  std::vector<LineEvent> events;
  // Office audio towards the telephone, if any (call audio or a type 2 sender).
  std::function<void(MutableSamples)> office;

  void advance(milliseconds length) {
    const TimePoint end = now + length;
    while (now < end) {
      const TimePoint block_end = now + milliseconds(10);
      for (;;) {
        std::optional<TimePoint> next = line.next_deadline();
        const auto p = phone.next_deadline();
        if (p && (!next || *p < *next)) {
          next = p;
        }
        if (!next || *next > block_end) {
          break;
        }
        phone.on_timer(*next);
        line.on_timer(*next);
      }
      now = block_end;
      line.on_timer(now);
      phone.on_timer(now);
      phone.on_line_voltage(line.voltage(now), now);
      std::vector<std::int16_t> down(80, 0);
      std::vector<std::int16_t> call(80, 0);
      if (office) {
        office(call);
      }
      line.render_to_phone(call, down);
      phone.receive_from_line(down, now);
      std::vector<std::int16_t> up(80, 0);
      phone.render_to_line(std::vector<std::int16_t>(80, 0), up);
      line.receive_from_phone(up, now);
      for (auto& e : line.take_events()) {
        events.push_back(e);
      }
    }
  }

  std::string digits() const {
    std::string out;
    for (const auto& e : events) {
      if (e.kind == LineEvent::Kind::kDigit) {
        out += e.digit;
      }
    }
    return out;
  }
};

CallerId caller() {
  CallerId id;
  id.when = CallerIdDateTime{6, 1, 9, 30};
  id.number = "2025550147";
  id.name = "GRACE HOPPER";
  return id;
}

TEST(AnalogTelephone, RingsAndDisplaysTheCallerIdSentAfterTheFirstRing) {
  Bench bench;
  bench.line.start_ringing(find_tone_plan("US")->ring, bench.now);
  // First ring 2 s; GR-30: data starts at least 500 ms after it ends.
  bench.advance(milliseconds(2600));
  EXPECT_EQ(bench.phone.rings(), 1);
  EXPECT_FALSE(bench.phone.display());
  bench.line.queue_samples(
      render_fsk_burst(encode_caller_id(caller(), CallerIdFormat::kMdmf), kType1Burst));
  bench.advance(milliseconds(3500));
  EXPECT_EQ(bench.phone.rings(), 2);
  ASSERT_TRUE(bench.phone.display());
  EXPECT_EQ(bench.phone.display()->number, "2025550147");
  EXPECT_EQ(bench.phone.display()->name, "GRACE HOPPER");
  EXPECT_EQ(bench.phone.caller_id_errors(), 0);

  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(100));
  ASSERT_FALSE(bench.events.empty());
  EXPECT_EQ(bench.events.back().kind, LineEvent::Kind::kOffHook);
  EXPECT_TRUE(bench.events.back().ring_trip);
  EXPECT_FALSE(bench.line.ringing());
}

TEST(AnalogTelephone, RotaryZeroIsTenBreaksDecodedAsZero) {
  Bench bench;
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(300));
  bench.breaks = 0;
  bench.phone.dial_rotary("0", bench.now);
  bench.advance(milliseconds(2000));
  EXPECT_EQ(bench.breaks, 10);
  EXPECT_EQ(bench.digits(), "0");
  for (const auto& e : bench.events) {
    if (e.kind == LineEvent::Kind::kDigit) {
      EXPECT_TRUE(e.pulse);
    }
  }
}

TEST(AnalogTelephone, RotaryNumberDialsEveryDigit) {
  Bench bench;
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(300));
  bench.phone.dial_rotary("4711", bench.now);
  bench.advance(milliseconds(5000));
  EXPECT_EQ(bench.digits(), "4711");
  EXPECT_TRUE(bench.line.off_hook()) << "pulses are not a hang-up";
}

TEST(AnalogTelephone, KeypadSendsDtmf) {
  Bench bench;
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(300));
  bench.phone.press_keys("*69");
  bench.advance(milliseconds(1000));
  EXPECT_EQ(bench.digits(), "*69");
}

TEST(AnalogTelephone, FlashButtonGivesAFlashNotAHangUp) {
  Bench bench;
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(300));
  bench.phone.press_flash(bench.now);
  bench.advance(milliseconds(1500));
  ASSERT_FALSE(bench.events.empty());
  EXPECT_EQ(bench.events.back().kind, LineEvent::Kind::kFlash);
  EXPECT_TRUE(bench.line.off_hook());
}

TEST(AnalogTelephone, CallWaitingCallerIdIsAcknowledgedAndShown) {
  Bench bench;
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(300));
  CallWaitingCallerIdSender sender(encode_caller_id(caller(), CallerIdFormat::kMdmf));
  bench.office = [&](MutableSamples out) { sender.render(out); };
  // The line's DTMF events reach the sender as they arrive.
  for (int i = 0; i < 200; ++i) {
    const auto seen = bench.events.size();
    bench.advance(milliseconds(10));
    for (std::size_t k = seen; k < bench.events.size(); ++k) {
      if (bench.events[k].kind == LineEvent::Kind::kDigit) {
        sender.on_key(bench.events[k].digit);
      }
    }
  }
  EXPECT_EQ(sender.state(), CallWaitingCallerIdSender::State::kDone);
  EXPECT_EQ(bench.digits(), "D");
  ASSERT_TRUE(bench.phone.display());
  EXPECT_EQ(bench.phone.display()->name, "GRACE HOPPER");
  EXPECT_FALSE(bench.phone.handset_muted()) << "handset back on after the data";
}

}  // namespace
}  // namespace tipring::pots
