// generate_line_audio: a line recording built from steps — silence, a tone plan's signal,
// DTMF keys, FSK caller-ID bursts, DTMF caller ID and alerting tones — with the same
// generators the live line uses. The core of `tipring-cli line-generate`.
#pragma once

#include "pots/caller_id/caller_id_message.h"
#include "pots/caller_id/caller_id_transmitter.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/tones/tone_plan.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace tipring::pots {

struct GenerateSilence {
  double ms;
};
struct GenerateTone {
  ProgressTone tone;
  double ms;
};
struct GenerateDtmf {
  std::string keys;
  DtmfToneSettings settings;
};
struct GenerateCallerId {
  CallerId id;
  CallerIdFormat format = CallerIdFormat::kMdmf;
  FskBurstSettings burst = kType1Burst;
};
struct GenerateDtmfCallerId {
  CallerId id;
};
struct GenerateAlert {
  double ms = 80.0;  // CAS 80 ms; DT-AS about 100 ms
};

using GenerateStep = std::variant<GenerateSilence, GenerateTone, GenerateDtmf, GenerateCallerId,
                                  GenerateDtmfCallerId, GenerateAlert>;

std::vector<std::int16_t> generate_line_audio(const std::vector<GenerateStep>& steps,
                                              const TonePlan& plan);

}  // namespace tipring::pots
