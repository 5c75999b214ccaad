// HookDecoder: what a SLIC makes of the loop's open/closed state over time — debounced
// hook switch, hook flash (an on-hook interval inside a configurable window, ATA default
// about 100-900 ms; longer is hang-up) and pulse (rotary) dialing from loop breaks
// (8-11 pulses/s, 60/40 or 66/33 break/make; a digit ends with an inter-digit pause).
// Sans-IO: loop changes and the clock go in, timestamped events come out.
#pragma once

#include "protocol/core/time.h"

#include <optional>
#include <vector>

namespace tipring::pots {

using namespace std::chrono_literals;

struct HookSettings {
  Duration debounce = 8ms;      // shorter loop changes are contact bounce
  Duration flash_min = 100ms;   // breaks shorter than this are dial pulses
  Duration flash_max = 900ms;   // breaks longer than this are hang-ups
  Duration interdigit = 150ms;  // a make this long ends a pulsed digit
};

struct HookEvent {
  enum class Kind { kOffHook, kOnHook, kFlash, kPulseDigit };
  Kind kind;
  TimePoint at;  // when the decoder knew (after debounce and the timers that decide)
  char digit = 0;
  friend bool operator==(const HookEvent&, const HookEvent&) = default;
};

class HookDecoder {
public:
  explicit HookDecoder(HookSettings settings = {});

  // The loop as the line sees it now (closed = current flows).
  void on_loop(bool closed, TimePoint now);
  void on_timer(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  std::vector<HookEvent> take_events();
  // Moves the pending events into `out` (cleared first); no allocation while `out` has room.
  void take_events(std::vector<HookEvent>& out);
  [[nodiscard]] bool off_hook() const { return off_hook_; }

private:
  void apply(bool closed, TimePoint at);
  void push_event(HookEvent::Kind kind, TimePoint at, char digit = 0);
  void flush_digit(TimePoint at);

  HookSettings settings_;
  bool raw_ = false;
  bool debounced_ = false;
  bool off_hook_ = false;
  TimePoint raw_since_{};
  std::optional<TimePoint> debounce_deadline_;
  std::optional<TimePoint> hangup_deadline_;
  std::optional<TimePoint> interdigit_deadline_;
  TimePoint break_start_{};
  int pulses_ = 0;
  std::vector<HookEvent> events_;
};

}  // namespace tipring::pots
