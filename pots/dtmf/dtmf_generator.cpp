#include "pots/dtmf/dtmf_generator.h"

#include "pots/dtmf/dtmf_keys.h"

namespace tipring::pots {

std::size_t DtmfGenerator::queue(std::string_view keys) {
  std::size_t queued = 0;
  for (char key : keys) {
    if (dtmf_pair(key)) {
      pending_.push_back(key);
      ++queued;
    }
  }
  return queued;
}

void DtmfGenerator::start_next_key() {
  const auto pair = dtmf_pair(pending_.front());
  pending_.pop_front();
  low_ = Oscillator(pair->low_hz * settings_.low_frequency_scale,
                    dbm0_to_amplitude(settings_.low_dbm0));
  high_ = Oscillator(pair->high_hz * settings_.high_frequency_scale,
                     dbm0_to_amplitude(settings_.high_dbm0));
  tone_left_ = samples_from_ms(settings_.on_ms);
  remaining_ = tone_left_ + samples_from_ms(settings_.off_ms);
}

void DtmfGenerator::render(MutableSamples out) {
  for (auto& sample : out) {
    if (remaining_ == 0 && !pending_.empty()) {
      start_next_key();
    }
    double value = 0.0;
    if (tone_left_ > 0) {
      value = low_.next() + high_.next();
      --tone_left_;
    }
    if (remaining_ > 0) {
      --remaining_;
    }
    sample = saturate(value);
  }
}

std::vector<std::int16_t> generate_dtmf(std::string_view keys, const DtmfToneSettings& settings) {
  DtmfGenerator generator(settings);
  const auto count = static_cast<std::int64_t>(generator.queue(keys));
  const auto length = count * (samples_from_ms(settings.on_ms) + samples_from_ms(settings.off_ms));
  std::vector<std::int16_t> out(static_cast<std::size_t>(length));
  generator.render(out);
  return out;
}

}  // namespace tipring::pots
