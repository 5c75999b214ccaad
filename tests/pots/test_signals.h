// Signals for the pots tests: silence, white noise at a chosen level, speech from espeak-ng
// resampled to 8 kHz, and concatenation. Seeded so every run sees the same samples.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tipring::pots::test {

using Buffer = std::vector<std::int16_t>;

Buffer silence_ms(double ms);
Buffer concat(std::initializer_list<Buffer> parts);
// Adds Gaussian white noise with total power `noise_dbm0` (0-4 kHz).
void add_noise(Buffer& signal, double noise_dbm0, std::uint32_t seed);
// Scales by `gain_db`.
void apply_gain(Buffer& signal, double gain_db);
// Sum of sines (frequency, dBm0) for `ms` milliseconds.
Buffer tones(std::initializer_list<std::pair<double, double>> components, double ms);
// Band-limited resampling (windowed sinc) from `from_hz` to 8 kHz.
Buffer resample_to_8k(const Buffer& input, int from_hz);
// `text` spoken by espeak-ng with `voice`, at 8 kHz; nullopt if espeak-ng cannot run.
std::optional<Buffer> speech(const std::string& text, const std::string& voice);

}  // namespace tipring::pots::test
