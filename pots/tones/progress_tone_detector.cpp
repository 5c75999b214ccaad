#include "pots/tones/progress_tone_detector.h"

#include <algorithm>
#include <cmath>

namespace tipring::pots {
namespace {

constexpr double kSilenceDbm0 = -45.0;
constexpr double kMinScore = 0.6;      // share of the window's power in the set's tones
constexpr double kQuietBelowDb = 6.0;  // "quiet" segments (AU congestion) are this far down
constexpr int kDebounceFrames = 3;
constexpr std::size_t kRunsKept = 16;
constexpr double kMinContinuousMs = 1000.0;

double tolerance_ms(double expected_ms) {
  return std::max(40.0, 0.12 * expected_ms);
}

// A window counts as "on" from the first sample it shares with a tone to the last, so
// measured on-runs are longer than the tone by about a window minus a hop.
constexpr double kEdgeSpreadMs =
    1000.0 * static_cast<double>(ProgressToneDetector::kWindow - ProgressToneDetector::kHop) /
    kSampleRateHz;

std::size_t frequency_index(std::vector<double>& frequencies, double hz) {
  for (std::size_t i = 0; i < frequencies.size(); ++i) {
    if (std::abs(frequencies[i] - hz) < 0.5) {
      return i;
    }
  }
  frequencies.push_back(hz);
  return frequencies.size() - 1;
}

std::size_t set_index(std::vector<std::vector<std::size_t>>& sets, std::vector<std::size_t> set) {
  std::sort(set.begin(), set.end());
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (sets[i] == set) {
      return i;
    }
  }
  sets.push_back(std::move(set));
  return sets.size() - 1;
}

double segment_level(const ToneSegment& segment) {
  // The level of the loudest component stands for the segment.
  double level = -200.0;
  for (const auto& c : segment.components) {
    level = std::max(level, c.level_dbm0);
  }
  return level;
}

}  // namespace

ProgressToneDetector::ProgressToneDetector(const TonePlan& plan) : window_(kWindow, 0.0F) {
  std::vector<double> frequencies;
  struct Labelled {
    std::size_t set;
    double level;
  };
  auto describe = [&](const ToneSegment& segment) {
    std::vector<std::size_t> set;
    for (const auto& c : segment.components) {
      set.push_back(frequency_index(frequencies, c.frequency_hz));
    }
    return Labelled{set_index(sets_, std::move(set)), segment_level(segment)};
  };
  // Each signal's first phase as a cycle of labelled, merged steps. A segment is "quiet"
  // when the segment before it (cyclically) plays the same set at least 6 dB louder.
  for (std::size_t t = 0; t < kProgressToneCount; ++t) {
    const auto& signal = plan.signal(static_cast<ProgressTone>(t));
    if (signal.empty()) {
      continue;
    }
    const auto& segments = signal.phases.front().segments;
    std::vector<Labelled> described;
    described.reserve(segments.size());
    for (const auto& segment : segments) {
      described.push_back(segment.components.empty() ? Labelled{0, -200.0} : describe(segment));
    }
    Pattern pattern{static_cast<ProgressTone>(t), {}, false};
    for (std::size_t i = 0; i < segments.size(); ++i) {
      int label = kSilence;
      if (!segments[i].components.empty()) {
        const std::size_t before = (i + segments.size() - 1) % segments.size();
        const bool quiet = !segments[before].components.empty() &&
                           described[before].set == described[i].set &&
                           described[i].level < described[before].level - kQuietBelowDb;
        label = static_cast<int>(2 * described[i].set) + (quiet ? 1 : 0);
      }
      if (!pattern.steps.empty() && pattern.steps.back().label == label) {
        pattern.steps.back().duration_ms += segments[i].duration_ms;
      } else {
        pattern.steps.push_back({label, segments[i].duration_ms});
      }
    }
    pattern.continuous = pattern.steps.size() == 1 && pattern.steps.front().label >= 0;
    patterns_.push_back(std::move(pattern));
  }
  for (double hz : frequencies) {
    correlators_.emplace_back(hz, kWindow);
  }
  // Sized once here: process() runs on the audio path and must not allocate.
  power_.resize(correlators_.size());
  runs_.reserve(kRunsKept + 1);
}

void ProgressToneDetector::process(Samples in, std::vector<ProgressToneEvent>& out) {
  for (std::int16_t sample : in) {
    window_[filled_++] = static_cast<float>(sample);
    ++consumed_;
    if (filled_ == kWindow) {
      on_label(label_window(), out);
      std::copy(window_.begin() + kHop, window_.end(), window_.begin());
      filled_ = kWindow - kHop;
    }
  }
}

int ProgressToneDetector::label_window() {
  double energy = 0.0;
  for (float v : window_) {
    energy += static_cast<double>(v) * v;
  }
  const double mean_square = energy / kWindow;
  const double level = power_to_dbm0(mean_square);
  if (level < kSilenceDbm0) {
    loud_set_ = kSilence;
    return kSilence;
  }
  auto& power = power_;
  for (std::size_t i = 0; i < correlators_.size(); ++i) {
    // Mean square of a sine whose correlation over N samples is C: 2|C|^2 / N^2.
    power[i] = 2.0 * std::norm(correlators_[i].correlate(window_)) / (kWindow * kWindow);
  }
  int best = kOther;
  double best_score = 0.0;
  std::size_t best_size = 0;
  for (std::size_t s = 0; s < sets_.size(); ++s) {
    double sum = 0.0;
    for (std::size_t f : sets_[s]) {
      sum += power[f];
    }
    bool all_present = true;
    for (std::size_t f : sets_[s]) {
      all_present = all_present && power[f] >= 0.2 * sum / static_cast<double>(sets_[s].size());
    }
    const double score = sum / mean_square;
    const bool better =
        score > best_score + 0.05 || (score > best_score - 0.05 && sets_[s].size() > best_size);
    if (all_present && score >= kMinScore && better) {
      best = static_cast<int>(s);
      best_score = score;
      best_size = sets_[s].size();
    }
  }
  if (best < 0) {
    loud_set_ = kSilence;
    return kOther;
  }
  // Quiet relative to the loud run of the same set just before (AU congestion alternates
  // levels); a silence in between starts afresh.
  if (best != loud_set_ || level > loud_level_dbm0_ - kQuietBelowDb) {
    if (best != loud_set_ || level > loud_level_dbm0_) {
      loud_level_dbm0_ = level;
    }
    loud_set_ = best;
    return 2 * best;
  }
  return 2 * best + 1;
}

void ProgressToneDetector::on_label(int label, std::vector<ProgressToneEvent>& out) {
  const double frame_ms = 1000.0 * kHop / kSampleRateHz;
  const std::int64_t frame_start = consumed_ - static_cast<std::int64_t>(kWindow);
  if (label == open_.label) {
    open_.duration_ms += frame_ms * (1 + pending_frames_);
    pending_frames_ = 0;
  } else if (pending_frames_ > 0 && label == pending_label_) {
    if (++pending_frames_ >= kDebounceFrames) {
      runs_.push_back(open_);
      if (runs_.size() > kRunsKept) {
        runs_.erase(runs_.begin());
      }
      const auto back = static_cast<std::int64_t>(kHop) * (pending_frames_ - 1);
      open_ = Run{label, frame_ms * pending_frames_, frame_start - back, true};
      pending_frames_ = 0;
    }
  } else {
    // A glitch so far: count it in the open run until it persists.
    open_.duration_ms += frame_ms * pending_frames_;
    pending_label_ = label;
    pending_frames_ = 1;
  }
  evaluate(out);
}

std::optional<std::int64_t> ProgressToneDetector::matches(const Pattern& pattern) const {
  // Tone runs next to silence look longer by the edge spread, silences shorter; a quiet run
  // sits between loud runs of the same tone, where no window straddles a silence.
  auto corrected = [](const Run& run) {
    if (run.label < 0) {
      return run.duration_ms + kEdgeSpreadMs;
    }
    return run.label % 2 == 1 ? run.duration_ms : run.duration_ms - kEdgeSpreadMs;
  };
  const auto start_of = [](const Run& run) {
    return run.label >= 0 ? run.start_sample + static_cast<std::int64_t>(kWindow - kHop)
                          : run.start_sample;
  };
  if (pattern.continuous) {
    const auto& step = pattern.steps.front();
    double longest_other = 0.0;
    for (const auto& other : patterns_) {
      if (&other == &pattern) {
        continue;
      }
      for (const auto& s : other.steps) {
        if (s.label == step.label) {
          longest_other = std::max(longest_other, s.duration_ms);
        }
      }
    }
    const double needed = std::max(kMinContinuousMs, longest_other + 300.0);
    if (open_.label == step.label && corrected(open_) >= needed) {
      return start_of(open_);
    }
    return std::nullopt;
  }
  const std::size_t m = pattern.steps.size();
  const std::size_t needed = std::max<std::size_t>(m, 4);
  for (std::size_t j = 0; j < m; ++j) {
    const auto& step = pattern.steps[j];
    if (open_.label != step.label ||
        corrected(open_) > step.duration_ms + tolerance_ms(step.duration_ms)) {
      continue;
    }
    std::size_t matched = 0;
    std::size_t k = j;
    auto run = runs_.rbegin();
    for (; run != runs_.rend() && matched < needed; ++run) {
      k = (k + m - 1) % m;
      const auto& expected = pattern.steps[k];
      if (!run->bounded || run->label != expected.label ||
          std::abs(corrected(*run) - expected.duration_ms) > tolerance_ms(expected.duration_ms)) {
        break;
      }
      ++matched;
    }
    if (matched >= needed) {
      return start_of(*std::prev(run));
    }
  }
  return std::nullopt;
}

void ProgressToneDetector::evaluate(std::vector<ProgressToneEvent>& out) {
  std::optional<ProgressToneEvent> best;
  for (const auto& pattern : patterns_) {
    if (const auto start = matches(pattern)) {
      if (!best || *start < best->start_sample) {
        best = ProgressToneEvent{pattern.tone, std::max<std::int64_t>(*start, 0)};
      }
    }
  }
  if (!best) {
    current_.reset();
    return;
  }
  if (current_ != best->tone) {
    current_ = best->tone;
    out.push_back(*best);
  }
}

}  // namespace tipring::pots
