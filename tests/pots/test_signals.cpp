#include "test_signals.h"

#include "pots/analysis/wav_file.h"
#include "pots/dsp/signal.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <random>

#include <unistd.h>

namespace tipring::pots::test {

Buffer silence_ms(double ms) {
  return Buffer(static_cast<std::size_t>(samples_from_ms(ms)), 0);
}

Buffer concat(std::initializer_list<Buffer> parts) {
  Buffer out;
  for (const auto& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

void add_noise(Buffer& signal, double noise_dbm0, std::uint32_t seed) {
  std::mt19937 rng(seed);
  // Mean square of a sine at L dBm0 is A^2/2; Gaussian noise of that power has sigma A/sqrt2.
  const double sigma = dbm0_to_amplitude(noise_dbm0) / std::numbers::sqrt2;
  std::normal_distribution<double> noise(0.0, sigma);
  for (auto& s : signal) {
    s = saturate(s + noise(rng));
  }
}

void apply_gain(Buffer& signal, double gain_db) {
  const double gain = std::pow(10.0, gain_db / 20.0);
  for (auto& s : signal) {
    s = saturate(s * gain);
  }
}

Buffer tones(std::initializer_list<std::pair<double, double>> components, double ms) {
  Buffer out(static_cast<std::size_t>(samples_from_ms(ms)));
  std::vector<Oscillator> oscillators;
  for (const auto& [hz, dbm0] : components) {
    oscillators.emplace_back(hz, dbm0_to_amplitude(dbm0));
  }
  for (auto& s : out) {
    double v = 0.0;
    for (auto& o : oscillators) {
      v += o.next();
    }
    s = saturate(v);
  }
  return out;
}

Buffer resample_to_8k(const Buffer& input, int from_hz) {
  const double ratio = static_cast<double>(from_hz) / kSampleRateHz;
  const double cutoff = 3600.0 / from_hz;  // normalised to the input rate
  constexpr int kHalfTaps = 32;
  const auto count = static_cast<std::size_t>(static_cast<double>(input.size()) / ratio);
  Buffer out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double centre = static_cast<double>(i) * ratio;
    const auto base = static_cast<long>(centre);
    double acc = 0.0;
    for (long k = base - kHalfTaps; k <= base + kHalfTaps; ++k) {
      if (k < 0 || k >= static_cast<long>(input.size())) {
        continue;
      }
      const double t = static_cast<double>(k) - centre;
      const double x = 2.0 * cutoff * t;
      const double sinc =
          std::abs(x) < 1e-9 ? 1.0 : std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
      const double hann = 0.5 + 0.5 * std::cos(std::numbers::pi * t / (kHalfTaps + 1));
      acc += input[static_cast<std::size_t>(k)] * 2.0 * cutoff * sinc * hann;
    }
    out[i] = saturate(acc);
  }
  return out;
}

std::optional<Buffer> speech(const std::string& text, const std::string& voice) {
  static int counter = 0;
  const auto path = std::filesystem::temp_directory_path() /
                    ("tipring-pots-speech-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++) + ".wav");
  const std::string command =
      "espeak-ng -v " + voice + " -w '" + path.string() + "' \"" + text + "\" >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    return std::nullopt;
  }
  auto wav = read_wav(path);
  std::filesystem::remove(path);
  if (!wav) {
    return std::nullopt;
  }
  return resample_to_8k(first_channel(*wav), wav->sample_rate_hz);
}

}  // namespace tipring::pots::test
