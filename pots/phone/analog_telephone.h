// AnalogTelephone: the emulated telephone on the far side of the line — hook switch, DTMF
// keypad, rotary dial with real pulse timing on the loop, a ringer that answers to ring
// voltage, and a caller-ID display that decodes the FSK it hears (GR-30-CORE type 1 on
// hook; type 2 off hook, answering the CAS with the ACK digit 'D' while muting the handset).
// Sans-IO: the loop goes out through a callback, the clock and line audio come in.
#pragma once

#include "pots/caller_id/alert_tone_detector.h"
#include "pots/caller_id/caller_id_receiver.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/line/line.h"

#include <deque>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace tipring::pots {

struct TelephoneSettings {
  double pulses_per_second = 10.0;
  double break_ratio = 0.6;           // 60/40; 0.66 for 66/33
  Duration interdigit_pause = 600ms;  // rotary dials give 500-700 ms
  Duration flash_length = 500ms;      // the flash button's timed break
  DtmfToneSettings keypad;
  FskStandard caller_id_standard = kBell202;
  double ringer_threshold_vrms = 40.0;
};

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
  [[nodiscard]] bool ringing() const { return ring_on_; }
  [[nodiscard]] int rings() const { return rings_; }
  [[nodiscard]] bool handset_muted() const { return muted_; }
  // What the caller-ID display shows (the last message decoded correctly).
  [[nodiscard]] const std::optional<CallerId>& display() const { return display_; }
  [[nodiscard]] int caller_id_errors() const { return caller_id_errors_; }

private:
  void set_loop(bool closed, TimePoint at);

  LoopOutput loop_;
  TelephoneSettings settings_;
  bool off_hook_ = false;
  bool ring_on_ = false;
  int rings_ = 0;
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
  std::vector<CallerIdMessage> messages_;
  std::vector<AlertTone> alerts_;
  std::optional<CallerId> display_;
  int caller_id_errors_ = 0;
};

}  // namespace tipring::pots
