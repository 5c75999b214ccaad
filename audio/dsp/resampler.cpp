#include "audio/dsp/resampler.h"

#include <algorithm>
#include <string>

#include <speex/speex_resampler.h>

namespace tipring::audio {

void SpeexResamplerDeleter::operator()(SpeexResamplerState_* state) const {
  speex_resampler_destroy(state);
}

Result<Resampler> Resampler::create(int input_rate_hz, int output_rate_hz, int quality) {
  if (input_rate_hz <= 0 || output_rate_hz <= 0) {
    return fail("resampler", "rates must be positive");
  }
  if (input_rate_hz == output_rate_hz) {
    return Resampler(nullptr, input_rate_hz, output_rate_hz);
  }
  int error = 0;
  std::unique_ptr<SpeexResamplerState_, SpeexResamplerDeleter> state(
      speex_resampler_init(1, static_cast<spx_uint32_t>(input_rate_hz),
                           static_cast<spx_uint32_t>(output_rate_hz), quality, &error));
  if (!state || error != RESAMPLER_ERR_SUCCESS) {
    return fail("resampler",
                std::string("speex_resampler_init: ") + speex_resampler_strerror(error));
  }
  speex_resampler_skip_zeros(state.get());
  return Resampler(std::move(state), input_rate_hz, output_rate_hz);
}

Resampler::Processed Resampler::process(std::span<const std::int16_t> in,
                                        std::span<std::int16_t> out) {
  if (!state_) {
    const std::size_t n = std::min(in.size(), out.size());
    std::copy_n(in.begin(), n, out.begin());
    return {n, n};
  }
  auto in_len = static_cast<spx_uint32_t>(in.size());
  auto out_len = static_cast<spx_uint32_t>(out.size());
  speex_resampler_process_int(state_.get(), 0, in.data(), &in_len, out.data(), &out_len);
  return {in_len, out_len};
}

std::size_t Resampler::output_for(std::size_t input_samples) const {
  const auto in = static_cast<std::size_t>(input_rate_);
  const auto out = static_cast<std::size_t>(output_rate_);
  return (input_samples * out + in - 1) / in + 1;
}

}  // namespace tipring::audio
