// DialPlanMatcher: collects dialled digits against a digit map (RFC 3435 §2.1.5) the way an
// analog telephone adapter does, on an injected clock. It says, after each digit or timer:
// wait for more, dial this number, or give reorder. Timers follow ATA practice:
//   T  the map's own inter-digit timer (for alternatives ending in T),
//   S  short: the digits already match but a longer alternative could still follow,
//   L  long: the digits are an incomplete prefix (also the wait for the first digit).
// Emergency numbers dial at once; '#' ends dialling when what came before matches.
#pragma once

#include "pots/dial_plan/digit_map.h"
#include "protocol/core/time.h"

#include <optional>
#include <string>
#include <vector>

namespace tipring::pots {

struct DialPlanSettings {
  Duration critical_timer{std::chrono::seconds(4)};  // T
  Duration short_timer{std::chrono::seconds(4)};     // S
  Duration long_timer{std::chrono::seconds(16)};     // L
  std::vector<std::string> emergency_numbers{"911", "112"};
  bool pound_dials_now = true;
};

struct DialDecision {
  enum class Kind {
    kNeedMore,  // keep collecting; next_deadline() says when to call on_timer
    kDial,      // place the call to `number`
    kReorder,   // nothing can match: reorder tone
  };
  Kind kind;
  std::string number;
  friend bool operator==(const DialDecision&, const DialDecision&) = default;
};

class DialPlanMatcher {
public:
  DialPlanMatcher(DigitMap map, DialPlanSettings settings);

  // Dial tone is on: the wait for the first digit (L) starts now.
  void start(TimePoint now);
  DialDecision on_digit(char key, TimePoint now);
  DialDecision on_timer(TimePoint now);
  // When on_timer is due, if a timer runs.
  [[nodiscard]] std::optional<TimePoint> next_deadline() const { return deadline_; }
  [[nodiscard]] const std::string& digits() const { return digits_; }

private:
  DialDecision evaluate(TimePoint now);
  DialDecision finish(DialDecision decision);

  DigitMap map_;
  DialPlanSettings settings_;
  std::string digits_;
  std::optional<TimePoint> deadline_;
  bool dial_on_expiry_ = false;  // expiry dials digits_ (S or T) rather than reorder (L)
};

}  // namespace tipring::pots
