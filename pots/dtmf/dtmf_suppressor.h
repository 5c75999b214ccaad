// DtmfSuppressor: DTMF detection on an audio path whose digits travel as RFC 4733
// telephone-events, with the detected tones kept out of the audio itself so the far end
// does not receive each digit twice (in-band DTMF suppression, as gateways do).
// The path runs one detector decision latency late, so a tone is blanked from its first
// sample even though the detector needs most of a window to recognise it.
#pragma once

#include "pots/dtmf/dtmf_detector.h"

#include <array>
#include <cstdint>
#include <vector>

namespace tipring::pots {

class DtmfSuppressor {
public:
  // How late the output runs with blanking on: the detector's decision latency (one window
  // plus one hop, 153 samples = 19.125 ms at 8 kHz).
  static constexpr std::size_t kDelay = DtmfDetector::kDecisionLatency;
  // Blanking holds this long after the last window that saw the key: the detector's own
  // release time, so a tone's tail (seen only by windows too partial to recognise it) and
  // a window missed mid-tone stay blanked too.
  static constexpr std::size_t kHang = DtmfDetector::kOffWindows * DtmfDetector::kHop;

  // `delayed` false: the output is the input as it came (nothing can be blanked then).
  explicit DtmfSuppressor(bool delayed, DtmfDetectorSettings settings = {});

  // Consumes `in`, appending newly recognised keys to `digits` (as DtmfDetector::process),
  // and writes as many samples to `out` (or nothing, if `out` is empty): the input delay()
  // samples late, with every keypad tone blanked while `blank` is true. Real-time safe: no
  // allocation, lock or log (provided `digits` has spare capacity).
  void process(Samples in, MutableSamples out, bool blank, std::vector<DtmfDigit>& digits);
  // As process() on `count` samples of silence (a line with no transmitter on it).
  void process_silence(std::size_t count, MutableSamples out, std::vector<DtmfDigit>& digits);

  [[nodiscard]] std::size_t delay() const { return delay_; }
  [[nodiscard]] const DtmfDetector& detector() const { return detector_; }

private:
  // Input is taken in chunks of at most this many samples, so the delay line has a fixed size.
  static constexpr std::size_t kChunk = 160;
  static constexpr std::size_t kRing = kDelay + kChunk;

  struct Span {
    std::int64_t begin = 0;
    std::int64_t end = 0;  // exclusive
  };

  void process_chunk(Samples in, MutableSamples out, bool blank, std::vector<DtmfDigit>& digits);
  void blank_tones(std::int64_t unsent, std::int64_t written);
  void blank(std::int64_t from, std::int64_t to);

  DtmfDetector detector_;
  std::size_t delay_;
  // The input by the detector's sample count: sample n sits at n % kRing.
  std::array<std::int16_t, kRing> ring_{};
  Span blanked_;  // the stretch that is (or is still to be) blanked
  static constexpr std::array<std::int16_t, kChunk> kSilence{};
};

}  // namespace tipring::pots
