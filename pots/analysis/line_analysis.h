// analyze_line: what is on a recorded 8 kHz line — DTMF keys with start times, the active
// tone plan's call-progress tones, FSK caller-ID messages (Bell 202 and V.23), CAS/DT-AS
// alerting tones and DTMF caller ID — using the same detectors as the live line. The core of
// `tipring-cli line-analyze`, which only adds file handling and prints to_json().
#pragma once

#include "pots/caller_id/caller_id_message.h"
#include "pots/dsp/signal.h"
#include "pots/tones/tone_plan.h"

#include <string>
#include <vector>

namespace tipring::pots {

struct LineAnalysis {
  struct Digit {
    char key;
    double start_ms;
  };
  struct Tone {
    ProgressTone tone;
    double start_ms;
  };
  struct CallerIdBurst {
    double start_ms;
    std::vector<std::uint8_t> bytes;
    Result<CallerId> decoded;
  };
  struct Alert {
    double start_ms;
    double duration_ms;
  };
  struct DtmfCallerId {
    double start_ms;
    std::string keys;
    Result<CallerId> decoded;
  };
  std::vector<Digit> digits;
  std::vector<Tone> tones;
  std::vector<CallerIdBurst> caller_ids;
  std::vector<Alert> alerts;
  std::vector<DtmfCallerId> dtmf_caller_ids;
};

LineAnalysis analyze_line(Samples samples, const TonePlan& plan);

// The analysis as one JSON object (stable field names, times in milliseconds).
std::string to_json(const LineAnalysis& analysis, const TonePlan& plan);

}  // namespace tipring::pots
