// Line: the simulated subscriber line interface (SLIC) — the "tip and ring emulation
// circuit". It applies battery (or reverses it, or opens the loop for a disconnect), rings
// with a national cadence and trips the ringing when the telephone answers (during a burst
// or a silent interval), decodes the loop (hook, flash, pulse digits) and DTMF from the
// telephone's audio (blanking keypad tones from what goes on to the call when asked), and
// mixes generated signals (tones, caller ID) with call audio on the 8 kHz path towards the
// telephone. Sans-IO on an injected clock.
#pragma once

#include "pots/dsp/signal.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/dtmf/dtmf_suppressor.h"
#include "pots/line/hook_decoder.h"
#include "pots/tones/tone_plan.h"
#include "pots/tones/tone_player.h"

#include <array>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

namespace tipring::pots {

struct LineSettings {
  HookSettings hook;
  double battery_volts = -48.0;   // on-hook tip-ring voltage
  double loop_current_ma = 25.0;  // off-hook (detected above ~10 mA)
  double ring_volts_rms = 90.0;   // NA; about 75 V elsewhere
  // How digits from the far end (RFC 4733 events) sound on the line: a keypad's tones.
  DtmfToneSettings far_end_digits;
  // The audio towards the call runs DtmfSuppressor::kDelay late, so that keypad tones can be
  // blanked from their first sample (digits that travel as events); false: undelayed, and
  // nothing can be blanked.
  bool delay_uplink_for_dtmf = true;
};

struct LineEvent {
  enum class Kind { kOffHook, kOnHook, kFlash, kDigit, kRingOn, kRingOff };
  Kind kind;
  TimePoint at;
  char digit = 0;
  bool pulse = false;         // kDigit: from loop breaks (rotary) rather than DTMF
  bool ring_trip = false;     // kOffHook: answered while ringing
  bool during_burst = false;  // ...and the ring voltage was on at that moment
};

// What the telephone sees across tip and ring.
struct LineVoltage {
  double dc_volts;        // battery; sign flips on reversal; 0 while disconnected
  double ring_volts_rms;  // 0 when no ring burst is on
  double ring_hz;
};

class Line {
public:
  explicit Line(LineSettings settings = {});

  // Telephone side: the loop state (hook switch, rotary contacts).
  void set_loop_closed(bool closed, TimePoint now);
  [[nodiscard]] LineVoltage voltage(TimePoint now) const;
  [[nodiscard]] double loop_current_ma() const;

  // Office side.
  void start_ringing(const RingCadence& cadence, TimePoint now);
  void stop_ringing(TimePoint now);
  [[nodiscard]] bool ringing() const { return ring_.has_value(); }
  void set_polarity_reversed(bool reversed) { reversed_ = reversed; }
  [[nodiscard]] bool polarity_reversed() const { return reversed_; }
  // Open-loop disconnect (CPC): no battery for `length`; hook changes are not seen then.
  void disconnect_for(Duration length, TimePoint now);
  [[nodiscard]] bool disconnected() const { return disconnected_until_.has_value(); }
  void play_tone(const ToneSignal& signal) { tones_.play(signal); }
  void stop_tone() { tones_.stop(); }
  // One-shot signal samples (caller ID bursts, DTMF CLIP), played after what is queued.
  void queue_samples(std::vector<std::int16_t> samples);
  // Drops queued one-shot samples (an answer cuts a caller-ID burst off).
  void cancel_queued_samples();
  // Plays DTMF keys towards the telephone (digits the far end sent as RFC 4733 events).
  void play_digits(std::string_view keys) { far_end_digits_.queue(keys); }

  // Audio towards the telephone: call audio plus the line's own signals.
  void render_to_phone(Samples call_audio, MutableSamples out);
  // Audio from the telephone (DTMF is detected here). Block ends at `now`. `to_call` (empty,
  // or as long as `phone_audio`) gets the in-band audio for the call: the telephone's audio
  // uplink_delay() samples late (silence on hook: no transmitter), with every keypad tone
  // blanked from its first sample while `blank_digits`.
  void receive_from_phone(Samples phone_audio, MutableSamples to_call, bool blank_digits,
                          TimePoint now);
  void receive_from_phone(Samples phone_audio, TimePoint now) {
    receive_from_phone(phone_audio, {}, false, now);
  }
  // How many samples the audio towards the call lags the telephone's.
  [[nodiscard]] std::size_t uplink_delay() const { return dtmf_.delay(); }

  void on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  std::vector<LineEvent> take_events();
  // Moves the pending events into `out` (cleared first). The per-digit path allocates
  // nothing as long as `out` keeps its room (reserve it once).
  void take_events(std::vector<LineEvent>& out);
  [[nodiscard]] bool off_hook() const { return hook_.off_hook(); }

private:
  struct Ringing {
    RingCadence cadence;
    TimePoint started;
    bool on;
    double state_since_ms;  // cadence time at which `on` last changed
  };
  void collect_hook_events();

  LineSettings settings_;
  HookDecoder hook_;
  bool loop_closed_ = false;
  bool reversed_ = false;
  std::optional<TimePoint> disconnected_until_;
  std::optional<Ringing> ring_;
  TonePlayer tones_;
  std::deque<std::vector<std::int16_t>> bursts_;
  std::size_t burst_at_ = 0;
  DtmfSuppressor dtmf_;
  std::vector<DtmfDigit> dtmf_digits_;
  DtmfGenerator far_end_digits_;
  std::array<std::int16_t, 160> digit_scratch_{};
  std::vector<HookEvent> hook_events_;
  std::vector<LineEvent> events_;
};

}  // namespace tipring::pots
