#include "pots/analysis/line_generation.h"

#include "pots/caller_id/dtmf_caller_id.h"
#include "pots/tones/tone_player.h"

namespace tipring::pots {
namespace {

void append(std::vector<std::int16_t>& out, const std::vector<std::int16_t>& part) {
  out.insert(out.end(), part.begin(), part.end());
}

}  // namespace

std::vector<std::int16_t> generate_line_audio(const std::vector<GenerateStep>& steps,
                                              const TonePlan& plan) {
  std::vector<std::int16_t> out;
  for (const auto& step : steps) {
    if (const auto* s = std::get_if<GenerateSilence>(&step)) {
      out.resize(out.size() + static_cast<std::size_t>(samples_from_ms(s->ms)), 0);
    } else if (const auto* t = std::get_if<GenerateTone>(&step)) {
      append(out, render_tone(plan.signal(t->tone), t->ms));
    } else if (const auto* d = std::get_if<GenerateDtmf>(&step)) {
      append(out, generate_dtmf(d->keys, d->settings));
    } else if (const auto* c = std::get_if<GenerateCallerId>(&step)) {
      append(out, render_fsk_burst(encode_caller_id(c->id, c->format), c->burst));
    } else if (const auto* k = std::get_if<GenerateDtmfCallerId>(&step)) {
      // Tones of 50-70 ms with equal pauses.
      DtmfToneSettings settings;
      settings.on_ms = 60.0;
      settings.off_ms = 60.0;
      append(out, generate_dtmf(encode_dtmf_caller_id(k->id), settings));
    } else if (const auto* a = std::get_if<GenerateAlert>(&step)) {
      append(out, render_tone(cas_tone(a->ms), a->ms));
    }
  }
  return out;
}

}  // namespace tipring::pots
