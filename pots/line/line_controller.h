// LineController: the logic of an analog telephone adapter (ATA) on one Line. Off-hook gives
// dial tone (stutter dial tone while a message waits), DTMF and pulse digits go through the
// dial plan (RFC 3435 §2.1.5 digit map) into a call, and during the call travel to the far
// end as RFC 4733 events while the far end's events play on the line as DTMF; an incoming
// call rings the line with the plan's cadence and on-hook caller ID in the chosen variant
// (GR-30-CORE type 1, EN 300 659-1 after the first ring / line reversal + DT-AS / RP-AS,
// DTMF), and off-hook answers it (ring trip); hook flash answers a waiting call
// (call-waiting tone + type 2 caller ID), swaps two calls or holds one for a second; the far
// end hanging up opens the loop (CPC) then gives reorder, failures give busy or reorder, an
// abandoned off-hook the howler. Sans-IO on an injected clock: the telephony side (the
// client core's calls) sits behind LineTelephony and reports back through on_call_*.
#pragma once

#include "pots/caller_id/caller_id_message.h"
#include "pots/caller_id/caller_id_transmitter.h"
#include "pots/dial_plan/dial_plan_matcher.h"
#include "pots/line/line.h"
#include "pots/line/on_hook_caller_id.h"
#include "pots/tones/tone_plan.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::pots {

using LineCallId = std::uint64_t;

// What the controller asks of the telephony side. Results come back later through
// LineController::on_call_*; none of these may call back into the controller synchronously.
class LineTelephony {
public:
  virtual ~LineTelephony() = default;
  // Places a call to the dialled number; nullopt when it cannot even be tried (reorder).
  virtual std::optional<LineCallId> place_call(const std::string& number) = 0;
  virtual void answer(LineCallId call) = 0;
  // Refuses an incoming call the line cannot take (486 Busy Here).
  virtual void reject(LineCallId call, int status) = 0;
  // Ends a call in any state (CANCEL before an answer, BYE after it).
  virtual void hang_up(LineCallId call) = 0;
  virtual void hold(LineCallId call) = 0;
  virtual void resume(LineCallId call) = 0;
  // A digit the telephone dialled during the call, for the far end (RFC 4733 telephone-event,
  // SIP INFO where the call has none). Called on the line's audio path: must not block.
  virtual void send_digit(LineCallId /*call*/, char /*key*/) {}
};

struct LineControllerSettings {
  TonePlan plan = default_tone_plan();
  // Default: RFC 3435's North American example; anything else after the T timer.
  std::string digit_map = "(911|112|*xx|[2-9]xxxxxx|1[2-9]xxxxxxxxx|011x.T|x.T)";
  DialPlanSettings dial;
  bool caller_id = true;
  CallerIdVariant caller_id_variant = CallerIdVariant::kTelcordiaType1;
  CallerIdFormat caller_id_format = CallerIdFormat::kMdmf;  // type 1 only; ETSI sends MDMF
  FskBurstSettings type1_burst = kType1Burst;
  // After the first ring (GR-30-CORE: at least 500 ms after it, ending 200 ms before the
  // second; EN 300 659-1: 500-2000 ms after it).
  Duration caller_id_delay = std::chrono::milliseconds(600);
  PreRingTimings pre_ring;  // the variants sent before ringing
  bool call_waiting = true;
  Duration call_waiting_repeat = std::chrono::seconds(10);
  // Busy, reorder or a dead dial plan for this long: the off-hook warning (howler).
  Duration off_hook_warning = std::chrono::seconds(30);
  // Answer supervision: reverse the battery while an outgoing call is answered.
  bool reverse_polarity_on_answer = false;
  // Digits dialled during a call go out as events, and their tones are blanked from the
  // in-band path, which therefore runs DtmfSuppressor::kDelay (19.125 ms) late; false leaves
  // them in-band only, undelayed, as a plain analog line would.
  bool digits_as_events = true;
  // Open-loop disconnect (CPC) when the far end hangs up, before reorder; zero for none.
  // Several hundred ms (reference/telephony.md); 800 ms is the usual ATA default.
  Duration disconnect_length = std::chrono::milliseconds(800);
};

enum class LineState {
  kIdle,        // on-hook, nothing to do
  kRinging,     // on-hook, an incoming (or recalled held) call rings the line
  kDialTone,    // off-hook, waiting for the first digit
  kDialing,     // off-hook, digits collected, the dial plan waits for more
  kCalling,     // a call was placed; the far end has not rung yet
  kRingback,    // the far end rings
  kTalking,     // a call's audio is bridged to the line
  kBusy,        // busy tone (486/600)
  kReorder,     // reorder tone (other failures, unallocated number, far end hung up)
  kHowler,      // off-hook warning after an abandoned off-hook
  kDisconnect,  // open loop (CPC) after the far end hung up; reorder follows
};
std::string_view line_state_name(LineState state);

class LineController {
public:
  LineController(LineTelephony& telephony, LineControllerSettings settings, LineSettings line = {});
  // The settings' digit map must parse; this checks it (start-up, not the signalling path).
  static Result<void> validate(const LineControllerSettings& settings);

  // The telephone side: loop changes (hook switch, rotary pulses) and line audio.
  void set_loop_closed(bool closed, TimePoint at);
  // Audio towards the telephone: `call_audio` is the connected call's (ignored when none).
  void render_to_phone(Samples call_audio, MutableSamples out);
  // Audio from the telephone, the block ending at `now` (DTMF is detected here). `to_call`
  // (as long as `phone_audio`) gets what the connected call is sent in-band: the telephone's
  // audio uplink_delay_samples() late, with every keypad tone that goes to the far end as an
  // event blanked from its first sample, so the far end does not get the digit twice.
  void receive_from_phone(Samples phone_audio, MutableSamples to_call, TimePoint now);
  void receive_from_phone(Samples phone_audio, TimePoint now) {
    receive_from_phone(phone_audio, {}, now);
  }
  // How far the in-band audio towards the call lags the telephone's: the DTMF detector's
  // decision latency with digits as events, else none.
  [[nodiscard]] std::size_t uplink_delay_samples() const { return line_.uplink_delay(); }
  [[nodiscard]] LineVoltage voltage(TimePoint now) const { return line_.voltage(now); }

  // The telephony side reports on calls.
  void on_incoming_call(LineCallId call, const CallerId& caller, TimePoint now);
  void on_call_ringing(LineCallId call, TimePoint now);  // the far end alerts (180)
  void on_call_answered(LineCallId call, TimePoint now);
  // Ended before an answer: refused (status), cancelled by the caller, or no response.
  void on_call_failed(LineCallId call, int status, TimePoint now);
  // Ended after the answer (the far end hung up).
  void on_call_ended(LineCallId call, TimePoint now);
  // A digit the far end sent (RFC 4733 event or SIP INFO): played on the line as DTMF.
  void on_call_digit(LineCallId call, char key, TimePoint now);

  void set_message_waiting(bool waiting) { message_waiting_ = waiting; }

  void on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

  [[nodiscard]] LineState state() const { return state_; }
  // The call whose audio is bridged to the line, if any.
  [[nodiscard]] std::optional<LineCallId> connected_call() const;
  [[nodiscard]] const Line& line() const { return line_; }
  // The digits the dial plan has collected in the current attempt.
  [[nodiscard]] const std::string& dialled() const { return matcher_.digits(); }
  [[nodiscard]] std::size_t call_count() const { return calls_.size(); }

private:
  struct LineCall {
    enum class Status { kOutgoing, kAlerting, kIncoming, kWaiting, kConnected, kHeld };
    LineCallId id;
    Status status;
    CallerId caller;
  };

  void process_line_events();
  void on_off_hook(TimePoint at);
  void on_on_hook(TimePoint at);
  void on_flash(TimePoint at);
  void on_digit(char key, TimePoint at);
  void on_ring_off(TimePoint at);
  void apply(const DialDecision& decision, TimePoint now);

  void give_dial_tone(TimePoint now);
  void give_signal(LineState state, ProgressTone tone, TimePoint now);
  void ring_for(LineCall& call, TimePoint now);
  void start_call_waiting(LineCall& call, TimePoint now);
  void stop_call_waiting();
  void connect(LineCall& call);
  void far_end_left_line(TimePoint now);
  void start_pre_ring(const LineCall& call, TimePoint now);
  void run_pre_ring(TimePoint now);
  void cancel_pre_ring(TimePoint now);
  [[nodiscard]] std::vector<std::uint8_t> after_ring_message(const CallerId& caller) const;
  [[nodiscard]] FskBurstSettings after_ring_burst() const;
  void hang_up_all();
  void remove(LineCallId id);
  LineCall* find(LineCallId id);
  LineCall* find(LineCall::Status status);
  void after_call_gone(TimePoint now);

  LineTelephony& telephony_;
  LineControllerSettings settings_;
  Line line_;
  DialPlanMatcher matcher_;
  LineState state_ = LineState::kIdle;
  std::vector<LineCall> calls_;  // at most two: the line's call and a waiting or held one
  bool message_waiting_ = false;
  bool off_hook_ = false;

  std::optional<LineCallId> ringing_for_;
  TimePoint ring_started_{};
  bool caller_id_sent_ = false;
  std::optional<TimePoint> caller_id_at_;
  std::optional<TimePoint> howler_at_;
  std::optional<TimePoint> reorder_at_;  // the end of an open-loop disconnect
  std::optional<PreRingPlan> pre_ring_;
  std::size_t pre_ring_next_ = 0;
  TimePoint pre_ring_started_{};
  std::optional<TimePoint> call_waiting_tone_at_;
  std::optional<CallWaitingCallerIdSender> call_waiting_id_;
  std::vector<std::int16_t> scratch_;
  std::vector<LineEvent> line_events_;  // reserved once: a digit costs no allocation
};

}  // namespace tipring::pots
