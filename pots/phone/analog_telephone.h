// AnalogTelephone: the emulated telephone on the far side of the line — hook switch, DTMF
// keypad, rotary dial with real pulse timing on the loop, a ringer that answers to ring
// voltage, and a caller-ID display that decodes what it hears itself: FSK on hook
// (GR-30-CORE type 1, EN 300 659-1 after a ring or after a line reversal, DT-AS or RP-AS
// alert), DTMF caller ID, and type 2 off hook (answering the CAS with the ACK digit 'D'
// while muting the handset). It also notices the loop current dropping (an open-loop
// disconnect). Sans-IO: the loop goes out through a callback, the clock and audio come in.
#pragma once

#include "pots/caller_id/alert_tone_detector.h"
#include "pots/caller_id/caller_id_receiver.h"
#include "pots/dtmf/dtmf_detector.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/line/line.h"

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::pots {

struct TelephoneSettings {
  double pulses_per_second = 10.0;
  double break_ratio = 0.6;           // 60/40; 0.66 for 66/33
  Duration interdigit_pause = 600ms;  // rotary dials give 500-700 ms
  Duration flash_length = 500ms;      // the flash button's timed break
  DtmfToneSettings keypad;
  FskStandard caller_id_standard = kBell202;  // kV23 for an EN 300 659 display
  double ringer_threshold_vrms = 40.0;
  // A ring burst no longer than this is the RP-AS (EN 300 659-1: 200-300 ms), not a ring.
  Duration ring_pulse_max = 350ms;
};

// What announced the caller-ID data the display last woke up for.
enum class CallerIdAlert { kLineReversal, kDualTone, kRingPulse };

class AnalogTelephone {
public:
  using LoopOutput = std::function<void(bool closed, TimePoint at)>;

  explicit AnalogTelephone(LoopOutput loop, TelephoneSettings settings = {});

  void lift_handset(TimePoint now);
  void hang_up(TimePoint now);
  void press_flash(TimePoint now);
  void press_keys(std::string_view keys);
  // Queues rotary digits; the loop breaks follow from on_timer calls at next_deadline().
  void dial_rotary(std::string_view digits, TimePoint now);

  void on_line_voltage(const LineVoltage& voltage, TimePoint now);
  void receive_from_line(Samples audio, TimePoint now);
  // Audio to the line: keypad tones and the handset microphone (muted for type 2 data).
  void render_to_line(Samples microphone, MutableSamples out);

  void on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

  [[nodiscard]] bool off_hook() const { return off_hook_; }
  // Loop current flows: off-hook on a line with battery (not during an open-loop disconnect).
  [[nodiscard]] bool loop_current() const { return off_hook_ && battery_; }
  // How often the loop current dropped while off-hook (the exchange's disconnect signal).
  [[nodiscard]] int loop_current_drops() const { return loop_current_drops_; }
  [[nodiscard]] const std::optional<CallerIdAlert>& last_alert() const { return last_alert_; }
  [[nodiscard]] bool ringing() const { return ring_on_; }
  [[nodiscard]] int rings() const { return rings_; }
  [[nodiscard]] bool handset_muted() const { return muted_; }
  // What the caller-ID display shows (the last message decoded correctly).
  [[nodiscard]] const std::optional<CallerId>& display() const { return display_; }
  [[nodiscard]] int caller_id_errors() const { return caller_id_errors_; }

private:
  void set_loop(bool closed, TimePoint at);
  void receive_dtmf_caller_id(Samples audio);
  void show(const CallerId& caller, TimePoint now);

  LoopOutput loop_;
  TelephoneSettings settings_;
  bool off_hook_ = false;
  bool ring_on_ = false;
  TimePoint ring_on_since_{};
  int rings_ = 0;
  bool battery_ = true;
  bool reversed_ = false;
  int loop_current_drops_ = 0;
  std::optional<CallerIdAlert> last_alert_;
  bool muted_ = false;
  std::optional<TimePoint> unmute_at_;
  struct LoopChange {
    TimePoint at;
    bool closed;
  };
  std::deque<LoopChange> schedule_;  // rotary pulses and flash, in time order
  DtmfGenerator keypad_;
  CallerIdReceiver on_hook_display_;
  CallerIdReceiver off_hook_display_;
  AlertToneDetector cas_;
  AlertToneDetector dt_as_;
  DtmfDetector clip_detector_;  // DTMF caller ID, on hook
  std::vector<DtmfDigit> clip_digits_;
  std::string clip_keys_;
  std::vector<CallerIdMessage> messages_;
  std::vector<AlertTone> alerts_;
  std::optional<CallerId> display_;
  int caller_id_errors_ = 0;
};

}  // namespace tipring::pots
