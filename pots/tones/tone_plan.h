// National call-progress tone plans as data (ITU-T E.180 and the national rules summarised
// in reference/telephony.md): each signal is a cadence of segments, each segment a set of
// sine components or silence. Amplitude-modulated tones (AU 425x25 Hz, JP 400x16 Hz) are
// written as their two side frequencies, which is what the modulation produces.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tipring::pots {

struct ToneComponent {
  double frequency_hz;
  double level_dbm0;
};

// One step of a cadence: these components (none = silence) for `duration_ms`.
struct ToneSegment {
  std::vector<ToneComponent> components;
  double duration_ms;
};

// A cadence repeated `repeat` times (0 = for ever); a signal is a list of them, played in
// order (stutter dial tone: ten 0.1/0.1 interruptions, then steady).
struct TonePhase {
  std::vector<ToneSegment> segments;
  int repeat = 0;
};

struct ToneSignal {
  std::vector<TonePhase> phases;
  [[nodiscard]] bool empty() const { return phases.empty(); }
};

// Ring voltage: its frequency and on/off cadence (ms, alternating on, off, on, ...).
struct RingCadence {
  double frequency_hz;
  std::vector<double> on_off_ms;
  // Whether ringing is on `elapsed_ms` after it started, and when that next changes.
  [[nodiscard]] bool on_at(double elapsed_ms) const;
  [[nodiscard]] double next_change_after(double elapsed_ms) const;
  [[nodiscard]] double cycle_ms() const;
};

enum class ProgressTone { kDial, kStutterDial, kRingback, kBusy, kReorder, kCallWaiting, kHowler };
inline constexpr std::size_t kProgressToneCount = 7;
std::string_view progress_tone_name(ProgressTone tone);

struct TonePlan {
  std::string_view code;  // "US", "UK", "DE", "FR", "JP", "AU", "ITU"
  std::string_view description;
  ToneSignal dial;
  ToneSignal stutter_dial;
  ToneSignal ringback;
  ToneSignal busy;
  ToneSignal reorder;
  ToneSignal call_waiting;
  ToneSignal howler;
  RingCadence ring;

  [[nodiscard]] const ToneSignal& signal(ProgressTone tone) const;
};

// All built-in plans, ITU-T E.180 default first.
std::span<const TonePlan> tone_plans();
// The plan for a country code (case-insensitive; "GB" is "UK", "CA" is "US").
const TonePlan* find_tone_plan(std::string_view code);
const TonePlan& default_tone_plan();

}  // namespace tipring::pots
