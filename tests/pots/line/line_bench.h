// The line controller's test bench: the controller, its line and an emulated telephone on a
// fake clock, with a fake telephony side that records what the controller asked for. Time
// advances in 10 ms blocks with every timer fired at its exact deadline in between.
#pragma once

#include "pots/line/line_controller.h"
#include "pots/phone/analog_telephone.h"
#include "pots/tones/progress_tone_detector.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::pots::test {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Records what the controller asked for; call ids count up from 100.
struct FakeTelephony : LineTelephony {
  std::vector<std::string> actions;
  LineCallId next_id = 100;
  bool refuse_calls = false;

  std::optional<LineCallId> place_call(const std::string& number) override {
    actions.push_back("place " + number);
    if (refuse_calls) {
      return std::nullopt;
    }
    return next_id++;
  }
  void answer(LineCallId call) override { actions.push_back("answer " + std::to_string(call)); }
  void reject(LineCallId call, int status) override {
    actions.push_back("reject " + std::to_string(call) + " " + std::to_string(status));
  }
  void hang_up(LineCallId call) override { actions.push_back("hangup " + std::to_string(call)); }
  void hold(LineCallId call) override { actions.push_back("hold " + std::to_string(call)); }
  void resume(LineCallId call) override { actions.push_back("resume " + std::to_string(call)); }
  void send_digit(LineCallId call, char key) override {
    actions.push_back("digit " + std::to_string(call) + " " + std::string(1, key));
  }
  [[nodiscard]] std::string last() const { return actions.empty() ? "" : actions.back(); }
};

inline LineControllerSettings us_settings() {
  LineControllerSettings s;
  s.plan = *find_tone_plan("US");
  s.digit_map = "(911|1xxx|*xx|[2-9]x.T)";
  return s;
}

inline CallerId caller(std::string number, std::string name) {
  CallerId id;
  id.when = CallerIdDateTime{11, 26, 1, 5};
  id.number = std::move(number);
  id.name = std::move(name);
  return id;
}

// The controller, its line and a telephone; time advances in 10 ms blocks with every timer
// fired at its exact deadline in between. `far_end` fills the connected call's audio.
struct Bench {
  explicit Bench(LineControllerSettings s = us_settings(), TelephoneSettings telephone = {})
      : settings(std::move(s)),
        phone([this](bool closed, TimePoint at) { controller.set_loop_closed(closed, at); },
              telephone) {}

  FakeTelephony telephony;
  LineControllerSettings settings;
  LineController controller{telephony, settings};
  AnalogTelephone phone;
  TimePoint now{};
  std::function<void(MutableSamples)> far_end;
  // Fills the handset microphone's block (silence when unset); keypad tones mix over it.
  std::function<void(MutableSamples)> microphone;
  std::vector<std::int16_t> last_heard;
  bool last_block_was_call_audio = false;
  std::optional<ProgressToneDetector> ear;
  int rings_at_caller_id = -1;
  std::optional<TimePoint> caller_id_shown_at;
  std::vector<std::int16_t> uplink;      // what went towards the call (digit tones blanked)
  std::vector<std::int16_t> from_phone;  // what the telephone sent the line meanwhile

  // From now on the detector listens to the earpiece (a fresh listener).
  void listen() { ear.emplace(settings.plan); }
  [[nodiscard]] std::optional<ProgressTone> heard() const {
    return ear ? ear->current() : std::nullopt;
  }

  void advance(milliseconds length) {
    const TimePoint end = now + length;
    while (now < end) {
      const TimePoint block_end = now + milliseconds(10);
      for (;;) {
        std::optional<TimePoint> next = controller.next_deadline();
        const auto p = phone.next_deadline();
        if (p && (!next || *p < *next)) {
          next = p;
        }
        if (!next || *next > block_end) {
          break;
        }
        phone.on_timer(*next);
        controller.on_timer(*next);
      }
      now = block_end;
      controller.on_timer(now);
      phone.on_timer(now);
      phone.on_line_voltage(controller.voltage(now), now);
      std::vector<std::int16_t> call(80, 0);
      if (far_end && controller.connected_call()) {
        far_end(call);
      }
      std::vector<std::int16_t> down(80, 0);
      controller.render_to_phone(call, down);
      const bool had_display = phone.display().has_value();
      phone.receive_from_line(down, now);
      if (!had_display && phone.display()) {
        rings_at_caller_id = phone.rings();
        caller_id_shown_at = now;
      }
      if (phone.off_hook() && ear) {
        std::vector<ProgressToneEvent> events;
        ear->process(down, events);
      }
      last_block_was_call_audio = down == call;
      last_heard = down;
      std::vector<std::int16_t> mic(80, 0);
      if (microphone) {
        microphone(mic);
      }
      std::vector<std::int16_t> up(80, 0);
      phone.render_to_line(mic, up);
      std::vector<std::int16_t> to_call(80, 0);
      controller.receive_from_phone(up, to_call, now);
      if (controller.connected_call()) {
        // What a LinePort sends to the call.
        from_phone.insert(from_phone.end(), up.begin(), up.end());
        uplink.insert(uplink.end(), to_call.begin(), to_call.end());
      }
    }
  }

  void lift() {
    phone.lift_handset(now);
    listen();
  }
  // Lifts, dials `keys` on the keypad and lets them be detected.
  void dial(std::string_view keys) {
    lift();
    advance(milliseconds(300));
    phone.press_keys(keys);
    advance(milliseconds(200 * static_cast<int>(keys.size()) + 100));
  }
  // A call placed by dialling 1234 and answered by the far end: id 100.
  void talking() {
    dial("1234");
    ASSERT_EQ(telephony.last(), "place 1234");
    controller.on_call_answered(100, now);
    advance(milliseconds(50));
    ASSERT_EQ(controller.state(), LineState::kTalking);
  }
};

}  // namespace tipring::pots::test
