// DtmfDetector: finds DTMF keys in line audio per ITU-T Q.24. Each 12.75 ms window (hop
// 6.375 ms) is correlated with the eight Q.23 frequencies and their second harmonics; the
// phase advance between overlapping windows measures each tone's frequency to a few hertz,
// so deviation is judged on the frequency itself (accept +-1.5 %, reject beyond +-3.5 %)
// rather than on how a wide bin happens to attenuate it. A key is reported once it has
// been present for 4 consecutive windows (all tones of 40 ms or more; none under 23 ms).
#pragma once

#include "pots/dsp/signal.h"
#include "pots/dsp/tone_correlator.h"

#include <array>
#include <complex>
#include <cstdint>
#include <optional>
#include <vector>

namespace tipring::pots {

struct DtmfDetectorSettings {
  // Deviation from the nominal frequency at which a tone stops counting (Q.24: must accept
  // 1.5 %, must reject 3.5 %; the decision sits between them).
  double frequency_tolerance = 0.025;
  // How far the high tone may be above the low one ("normal" twist, Q.24 asks for +4 dB)
  // and below it ("reverse", -8 dB), with a margin for measurement noise.
  double normal_twist_db = 6.0;
  double reverse_twist_db = 10.0;
  // Quietest tone accepted (Q.24: down to about -25 dBm0 per tone).
  double min_level_dbm0 = -30.0;
  // Talk-off guards: the two tones must carry this share of the window's energy, each
  // other tone of a group must stay this far below the group's peak, and neither tone may
  // have a second harmonic stronger than this relative to itself (speech and instruments
  // do; a keypad does not).
  double min_energy_ratio = 0.8;
  double max_in_group_db = -12.0;
  double max_second_harmonic_db = -15.0;
};

struct DtmfDigit {
  char key;
  // First sample (on the detector's own sample count) of the window that found the tone.
  std::int64_t start_sample;
};

class DtmfDetector {
public:
  static constexpr std::size_t kWindow = 102;
  static constexpr std::size_t kHop = 51;
  static constexpr int kOnWindows = 4;
  static constexpr int kOffWindows = 3;
  // How long after a tone's first sample the first window that recognises it can end: one
  // window plus one hop (a tone that starts just after a window began is seen whole only by
  // the window after that one). What an in-band path must lag to blank a tone from its start.
  static constexpr std::size_t kDecisionLatency = kWindow + kHop;

  // A stretch of input, on the detector's sample count: [begin, end).
  struct ToneSpan {
    std::int64_t begin;
    std::int64_t end;
  };

  explicit DtmfDetector(DtmfDetectorSettings settings = {});

  // Consumes `in`; appends each newly recognised key to `out`. Real-time safe: no
  // allocation, lock or log, provided `out` has spare capacity (reserve it once; a 20 ms
  // block holds at most one new key).
  void process(Samples in, std::vector<DtmfDigit>& out);
  // The key being received now, or '\0'.
  [[nodiscard]] char current_key() const { return current_; }
  // Where the latest keypad tone may lie: from one hop before the first window that saw a
  // key (the tone can have begun that early, too little of it in the window before to be
  // recognised) to the end of the latest window that still saw one. A window that sees a key
  // after fewer than kOffWindows missed windows extends the span; a later one starts a new
  // span. Set from the first window, before the key is long enough to report.
  [[nodiscard]] std::optional<ToneSpan> key_tone() const { return key_tone_; }
  [[nodiscard]] std::int64_t samples_consumed() const { return consumed_; }

private:
  char classify_window();
  void track(char key, std::vector<DtmfDigit>& out);

  DtmfDetectorSettings settings_;
  std::vector<ToneCorrelator> tones_;      // 4 low then 4 high
  std::vector<ToneCorrelator> harmonics_;  // their second harmonics
  std::array<float, kWindow> window_{};
  std::array<std::complex<double>, 8> previous_{};
  std::size_t filled_ = kWindow - kHop;
  std::int64_t consumed_ = 0;

  char run_key_ = 0;
  int run_length_ = 0;
  std::int64_t run_start_ = 0;
  char current_ = 0;
  int misses_ = 0;
  std::optional<ToneSpan> key_tone_;
};

}  // namespace tipring::pots
