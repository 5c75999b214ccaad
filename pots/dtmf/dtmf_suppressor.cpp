#include "pots/dtmf/dtmf_suppressor.h"

#include <algorithm>

namespace tipring::pots {

DtmfSuppressor::DtmfSuppressor(bool delayed, DtmfDetectorSettings settings)
    : detector_(settings), delay_(delayed ? kDelay : 0) {}

void DtmfSuppressor::process(Samples in, MutableSamples out, bool blank,
                             std::vector<DtmfDigit>& digits) {
  for (std::size_t at = 0; at < in.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, in.size() - at);
    process_chunk(in.subspan(at, n), out.empty() ? out : out.subspan(at, n), blank, digits);
  }
}

void DtmfSuppressor::process_silence(std::size_t count, MutableSamples out,
                                     std::vector<DtmfDigit>& digits) {
  for (std::size_t at = 0; at < count; at += kChunk) {
    const std::size_t n = std::min(kChunk, count - at);
    process_chunk(Samples(kSilence).first(n), out.empty() ? out : out.subspan(at, n), false,
                  digits);
  }
}

void DtmfSuppressor::process_chunk(Samples in, MutableSamples out, bool blank,
                                   std::vector<DtmfDigit>& digits) {
  const std::int64_t first = detector_.samples_consumed();
  for (std::size_t i = 0; i < in.size(); ++i) {
    ring_[static_cast<std::size_t>(first + static_cast<std::int64_t>(i)) % kRing] = in[i];
  }
  detector_.process(in, digits);
  const auto delay = static_cast<std::int64_t>(delay_);
  if (blank) {
    blank_tones(first - delay, detector_.samples_consumed());
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t n = first + static_cast<std::int64_t>(i) - delay;
    out[i] = n < 0 ? std::int16_t{0} : ring_[static_cast<std::size_t>(n) % kRing];
  }
}

// Blanks what the ring holds of [unsent, written) that may carry a keypad tone: samples
// before `unsent` are out already. The detector sees a tone at most kDelay samples after
// its start, so with the delay on nothing of it has left yet when it is first seen.
void DtmfSuppressor::blank_tones(std::int64_t unsent, std::int64_t written) {
  // First the hang of what was blanked before, as far as this chunk reaches.
  blank(std::max(blanked_.begin, unsent), std::min(blanked_.end, written));
  const auto tone = detector_.key_tone();
  if (!tone) {
    return;
  }
  const std::int64_t until = tone->end + static_cast<std::int64_t>(kHang);
  if (tone->begin <= blanked_.end) {
    blanked_.begin = std::min(blanked_.begin, tone->begin);
    blanked_.end = std::max(blanked_.end, until);
  } else {
    blanked_ = Span{tone->begin, until};
  }
  blank(std::max(blanked_.begin, unsent), std::min(blanked_.end, written));
}

void DtmfSuppressor::blank(std::int64_t from, std::int64_t to) {
  for (std::int64_t n = std::max<std::int64_t>(from, 0); n < to; ++n) {
    ring_[static_cast<std::size_t>(n) % kRing] = 0;
  }
}

}  // namespace tipring::pots
