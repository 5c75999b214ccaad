// ProgressToneDetector: tells which call-progress signal of a tone plan is on the line
// (dial, busy, ringback, ...), from frequency content and cadence together. Each 40 ms
// window (hop 10 ms) is labelled with the plan's frequency set it consists of (or silence,
// or something else); debounced runs of labels are matched against every signal's cadence.
// Busy and reorder share frequencies in most plans and differ only in cadence, so a
// signal is named only after enough of its cadence (a full cycle, at least four runs).
#pragma once

#include "pots/dsp/signal.h"
#include "pots/dsp/tone_correlator.h"
#include "pots/tones/tone_plan.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tipring::pots {

struct ProgressToneEvent {
  ProgressTone tone;
  std::int64_t start_sample;  // where the matched cadence began
};

class ProgressToneDetector {
public:
  static constexpr std::size_t kWindow = 320;
  static constexpr std::size_t kHop = 80;

  explicit ProgressToneDetector(const TonePlan& plan);

  // Consumes `in`; appends an event each time a (different) signal is recognised. No
  // allocation once constructed, provided `out` has spare capacity.
  void process(Samples in, std::vector<ProgressToneEvent>& out);
  [[nodiscard]] std::optional<ProgressTone> current() const { return current_; }

  // A frame or run label: a frequency set of the plan (index), quiet or not, or these.
  static constexpr int kSilence = -1;
  static constexpr int kOther = -2;

  struct Run {
    int label;
    double duration_ms;
    std::int64_t start_sample;
    bool bounded;  // both ends seen (not the first run of the recording)
  };
  struct PatternStep {
    int label;
    double duration_ms;
  };
  struct Pattern {
    ProgressTone tone;
    std::vector<PatternStep> steps;  // one cycle, merged
    bool continuous;                 // a steady tone: one step, no end
  };

private:
  int label_window();
  void on_label(int label, std::vector<ProgressToneEvent>& out);
  void evaluate(std::vector<ProgressToneEvent>& out);
  [[nodiscard]] std::optional<std::int64_t> matches(const Pattern& pattern) const;

  std::vector<ToneCorrelator> correlators_;
  std::vector<std::vector<std::size_t>> sets_;  // frequency indices per set
  std::vector<Pattern> patterns_;
  int loud_set_ = kSilence;  // set of the latest loud frames, for "quiet" labels
  double loud_level_dbm0_ = -200.0;

  std::vector<float> window_;
  std::vector<double> power_;  // per correlator, for the current window
  std::size_t filled_ = 0;
  std::int64_t consumed_ = 0;

  std::vector<Run> runs_;  // closed runs, most recent last
  Run open_{kSilence, 0.0, 0, false};
  int pending_label_ = kSilence;
  int pending_frames_ = 0;
  std::optional<ProgressTone> current_;
};

}  // namespace tipring::pots
